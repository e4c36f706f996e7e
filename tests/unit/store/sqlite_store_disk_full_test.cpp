// A full disk under the SQLite file, for real: PRAGMA max_page_count caps the file at its size,
// so SQLite itself fails the next write that needs a page with SQLITE_FULL, as on a full disk
// (every layer above, from the store to the JSON answer, is the product's own code). Votes
// then get 503 store_unavailable, /readyz says not ready, a generated saying that could not be
// stored is never served, and everything recovers once space returns.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "app/app.hpp"
#include "fakes/cache_fixture.hpp"
#include "fakes/fake_clock.hpp"
#include "store/sqlite_store.hpp"
#include "support/test_support.hpp"

namespace cs {
namespace {

constexpr std::int64_t kRoomAgain = 1'000'000;  // pages: space returns

class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app::Config config;
    config.store.url = "sqlite:" + dir.file("full.db");
    config.log.access_log = false;
    config.stats.flush_interval_ms = 600'000;  // no rollup write between the steps below
    app = std::make_unique<app::App>(config, clock);
    sqlite = dynamic_cast<SqliteStore*>(&app->store());
    ASSERT_NE(sqlite, nullptr);
    saying = app->store().listSayingIds().value().at(0);
  }
  http::Response call(std::string method, std::string target, std::string body = {},
                      const std::string& client = "") {
    auto req = http::Request::make(std::move(method), std::move(target), std::move(body));
    // One address per client, so the per-address rate limit never answers for the store.
    const auto n = std::hash<std::string>{}(client);
    req.remote_address = "10.9." + std::to_string(n % 250) + "." + std::to_string(n / 250 % 250);
    req.headers.set("Content-Type", "application/json");
    if (!client.empty()) req.headers.set("X-Client-Id", client);
    return app->handler().handle(req);
  }
  http::Response vote(const std::string& client) {
    auto r =
        call("POST", "/api/feedback", R"({"saying_id":")" + saying + R"(","vote":"up"})", client);
    if (r.status == 201) acknowledged.insert(nlohmann::json::parse(r.body)["id"]);
    return r;
  }
  std::string client(int i) { return "disk-full-client-" + std::to_string(i); }

  testing::TempDir dir;
  testing::FakeClock clock;
  std::unique_ptr<app::App> app;
  SqliteStore* sqlite = nullptr;
  std::string saying;
  std::set<std::string> acknowledged;
};

TEST_F(DiskFullTest, VotesAre503AndNotReadyUntilSpaceReturns) {
  ASSERT_EQ(vote(client(0)).status, 201);
  ASSERT_EQ(call("GET", "/readyz").status, 200);
  ASSERT_TRUE(sqlite->setMaxPageCount(1));  // clamped to the current size: no page to spare

  // Votes fill the pages' free room, then the file needs a page it cannot have.
  int i = 1;
  http::Response refused;
  for (; i < 5'000; ++i) {
    refused = vote(client(i));
    if (refused.status != 201) break;
  }
  ASSERT_EQ(refused.status, 503) << refused.body;
  auto body = nlohmann::json::parse(refused.body);
  EXPECT_EQ(body["error"], "store_unavailable");
  EXPECT_EQ(refused.body.find("full"), std::string::npos) << refused.body;  // no internals

  // Not ready while writes fail, though reads still work.
  auto ready = call("GET", "/readyz");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(call("GET", "/readyz").status, 503);
  EXPECT_EQ(call("GET", "/api/sayings").status, 200);
  EXPECT_EQ(vote(client(i)).status, 503);

  // Space returns: ready again (the probe's write goes through), the refused client is counted.
  ASSERT_TRUE(sqlite->setMaxPageCount(kRoomAgain));
  EXPECT_EQ(call("GET", "/readyz").status, 200);
  auto again = vote(client(i));
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_TRUE(nlohmann::json::parse(again.body)["counted"].get<bool>());

  // Every acknowledged vote is stored and counted, and no refused one slipped in.
  auto stored = app->store().listFeedback({}).value();
  std::set<std::string> ids;
  for (const auto& f : stored) ids.insert(f.id);
  EXPECT_EQ(ids, acknowledged);
  EXPECT_EQ(app->store().getSaying(saying).value()->upvotes,
            static_cast<std::int64_t>(acknowledged.size()));
}

TEST(DiskFullIngest, AGeneratedSayingIsServedOnlyOnceStored) {
  testing::CacheStack stack({"model-a"});
  ASSERT_TRUE(stack.store.setMaxPageCount(1));
  llm::GenerationResult generated;
  generated.model_id = "model-a";
  generated.provider = "fake";
  for (int i = 0; i < 60; ++i) {
    // Words of its own (no near-duplicates), ~700 bytes: a few sayings per page.
    std::string text = "S3";
    for (int w = 0; w < 70; ++w) text += " w" + std::to_string(i) + "x" + std::to_string(w);
    generated.sayings.push_back({std::move(text), {}, 0.0});
  }
  auto out = stack.ingestor.ingest(generated);
  ASSERT_GT(out.unstored, 0u) << "the capped store never filled";
  EXPECT_EQ(out.accepted.size() + out.unstored + out.duplicates.size(), generated.sayings.size());
  // Every saying offered for serving can be voted on.
  for (const auto& s : out.accepted) EXPECT_TRUE(stack.store.getSaying(s.id).value().has_value());

  // Space returns: the same texts are stored and served now; none is taken for a duplicate of
  // a saying that was never stored.
  ASSERT_TRUE(stack.store.setMaxPageCount(kRoomAgain));
  llm::GenerationResult retry = generated;
  retry.sayings.clear();
  for (const auto& g : generated.sayings) {
    bool was_accepted = false;
    for (const auto& s : out.accepted) was_accepted = was_accepted || s.text == g.text;
    if (!was_accepted) retry.sayings.push_back(g);
  }
  ASSERT_EQ(retry.sayings.size(), out.unstored + out.duplicates.size());
  auto second = stack.ingestor.ingest(retry);
  EXPECT_EQ(second.unstored, 0u);
  EXPECT_TRUE(second.duplicates.empty());
  EXPECT_EQ(second.accepted.size(), retry.sayings.size());
  for (const auto& s : second.accepted)
    EXPECT_TRUE(stack.store.getSaying(s.id).value().has_value());
}

}  // namespace
}  // namespace cs
