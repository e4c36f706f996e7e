#pragma once
// What every harness shares: the input as text, a check that names the broken property before
// aborting (libFuzzer then saves the input as crash-*), and logs that go nowhere.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "obs/logger.hpp"

namespace cs::fuzz {

inline std::string_view asText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Reads a harness input laid out so seeds can be written by hand: control bytes first, then
// '\n'-terminated text fields, then the rest (usually a body). Past the end, bytes read 0 and
// fields read empty.
class Input {
 public:
  explicit Input(std::string_view data) : data_(data) {}
  std::uint8_t byte() {
    if (data_.empty()) return 0;
    const auto b = static_cast<std::uint8_t>(data_.front());
    data_.remove_prefix(1);
    return b;
  }
  std::string line() {
    const auto end = data_.find('\n');
    std::string out(data_.substr(0, end));
    data_.remove_prefix(end == std::string_view::npos ? data_.size() : end + 1);
    return out;
  }
  std::string rest() {
    std::string out(data_);
    data_ = {};
    return out;
  }

 private:
  std::string_view data_;
};

// A property the code under test promises; a violation is a finding like a crash.
inline void check(bool ok, const char* property) {
  if (ok) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", property);
  std::abort();
}

// Logging stays on (hostile text must survive formatting) but is written nowhere.
inline void quietLogs() {
  static obs::Logger logger(obs::Level::kDebug, [](std::string_view) {});
  static const bool installed = (obs::setGlobalLogger(&logger), true);
  (void)installed;
}

}  // namespace cs::fuzz
