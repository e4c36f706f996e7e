// Many kill -9s: every vote the server acknowledged (201) before dying is in the store after a
// restart. The feedback tests kill once; this loop kills right after a 201 again and again,
// so a write that is acknowledged before it is durable shows up sooner or later.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <set>

#include "store/sqlite_store.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

TEST(DurabilityLoop, EveryAcknowledgedVoteSurvivesRepeatedKill9) {
  TempDir dir;
  const std::string db = dir.file("votes.db");
  std::set<std::string> acknowledged;  // feedback record ids answered with 201
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    ServerProcess server;
    ASSERT_TRUE(server.start({"--store", "sqlite:" + db})) << server.logs();
    auto pick = httpRequest("GET", server.url("/api/sayings"));
    ASSERT_EQ(pick.status, 200) << pick.body;
    const std::string saying = nlohmann::json::parse(pick.body)["id"];
    // A few votes per life, each from a new client (one vote per client and saying counts).
    for (int i = 0; i < 3; ++i) {
      const std::string client = "loop-" + std::to_string(round) + "-" + std::to_string(i);
      auto r = postVote(server, saying, "up", client);
      ASSERT_EQ(r.status, 201) << r.body;
      acknowledged.insert(nlohmann::json::parse(r.body)["id"].get<std::string>());
    }
    EXPECT_EQ(server.stop(SIGKILL), 128 + SIGKILL);  // at once after the last 201
  }
  SqliteStore store(db);
  expectAcknowledgedVotesStored(store, acknowledged);
  EXPECT_EQ(acknowledged.size(), static_cast<std::size_t>(kRounds * 3));
}

}  // namespace
}  // namespace cs::testing
