#include "app/teach/explain_scene.hpp"

#include <algorithm>

namespace p2psim::teach::detail {

Side build_side(net::Network& net, NodeId router, const PeerSpec& spec, char letter, net::Ipv4 public_addr,
                net::Ipv4 private_addr, Recorder& rec) {
  Side s;
  s.preset = nat::preset(spec.preset);
  std::vector<nat::NatConfig> layers = s.preset.layers;
  if (spec.udp_timeout)
    for (auto& l : layers) {
      l.udp_timeout = *spec.udp_timeout;
      l.udp_unreplied_timeout = *spec.udp_timeout;
    }
  const std::string L(1, letter);
  net::LinkSpec up;
  up.latency = spec.uplink;
  net::LinkSpec lan;
  lan.latency = spec.lan;
  NodeId parent = router;
  // Outermost first.
  for (std::size_t i = layers.size(); i-- > 0;) {
    const bool outer = i + 1 == layers.size();
    const net::Ipv4 ext = outer ? public_addr : net::Ipv4::of(100, 64, 0, letter == 'A' ? 7 : 20);
    const NodeId n = net.add_nat(parent, layers[i], outer ? up : lan, ext);
    const std::string kind = (layers.size() > 1 && outer) ? "CGN" : "NAT";
    const std::string nm = kind + " " + L;
    rec.name_node(n, nm, kind + L,
                  nm + " (" + nat::short_name(layers[i].mapping) + "+" + nat::short_name(layers[i].filtering) + ") " +
                      ext.to_string());
    rec.name_nat(&net.nat(n), n, s.preset.name);
    s.nats.insert(s.nats.begin(), n);
    parent = n;
  }
  s.host = net.add_host(parent, layers.empty() ? up : lan, layers.empty() ? public_addr : private_addr);
  rec.name_node(s.host, L, L, "Peer " + L + " " + net.host(s.host).address().to_string());
  return s;
}

bool captured(CapturePoint c, const HopRec& h, net::Network& net, const Side& a, const Side& b, NodeId stun,
              NodeId turn, SimTime& t) {
  auto in = [](const std::vector<NodeId>& v, NodeId n) { return std::find(v.begin(), v.end(), n) != v.end(); };
  auto at_node = [&](NodeId n) {
    if (h.from == n) {
      t = h.sent;
      return true;
    }
    if (h.to == n) {
      t = h.arrive;
      return true;
    }
    return false;
  };
  switch (c) {
    case CapturePoint::kPeerA: return at_node(a.host);
    case CapturePoint::kPeerB: return at_node(b.host);
    case CapturePoint::kStun: return stun != net::kNoNode && at_node(stun);
    case CapturePoint::kTurn: return turn != net::kNoNode && at_node(turn);
    case CapturePoint::kNatA:
    case CapturePoint::kNatB: {
      const Side& s = c == CapturePoint::kNatA ? a : b;
      if (s.nats.empty()) return at_node(s.host);
      // Both sides of the chain: segments into the chain from inside or outside.
      if (in(s.nats, h.to)) {
        t = h.arrive;
        return true;
      }
      if (in(s.nats, h.from) && !in(s.nats, h.to)) {
        t = h.sent;
        return true;
      }
      return false;
    }
    case CapturePoint::kInternet: {
      auto is_public = [&](NodeId n) { return net.kind(net.parent(n)) == net::NodeKind::router; };
      t = h.sent;
      return is_public(h.from) && is_public(h.to);
    }
  }
  return false;
}

}  // namespace p2psim::teach::detail
