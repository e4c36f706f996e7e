#include "llm/batch_parser.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "core/json_field.hpp"

// Model output is untrusted text: everything here is plain scanning, linear in the input (no
// std::regex, whose recursion overflowed the stack on a 60,000-space line), and the JSON path
// goes through jsonf (depth-limited, non-throwing).
namespace cs::llm {
namespace {

std::string_view trimView(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string trim(std::string_view s) {
  return std::string(trimView(s));
}

bool startsWithAny(const std::string& s, std::initializer_list<std::string_view> prefixes) {
  std::string lower(s.substr(0, 40));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](std::string_view p) { return lower.starts_with(p); });
}

// Strips quotes and markdown emphasis around a saying. Works on a view (each round only moves
// its ends), so a line of 500,000 quote characters costs linear time, not a copy per round.
std::string unwrap(std::string_view s) {
  static constexpr std::pair<std::string_view, std::string_view> kPairs[] = {
      {"**", "**"},
      {"__", "__"},
      {"*", "*"},
      {"_", "_"},
      {"\"", "\""},
      {"'", "'"},
      {"\xE2\x80\x9C", "\xE2\x80\x9D"},
      {"`", "`"}};
  for (bool changed = true; changed && !s.empty();) {
    changed = false;
    for (const auto& [open, close] : kPairs) {
      if (s.size() > open.size() + close.size() && s.starts_with(open) && s.ends_with(close)) {
        s = trimView(s.substr(open.size(), s.size() - open.size() - close.size()));
        changed = true;
      }
    }
  }
  return std::string(s);
}

// Length of a list marker ("1.", "1)", "#2:", "Saying 3 -", "-", "*", "+", "•") and the
// whitespace after it at the start of a trimmed line; 0 when the line has none. What the old
// pattern ^\s*(?:(?:saying\s*)?#?\d{1,2}\s*[.):\-]|[-*+]|\xE2\x80\xA2)\s+ (icase) matched.
std::size_t markerLength(std::string_view line) {
  auto isSpace = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
  };
  auto isDigit = [](char c) { return c >= '0' && c <= '9'; };
  auto spacesFrom = [&](std::size_t p) {
    while (p < line.size() && isSpace(line[p])) ++p;
    return p;
  };
  auto withSpaces = [&](std::size_t p) -> std::size_t {
    const auto end = spacesFrom(p);
    return end > p ? end : 0;  // the marker must be followed by whitespace
  };
  const std::size_t start = spacesFrom(0);
  std::size_t p = start;
  if (line.size() - p >= 6) {
    std::string word(line.substr(p, 6));
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (word == "saying") p = spacesFrom(p + 6);
  }
  if (p < line.size() && line[p] == '#') ++p;
  std::size_t digits = 0;
  while (p < line.size() && digits < 2 && isDigit(line[p])) ++p, ++digits;
  if (digits > 0 && !(p < line.size() && isDigit(line[p]))) {
    p = spacesFrom(p);
    if (p < line.size() && std::string_view(".):-").find(line[p]) != std::string_view::npos)
      if (const auto end = withSpaces(p + 1)) return end;
  }
  if (start < line.size() && std::string_view("-*+").find(line[start]) != std::string_view::npos)
    return withSpaces(start + 1);
  if (line.substr(start).starts_with("\xE2\x80\xA2")) return withSpaces(start + 3);
  return 0;
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

std::vector<std::string> fromJson(std::string_view text) {
  std::vector<std::string> out;
  const auto doc = jsonf::parse(text);
  if (!doc) return out;
  const jsonf::Json* list = jsonf::array(*doc, "");
  for (const char* pointer : {"/sayings", "/items", "/results"})
    if (!list) list = jsonf::array(*doc, pointer);
  if (!list) return out;
  for (const auto& item : *list) {
    if (auto s = jsonf::string(item)) {
      out.push_back(std::move(*s));
      continue;
    }
    for (const char* pointer : {"/text", "/saying", "/content"})
      if (auto s = jsonf::string(item, pointer)) {
        out.push_back(std::move(*s));
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
      candidates = fromJson(std::string_view(body).substr(first, last - first + 1));
  }
  if (candidates.empty()) {
    // List items ("1.", "1)", "-", "*", "•", "Saying 1:"); continuation lines join the item.
    std::vector<std::string> items, plain;
    bool in_item = false;
    for (const auto& raw : lines) {
      const std::string line = trim(raw);
      if (line.empty()) {
        in_item = false;
        continue;
      }
      if (const auto marker = markerLength(line)) {
        items.push_back(trim(std::string_view(line).substr(marker)));
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
    std::string s = unwrap(trimView(c));
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
