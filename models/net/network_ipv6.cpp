// The Network's IPv6 (dual-stack) members: addresses and the firewall hooks of arrive().
// See models/net/ipv6_plane.hpp for the model.
#include "models/net/ipv6_plane.hpp"
#include "models/net/network.hpp"

#include <stdexcept>

namespace p2psim::net {

Ipv6Plane& Network::ipv6_plane() {
  if (!v6_) v6_ = std::make_unique<Ipv6Plane>(nat::Ipv6FirewallConfig{});
  return *v6_;
}

void Network::set_ipv6_firewall(const nat::Ipv6FirewallConfig& cfg) { ipv6_plane().set_config(cfg); }

Ipv4 Network::add_ipv6(NodeId host_node) {
  if (host_node >= nodes_.size() || nodes_[host_node].kind != NodeKind::host)
    throw std::invalid_argument("add_ipv6: not a host");
  const NodeId parent = nodes_[host_node].parent;
  const bool behind_nat = nodes_[parent].kind == NodeKind::nat;
  const Ipv4 a = ipv6_plane().allocate(parent, behind_nat);
  host(host_node).add_address(a);  // registers it in the host's own realm
  // And in every realm above, naming the NAT box the address lies behind.
  for (NodeId child = nodes_[host_node].realm; child != kNoNode; child = nodes_[child].realm)
    addresses_.insert(realm_key(nodes_[child].realm, a), child);
  return a;
}

bool Network::ipv6_outbound(NodeId nat_node, const Packet& p) {
  const nat::NatConfig& c = nats_[nodes_[nat_node].index].nat.config();
  if (p.transport == Transport::udp && c.block_outbound_udp) return false;
  if (!p.src.addr.is_ipv6()) return false;  // an IPv4 source cannot reach an IPv6 address
  ipv6_plane().firewall(nat_node).outbound(p, sim_->now());
  return true;
}

bool Network::ipv6_inbound(NodeId nat_node, const Packet& p) {
  return ipv6_plane().firewall(nat_node).inbound(p, sim_->now());
}

}  // namespace p2psim::net
