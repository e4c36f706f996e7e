#include "app/toml_reader.hpp"

namespace cs::app {

const toml::node* TomlSection::find(std::string_view key) {
  seen_.emplace(key);
  return table_ ? table_->get(key) : nullptr;
}

void TomlSection::read(std::string_view key, std::string& out) {
  if (const auto* n = find(key)) {
    if (!n->is_string()) throw ConfigError(qualified(key) + ": expected a string");
    out = n->as_string()->get();
  }
}

void TomlSection::read(std::string_view key, bool& out) {
  if (const auto* n = find(key)) {
    if (!n->is_boolean()) throw ConfigError(qualified(key) + ": expected true or false");
    out = n->as_boolean()->get();
  }
}

void TomlSection::read(std::string_view key, std::int64_t& out, std::int64_t min,
                       std::int64_t max) {
  if (const auto* n = find(key)) {
    if (!n->is_integer()) throw ConfigError(qualified(key) + ": expected an integer");
    const auto v = n->as_integer()->get();
    if (v < min || v > max)
      throw ConfigError(qualified(key) + ": " + std::to_string(v) + " is outside " +
                        std::to_string(min) + ".." + std::to_string(max));
    out = v;
  }
}

void TomlSection::read(std::string_view key, double& out, double min, double max) {
  if (const auto* n = find(key)) {
    double v;
    if (n->is_floating_point())
      v = n->as_floating_point()->get();
    else if (n->is_integer())
      v = static_cast<double>(n->as_integer()->get());
    else
      throw ConfigError(qualified(key) + ": expected a number");
    if (v < min || v > max)
      throw ConfigError(qualified(key) + ": " + std::to_string(v) + " is outside " +
                        std::to_string(min) + ".." + std::to_string(max));
    out = v;
  }
}

void TomlSection::readStrings(std::string_view key, std::vector<std::string>& out) {
  if (const auto* n = find(key)) {
    const auto* arr = n->as_array();
    if (!arr) throw ConfigError(qualified(key) + ": expected an array of strings");
    std::vector<std::string> items;
    for (const auto& item : *arr) {
      if (!item.is_string()) throw ConfigError(qualified(key) + ": expected an array of strings");
      items.push_back(item.as_string()->get());
    }
    out = std::move(items);
  }
}

const toml::table* TomlSection::subtable(std::string_view key) {
  const auto* n = find(key);
  if (!n) return nullptr;
  if (!n->is_table()) throw ConfigError(qualified(key) + ": expected a table");
  return n->as_table();
}

void TomlSection::finish() const {
  if (!table_) return;
  for (const auto& [k, v] : *table_)
    if (!seen_.contains(k.str())) throw ConfigError(qualified(k.str()) + ": unknown setting");
}

}  // namespace cs::app
