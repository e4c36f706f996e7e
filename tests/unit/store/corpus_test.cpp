#include <gtest/gtest.h>

#include <thread>

#include "core/embedded.hpp"
#include "core/service_catalog.hpp"
#include "store/corpus.hpp"
#include "store/sqlite_store.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

TEST(Corpus, ShippedCorpusIsLargeValidAndTagged) {
  auto corpus = parseCorpus(embeddedFile("data/sayings.json"), 0);
  ASSERT_TRUE(corpus) << corpus.error().message;
  EXPECT_GE(corpus->size(), 150u);
  auto catalog = ServiceCatalog::fromJson(embeddedFile("config/services.json")).value();
  std::size_t aws = 0;
  for (const auto& s : *corpus) {
    EXPECT_EQ(catalog.extract(s.text), s.services) << s.text;
    for (const auto& name : s.services)
      if (name.starts_with("AWS") || name.starts_with("Amazon")) {
        ++aws;
        break;
      }
  }
  EXPECT_GT(aws * 2, corpus->size()) << "mostly AWS";
}

TEST(Corpus, SeedingIsIdempotent) {
  SqliteStore store(":memory:");
  auto corpus = parseCorpus(embeddedFile("data/sayings.json"), 0).value();
  auto first = seedStore(store, corpus).value();
  EXPECT_EQ(first.inserted, corpus.size());
  auto second = seedStore(store, corpus).value();
  EXPECT_EQ(second.inserted, 0u);
  EXPECT_EQ(store.listSayingIds()->size(), corpus.size());
}

TEST(Corpus, RejectsBadEntriesNamingThem) {
  auto r = parseCorpus(R"([{"text": "ok"}, {"text": ""}])", 0);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("entry 2"), std::string::npos);
  EXPECT_FALSE(parseCorpus("not json", 0));
  EXPECT_FALSE(parseCorpus(R"([{"text": "x", "services": "S3"}])", 0));
}

}  // namespace
}  // namespace cs
