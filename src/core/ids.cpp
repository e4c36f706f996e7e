#include "core/ids.hpp"

#include <cstdint>
#include <random>

#include "core/fnv.hpp"

namespace cs {

namespace {
void appendHex(std::string& out, std::uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(v >> shift) & 0xF]);
}
}  // namespace

std::string randomId() {
  thread_local std::mt19937_64 gen{std::random_device{}() ^
                                   (std::uint64_t(std::random_device{}()) << 32)};
  std::string out;
  out.reserve(32);
  appendHex(out, gen());
  appendHex(out, gen());
  return out;
}

std::string contentId(std::string_view prefix, std::string_view text) {
  // Two FNV-1a passes with different offsets (the second is the first's halves swapped):
  // 128 bits, stable across builds and platforms.
  constexpr std::uint64_t kSecondOffset = 0x84222325cbf29ce4ULL;
  std::string out(prefix);
  appendHex(out, fnv1a(text));
  appendHex(out, fnv1a(text, kSecondOffset));
  return out;
}

}  // namespace cs
