#include "store/dynamo/attribute_value.hpp"

#include <charconv>
#include <cmath>

#include "core/json_field.hpp"

namespace cs::dynamo {

Json attrS(std::string_view value) {
  return {{"S", std::string(value)}};
}
Json attrN(std::int64_t value) {
  return {{"N", std::to_string(value)}};
}

Json attrN(double value) {
  if (!std::isfinite(value)) return attrNull();
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return attrNull();
  return {{"N", std::string(buf, end)}};
}

Json attrSS(const std::vector<std::string>& values) {
  return {{"SS", values}};
}
Json attrBool(bool value) {
  return {{"BOOL", value}};
}
Json attrNull() {
  return {{"NULL", true}};
}

// Our own plain JSON (never a document someone else wrote), but read through the type-checked
// pointers all the same, so this file holds no throwing accessor.
Json toAttributeValue(const Json& plain) {
  switch (plain.type()) {
    case Json::value_t::string:
      return attrS(*plain.get_ptr<const Json::string_t*>());
    case Json::value_t::boolean:
      return attrBool(*plain.get_ptr<const Json::boolean_t*>());
    case Json::value_t::number_integer:
      return attrN(std::int64_t{*plain.get_ptr<const Json::number_integer_t*>()});
    case Json::value_t::number_unsigned:
      return {{"N", std::to_string(*plain.get_ptr<const Json::number_unsigned_t*>())}};
    case Json::value_t::number_float:
      return attrN(double{*plain.get_ptr<const Json::number_float_t*>()});
    case Json::value_t::object: {
      Json m = Json::object();
      for (const auto& [k, v] : plain.items()) m[k] = toAttributeValue(v);
      return {{"M", std::move(m)}};
    }
    case Json::value_t::array: {
      Json l = Json::array();
      for (const auto& v : plain) l.push_back(toAttributeValue(v));
      return {{"L", std::move(l)}};
    }
    default:
      return attrNull();
  }
}

std::optional<std::int64_t> parseInt64(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> parseDouble(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

namespace {
Result<Json> numberFromText(const Json& n) {
  const auto text = jsonf::stringView(n);
  if (!text) return fail(ErrorCode::kStoreError, "N must be a string");
  if (auto i = parseInt64(*text)) return Json(*i);
  if (auto d = parseDouble(*text)) return Json(*d);
  return fail(ErrorCode::kStoreError,
              "N \"" + std::string(text->substr(0, 40)) + "\" is not a number");
}

// The text of an N attribute value, or nullopt.
std::optional<std::string_view> numberText(const Json* v) {
  return v ? jsonf::stringView(*v) : std::nullopt;
}
}  // namespace

Result<Json> fromAttributeValue(const Json& value) {
  if (!value.is_object() || value.size() != 1)
    return fail(ErrorCode::kStoreError,
                "an AttributeValue must be an object with exactly one type key");
  // Not `*value.items().begin()`: that proxy is a temporary, and its key() would dangle.
  const auto first = value.begin();
  const std::string& type = first.key();
  const Json& v = *first;
  if (type == "S") {
    if (!v.is_string()) return fail(ErrorCode::kStoreError, "S must be a string");
    return v;
  }
  if (type == "N") return numberFromText(v);
  if (type == "BOOL") {
    if (!v.is_boolean()) return fail(ErrorCode::kStoreError, "BOOL must be true or false");
    return v;
  }
  if (type == "NULL") return Json(nullptr);
  if (type == "SS") {
    if (!v.is_array()) return fail(ErrorCode::kStoreError, "SS must be an array");
    for (const auto& s : v)
      if (!s.is_string()) return fail(ErrorCode::kStoreError, "SS must hold strings");
    return v;
  }
  if (type == "M") {
    if (!v.is_object()) return fail(ErrorCode::kStoreError, "M must be an object");
    Json out = Json::object();
    for (const auto& [k, inner] : v.items()) {
      auto plain = fromAttributeValue(inner);
      if (!plain) return std::unexpected(plain.error());
      out[k] = std::move(*plain);
    }
    return out;
  }
  if (type == "L") {
    if (!v.is_array()) return fail(ErrorCode::kStoreError, "L must be an array");
    Json out = Json::array();
    for (const auto& inner : v) {
      auto plain = fromAttributeValue(inner);
      if (!plain) return std::unexpected(plain.error());
      out.push_back(std::move(*plain));
    }
    return out;
  }
  return fail(ErrorCode::kStoreError,
              "unsupported AttributeValue type \"" + type.substr(0, 20) + "\"");
}

// ---- ItemReader -------------------------------------------------------------------------

void ItemReader::setError(std::string message) {
  if (!error_) error_ = what_ + ": " + std::move(message);
}

Result<void> ItemReader::status() const {
  if (error_) return fail(ErrorCode::kStoreError, *error_);
  return {};
}

const Json* ItemReader::find(std::string_view name, std::string_view type) {
  if (!item_.is_object()) {
    setError("item is not an object");
    return nullptr;
  }
  auto it = item_.find(name);
  if (it == item_.end()) return nullptr;
  if (!it->is_object() || it->size() != 1) {
    setError("attribute " + std::string(name) + " is not an AttributeValue");
    return nullptr;
  }
  if (it->contains("NULL")) return nullptr;
  auto typed = it->find(type);
  if (typed == it->end()) {
    setError("attribute " + std::string(name) + " is not of type " + std::string(type));
    return nullptr;
  }
  return &*typed;
}

std::string ItemReader::string(std::string_view name) {
  const Json* v = find(name, "S");
  if (auto s = v ? jsonf::string(*v) : std::nullopt) return std::move(*s);
  if (v)
    setError("attribute " + std::string(name) + " S is not a string");
  else
    setError("attribute " + std::string(name) + " is missing");
  return {};
}

std::string ItemReader::stringOr(std::string_view name, std::string fallback) {
  const Json* v = find(name, "S");
  if (!v) return fallback;
  auto s = jsonf::string(*v);
  if (!s) {
    setError("attribute " + std::string(name) + " S is not a string");
    return fallback;
  }
  return std::move(*s);
}

std::int64_t ItemReader::int64Or(std::string_view name, std::int64_t fallback) {
  const Json* v = find(name, "N");
  if (!v) return fallback;
  const auto text = numberText(v);
  auto n = text ? parseInt64(*text) : std::nullopt;
  if (!n) {
    // Numbers written by other tools may carry a fraction ("12.0").
    auto d = text ? parseDouble(*text) : std::nullopt;
    if (d && std::abs(*d) < 9.2e18) return static_cast<std::int64_t>(*d);
    setError("attribute " + std::string(name) + " is not an integer");
    return fallback;
  }
  return *n;
}

std::int64_t ItemReader::int64(std::string_view name) {
  if (ok() && item_.is_object() && !item_.contains(name))
    setError("attribute " + std::string(name) + " is missing");
  return int64Or(name, 0);
}

std::optional<double> ItemReader::optDouble(std::string_view name) {
  const Json* v = find(name, "N");
  if (!v) return std::nullopt;
  const auto text = numberText(v);
  auto d = text ? parseDouble(*text) : std::nullopt;
  if (!d) setError("attribute " + std::string(name) + " is not a number");
  return d;
}

double ItemReader::doubleOr(std::string_view name, double fallback) {
  return optDouble(name).value_or(fallback);
}

std::optional<bool> ItemReader::optBool(std::string_view name) {
  const Json* v = find(name, "BOOL");
  if (!v) return std::nullopt;
  auto b = jsonf::boolean(*v, "");
  if (!b) setError("attribute " + std::string(name) + " BOOL is not a boolean");
  return b;
}

std::vector<std::string> ItemReader::strings(std::string_view name) {
  std::vector<std::string> out;
  if (!item_.is_object()) return out;
  auto it = item_.find(name);
  if (it == item_.end() || !it->is_object() || it->contains("NULL")) return out;
  const Json* list = nullptr;
  if (auto ss = it->find("SS"); ss != it->end())
    list = &*ss;
  else if (auto l = it->find("L"); l != it->end())
    list = &*l;
  if (!list || !list->is_array()) {
    setError("attribute " + std::string(name) + " is not a string set");
    return out;
  }
  for (const auto& v : *list) {
    if (auto s = jsonf::string(v))
      out.push_back(std::move(*s));
    else if (auto inner = jsonf::string(v, "/S"))
      out.push_back(std::move(*inner));
    else
      setError("attribute " + std::string(name) + " holds a non-string");
  }
  return out;
}

}  // namespace cs::dynamo
