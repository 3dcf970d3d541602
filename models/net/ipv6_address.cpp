#include "models/net/ipv6_address.hpp"

namespace p2psim::net {

std::array<std::uint8_t, 16> ipv6_bytes(Ipv4 a) {
  const std::uint32_t p = ipv6_prefix(a);
  std::array<std::uint8_t, 16> b{};
  b[0] = 0x20, b[1] = 0x01, b[2] = 0x0d, b[3] = 0xb8;  // 2001:db8::/32 (RFC 3849)
  b[4] = static_cast<std::uint8_t>(p >> 24);
  b[5] = static_cast<std::uint8_t>(p >> 16);
  b[6] = static_cast<std::uint8_t>(p >> 8);
  b[7] = static_cast<std::uint8_t>(p);
  b[15] = static_cast<std::uint8_t>(ipv6_interface(a));
  return b;
}

std::optional<Ipv4> ipv6_from_bytes(const std::array<std::uint8_t, 16>& b) {
  if (b[0] != 0x20 || b[1] != 0x01 || b[2] != 0x0d || b[3] != 0xb8) return std::nullopt;
  for (int i = 8; i < 15; ++i)
    if (b[i] != 0) return std::nullopt;
  const std::uint32_t p = (std::uint32_t{b[4]} << 24) | (std::uint32_t{b[5]} << 16) | (std::uint32_t{b[6]} << 8) | b[7];
  if (p >= kIpv6MaxPrefixes || b[15] == 0 || b[15] > kIpv6MaxInterfaces) return std::nullopt;
  return make_ipv6(p, b[15]);
}

std::string ipv6_text(const std::array<std::uint8_t, 16>& b) {
  std::uint16_t g[8];
  for (int i = 0; i < 8; ++i) g[i] = static_cast<std::uint16_t>((b[2 * i] << 8) | b[2 * i + 1]);
  // RFC 5952 4.2: the longest run of two or more zero groups (the first of equal ones) is "::".
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) best = i, best_len = j - i;
    i = j;
  }
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      s += "::";
      i += best_len - 1;
      continue;
    }
    if (!s.empty() && s.back() != ':') s += ':';
    // RFC 5952 4.1: no leading zeros; 4.3: lowercase.
    bool started = false;
    for (int k = 3; k >= 0; --k) {
      const int d = (g[i] >> (4 * k)) & 0xF;
      if (d || started || k == 0) {
        s += hex[d];
        started = true;
      }
    }
  }
  return s;
}

std::string ipv6_text(Ipv4 a) { return ipv6_text(ipv6_bytes(a)); }

}  // namespace p2psim::net
