#pragma once
#include <string>
#include <string_view>

namespace cs {

// Random 128-bit id as 32 hex characters (request ids, saying ids, vote ids).
std::string randomId();
// Stable id derived from content, so reloading the corpus never duplicates a saying.
std::string contentId(std::string_view prefix, std::string_view text);

}  // namespace cs
