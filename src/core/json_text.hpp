#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace cs {

// Appends JSON text without building a nlohmann::json tree: the hot path (response bodies,
// access-log lines) writes straight into one string. The output is byte for byte what
// nlohmann::json::dump(-1, ' ', false, error_handler_t::replace) writes for the same value,
// so callers may switch between the two freely (tests/unit/json_text_test.cpp checks it).
void appendJsonString(std::string& out, std::string_view text);
void appendJsonNumber(std::string& out, double value);  // non-finite: null
void appendJsonNumber(std::string& out, std::int64_t value);
void appendJsonNumber(std::string& out, std::uint64_t value);
inline void appendJsonBool(std::string& out, bool value) {
  out += value ? "true" : "false";
}

}  // namespace cs
