#pragma once
#include <toml++/toml.h>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.hpp"

namespace cs::app {

// Reads typed values from one TOML table, naming "section.key" in every error, and reports
// keys nobody asked for (typos must not pass silently).
class TomlSection {
 public:
  TomlSection(const toml::table* table, std::string name) : table_(table), name_(std::move(name)) {}

  void read(std::string_view key, std::string& out);
  void read(std::string_view key, bool& out);
  void read(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
  void read(std::string_view key, double& out, double min, double max);
  template <typename Int>
  void readInt(std::string_view key, Int& out, std::int64_t min, std::int64_t max) {
    std::int64_t v = static_cast<std::int64_t>(out);
    read(key, v, min, max);
    out = static_cast<Int>(v);
  }
  // An array of strings (replaces `out` when present).
  void readStrings(std::string_view key, std::vector<std::string>& out);
  // A nested table (nullptr when absent); marks the key as read.
  const toml::table* subtable(std::string_view key);
  // Throws if the table has a key that was never read.
  void finish() const;
  const toml::table* table() const { return table_; }
  std::string qualified(std::string_view key) const { return name_ + "." + std::string(key); }

 private:
  const toml::node* find(std::string_view key);
  const toml::table* table_;
  std::string name_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace cs::app
