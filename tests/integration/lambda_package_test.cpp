// build/<preset>/cloud-sayings-lambda.zip unpacked into an empty directory, its bootstrap run
// under `env -i` against the test Runtime API, as Lambda runs it on provided.al2023.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fakes/fake_runtime_api.hpp"
#include "support/lambda_process.hpp"
#include "support/test_support.hpp"

namespace cs::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

#ifdef CS_LAMBDA_ZIP
TEST(LambdaPackage, BootstrapRunsFromAnEmptyDirectoryUnderEnvI) {
  ASSERT_TRUE(fs::exists(CS_LAMBDA_ZIP)) << CS_LAMBDA_ZIP;
  TempDir task, data;
  LambdaProcess unzip;
  ASSERT_TRUE(unzip.start({"/usr/bin/unzip", "-q", CS_LAMBDA_ZIP, "-d", task.path().string()}, {}));
  ASSERT_EQ(unzip.wait(), 0) << unzip.logs();
  for (const char* f : {"bootstrap", "bin/cloud-sayings", "lib/ld-linux-x86-64.so.2",
                        "lib/libc.so.6", "lib/libcurl.so.4"})
    EXPECT_TRUE(fs::exists(task.path() / f)) << f;
  EXPECT_NE(fs::status(task.path() / "bootstrap").permissions() & fs::perms::owner_exec,
            fs::perms::none);

  FakeRuntimeApi api;
  LambdaProcess fn;
  // env -i: nothing from this environment (no PATH, no LD_LIBRARY_PATH); only what Lambda sets.
  ASSERT_TRUE(fn.start({"/usr/bin/env", "-i", "AWS_LAMBDA_RUNTIME_API=" + api.address(),
                        "LAMBDA_TASK_ROOT=" + task.path().string(),
                        "CLOUD_SAYINGS_STORE_URL=sqlite:" + data.file("sayings.db"),
                        (task.path() / "bootstrap").string()},
                       {}));
  json event = json::parse(R"({"version":"2.0","routeKey":"$default","rawPath":"/api/sayings",
    "rawQueryString":"","headers":{"accept":"application/json"},
    "requestContext":{"http":{"method":"GET","path":"/api/sayings","sourceIp":"203.0.113.9"}},
    "isBase64Encoded":false})");
  const auto id = api.enqueue(event.dump());
  auto outcome = api.waitOutcome(id);
  ASSERT_TRUE(outcome) << fn.logs();
  ASSERT_EQ(outcome->kind, "response") << outcome->body;
  const json proxy = json::parse(outcome->body);
  EXPECT_EQ(proxy["statusCode"], 200);
  EXPECT_EQ(json::parse(proxy["body"].get<std::string>())["source"], "store");

  // Every shared object the running function mapped came from the package, none from the host.
  ASSERT_TRUE(api.waitNextCalls(2));
  std::ifstream maps("/proc/" + std::to_string(fn.pid()) + "/maps");
  std::string line;
  int from_package = 0;
  while (std::getline(maps, line)) {
    const auto slash = line.find('/');
    if (slash == std::string::npos || line.find(".so") == std::string::npos) continue;
    const std::string path = line.substr(slash);
    if (path.starts_with(fs::canonical(task.path()).string())) {
      ++from_package;
    } else {
      ADD_FAILURE() << "mapped from the host: " << path;
    }
  }
  EXPECT_GT(from_package, 3);
  api.shutdown();
  EXPECT_EQ(fn.wait(), 1);
}
#endif

}  // namespace
}  // namespace cs::testing
