#include "store/dynamo/attribute_value.hpp"

#include <charconv>
#include <cmath>

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

Json toAttributeValue(const Json& plain) {
  switch (plain.type()) {
    case Json::value_t::string:
      return attrS(plain.get_ref<const std::string&>());
    case Json::value_t::boolean:
      return attrBool(plain.get<bool>());
    case Json::value_t::number_integer:
      return attrN(plain.get<std::int64_t>());
    case Json::value_t::number_unsigned:
      return {{"N", std::to_string(plain.get<std::uint64_t>())}};
    case Json::value_t::number_float:
      return attrN(plain.get<double>());
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
  if (!n.is_string()) return fail(ErrorCode::kStoreError, "N must be a string");
  const auto& text = n.get_ref<const std::string&>();
  if (auto i = parseInt64(text)) return Json(*i);
  if (auto d = parseDouble(text)) return Json(*d);
  return fail(ErrorCode::kStoreError, "N \"" + text.substr(0, 40) + "\" is not a number");
}
}  // namespace

Result<Json> fromAttributeValue(const Json& value) {
  if (!value.is_object() || value.size() != 1)
    return fail(ErrorCode::kStoreError, "an AttributeValue must be an object with exactly one type key");
  // Not `*value.items().begin()`: that proxy is a temporary, and its key() would dangle.
  const auto first = value.begin();
  const std::string& type = first.key();
  const Json& v = first.value();
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
  return fail(ErrorCode::kStoreError, "unsupported AttributeValue type \"" + type.substr(0, 20) + "\"");
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
  if (v && v->is_string()) return v->get<std::string>();
  if (v)
    setError("attribute " + std::string(name) + " S is not a string");
  else
    setError("attribute " + std::string(name) + " is missing");
  return {};
}

std::string ItemReader::stringOr(std::string_view name, std::string fallback) {
  const Json* v = find(name, "S");
  if (!v) return fallback;
  if (!v->is_string()) {
    setError("attribute " + std::string(name) + " S is not a string");
    return fallback;
  }
  return v->get<std::string>();
}

std::int64_t ItemReader::int64Or(std::string_view name, std::int64_t fallback) {
  const Json* v = find(name, "N");
  if (!v) return fallback;
  auto n = v->is_string() ? parseInt64(v->get_ref<const std::string&>()) : std::nullopt;
  if (!n) {
    // Numbers written by other tools may carry a fraction ("12.0").
    auto d = v->is_string() ? parseDouble(v->get_ref<const std::string&>()) : std::nullopt;
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
  auto d = v->is_string() ? parseDouble(v->get_ref<const std::string&>()) : std::nullopt;
  if (!d) setError("attribute " + std::string(name) + " is not a number");
  return d;
}

double ItemReader::doubleOr(std::string_view name, double fallback) {
  return optDouble(name).value_or(fallback);
}

std::optional<bool> ItemReader::optBool(std::string_view name) {
  const Json* v = find(name, "BOOL");
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    setError("attribute " + std::string(name) + " BOOL is not a boolean");
    return std::nullopt;
  }
  return v->get<bool>();
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
    if (v.is_string())
      out.push_back(v.get<std::string>());
    else if (v.is_object() && v.contains("S") && v["S"].is_string())
      out.push_back(v["S"].get<std::string>());
    else
      setError("attribute " + std::string(name) + " holds a non-string");
  }
  return out;
}

}  // namespace cs::dynamo
