// Ipv6Plane: what the Network keeps for simulated IPv6 (dual stack): the /64 prefix of
// each link and the interface numbers handed out on it, and the RFC 6092 firewall of
// each NAT box on IPv6 paths (created on the first IPv6 packet it sees).
//
// IPv6 on the simulated network (models/net/network.hpp routes it):
// - Addresses are global: a host's IPv6 address is reachable from every realm. The
//   Network registers it in the host's realm and in every realm above it, naming the
//   child on the way down, so a packet from anywhere climbs to the public realm (or to
//   the first realm both ends share) and descends through the NAT boxes above the
//   destination.
// - A NAT box does not translate IPv6 packets (no NAT66; NAT64/DNS64 is not modelled):
//   it acts as the IPv6 CPE / carrier firewall, nat::Ipv6Firewall, state created by
//   outbound packets only. A box whose config blocks outbound UDP (the udp-blocked
//   preset) blocks it on IPv6 too.
// - Prefixes: hosts behind the same NAT (one LAN) share a /64; a public host gets a /64
//   of its own (ipv6_address.hpp).
#pragma once

#include <cstdint>
#include <unordered_map>

#include "models/nat/ipv6_firewall.hpp"
#include "models/net/address.hpp"

namespace p2psim::net {

using NodeId = std::uint32_t;

class Ipv6Plane {
 public:
  explicit Ipv6Plane(const nat::Ipv6FirewallConfig& cfg) : cfg_(cfg) {}

  // A fresh address on link `lan` (the parent NAT's node id), or on a link of its own
  // when `shared` is false (a public host). Throws std::length_error when prefixes or
  // interface numbers run out.
  Ipv4 allocate(NodeId lan, bool shared);
  nat::Ipv6Firewall& firewall(NodeId nat_node);
  const nat::Ipv6FirewallConfig& config() const { return cfg_; }
  void set_config(const nat::Ipv6FirewallConfig& cfg);

 private:
  struct Link {
    std::uint32_t prefix;
    std::uint32_t next_interface;
  };
  nat::Ipv6FirewallConfig cfg_;
  std::uint32_t next_prefix_ = 1;
  std::unordered_map<NodeId, Link> links_;
  std::unordered_map<NodeId, nat::Ipv6Firewall> firewalls_;
};

}  // namespace p2psim::net
