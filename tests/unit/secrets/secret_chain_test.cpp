// The secrets chain: order, TTL cache, rotation, invalidate-on-401.
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>

#include "fakes/fake_clock.hpp"
#include "secrets/secret_chain.hpp"
#include "support/test_support.hpp"

namespace cs::secrets {
namespace {

using std::chrono::minutes;

// A source whose value the test changes (a rotated key) and that counts its calls.
class ScriptedSource final : public SecretSource {
 public:
  std::string_view kind() const override { return "scripted"; }
  Result<std::optional<std::string>> fetch(const std::string&) override {
    ++calls;
    if (broken) return fail(ErrorCode::kUnavailable, "source down");
    return value;
  }
  std::optional<std::string> value;
  bool broken = false;
  int calls = 0;
};

struct Chain {
  testing::FakeClock clock;
  ScriptedSource* first = nullptr;
  ScriptedSource* second = nullptr;
  std::unique_ptr<SecretChain> chain;
  Chain() {
    auto a = std::make_unique<ScriptedSource>();
    auto b = std::make_unique<ScriptedSource>();
    first = a.get();
    second = b.get();
    std::vector<std::unique_ptr<SecretSource>> sources;
    sources.push_back(std::move(a));
    sources.push_back(std::move(b));
    chain = std::make_unique<SecretChain>(std::move(sources), clock, minutes(5));
  }
};

TEST(SecretChain, FirstSourceWithAValueWins) {
  Chain c;
  c.second->value = "sk-test-FAKE-second";
  EXPECT_EQ(c.chain->get("anthropic").value(), "sk-test-FAKE-second");
  c.first->value = "sk-test-FAKE-first";
  c.chain->invalidate("anthropic");
  EXPECT_EQ(c.chain->get("anthropic").value(), "sk-test-FAKE-first");
}

TEST(SecretChain, CachesForTheTtlThenPicksUpARotatedKey) {
  Chain c;
  c.first->value = "sk-test-FAKE-v1";
  EXPECT_EQ(c.chain->get("openai").value(), "sk-test-FAKE-v1");
  c.first->value = "sk-test-FAKE-v2";
  c.clock.advance(minutes(4));
  EXPECT_EQ(c.chain->get("openai").value(), "sk-test-FAKE-v1");
  EXPECT_EQ(c.first->calls, 1);
  c.clock.advance(minutes(1) + std::chrono::seconds(1));
  EXPECT_EQ(c.chain->get("openai").value(), "sk-test-FAKE-v2");
  EXPECT_EQ(c.first->calls, 2);
}

TEST(SecretChain, InvalidateRefetchesAtOnce) {
  Chain c;
  c.first->value = "sk-test-FAKE-v1";
  (void)c.chain->get("openai");
  c.first->value = "sk-test-FAKE-v2";
  c.chain->invalidate("openai");
  EXPECT_EQ(c.chain->get("openai").value(), "sk-test-FAKE-v2");
}

// peek() answers only what get() would without a source call: never a fetch of its own.
TEST(SecretChain, PeekAnswersFromTheCacheAndNeverFetches) {
  Chain c;
  c.first->value = "sk-test-FAKE-v1";
  EXPECT_FALSE(c.chain->peek("openai"));  // nothing known yet: only a fetch could tell
  EXPECT_EQ(c.first->calls, 0);
  EXPECT_EQ(c.chain->get("openai").value(), "sk-test-FAKE-v1");
  auto known = c.chain->peek("openai");
  ASSERT_TRUE(known && *known);
  EXPECT_EQ(**known, "sk-test-FAKE-v1");
  c.clock.advance(minutes(6));  // past the TTL: get() would fetch, so peek() cannot answer
  EXPECT_FALSE(c.chain->peek("openai"));
  c.chain->invalidate("openai");
  EXPECT_FALSE(c.chain->peek("openai"));
  EXPECT_FALSE(c.chain->peek("anthropic"));
  c.first->value = std::nullopt;
  (void)c.chain->get("anthropic");  // a cached "no key" is an answer too
  auto missing = c.chain->peek("anthropic");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  EXPECT_EQ(missing->error().code, ErrorCode::kNoSecret);
  EXPECT_EQ(c.first->calls, 2);  // the two get()s; no peek fetched
}

TEST(SecretChain, MissingKeyIsAnErrorWithoutAnyValueAndIsCached) {
  Chain c;  // both sources answer "nothing here": a definite "no key"
  auto r = c.chain->get("anthropic");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNoSecret);
  (void)c.chain->get("anthropic");
  EXPECT_EQ(c.first->calls, 1);  // "no key" is cached: no SSM call per request
  c.second->value = "sk-test-FAKE-late";
  c.clock.advance(minutes(6));
  EXPECT_EQ(c.chain->get("anthropic").value(), "sk-test-FAKE-late");
}

TEST(SecretChain, TransientFailureIsRetriedWithBackoffNotCachedForTheTtl) {
  Chain c;
  c.first->broken = true;  // SSM down, and no key anywhere else
  auto r = c.chain->get("anthropic");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("source down"), std::string::npos);
  (void)c.chain->get("anthropic");
  EXPECT_EQ(c.first->calls, 1);  // backing off: not an SSM call per request either
  c.clock.advance(SecretChain::kFirstRetry);
  (void)c.chain->get("anthropic");
  EXPECT_EQ(c.first->calls, 2);  // retried after 1 s, not after 5 minutes
  c.clock.advance(SecretChain::kFirstRetry);
  (void)c.chain->get("anthropic");
  EXPECT_EQ(c.first->calls, 2);  // the second wait is 2 s
  c.first->broken = false;
  c.first->value = "sk-test-FAKE-back";
  c.clock.advance(SecretChain::kFirstRetry);
  EXPECT_EQ(c.chain->get("anthropic").value(), "sk-test-FAKE-back");
}

