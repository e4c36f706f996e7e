#include <gtest/gtest.h>

#include <set>

#include "core/ids.hpp"
#include "core/ttl_cache.hpp"

namespace cs {
namespace {

TEST(Ids, RandomIdsAreUniqueHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = randomId();
    EXPECT_EQ(id.size(), 32u);
    EXPECT_TRUE(seen.insert(id).second);
  }
}

TEST(Ids, ContentIdsAreStable) {
  EXPECT_EQ(contentId("c-", "hello"), contentId("c-", "hello"));
  EXPECT_NE(contentId("c-", "hello"), contentId("c-", "hello!"));
  EXPECT_EQ(contentId("c-", "x").substr(0, 2), "c-");
}

}  // namespace
}  // namespace cs
