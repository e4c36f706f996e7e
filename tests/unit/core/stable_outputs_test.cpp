// The ids, hashes, ETags, client keys and retry waits that one shared helper now computes
// (core/fnv.hpp, core/backoff.hpp) are the ones each copy computed before: every expected
// value below was printed by the code as it was before the copies were folded, so a stored
// saying keeps its id, a cached asset its ETag and a client its rate-limit bucket.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "api/client_key.hpp"
#include "api/static_files.hpp"
#include "cache/dedup.hpp"
#include "core/ids.hpp"
#include "http/message.hpp"
#include "llm/retry.hpp"
#include "store/dynamo/backoff.hpp"

namespace cs {
namespace {

using std::chrono::milliseconds;

TEST(StableOutputs, ContentIdsAreTheStoredOnes) {
  EXPECT_EQ(contentId("s-", "Lambda is like a vending machine"),
            "s-9329c88cea33c24aa087f75af420e237");
  EXPECT_EQ(contentId("c-", ""), "c-cbf29ce48422232584222325cbf29ce4");
  EXPECT_EQ(contentId("x", "h\xc3\xa9llo"), "xa35ff71f960240e0edbabae6ae421509");
}

TEST(StableOutputs, DedupShinglesAreUnchanged) {
  const auto text = cache::normaliseText("Amazon S3 is like... a CLOSET! Full of stuff you forgot");
  const std::vector<std::uint64_t> expected{
      0x229b8dcc0c4bc05fULL, 0x373ecd497b457ba7ULL, 0x604503e8ded6886bULL,
      0x66ce394e1420c681ULL, 0x79aa476de114350fULL, 0xb4909a889c0c7a71ULL,
      0xcb8d21ecb4786198ULL, 0xdac15a768d544af1ULL, 0xf71e4485e42f2b7fULL};
  EXPECT_EQ(cache::wordShingles(text, 3), expected);
  EXPECT_EQ(cache::wordShingles("one two", 3), std::vector<std::uint64_t>{0x108ab07fb9e724e1ULL});
}

TEST(StableOutputs, AnAddressClientKeepsItsKey) {
  auto request = http::Request::make("GET", "/");
  request.remote_address = "203.0.113.7";
  request.headers.set("User-Agent", "Mozilla/5.0 (X11)");
  EXPECT_EQ(api::clientKey(request), "addr:e7ef8bb98b62ad41");
}

TEST(StableOutputs, AssetVersionAndETagsAreUnchanged) {
  api::StaticFiles files({{"index.html", "<html>{{ASSETS}}</html>"},
                          {"js/app.js", "console.log(1)"},
                          {"css/site.css", "body{}"}});
  EXPECT_EQ(files.version(), "50fa3508024f");
  const auto page = files.page(http::Request::make("GET", "/"), "index.html");
  EXPECT_EQ(page.headers.get("ETag").value_or(""), "\"f8472e1389ab0f81\"");
  const auto asset = files.asset(http::Request::make("GET", "/assets/50fa3508024f/js/app.js"));
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.headers.get("ETag").value_or(""), "\"a7c5636e921e0630\"");
}

TEST(StableOutputs, LlmRetryWaitsAreUnchanged) {
  const llm::RetryPolicy policy;  // 250 ms base, 4 s cap
  auto wait = [&](int retry, double u) {
    return policy.delay(retry, std::nullopt, [u] { return u; }).count();
  };
  EXPECT_EQ(wait(-1, 0.37), 92);
  EXPECT_EQ(wait(0, 0.0), 0);
  EXPECT_EQ(wait(0, 0.999), 249);
  EXPECT_EQ(wait(0, 1.5), 250);  // a draw past 1 is clamped
  EXPECT_EQ(wait(1, 0.37), 185);
  EXPECT_EQ(wait(3, 0.999), 1998);
  EXPECT_EQ(wait(5, 0.37), 1480);  // capped
  EXPECT_EQ(wait(30, 0.999), 3996);
  EXPECT_EQ(policy.delay(2, milliseconds(7'000), [] { return 0.5; }).count(), 7'000);
}

TEST(StableOutputs, DynamoRetryWaitsAreUnchanged) {
  const dynamo::Backoff backoff;  // 25 ms base, 1 s cap, 8 attempts
  auto wait = [&](int attempt, double u, milliseconds left = milliseconds(10'000)) {
    const auto d = backoff.delay(attempt, u, left);
    return d ? d->count() : -1;
  };
  EXPECT_EQ(wait(1, 0.37), -1);  // the first attempt is no retry
  EXPECT_EQ(wait(2, 0.0), 0);
  EXPECT_EQ(wait(2, 0.37), 9);
  EXPECT_EQ(wait(2, 0.999), 24);
  EXPECT_EQ(wait(3, 0.999), 49);
  EXPECT_EQ(wait(6, 0.37), 148);
  EXPECT_EQ(wait(8, 0.999), 999);                    // capped
  EXPECT_EQ(wait(9, 0.0), -1);                       // attempts used up
  EXPECT_EQ(wait(6, 0.999, milliseconds(100)), -1);  // would pass the deadline
}

}  // namespace
}  // namespace cs
