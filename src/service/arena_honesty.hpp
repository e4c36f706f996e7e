#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace cs::arena {

// "Only honest votes count": a saying that names its own model or provider would unblind its
// battle. The names looked for (case-insensitive, as whole words: "gpt" matches "GPT-4o" but
// not "egypt"): the model id, its family (the id's first word: "claude-haiku-4-5" -> "claude"),
// the display name, the provider, and the provider's brands (anthropic -> claude; openai ->
// openai, gpt, chatgpt; google -> gemini; meta -> llama; mistral -> mistral).
std::vector<std::string> selfNames(std::string_view model, std::string_view provider,
                                   std::string_view display_name = {});
bool namesItself(std::string_view text, const std::vector<std::string>& names);

}  // namespace cs::arena
