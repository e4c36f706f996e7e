#include "llm/batch_parser.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

namespace cs::llm {
namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool startsWithAny(const std::string& s, std::initializer_list<std::string_view> prefixes) {
  std::string lower(s.substr(0, 40));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](std::string_view p) { return lower.starts_with(p); });
}

// Strips quotes and markdown emphasis around a saying.
std::string unwrap(std::string s) {
  for (bool changed = true; changed && !s.empty();) {
    changed = false;
    for (std::string_view pair : {"**", "__", "*", "_"}) {
      if (s.size() > 2 * pair.size() && s.starts_with(pair) && s.ends_with(pair)) {
        s = trim(s.substr(pair.size(), s.size() - 2 * pair.size()));
        changed = true;
      }
    }
    static const std::vector<std::pair<std::string, std::string>> quotes = {
        {"\"", "\""}, {"'", "'"}, {"\xE2\x80\x9C", "\xE2\x80\x9D"}, {"`", "`"}};
    for (const auto& [open, close] : quotes) {
      if (s.size() > open.size() + close.size() && s.starts_with(open) && s.ends_with(close)) {
        s = trim(s.substr(open.size(), s.size() - open.size() - close.size()));
        changed = true;
      }
    }
  }
  return s;
}

std::size_t words(const std::string& s) {
  std::stringstream ss(s);
  std::size_t n = 0;
  for (std::string w; ss >> w;) ++n;
  return n;
}

bool acceptable(const std::string& s, const ParseOptions& o) {
  if (s.size() < o.min_chars || s.size() > o.max_chars || words(s) < o.min_words) return false;
  if (s.back() == ':') return false;  // a heading: "Here are three sayings:"
  if (startsWithAny(s, {"here are", "here's", "sure", "certainly", "i hope", "hope these", "enjoy",
                        "note:", "these sayings", "let me know"}))
    return false;
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isalpha(c); });
}

std::vector<std::string> fromJson(const std::string& text) {
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_object())
    for (const char* key : {"sayings", "items", "results"})
      if (j.contains(key) && j[key].is_array()) {
        j = j[key];
        break;
      }
  if (!j.is_array()) return out;
  for (const auto& item : j) {
    if (item.is_string())
      out.push_back(item.get<std::string>());
    else if (item.is_object())
      for (const char* key : {"text", "saying", "content"})
        if (item.contains(key) && item[key].is_string()) {
          out.push_back(item[key].get<std::string>());
          break;
        }
  }
  return out;
}

}  // namespace

std::vector<std::string> parseSayings(std::string_view input, const ParseOptions& options) {
  // Code fences: keep their content, drop the fence lines.
  std::vector<std::string> lines;
  {
    std::stringstream ss{std::string(input)};
    for (std::string line; std::getline(ss, line);) {
      if (trim(line).starts_with("```")) continue;
      lines.push_back(line);
    }
  }
  std::string body;
  for (const auto& l : lines) body += l + "\n";

  std::vector<std::string> candidates;
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (body[first] == '[' || body[first] == '{')) {
    const auto last = body.find_last_of("]}");
    if (last != std::string::npos && last > first)
      candidates = fromJson(body.substr(first, last - first + 1));
  }
  if (candidates.empty()) {
    // List items ("1.", "1)", "-", "*", "•", "Saying 1:"); continuation lines join the item.
    static const std::regex marker(
        R"(^\s*(?:(?:saying\s*)?#?\d{1,2}\s*[.):\-]|[-*+]|\xE2\x80\xA2)\s+)", std::regex::icase);
    std::vector<std::string> items, plain;
    bool in_item = false;
    for (const auto& raw : lines) {
      const std::string line = trim(raw);
      if (line.empty()) {
        in_item = false;
        continue;
      }
      std::smatch m;
      if (std::regex_search(line, m, marker)) {
        items.push_back(trim(line.substr(static_cast<std::size_t>(m.length(0)))));
        in_item = true;
      } else if (in_item) {
        items.back() += " " + line;
      } else {
        plain.push_back(line);
      }
    }
    candidates = items.empty() ? plain : items;
  }

  std::vector<std::string> out;
  std::set<std::string> seen;
  for (auto& c : candidates) {
    std::string s = unwrap(trim(c));
    if (!acceptable(s, options)) continue;
    std::string key = s;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (!seen.insert(key).second) continue;
    out.push_back(std::move(s));
    if (out.size() == options.max_count) break;
  }
  return out;
}

}  // namespace cs::llm