TEST(SecretChain, TransientFailureKeepsTheLastGoodKey) {
  Chain c;
  c.first->value = "sk-test-FAKE-good";
  EXPECT_EQ(c.chain->get("openai").value(), "sk-test-FAKE-good");
  c.first->broken = true;
  c.clock.advance(minutes(6));  // the TTL ran out while SSM is down
  EXPECT_EQ(c.chain->get("openai").value(), "sk-test-FAKE-good");
  EXPECT_EQ(c.first->calls, 2);
  c.clock.advance(minutes(1));
  EXPECT_EQ(c.chain->get("openai").value(), "sk-test-FAKE-good");
}

// A source that blocks inside fetch() until released: the chain must not hold its lock there.
class GatedSource final : public SecretSource {
 public:
  std::string_view kind() const override { return "gated"; }
  Result<std::optional<std::string>> fetch(const std::string& name) override {
    std::unique_lock lock(mutex);
    const int number = ++entered;
    changed.notify_all();
    if (name == "slow") changed.wait(lock, [&] { return released; });
    return std::optional<std::string>("sk-test-FAKE-" + name + "-" + std::to_string(number));
  }
  void release() {
    std::lock_guard lock(mutex);
    released = true;
    changed.notify_all();
  }
  void waitEntered(int n) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return entered >= n; });
  }
  std::mutex mutex;
  std::condition_variable changed;
  int entered = 0;
  bool released = false;
};

TEST(SecretChain, ASlowFetchDoesNotBlockOtherNamesOrCallersWithAKnownKey) {
  testing::FakeClock clock;
  auto gated = std::make_unique<GatedSource>();
  GatedSource& source = *gated;
  std::vector<std::unique_ptr<SecretSource>> sources;
  sources.push_back(std::move(gated));
  SecretChain chain(std::move(sources), clock, minutes(5));
  std::thread slow([&] { EXPECT_TRUE(chain.get("slow")); });
  source.waitEntered(1);  // the slow fetch is under way and holds nothing of the chain's
  EXPECT_EQ(chain.get("fast").value(), "sk-test-FAKE-fast-2");  // answered meanwhile
  source.release();
  slow.join();
  EXPECT_EQ(chain.get("slow").value(), "sk-test-FAKE-slow-1");
}

}  // namespace
}  // namespace cs::secrets
