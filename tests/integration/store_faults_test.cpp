// Store failures seen from outside: the SQLite file locked by another process, or opened
// read-only. Votes get a clear JSON 503 (never a 500 with internals), sayings keep coming, and
// once the store is writable again votes succeed and every acknowledged vote is there.
// (Tests run as root, which ignores file modes: a read-only open and a lock are real failures.)
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "store/sqlite_store.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

class StoreFault : public ::testing::Test {
 protected:
  bool start(const std::string& store_url) {
    std::ofstream(dir_.file("cs.toml")) << "[log]\naccess_log = false\n[cache]\nenabled = false\n"
                                        << "[stats]\nflush_interval_ms = 600000\n";
    return server_.start({"--config", dir_.file("cs.toml"), "--store", store_url},
                         {{"ANTHROPIC_API_KEY", ""}, {"OPENAI_API_KEY", ""}});
  }
  std::string sayingId() {
    auto r = httpRequest("GET", server_.url("/api/sayings"));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body)["id"];
  }
  // Votes with 201 are remembered as acknowledged. Client ids need 8+ characters to count as ids.
  long vote(const std::string& saying, const std::string& client) {
    auto r = postVote(server_, saying, "up", client);
    if (r.status == 201) acknowledged_.insert(json::parse(r.body)["id"].get<std::string>());
    last_ = r;
    return r.status;
  }
  void expectClear503() {
    ASSERT_EQ(last_.status, 503) << last_.body;
    auto j = json::parse(last_.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << last_.body;
    EXPECT_EQ(j["error"], "store_unavailable");
    EXPECT_FALSE(j["message"].get<std::string>().empty());
    EXPECT_EQ(last_.headers["content-type"], "application/json");
    const std::string path = db();  // named: a c_str() of the temporary would dangle
    for (const std::string& internal :
         {std::string("SQLITE"), std::string("sqlite"), std::string("main_humor"),
          std::string("saying_feedback"), std::string("INSERT"), std::string("UPDATE"),
          std::string("locked"), std::string("readonly"), path})
      EXPECT_EQ(last_.body.find(internal), std::string::npos) << internal << ": " << last_.body;
  }
  void expectEveryAcknowledgedVoteStored() {
    SqliteStore store(db());
    const auto stored = expectAcknowledgedVotesStored(store, acknowledged_);
    EXPECT_EQ(stored.size(), acknowledged_.size());  // and no refused one slipped in
  }
  std::string db() const { return dir_.file("cs.db"); }

  TempDir dir_;
  ServerProcess server_;
  std::set<std::string> acknowledged_;
  HttpResult last_;
};

TEST_F(StoreFault, LockedDatabaseRefusesVotesClearlyAndRecovers) {
  ASSERT_TRUE(start("sqlite:" + db())) << server_.logs();
  const auto saying = sayingId();
  ASSERT_EQ(vote(saying, "before-1"), 201) << last_.body;

  // Another process takes the write lock and keeps it past the server's busy timeout.
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(db().c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(vote(saying, "during-1"), 503);
  expectClear503();
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(httpRequest("GET", server_.url("/api/sayings")).status, 200);
  EXPECT_EQ(vote(saying, "during-2"), 503);
  ASSERT_EQ(sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(holder);

  // Released: the same clients vote again and are counted now; nothing half-written remains.
  EXPECT_EQ(vote(saying, "during-1"), 201) << last_.body;
  EXPECT_EQ(vote(saying, "during-2"), 201) << last_.body;
  EXPECT_EQ(vote(saying, "after-1"), 201) << last_.body;
  ASSERT_EQ(server_.stop(), 0);
  EXPECT_NE(server_.logs().find("store_unavailable"), std::string::npos);
  expectEveryAcknowledgedVoteStored();
  EXPECT_EQ(acknowledged_.size(), 4u);
}

TEST_F(StoreFault, ReadOnlyStoreServesSayingsAndRefusesVotes) {
  ASSERT_TRUE(start("sqlite:" + db())) << server_.logs();  // creates and seeds the file
  const auto saying = sayingId();
  ASSERT_EQ(vote(saying, "readwrite-1"), 201) << last_.body;
  ASSERT_EQ(server_.stop(), 0);

  ASSERT_TRUE(start("sqlite:file:" + db() + "?mode=ro")) << server_.logs();
  for (int i = 0; i < 5; ++i) {
    auto r = httpRequest("GET", server_.url("/api/sayings"));
    EXPECT_EQ(r.status, 200) << r.body;
  }
  EXPECT_EQ(vote(saying, "readonly-1"), 503);
  expectClear503();
  EXPECT_EQ(httpRequest("GET", server_.url("/readyz")).status, 200);  // reads still work
  ASSERT_EQ(server_.stop(), 0);
  EXPECT_FALSE(std::filesystem::exists("file:" + dir_.path().string()));  // no stray directory

  ASSERT_TRUE(start("sqlite:" + db())) << server_.logs();
  EXPECT_EQ(vote(saying, "readonly-1"), 201) << last_.body;
  ASSERT_EQ(server_.stop(), 0);
  expectEveryAcknowledgedVoteStored();
  EXPECT_EQ(acknowledged_.size(), 2u);
}

}  // namespace
}  // namespace cs::testing
