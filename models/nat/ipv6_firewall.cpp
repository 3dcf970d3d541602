#include "models/nat/ipv6_firewall.hpp"

#include "sim/random.hpp"

namespace p2psim::nat {

const char* to_string(FirewallFiltering f) {
  switch (f) {
    case FirewallFiltering::address_port_dependent: return "address-and-port-dependent";
    case FirewallFiltering::address_dependent: return "address-dependent";
    case FirewallFiltering::endpoint_independent: return "endpoint-independent";
    case FirewallFiltering::open: return "open";
  }
  return "?";
}

std::size_t Ipv6Firewall::KeyHash::operator()(const Key& k) const noexcept {
  return static_cast<std::size_t>(mix64(k.interior ^ mix64(k.exterior)));
}

Ipv6Firewall::Key Ipv6Firewall::key_of(net::Endpoint interior, net::Endpoint exterior, net::Transport t) const {
  // The exterior part keeps what the filtering compares: address and port, address, or
  // nothing. Bit 48 of the interior part separates UDP from stream transports.
  std::uint64_t ext = 0;
  switch (cfg_.filtering) {
    case FirewallFiltering::address_port_dependent: ext = exterior.key(); break;
    case FirewallFiltering::address_dependent: ext = std::uint64_t{exterior.addr.value} << 16; break;
    default: break;
  }
  return Key{interior.key() | (net::is_stream(t) ? std::uint64_t{1} << 48 : 0), ext};
}

void Ipv6Firewall::outbound(const net::Packet& p, SimTime now) {
  if (cfg_.filtering == FirewallFiltering::open) return;
  records_[key_of(p.src, p.dst, p.transport)] = now + cfg_.udp_timeout;  // REC-16 refresh
}

bool Ipv6Firewall::inbound(const net::Packet& p, SimTime now) {
  if (cfg_.filtering == FirewallFiltering::open) return true;
  const auto it = records_.find(key_of(p.dst, p.src, p.transport));
  if (it == records_.end()) return false;  // unsolicited
  if (it->second <= now) {
    records_.erase(it);  // REC-14 idle timer expired
    return false;
  }
  return true;
}

}  // namespace p2psim::nat
