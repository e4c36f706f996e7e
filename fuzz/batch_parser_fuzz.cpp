// Batch parsing: raw model output (lists, JSON, fences, prose) to sayings. Finds: crashes,
// regex blow-ups, and outputs that break parseSayings' promises.
#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "fuzz_support.hpp"
#include "llm/batch_parser.hpp"

namespace {
std::size_t wordCount(const std::string& s) {
  std::stringstream ss(s);
  std::size_t n = 0;
  for (std::string w; ss >> w;) ++n;
  return n;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cs::fuzz::check;
  if (size == 0) return 0;
  cs::llm::ParseOptions options;
  options.max_count = 1 + data[0] % 5;  // the first byte picks how many sayings are wanted
  const auto sayings = cs::llm::parseSayings(cs::fuzz::asText(data + 1, size - 1), options);
  check(sayings.size() <= options.max_count, "at most max_count sayings");
  std::set<std::string> seen;
  for (const auto& s : sayings) {
    check(s.size() >= options.min_chars && s.size() <= options.max_chars, "length in bounds");
    check(wordCount(s) >= options.min_words, "enough words");
    check(s.find_first_of(" \t\r\n") != 0 && s.find_last_not_of(" \t\r\n") == s.size() - 1,
          "trimmed");
    std::string key = s;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    check(seen.insert(key).second, "no duplicates (ignoring case)");
  }
  return 0;
}
