#pragma once
#include <string>
#include <vector>

#include "app/config.hpp"

namespace cs::app {

struct GenerateFlags {
  std::string model;
  int count = 3;
  std::vector<std::string> avoid;  // services to steer away from
  std::string topic;
  bool json = false;  // print the GenerationResult as JSON
};

// `cloud-sayings generate --model ID`: one gateway call, sayings with tokens, cost and latency
// on stdout (logs go to stderr). Exit 0 on success, 1 when the call failed.
int generateCommand(const Config& config, const GenerateFlags& flags);

}  // namespace cs::app
