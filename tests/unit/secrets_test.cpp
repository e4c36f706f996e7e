// The secrets chain: order, TTL cache, rotation, invalidate-on-401, file source.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

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

TEST(SecretChain, MissingKeyIsAnErrorWithoutAnyValueAndIsCached) {
  Chain c;
  c.first->broken = true;
  auto r = c.chain->get("anthropic");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("source down"), std::string::npos);
  (void)c.chain->get("anthropic");
  EXPECT_EQ(c.first->calls, 1);  // "no key" is cached too: no SSM call per request
  c.first->broken = false;
  c.second->value = "sk-test-FAKE-late";
  c.clock.advance(minutes(6));
  EXPECT_EQ(c.chain->get("anthropic").value(), "sk-test-FAKE-late");
}

TEST(FileSource, ReadsTrimmedKeyAndSeesRotation) {
  testing::TempDir dir;
  const auto path = dir.file("key");
  std::ofstream(path) << "  sk-test-FAKE-file-1\n";
  FileSource source({{"openai", path}});
  EXPECT_EQ(source.fetch("openai").value(), "sk-test-FAKE-file-1");
  std::ofstream(path) << "sk-test-FAKE-file-2";
  EXPECT_EQ(source.fetch("openai").value(), "sk-test-FAKE-file-2");
  EXPECT_EQ(source.fetch("anthropic").value(), std::nullopt);
  FileSource missing({{"openai", dir.file("nope")}});
  ASSERT_FALSE(missing.fetch("openai"));
}

TEST(EnvSource, ReadsTheNamedVariable) {
  ::setenv("CS_TEST_FAKE_KEY_VAR", "sk-test-FAKE-env", 1);
  EnvSource source({{"openai", "CS_TEST_FAKE_KEY_VAR"}, {"anthropic", "CS_TEST_UNSET_VAR_XYZ"}});
  EXPECT_EQ(source.fetch("openai").value(), "sk-test-FAKE-env");
  EXPECT_EQ(source.fetch("anthropic").value(), std::nullopt);
  ::unsetenv("CS_TEST_FAKE_KEY_VAR");
}

}  // namespace
}  // namespace cs::secrets
