#include "models/capacity/ice_connectivity.hpp"


#include <algorithm>
#include <string>

#include "models/ice/pair_world.hpp"
#include "models/ice/turn_relay.hpp"
#include "models/nat/nat.hpp"
#include "sim/random.hpp"

namespace p2psim::capacity {
namespace {

// A host's NAT chain for PairWorld: empty for a public host, else one layer.
std::vector<nat::NatConfig> layers(const NatBehaviour& b) {
  if (b.mapping == Mapping::kNone && !b.udp_blocked) return {};
  nat::NatConfig c;
  switch (b.mapping) {
    case Mapping::kNone:  // a public host behind a UDP-blocking firewall: transparent NAT
    case Mapping::kEndpointIndependent: c.mapping = nat::Mapping::endpoint_independent; break;
    case Mapping::kAddressDependent: c.mapping = nat::Mapping::address_dependent; break;
    case Mapping::kAddressPortDependent: c.mapping = nat::Mapping::address_port_dependent; break;
  }
  if (b.mapping == Mapping::kNone) c.filtering = nat::Filtering::endpoint_independent;
  else switch (b.filtering) {
    case Filtering::kEndpointIndependent: c.filtering = nat::Filtering::endpoint_independent; break;
    case Filtering::kAddressDependent: c.filtering = nat::Filtering::address_dependent; break;
    case Filtering::kAddressPortDependent: c.filtering = nat::Filtering::address_port_dependent; break;
  }
  if (b.udp_blocked) {
    c.block_outbound_udp = true;
    c.allowed_tcp_port = 443;  // as the "udp-blocked" preset: TCP to 443 only
  }
  return {c};
}

}  // namespace

PairOutcome IceConnectivity::connect(const PairQuery& q, Rng&) const {
  const Key key{static_cast<int>(q.a.mapping), static_cast<int>(q.a.filtering), q.a.udp_blocked,
                static_cast<int>(q.b.mapping), static_cast<int>(q.b.filtering), q.b.udp_blocked,
                q.rtt_ab.count_ns(), q.rtt_a_relay.count_ns(), q.rtt_b_relay.count_ns()};
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;

  // Links: lan 1 ms one way; access_a = x, access_b = y, server_link = s, so that
  //   rtt(a, relay) = 2 (1 ms + x + s), rtt(b, relay) = 2 (1 ms + y + s),
  //   rtt(a, b) = 2 (2 ms + x + y)   (solved for s, then x and y; each at least 0.5 ms).
  const double ra = q.rtt_a_relay.milliseconds(), rb = q.rtt_b_relay.milliseconds(), rab = q.rtt_ab.milliseconds();
  const double s = std::max(0.5, (ra + rb - rab) / 4.0);
  const double x = std::max(0.5, ra / 2.0 - 1.0 - s), y = std::max(0.5, rb / 2.0 - 1.0 - s);
  ice::PairSpec spec;
  spec.nat_a = layers(q.a);
  spec.nat_b = layers(q.b);
  spec.lan.latency = SimTime::ms(1);
  spec.access_a.latency = SimTime::from_seconds(x / 1e3);
  spec.access_b.latency = SimTime::from_seconds(y / 1e3);
  spec.server_link.latency = SimTime::from_seconds(s / 1e3);
  ice::TurnRelayFactory relay;
  spec.relay = turn_ ? &relay : nullptr;
  std::string name;
  for (auto v : {std::get<0>(key), std::get<1>(key), static_cast<int>(std::get<2>(key)), std::get<3>(key),
                 std::get<4>(key), static_cast<int>(std::get<5>(key))})
    name += std::to_string(v) + ",";
  name += std::to_string(std::get<6>(key)) + "," + std::to_string(std::get<7>(key)) + "," + std::to_string(std::get<8>(key));
  ice::PairWorld world(spec, derive_seed(seed_, "capacity/ice/" + name));
  const ice::SessionResult r = world.run();

  PairOutcome o;
  switch (r.outcome) {
    case ice::Outcome::kDirect: o.path = PathKind::kDirect; break;
    case ice::Outcome::kRelayed: o.path = PathKind::kRelayed; break;
    default: o.path = PathKind::kFailed; break;
  }
  // The allocation is held by the side whose selected candidate is the relayed one.
  o.relay_side = r.local_type == ice::CandidateType::kRelayed ? 0 : 1;
  o.setup = r.setup_time;
  cache_.emplace(key, o);
  return o;
}

}  // namespace p2psim::capacity

