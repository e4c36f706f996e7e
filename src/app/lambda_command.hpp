#pragma once
#include <optional>
#include <string>

#include "app/config.hpp"

namespace cs::app {

struct LambdaFlags {
  std::string config_file;
  std::optional<std::string> store_url;
};

// What Lambda mode changes in a configuration: EMF on unless set, no /metrics route (API
// Gateway would publish it to the internet), rollups flushed by the runtime rather than a
// thread, and the SQLite default under /tmp (the only writable place in Lambda).
void applyLambdaDefaults(Config& config);

// `cloud-sayings lambda`: the AWS Lambda custom runtime (AWS_LAMBDA_RUNTIME_API). A failed
// start-up is reported to /runtime/init/error before the non-zero exit.
int lambdaCommand(const LambdaFlags& flags);

}  // namespace cs::app
