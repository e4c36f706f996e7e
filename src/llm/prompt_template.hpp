#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "llm/adapter.hpp"

namespace cs::llm {

// A provider-specific prompt (config/prompts/<id>.toml): system + user text with {count},
// {avoid} and {topic}; avoid_line / topic_line fill those when there is something to say.
struct PromptTemplate {
  std::string system;
  std::string user;
  std::string avoid_line = "Avoid these services: {services}.";
  std::string topic_line = "Theme: {topic}.";

  RenderedPrompt render(int count, const std::vector<std::string>& avoid_services,
                        const std::optional<std::string>& topic) const;
};

Result<PromptTemplate> parsePromptTemplate(const std::string& toml_text, const std::string& origin);

// Templates by id, from `dir` (<id>.toml) when set, else compiled in.
class PromptSet {
 public:
  Result<const PromptTemplate*> get(const std::string& id);
  explicit PromptSet(std::string dir = {}) : dir_(std::move(dir)) {}

 private:
  std::string dir_;
  std::map<std::string, PromptTemplate> loaded_;
};

}  // namespace cs::llm
