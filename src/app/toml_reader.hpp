#pragma once
#include <toml++/toml.h>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.hpp"

namespace cs::app {

// Settings from environment variables CLOUD_SAYINGS_<SECTION>_<KEY> (upper case, e.g.
// CLOUD_SAYINGS_STORE_URL, CLOUD_SAYINGS_RATE_LIMIT_ENABLED), which override the file. Values
// are text, typed by the setting that reads them: true|false, integers, numbers, and lists
// as comma-separated items. Errors name the variable. Nested tables (rate_limit.routes) come
// only from a file.
class EnvOverrides {
 public:
  struct Value {
    std::string variable;  // CLOUD_SAYINGS_STORE_URL
    std::string text;
  };
  static constexpr std::string_view kPrefix = "CLOUD_SAYINGS_";

  EnvOverrides() = default;
  // Every CLOUD_SAYINGS_* variable of the process environment.
  static EnvOverrides fromProcess();
  // From NAME=VALUE pairs (tests); names without the prefix are ignored. Throws ConfigError
  // for a variable that names no section.
  static EnvOverrides fromPairs(const std::vector<std::pair<std::string, std::string>>& vars);

  // The value for section.key, or nullptr.
  const Value* find(std::string_view section, std::string_view key) const;
  // Variables for `section`, for TomlSection::finish's unknown-key check.
  std::vector<std::pair<std::string, const Value*>> inSection(std::string_view section) const;
  bool empty() const { return values_.empty(); }

  // While a Scope lives, every TomlSection built on this thread reads these overrides.
  class Scope {
   public:
    explicit Scope(const EnvOverrides& env);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    const EnvOverrides* previous_;
  };
  static const EnvOverrides* current();

 private:
  // "section.key" -> value
  std::map<std::string, Value, std::less<>> values_;
};

// Reads typed values from one TOML table, naming "section.key" in every error, and reports
// keys nobody asked for (typos must not pass silently).
class TomlSection {
 public:
  TomlSection(const toml::table* table, std::string name)
      : table_(table), name_(std::move(name)), env_(EnvOverrides::current()) {}

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
  // Whether the key is set at all (in the file or the environment).
  bool has(std::string_view key) const {
    return fromEnv(key) != nullptr || (table_ && table_->contains(key));
  }
  std::string qualified(std::string_view key) const { return name_ + "." + std::string(key); }

 private:
  const toml::node* find(std::string_view key);
  const EnvOverrides::Value* fromEnv(std::string_view key) const;
  const toml::table* table_;
  std::string name_;
  const EnvOverrides* env_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace cs::app
