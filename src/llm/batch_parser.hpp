#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cs::llm {

struct ParseOptions {
  std::size_t max_count = 3;
  std::size_t min_chars = 20;
  std::size_t max_chars = 400;
  std::size_t min_words = 5;
};

// Sayings from real model output: numbered or bulleted lists, quotes, bold markers, code
// fences, a JSON array, leading or trailing prose. Rejects empty, overlong and non-saying
// lines (titles, "Here are three...", closing remarks); drops duplicates; at most max_count.
std::vector<std::string> parseSayings(std::string_view text, const ParseOptions& options = {});

}  // namespace cs::llm
