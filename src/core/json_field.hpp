#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

// The one audited way to read JSON that someone else wrote (provider answers, SSM, DynamoDB,
// client bodies, Lambda events). nlohmann's own accessors throw on a wrong type (`value`,
// `get<T>`, `at`, `operator[]` on a const document): one number where a string belongs would
// then be a std::terminate on a worker thread. Everything here checks type first and answers
// std::nullopt (or nullptr) instead; callers turn that into a classified error naming the field.
// tests/check_untrusted_json.sh fails the build's tests when an untrusted-JSON reader uses the
// throwing accessors instead of these.
namespace cs::jsonf {

using Json = nlohmann::json;

// Deeper documents are refused before parsing: nlohmann's dump and comparisons recurse, and no
// answer we read nests beyond a dozen levels.
inline constexpr std::size_t kMaxDepth = 64;

// Parses without throwing; nullopt for invalid JSON (a raw NUL byte anywhere included) or
// nesting deeper than max_depth.
std::optional<Json> parse(std::string_view text, std::size_t max_depth = kMaxDepth);
// True when brackets nest deeper than max_depth outside strings (a linear scan).
bool nestsDeeperThan(std::string_view text, std::size_t max_depth);

// Looks up a JSON pointer ("/error/type", "/choices/0/message"; no ~ escapes): nullptr when a
// step is missing or goes through something that is not an object or array. "" is the document.
const Json* find(const Json& doc, std::string_view pointer);

const Json* object(const Json& doc, std::string_view pointer);
const Json* array(const Json& doc, std::string_view pointer);
std::optional<std::string> string(const Json& doc, std::string_view pointer);
// A string as a view into the document (valid while the document lives).
std::optional<std::string_view> stringView(const Json& doc, std::string_view pointer);
std::optional<bool> boolean(const Json& doc, std::string_view pointer);
// A finite number (integer or float).
std::optional<double> number(const Json& doc, std::string_view pointer);
// An integer in [min, max]: floats (even 3.0), strings and out-of-range values are nullopt.
std::optional<std::int64_t> integer(const Json& doc, std::string_view pointer,
                                    std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX);

// The same for a value already in hand (an array element in a loop).
inline std::optional<std::string> string(const Json& value) {
  return string(value, "");
}
inline std::optional<std::string_view> stringView(const Json& value) {
  return stringView(value, "");
}

}  // namespace cs::jsonf
