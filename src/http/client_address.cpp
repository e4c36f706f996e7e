#include "http/client_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace cs::http {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton wants a NUL-terminated string; addresses are short, so copy to the stack.
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buf)) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress a;
  in_addr v4{};
  if (inet_pton(AF_INET, buf, &v4) == 1) {
    a.v4 = true;
    a.bytes[10] = 0xff;
    a.bytes[11] = 0xff;
    std::memcpy(a.bytes.data() + 12, &v4, 4);
    return a;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, buf, &v6) == 1) {
    std::memcpy(a.bytes.data(), &v6, 16);
    // An IPv4-mapped IPv6 peer ("::ffff:1.2.3.4") is the same client as its IPv4 form.
    static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    a.v4 = std::memcmp(a.bytes.data(), kMapped, 12) == 0;
    return a;
  }
  return std::nullopt;
}

std::string IpAddress::toString() const {
  char buf[INET6_ADDRSTRLEN];
  if (v4) return inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof(buf)) ? buf : "";
  return inet_ntop(AF_INET6, bytes.data(), buf, sizeof(buf)) ? buf : "";
}

std::optional<IpRange> IpRange::parse(std::string_view text) {
  const auto slash = text.find('/');
  auto base = IpAddress::parse(text.substr(0, slash));
  if (!base) return std::nullopt;
  IpRange r{*base, 128};
  if (slash != std::string_view::npos) {
    const auto bits_text = text.substr(slash + 1);
    int bits = -1;
    auto [ptr, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
    const int max_bits = base->v4 ? 32 : 128;
    if (ec != std::errc() || ptr != bits_text.data() + bits_text.size() || bits < 0 ||
        bits > max_bits)
      return std::nullopt;
    r.prefix_bits = base->v4 ? bits + 96 : bits;
  }
  return r;
}

bool IpRange::contains(const IpAddress& a) const {
  int bits = prefix_bits;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((a.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
  }
  return true;
}

bool ClientResolver::trusted(const IpAddress& a) const {
  for (const auto& r : trusted_)
    if (r.contains(a)) return true;
  return false;
}

std::string ClientResolver::clientAddress(const Request& request) const {
  auto peer = IpAddress::parse(request.remote_address);
  if (!peer) return request.remote_address.empty() ? "unknown" : request.remote_address;
  if (trusted_.empty() || !trusted(*peer)) return peer->toString();
  IpAddress client = *peer;
  // Every X-Forwarded-For line, in order; the rightmost entry was added by the nearest proxy.
  std::vector<std::string_view> hops;
  for (const auto& [name, value] : request.headers.all()) {
    if (!iequals(name, "X-Forwarded-For")) continue;
    std::string_view v = value;
    while (!v.empty()) {
      const auto comma = v.find(',');
      auto item = v.substr(0, comma);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      hops.push_back(item);
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto hop = IpAddress::parse(*it);
    if (!hop) break;  // garbage: stop at the last hop we can vouch for
    client = *hop;
    if (!trusted(*hop)) break;
  }
  return client.toString();
}

std::string ClientResolver::clientKey(const Request& request) const {
  std::string address = clientAddress(request);  // not const: returned by move
  auto ip = IpAddress::parse(address);
  if (!ip || ip->v4) return address;
  IpAddress prefix = *ip;
  std::memset(prefix.bytes.data() + 8, 0, 8);
  return prefix.toString() + "/64";
}

}  // namespace cs::http
