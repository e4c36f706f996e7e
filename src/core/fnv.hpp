#pragma once
#include <cstdint>
#include <string_view>

namespace cs {

// 64-bit FNV-1a: stable across builds, platforms and runs (std::hash is not), so it may name
// things that outlive the process (content ids, ETags, asset versions, client keys) and be
// computed at compile time. A fingerprint, not a security hash: nothing trusts it beyond that.
inline constexpr std::uint64_t kFnv1aOffset = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t kFnv1aPrime = 0x100000001b3ULL;

// `seed` continues an earlier hash (fnv1a(b, fnv1a(a)) == fnv1a(a + b)) or starts another
// stream from a different offset.
constexpr std::uint64_t fnv1a(std::string_view data, std::uint64_t seed = kFnv1aOffset) {
  for (char c : data) seed = (seed ^ static_cast<unsigned char>(c)) * kFnv1aPrime;
  return seed;
}

// The published test vectors: a change here would rename every stored id.
static_assert(fnv1a("") == 0xcbf29ce484222325ULL);
static_assert(fnv1a("a") == 0xaf63dc4c8601ec8cULL);
static_assert(fnv1a("foobar") == 0x85944171f73967e8ULL);
static_assert(fnv1a("bar", fnv1a("foo")) == fnv1a("foobar"));

}  // namespace cs
