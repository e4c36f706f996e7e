#include "app/generate_command.hpp"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/llm_factory.hpp"
#include "core/money.hpp"
#include "obs/logger.hpp"

namespace cs::app {

int generateCommand(const Config& config, const GenerateFlags& flags) {
  obs::Logger logger(config.log.level, [](std::string_view lines) {
    std::fwrite(lines.data(), 1, lines.size(), stderr);
  });
  obs::setGlobalLogger(&logger);
  int code = 1;
  {
    // One call: one thread is enough; declared first, so it outlives the stack that uses it.
    ThreadExecutor executor(1);
    LlmStack stack = makeLlmStack(config, SystemClock::instance(), executor);
    llm::GenerationRequest request;
    request.model_id = flags.model;
    request.count = flags.count;
    request.avoid_services = flags.avoid;
    request.purpose = llm::Purpose::kModelRequest;  // an operator asked for this model
    if (!flags.topic.empty()) request.topic = flags.topic;
    auto result = stack.gateway->generate(request);
    if (!result) {
      std::cout << "error: " << llm::kindName(result.error().kind) << ": " << result.error().message
                << "\n";
    } else if (flags.json) {
      nlohmann::ordered_json sayings = nlohmann::ordered_json::array();
      for (const auto& s : result->sayings)
        sayings.push_back(
            {{"text", s.text},
             {"tokens", {{"input", s.tokens.input_tokens}, {"output", s.tokens.output_tokens}}},
             {"cost_usd", roundUsd(s.cost_usd)}});
      std::cout << nlohmann::ordered_json{{"model", result->model_id},
                                          {"provider", result->provider},
                                          {"sayings", sayings},
                                          {"tokens",
                                           {{"input", result->usage.input_tokens},
                                            {"output", result->usage.output_tokens}}},
                                          {"cost_usd", roundUsd(result->cost_usd)},
                                          {"llm_ms", result->llm_ms},
                                          {"attempts", result->attempts},
                                          {"finish_reason", result->finish_reason}}
                       .dump(2)
                << "\n";
      code = 0;
    } else {
      int n = 0;
      for (const auto& s : result->sayings) {
        char cost[64];
        std::snprintf(cost, sizeof cost, "%.8f", s.cost_usd);
        std::cout << ++n << ". " << s.text << "\n   tokens " << s.tokens.input_tokens << " in / "
                  << s.tokens.output_tokens << " out, $" << cost << "\n";
      }
      char line[256];
      std::snprintf(line, sizeof line,
                    "%s (%s): %lld in / %lld out tokens, $%.8f, %.0f ms, %d attempt(s)\n",
                    result->model_id.c_str(), result->provider.c_str(),
                    static_cast<long long>(result->usage.input_tokens),
                    static_cast<long long>(result->usage.output_tokens), result->cost_usd,
                    result->llm_ms, result->attempts);
      std::cout << line;
      code = 0;
    }
  }
  logger.flush();
  obs::setGlobalLogger(nullptr);
  return code;
}

}  // namespace cs::app
