#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/json_field.hpp"

namespace cs::lambda {

// Non-throwing reads of an untrusted JSON document (a Lambda event). Every accessor checks the
// type before it touches the value, so a wrong type is a recorded error, never an exception.
// A JSON null reads as absent (API Gateway sends null for "none"). The first problem is kept in
// error() with the field's name. Built on cs::jsonf, the one audited reader of untrusted JSON;
// this class only adds "remember the first problem, named".
class FieldReader {
 public:
  // The member, or nullptr when `object` is no object, the key is absent or the value null.
  static const nlohmann::json* member(const nlohmann::json& object, std::string_view key) {
    if (!object.is_object()) return nullptr;
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
  }

  const nlohmann::json* object(const nlohmann::json& parent, std::string_view key,
                               std::string_view name, bool required = false) {
    return typed(parent, key, name, required, nlohmann::json::value_t::object, "an object");
  }
  const nlohmann::json* array(const nlohmann::json& parent, std::string_view key,
                              std::string_view name, bool required = false) {
    return typed(parent, key, name, required, nlohmann::json::value_t::array, "an array");
  }
  std::optional<std::string> string(const nlohmann::json& parent, std::string_view key,
                                    std::string_view name, bool required = false) {
    const auto* v = typed(parent, key, name, required, nlohmann::json::value_t::string, "a string");
    if (!v) return std::nullopt;
    return jsonf::string(*v);
  }
  std::optional<bool> boolean(const nlohmann::json& parent, std::string_view key,
                              std::string_view name) {
    const auto* v =
        typed(parent, key, name, false, nlohmann::json::value_t::boolean, "true or false");
    if (!v) return std::nullopt;
    return jsonf::boolean(*v, "");
  }
  // A value already found (an array element, an object's member while iterating).
  std::optional<std::string> asString(const nlohmann::json& value, std::string_view name) {
    if (auto s = jsonf::string(value)) return s;
    if (!value.is_null()) note(std::string(name) + ": expected a string");
    return std::nullopt;
  }

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void note(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

 private:
  const nlohmann::json* typed(const nlohmann::json& parent, std::string_view key,
                              std::string_view name, bool required, nlohmann::json::value_t type,
                              std::string_view expected) {
    const auto* v = member(parent, key);
    if (!v) {
      if (required) note(std::string(name) + ": missing");
      return nullptr;
    }
    // Integers come as number_integer or number_unsigned; only the kinds used above matter.
    if (v->type() != type) {
      note(std::string(name) + ": expected " + std::string(expected));
      return nullptr;
    }
    return v;
  }

  std::string error_;
};

}  // namespace cs::lambda
