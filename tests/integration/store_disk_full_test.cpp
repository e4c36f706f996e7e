// A full disk under the real binary's SQLite file: a small tmpfs, filled to the last byte by a
// filler file. SQLite then fails the WAL append at COMMIT (ENOSPC -> SQLITE_FULL), the path a
// page cap does not reach. Votes get 503 store_unavailable (never 500), /readyz is not ready,
// and once the filler is removed the service is ready and counts votes again. Needs mount(2)
// (root outside a restricted container); where it is refused the test is skipped and the
// PRAGMA max_page_count test (unit, DiskFullTest) still covers the rest.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "store/sqlite_store.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

using nlohmann::json;

class FullDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    disk_ = dir_.path() / "disk";
    std::filesystem::create_directories(disk_);
    if (::mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=4m") != 0)
      GTEST_SKIP() << "mount(tmpfs) refused here: " << std::strerror(errno);
    mounted_ = true;
  }
  void TearDown() override {
    if (server_.running()) server_.stop();
    if (mounted_) ::umount2(disk_.c_str(), MNT_DETACH);
  }
  // Writes until the file system refuses a byte.
  void fill() {
    std::FILE* f = std::fopen((disk_ / "filler").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::setvbuf(f, nullptr, _IONBF, 0);
    const std::string block(4096, 'f');
    while (std::fwrite(block.data(), 1, block.size(), f) == block.size()) {
    }
    while (std::fwrite(block.data(), 1, 1, f) == 1) {
    }
    std::fclose(f);
  }
  long vote(const std::string& saying, const std::string& client) {
    last_ = postVote(server_, saying, "up", client);
    if (last_.status == 201) acknowledged_.insert(json::parse(last_.body)["id"]);
    return last_.status;
  }

  TempDir dir_;
  std::filesystem::path disk_;
  bool mounted_ = false;
  ServerProcess server_;
  HttpResult last_;
  std::set<std::string> acknowledged_;
};

TEST_F(FullDisk, VotesAre503AndNotReadyUntilSpaceReturns) {
  std::ofstream(dir_.file("cs.toml")) << "[log]\naccess_log = false\n[cache]\nenabled = false\n"
                                      << "[stats]\nflush_interval_ms = 600000\n";
  const std::string db = (disk_ / "cs.db").string();
  ASSERT_TRUE(server_.start({"--config", dir_.file("cs.toml"), "--store", "sqlite:" + db},
                            {{"ANTHROPIC_API_KEY", ""}, {"OPENAI_API_KEY", ""}}))
      << server_.logs();
  auto r = httpRequest("GET", server_.url("/api/sayings"));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string saying = json::parse(r.body)["id"];
  ASSERT_EQ(vote(saying, "before-full-1"), 201) << last_.body;

  fill();
  int i = 0;
  for (; i < 3'000 && vote(saying, "full-client-" + std::to_string(i)) == 201; ++i) {
  }
  ASSERT_EQ(last_.status, 503) << last_.body;
  EXPECT_EQ(json::parse(last_.body)["error"], "store_unavailable");
  EXPECT_EQ(httpRequest("GET", server_.url("/readyz")).status, 503);
  EXPECT_EQ(httpRequest("GET", server_.url("/healthz")).status, 200);

  std::filesystem::remove(disk_ / "filler");
  EXPECT_EQ(httpRequest("GET", server_.url("/readyz")).status, 200);
  EXPECT_EQ(vote(saying, "full-client-" + std::to_string(i)), 201) << last_.body;
  ASSERT_EQ(server_.stop(), 0) << server_.logs();

  SqliteStore store(db);
  const auto stored = expectAcknowledgedVotesStored(store, acknowledged_);
  EXPECT_EQ(stored.size(), acknowledged_.size());
  EXPECT_EQ(store.getSaying(saying).value()->upvotes,
            static_cast<std::int64_t>(acknowledged_.size()));
}

}  // namespace
}  // namespace cs::testing
