// The secret sources the chain reads: environment and file.
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>

#include "secrets/secret_chain.hpp"
#include "support/test_support.hpp"

namespace cs::secrets {
namespace {

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
