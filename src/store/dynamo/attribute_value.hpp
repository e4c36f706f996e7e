#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace cs::dynamo {

using Json = nlohmann::json;

// DynamoDB's typed JSON ("AttributeValue"): {"S": "text"}, {"N": "12.5"} (numbers travel as
// strings), {"SS": [...]}, {"BOOL": true}, {"NULL": true}, {"M": {...}}, {"L": [...]}.
Json attrS(std::string_view value);
Json attrN(std::int64_t value);
// Shortest text that reads back as the same double. DynamoDB has no NaN or infinity: a
// non-finite value is stored as NULL (optional fields then read back as absent).
Json attrN(double value);
// DynamoDB rejects an empty set: callers omit the attribute instead.
Json attrSS(const std::vector<std::string>& values);
Json attrBool(bool value);
Json attrNull();

// Plain JSON -> AttributeValue: string S, number N, bool BOOL, null NULL, object M, array L.
// (A string set is never inferred from an array: build it with attrSS.)
Json toAttributeValue(const Json& plain);
// AttributeValue -> plain JSON, the inverse of the above; SS becomes an array of strings, N
// an integer when it is one (and fits in 64 bits), else a double. Errors name what is wrong.
Result<Json> fromAttributeValue(const Json& value);

// Parses a DynamoDB number text strictly (no spaces, no trailing junk).
std::optional<std::int64_t> parseInt64(std::string_view text);
std::optional<double> parseDouble(std::string_view text);

// Reads typed attributes out of an item ({"name": AttributeValue, ...}). The first problem
// (missing required attribute, wrong type, bad number) is remembered and reported by error().
class ItemReader {
 public:
  explicit ItemReader(const Json& item, std::string_view what) : item_(item), what_(what) {}

  std::string string(std::string_view name);  // required S
  std::string stringOr(std::string_view name, std::string fallback);
  std::int64_t int64Or(std::string_view name, std::int64_t fallback);
  std::int64_t int64(std::string_view name);  // required N
  double doubleOr(std::string_view name, double fallback);
  std::optional<double> optDouble(std::string_view name);   // N, NULL or absent
  std::optional<bool> optBool(std::string_view name);       // BOOL, NULL or absent
  std::vector<std::string> strings(std::string_view name);  // SS or L of S; absent = empty

  bool ok() const { return !error_; }
  Result<void> status() const;

 private:
  const Json* find(std::string_view name, std::string_view type);
  void setError(std::string message);

  const Json& item_;
  std::string what_;
  std::optional<std::string> error_;
};

}  // namespace cs::dynamo
