#include "service/arena_honesty.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/ascii.hpp"

namespace cs::arena {

namespace {
bool wordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), asciiLower);
  return out;
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kBrands{{
    {"anthropic", "claude"},
    {"openai", "openai"},
    {"openai", "gpt"},
    {"openai", "chatgpt"},
    {"google", "gemini"},
    {"meta", "llama"},
    {"mistral", "mistral"},
    {"mistral", "mixtral"},
}};
}  // namespace

std::vector<std::string> selfNames(std::string_view model, std::string_view provider,
                                   std::string_view display_name) {
  std::vector<std::string> names;
  auto add = [&](std::string_view n) {
    // Two letters would match too much ("o1" is a model, "o" is not a name).
    if (n.size() >= 3) names.push_back(lower(n));
  };
  add(model);
  add(model.substr(0, std::min(model.size(), model.find_first_of("-_./: "))));
  add(display_name);
  add(provider);
  const std::string p = lower(provider);
  for (const auto& [brand_provider, brand] : kBrands)
    if (brand_provider == p) add(brand);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

bool namesItself(std::string_view text, const std::vector<std::string>& names) {
  const std::string t = lower(text);
  for (const auto& name : names) {
    for (std::size_t at = t.find(name); at != std::string::npos; at = t.find(name, at + 1)) {
      const bool starts = at == 0 || !wordChar(t[at - 1]);
      const std::size_t end = at + name.size();
      const bool ends = end == t.size() || !wordChar(t[end]);
      if (starts && ends) return true;
    }
  }
  return false;
}

}  // namespace cs::arena
