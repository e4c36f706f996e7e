#include <gtest/gtest.h>

#include <set>

#include "core/embedded.hpp"
#include "core/service_catalog.hpp"
#include "core/ttl_cache.hpp"

namespace cs {
namespace {

ServiceCatalog shippedCatalog() {
  auto c = ServiceCatalog::fromJson(embeddedFile("config/services.json"));
  EXPECT_TRUE(c.has_value());
  return std::move(*c);
}

TEST(ServiceCatalog, ShipsAtLeastSixtyServices) {
  EXPECT_GE(shippedCatalog().services().size(), 60u);
}

TEST(ServiceCatalog, MatchesWholeWordsAndAliases) {
  const auto c = shippedCatalog();
  auto s = c.extract("Amazon S3 and the Simple Storage Service both store things");
  EXPECT_EQ(s, std::vector<std::string>{"Amazon S3"});
  EXPECT_EQ(c.extract("Lambda is like a light switch"), std::vector<std::string>{"AWS Lambda"});
  EXPECT_EQ(c.extract("two lambdas walk into a bar"), std::vector<std::string>{"AWS Lambda"});
  EXPECT_TRUE(c.extract("an S30 is not storage").empty());
  EXPECT_TRUE(c.extract("lambdascript is not a service").empty());
  auto many = c.extract("EC2 writes to DynamoDB, behind CloudFront.");
  EXPECT_EQ(many.size(), 3u);
}

TEST(ServiceCatalog, IsCaseInsensitive) {
  EXPECT_EQ(shippedCatalog().extract("dynamodb and DYNAMODB"),
            std::vector<std::string>{"Amazon DynamoDB"});
}

TEST(ServiceCatalog, RejectsMalformedCatalog) {
  EXPECT_FALSE(ServiceCatalog::fromJson("{").has_value());
  EXPECT_FALSE(ServiceCatalog::fromJson("[{\"aliases\": []}]").has_value());
  EXPECT_FALSE(ServiceCatalog::fromJson("[{\"name\": \"X\", \"aliases\": [1]}]").has_value());
}

}  // namespace
}  // namespace cs
