#include "models/net/ipv6_plane.hpp"

#include <stdexcept>

#include "models/net/ipv6_address.hpp"

namespace p2psim::net {

Ipv4 Ipv6Plane::allocate(NodeId lan, bool shared) {
  auto fresh = [this] {
    // (The last prefix is never given: with interface 63 it would be the all-ones value.)
    if (next_prefix_ >= kIpv6MaxPrefixes - 1) throw std::length_error("simulated IPv6: out of /64 prefixes");
    return Link{next_prefix_++, 1};
  };
  if (!shared) return make_ipv6(fresh().prefix, 1);
  auto it = links_.find(lan);
  if (it == links_.end()) it = links_.emplace(lan, fresh()).first;
  Link& l = it->second;
  if (l.next_interface > kIpv6MaxInterfaces)
    throw std::length_error("simulated IPv6: more than 63 IPv6 hosts on one link");
  return make_ipv6(l.prefix, l.next_interface++);
}

nat::Ipv6Firewall& Ipv6Plane::firewall(NodeId nat_node) {
  auto it = firewalls_.find(nat_node);
  if (it == firewalls_.end()) it = firewalls_.emplace(nat_node, nat::Ipv6Firewall(cfg_)).first;
  return it->second;
}

void Ipv6Plane::set_config(const nat::Ipv6FirewallConfig& cfg) {
  cfg_ = cfg;
  firewalls_.clear();  // before traffic: existing boxes take the new rules
}

}  // namespace p2psim::net
