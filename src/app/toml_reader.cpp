#include "app/toml_reader.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>

extern char** environ;

namespace cs::app {

namespace {
// The config file's sections, longest first so rate_limit wins over a shorter prefix.
const std::vector<std::string>& sectionNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {
        "server", "store",   "log",     "flow",       "catalog",  "web",
        "llm",    "secrets", "stats",   "metrics",    "feedback", "dynamodb",
        "cache",  "budget",  "compare", "rate_limit", "cors",     "security_headers"};
    std::sort(n.begin(), n.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    return n;
  }();
  return names;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

thread_local const EnvOverrides* t_current = nullptr;

// An environment override as a number: all of its trimmed text, nothing before or after.
template <typename T>
T envNumber(const EnvOverrides::Value& e, const char* expected) {
  const auto text = trimmed(e.text);
  const auto* end = text.data() + text.size();
  T v{};
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end)
    throw ConfigError(e.variable + ": expected " + expected);
  return v;
}

// `v` within min..max (NaN is not), else an error naming where the value came from.
template <typename T>
void requireWithin(const std::string& who, T v, T min, T max) {
  if (!(v >= min && v <= max))
    throw ConfigError(who + ": " + std::to_string(v) + " is outside " + std::to_string(min) + ".." +
                      std::to_string(max));
}
}  // namespace

EnvOverrides EnvOverrides::fromPairs(const std::vector<std::pair<std::string, std::string>>& vars) {
  EnvOverrides env;
  for (const auto& [name, value] : vars) {
    if (!name.starts_with(kPrefix)) continue;
    const std::string rest = lower(std::string_view(name).substr(kPrefix.size()));
    std::string section;
    for (const auto& s : sectionNames())
      if (rest.size() > s.size() + 1 && rest.starts_with(s) && rest[s.size()] == '_') {
        section = s;
        break;
      }
    if (section.empty())
      throw ConfigError(name +
                        ": unknown setting (expected CLOUD_SAYINGS_<SECTION>_<KEY> with a section "
                        "of the config file)");
    env.values_[section + "." + rest.substr(section.size() + 1)] = Value{name, value};
  }
  return env;
}

EnvOverrides EnvOverrides::fromProcess() {
  std::vector<std::pair<std::string, std::string>> vars;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    if (!entry.starts_with(kPrefix)) continue;
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    vars.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return fromPairs(vars);
}

const EnvOverrides::Value* EnvOverrides::find(std::string_view section,
                                              std::string_view key) const {
  std::string full(section);
  full += '.';
  full += key;
  const auto it = values_.find(full);
  return it == values_.end() ? nullptr : &it->second;
}

std::vector<std::pair<std::string, const EnvOverrides::Value*>> EnvOverrides::inSection(
    std::string_view section) const {
  std::vector<std::pair<std::string, const Value*>> out;
  const std::string prefix = std::string(section) + ".";
  for (const auto& [k, v] : values_)
    if (k.starts_with(prefix)) out.emplace_back(k.substr(prefix.size()), &v);
  return out;
}

EnvOverrides::Scope::Scope(const EnvOverrides& env) : previous_(t_current) {
  t_current = &env;
}
EnvOverrides::Scope::~Scope() {
  t_current = previous_;
}
const EnvOverrides* EnvOverrides::current() {
  return t_current;
}

const EnvOverrides::Value* TomlSection::fromEnv(std::string_view key) const {
  return env_ ? env_->find(name_, key) : nullptr;
}

const toml::node* TomlSection::find(std::string_view key) {
  seen_.emplace(key);
  return table_ ? table_->get(key) : nullptr;
}

void TomlSection::read(std::string_view key, std::string& out) {
  const auto* n = find(key);
  if (const auto* e = fromEnv(key)) {
    out = e->text;
    return;
  }
  if (n) {
    if (!n->is_string()) throw ConfigError(qualified(key) + ": expected a string");
    out = n->as_string()->get();
  }
}

void TomlSection::read(std::string_view key, bool& out) {
  const auto* n = find(key);
  if (const auto* e = fromEnv(key)) {
    const auto text = trimmed(e->text);
    if (text == "true")
      out = true;
    else if (text == "false")
      out = false;
    else
      throw ConfigError(e->variable + ": expected true or false");
    return;
  }
  if (n) {
    if (!n->is_boolean()) throw ConfigError(qualified(key) + ": expected true or false");
    out = n->as_boolean()->get();
  }
}

void TomlSection::read(std::string_view key, std::int64_t& out, std::int64_t min,
                       std::int64_t max) {
  const auto* n = find(key);
  std::int64_t v = 0;
  std::string who;
  if (const auto* e = fromEnv(key)) {
    v = envNumber<std::int64_t>(*e, "an integer");
    who = e->variable;
  } else if (n) {
    if (!n->is_integer()) throw ConfigError(qualified(key) + ": expected an integer");
    v = n->as_integer()->get();
    who = qualified(key);
  } else {
    return;
  }
  requireWithin(who, v, min, max);
  out = v;
}

void TomlSection::read(std::string_view key, double& out, double min, double max) {
  const auto* n = find(key);
  double v = 0;
  std::string who;
  if (const auto* e = fromEnv(key)) {
    v = envNumber<double>(*e, "a number");
    who = e->variable;
  } else if (n) {
    if (n->is_floating_point())
      v = n->as_floating_point()->get();
    else if (n->is_integer())
      v = static_cast<double>(n->as_integer()->get());
    else
      throw ConfigError(qualified(key) + ": expected a number");
    who = qualified(key);
  } else {
    return;
  }
  requireWithin(who, v, min, max);
  out = v;
}

void TomlSection::readStrings(std::string_view key, std::vector<std::string>& out) {
  const auto* n = find(key);
  if (const auto* e = fromEnv(key)) {
    std::vector<std::string> items;
    std::string_view rest = e->text;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto item = trimmed(rest.substr(0, comma));
      if (!item.empty()) items.emplace_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    out = std::move(items);
    return;
  }
  if (n) {
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
  if (const auto* e = fromEnv(key))
    throw ConfigError(e->variable + ": " + qualified(key) +
                      " is a table; set it in the config file");
  if (!n) return nullptr;
  if (!n->is_table()) throw ConfigError(qualified(key) + ": expected a table");
  return n->as_table();
}

void TomlSection::finish() const {
  if (env_)
    for (const auto& [key, value] : env_->inSection(name_))
      if (!seen_.contains(key)) throw ConfigError(value->variable + ": unknown setting");
  if (!table_) return;
  for (const auto& [k, v] : *table_)
    if (!seen_.contains(k.str())) throw ConfigError(qualified(k.str()) + ": unknown setting");
}

}  // namespace cs::app
