#include "core/ids.hpp"

#include <array>
#include <cstdint>
#include <random>

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
  // Two FNV-1a passes with different offsets: 128 bits, stable across builds and platforms.
  std::uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  for (unsigned char c : text) {
    a = (a ^ c) * 0x100000001b3ULL;
    b = (b ^ c) * 0x100000001b3ULL;
  }
  std::string out(prefix);
  appendHex(out, a);
  appendHex(out, b);
  return out;
}

}  // namespace cs
