// The provider registry: names to adapters.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "llm/anthropic_adapter.hpp"
#include "llm/error_classify.hpp"
#include "llm/openai_adapter.hpp"
#include "llm/registry.hpp"

namespace cs::llm {
namespace {

using nlohmann::json;

TEST(ProviderRegistry, MapsNamesToAdapters) {
  const auto& r = builtinProviders();
  EXPECT_EQ(r.names(), (std::vector<std::string>{"anthropic", "openai"}));
  EXPECT_EQ(r.make("openai", {})->provider(), "openai");
  EXPECT_EQ(r.make("nope", {}), nullptr);
}

}  // namespace
}  // namespace cs::llm
