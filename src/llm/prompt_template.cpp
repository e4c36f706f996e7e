#include "llm/prompt_template.hpp"

#include <toml++/toml.h>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/embedded.hpp"

namespace cs::llm {
namespace {

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
}

// Drops lines that became empty (an absent {avoid}/{topic}) and trailing whitespace.
std::string tidy(const std::string& text) {
  std::stringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (line.empty()) continue;
    out += line + "\n";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

}  // namespace

RenderedPrompt PromptTemplate::render(int count, const std::vector<std::string>& avoid_services,
                                      const std::optional<std::string>& topic) const {
  std::string avoid;
  if (!avoid_services.empty()) {
    std::string list;
    for (const auto& s : avoid_services) list += (list.empty() ? "" : ", ") + s;
    avoid = avoid_line;
    replaceAll(avoid, "{services}", list);
  }
  std::string theme;
  if (topic && !topic->empty()) {
    theme = topic_line;
    replaceAll(theme, "{topic}", *topic);
  }
  RenderedPrompt p{system, user};
  for (auto* s : {&p.system, &p.user}) {
    replaceAll(*s, "{avoid}", avoid);
    replaceAll(*s, "{topic}", theme);
    replaceAll(*s, "{count}", std::to_string(count));
    *s = tidy(*s);
  }
  return p;
}

Result<PromptTemplate> parsePromptTemplate(const std::string& toml_text,
                                           const std::string& origin) {
  try {
    auto t = toml::parse(toml_text, origin);
    PromptTemplate p;
    p.system = t["system"].value_or(std::string());
    p.user = t["user"].value_or(std::string());
    p.avoid_line = t["avoid_line"].value_or(p.avoid_line);
    p.topic_line = t["topic_line"].value_or(p.topic_line);
    if (p.user.empty()) return fail(ErrorCode::kBadPrompt, origin + ": user is required");
    return p;
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::kBadPrompt, origin + ": " + std::string(e.description()));
  }
}

Result<const PromptTemplate*> PromptSet::get(const std::string& id) {
  if (auto it = loaded_.find(id); it != loaded_.end()) return &it->second;
  std::string text, origin;
  if (!dir_.empty()) {
    origin = (std::filesystem::path(dir_) / (id + ".toml")).string();
    std::ifstream in(origin);
    if (!in) return fail(ErrorCode::kBadPrompt, "cannot read " + origin);
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  } else {
    origin = "config/prompts/" + id + ".toml";
    text = std::string(embeddedFile(origin));
    if (text.empty()) return fail(ErrorCode::kBadPrompt, "no prompt template \"" + id + "\"");
  }
  auto parsed = parsePromptTemplate(text, origin);
  if (!parsed) return std::unexpected(parsed.error());
  return &loaded_.emplace(id, std::move(*parsed)).first->second;
}

}  // namespace cs::llm
