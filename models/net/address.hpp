// Addresses, transport protocols and endpoints (address:port) of the packet network.
//
// Plain value types (8 bytes for an Endpoint) so packets and NAT tables stay compact and
// trivially copyable. IPv4 addresses are 32-bit values. Simulated IPv6 addresses live in
// the same 32-bit space, in the reserved block 240.0.0.0/4 (RFC 1112 "class E", never
// assigned or routed, so never used otherwise): family() tells them apart, and they are
// printed, encoded in STUN and written to pcaps as real IPv6 addresses under the
// documentation prefix 2001:db8::/32 (RFC 3849); models/net/ipv6_address.hpp has the
// mapping.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace p2psim::net {

enum class Family : std::uint8_t { ipv4, ipv6 };
const char* to_string(Family f);

// An address in host byte order: IPv4, or a simulated IPv6 address (see above).
struct Ipv4 {
  std::uint32_t value = 0;

  constexpr Ipv4() = default;
  constexpr explicit Ipv4(std::uint32_t v) : value(v) {}
  static constexpr Ipv4 of(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return Ipv4((std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d);
  }
  constexpr bool is_unspecified() const { return value == 0; }
  // RFC 1918 private ranges or the RFC 6598 shared (CGN) range 100.64.0.0/10.
  constexpr bool is_private() const {
    return (value >> 24) == 10 || (value >> 20) == ((172u << 4) | 1u) || (value >> 16) == ((192u << 8) | 168u) ||
           (value >> 22) == ((100u << 2) | 1u);
  }
  // A simulated IPv6 address (240.0.0.0/4, see above).
  constexpr bool is_ipv6() const { return (value >> 28) == 0xFu; }
  constexpr Family family() const { return is_ipv6() ? Family::ipv6 : Family::ipv4; }
  constexpr auto operator<=>(const Ipv4&) const = default;
  std::string to_string() const;  // dotted quad, or RFC 5952 text for IPv6
  static std::optional<Ipv4> parse(std::string_view text);
};

// Transport of a packet. TLS is TLS over TCP (TURN on 443, RFC 8656 section 3.1).
enum class Transport : std::uint8_t { udp, tcp, tls };
const char* to_string(Transport t);
constexpr bool is_stream(Transport t) { return t != Transport::udp; }

struct Endpoint {
  Ipv4 addr;
  std::uint16_t port = 0;

  constexpr Endpoint() = default;
  constexpr Endpoint(Ipv4 a, std::uint16_t p) : addr(a), port(p) {}
  constexpr bool is_unspecified() const { return addr.is_unspecified() && port == 0; }
  constexpr auto operator<=>(const Endpoint&) const = default;
  // Packs into 48 bits: address << 16 | port (for hashing and compact keys).
  constexpr std::uint64_t key() const { return (std::uint64_t{addr.value} << 16) | port; }
  std::string to_string() const;  // "192.168.1.2:5000", "[2001:db8::1]:5000"
};
static_assert(sizeof(Endpoint) == 8);

struct EndpointHash {
  std::size_t operator()(const Endpoint& e) const noexcept;
};

}  // namespace p2psim::net

template <>
struct std::hash<p2psim::net::Endpoint> : p2psim::net::EndpointHash {};
