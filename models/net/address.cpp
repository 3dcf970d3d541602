#include "models/net/address.hpp"

#include <charconv>

#include "models/net/ipv6_address.hpp"

namespace p2psim::net {

std::string Ipv4::to_string() const {
  if (is_ipv6()) return ipv6_text(*this);
  return std::to_string(value >> 24) + "." + std::to_string((value >> 16) & 0xFF) + "." +
         std::to_string((value >> 8) & 0xFF) + "." + std::to_string(value & 0xFF);
}

std::optional<Ipv4> Ipv4::parse(std::string_view text) {
  std::uint32_t v = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int i = 0; i < 4; ++i) {
    unsigned octet = 0;
    auto [next, ec] = std::from_chars(p, end, octet);
    if (ec != std::errc() || next == p || octet > 255 || next - p > 3) return std::nullopt;
    v = (v << 8) | octet;
    p = next;
    if (i < 3) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
  }
  if (p != end) return std::nullopt;
  return Ipv4(v);
}

const char* to_string(Family f) { return f == Family::ipv6 ? "ipv6" : "ipv4"; }

const char* to_string(Transport t) {
  switch (t) {
    case Transport::udp: return "udp";
    case Transport::tcp: return "tcp";
    case Transport::tls: return "tls";
  }
  return "?";
}

std::string Endpoint::to_string() const {
  if (addr.is_ipv6()) return "[" + addr.to_string() + "]:" + std::to_string(port);
  return addr.to_string() + ":" + std::to_string(port);
}

std::size_t EndpointHash::operator()(const Endpoint& e) const noexcept {
  std::uint64_t x = e.key() * 0x9E3779B97F4A7C15ull;
  return static_cast<std::size_t>(x ^ (x >> 29));
}

}  // namespace p2psim::net
