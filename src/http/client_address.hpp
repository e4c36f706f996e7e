#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace cs::http {

// An IPv4 or IPv6 address as 16 bytes (IPv4 is stored IPv4-mapped), so one comparison path
// serves both families.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = false;
  static std::optional<IpAddress> parse(std::string_view text);
  std::string toString() const;
};

// "10.0.0.0/8", "::1", "192.168.1.7" (a bare address is a /32 or /128).
struct IpRange {
  IpAddress base;
  int prefix_bits = 128;  // over the 16-byte form
  static std::optional<IpRange> parse(std::string_view text);
  bool contains(const IpAddress& a) const;
};

// Decides who the client is. X-Forwarded-For is believed only when the TCP peer is a
// configured proxy: we walk the list from the right, skipping trusted proxies, and take the
// first address we did not configure. Anything unparsable ends the walk at the last trusted
// hop, so a forged header can never pick an arbitrary identity.
class ClientResolver {
 public:
  ClientResolver() = default;
  explicit ClientResolver(std::vector<IpRange> trusted_proxies)
      : trusted_(std::move(trusted_proxies)) {}

  // The client's address as text; IPv6 clients are keyed by their /64 (one host usually owns
  // a whole /64, so per-address keys would let it mint unlimited identities).
  std::string clientKey(const Request& request) const;
  std::string clientAddress(const Request& request) const;

 private:
  bool trusted(const IpAddress& a) const;
  std::vector<IpRange> trusted_;
};

}  // namespace cs::http
