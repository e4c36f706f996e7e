#include "core/json_field.hpp"

#include <charconv>
#include <cmath>

namespace cs::jsonf {

bool nestsDeeperThan(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // skip the escaped character (an escaped quote does not end the string)
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

std::optional<Json> parse(std::string_view text, std::size_t max_depth) {
  // No valid document holds a raw NUL (in a string it is a control character), but nlohmann
  // reads one after the value as the end of input and would accept "{} \0 anything": the proxy
  // would then forward bytes nobody checked. jsonf::scan refuses it the same way.
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  if (nestsDeeperThan(text, max_depth)) return std::nullopt;
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return std::nullopt;
  return doc;
}

const Json* find(const Json& doc, std::string_view pointer) {
  const Json* at = &doc;
  while (!pointer.empty()) {
    if (pointer.front() != '/') return nullptr;
    pointer.remove_prefix(1);
    const auto end = pointer.find('/');
    const std::string_view step = pointer.substr(0, end);
    pointer = end == std::string_view::npos ? std::string_view() : pointer.substr(end);
    if (at->is_object()) {
      const auto it = at->find(step);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array()) {
      std::size_t index = 0;
      const auto [p, ec] = std::from_chars(step.data(), step.data() + step.size(), index);
      if (ec != std::errc() || p != step.data() + step.size() || index >= at->size())
        return nullptr;
      at = &(*at)[index];  // index checked above: the const operator[] cannot throw here
    } else {
      return nullptr;
    }
  }
  return at;
}

const Json* object(const Json& doc, std::string_view pointer) {
  const Json* v = find(doc, pointer);
  return v && v->is_object() ? v : nullptr;
}

const Json* array(const Json& doc, std::string_view pointer) {
  const Json* v = find(doc, pointer);
  return v && v->is_array() ? v : nullptr;
}

std::optional<std::string_view> stringView(const Json& doc, std::string_view pointer) {
  const Json* v = find(doc, pointer);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string_view(*v->get_ptr<const Json::string_t*>());
}

std::optional<std::string> string(const Json& doc, std::string_view pointer) {
  auto v = stringView(doc, pointer);
  if (!v) return std::nullopt;
  return std::string(*v);
}

std::optional<bool> boolean(const Json& doc, std::string_view pointer) {
  const Json* v = find(doc, pointer);
  if (!v || !v->is_boolean()) return std::nullopt;
  return *v->get_ptr<const Json::boolean_t*>();
}

std::optional<double> number(const Json& doc, std::string_view pointer) {
  const Json* v = find(doc, pointer);
  if (!v || !v->is_number()) return std::nullopt;
  // Unsigned first: nlohmann's get_ptr<number_integer_t*> also answers for an unsigned value
  // (is_number_integer() is true for both) and would read 2^64-1 as -1.
  double d = 0;
  if (const auto* u = v->get_ptr<const Json::number_unsigned_t*>())
    d = static_cast<double>(*u);
  else if (const auto* i = v->get_ptr<const Json::number_integer_t*>())
    d = static_cast<double>(*i);
  else
    d = *v->get_ptr<const Json::number_float_t*>();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<std::int64_t> integer(const Json& doc, std::string_view pointer, std::int64_t min,
                                    std::int64_t max) {
  const Json* v = find(doc, pointer);
  if (!v) return std::nullopt;
  std::int64_t out = 0;
  if (const auto* u =
          v->get_ptr<const Json::number_unsigned_t*>()) {  // unsigned first: see number()
    if (*u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    out = static_cast<std::int64_t>(*u);
  } else if (const auto* i = v->get_ptr<const Json::number_integer_t*>()) {
    out = *i;
  } else {
    return std::nullopt;
  }
  if (out < min || out > max) return std::nullopt;
  return out;
}

}  // namespace cs::jsonf
