// Simulated IPv6 addresses: how a value of the reserved block 240.0.0.0/4 (Ipv4::is_ipv6)
// stands for a real IPv6 address, and back.
//
// A value is 0xF0000000 | prefix << 6 | interface: `prefix` (22 bits) numbers a /64
// prefix, one per realm (a LAN behind a NAT/CPE, or a public host's own link), and
// `interface` (6 bits, 1..63) a host on it. The IPv6 address is
//     2001:db8:P1:P0::I     with P1 = prefix >> 16, P0 = prefix & 0xffff, I = interface,
// inside the documentation prefix 2001:db8::/32 (RFC 3849): one /64 per link, with
// 64-bit interface identifiers (RFC 4291 2.5.1), as a home LAN behind a CPE or a 3GPP UE
// (one /64 per PDN connection, RFC 6459) has. Text is the RFC 5952 canonical form
// (lowercase, longest zero run as "::").
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "models/net/address.hpp"

namespace p2psim::net {

inline constexpr std::uint32_t kIpv6MaxPrefixes = 1u << 22;
inline constexpr std::uint32_t kIpv6MaxInterfaces = 63;

// Precondition: prefix < kIpv6MaxPrefixes, 1 <= interface <= kIpv6MaxInterfaces.
constexpr Ipv4 make_ipv6(std::uint32_t prefix, std::uint32_t interface) {
  return Ipv4(0xF0000000u | (prefix << 6) | interface);
}
constexpr std::uint32_t ipv6_prefix(Ipv4 a) { return (a.value >> 6) & (kIpv6MaxPrefixes - 1); }
constexpr std::uint32_t ipv6_interface(Ipv4 a) { return a.value & 0x3Fu; }

// The 16 bytes in network order. Precondition: a.is_ipv6().
std::array<std::uint8_t, 16> ipv6_bytes(Ipv4 a);
// The simulated address of 16 bytes, or nullopt when they are not of the form above.
std::optional<Ipv4> ipv6_from_bytes(const std::array<std::uint8_t, 16>& b);
// RFC 5952 text of 16 bytes / of a simulated address.
std::string ipv6_text(const std::array<std::uint8_t, 16>& b);
std::string ipv6_text(Ipv4 a);

}  // namespace p2psim::net
