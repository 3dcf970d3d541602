#include "models/capacity/connectivity.hpp"

#include <algorithm>

namespace p2psim::capacity {

std::string_view to_string(Mapping m) {
  switch (m) {
    case Mapping::kNone: return "none";
    case Mapping::kEndpointIndependent: return "eim";
    case Mapping::kAddressDependent: return "adm";
    case Mapping::kAddressPortDependent: return "apdm";
  }
  return "?";
}

std::string_view to_string(Filtering f) {
  switch (f) {
    case Filtering::kEndpointIndependent: return "eif";
    case Filtering::kAddressDependent: return "adf";
    case Filtering::kAddressPortDependent: return "apdf";
  }
  return "?";
}

namespace {
// The server-reflexive candidate learned from the STUN server is valid towards the peer.
bool srflx_valid(const NatBehaviour& n) {
  return n.mapping == Mapping::kNone || n.mapping == Mapping::kEndpointIndependent;
}
// Admits a packet from a new port of an address this host has already sent to.
bool admits_new_port(const NatBehaviour& n) {
  return n.mapping == Mapping::kNone || n.filtering != Filtering::kAddressPortDependent;
}
}  // namespace

PathKind Rfc4787Connectivity::path(const NatBehaviour& a, const NatBehaviour& b, bool relay_over_tcp) {
  if (a.udp_blocked || b.udp_blocked) return relay_over_tcp ? PathKind::kRelayed : PathKind::kFailed;
  const bool va = srflx_valid(a), vb = srflx_valid(b);
  if (va && vb) return PathKind::kDirect;
  if (!va && !vb) return PathKind::kRelayed;
  const NatBehaviour& easy = va ? a : b;
  return admits_new_port(easy) ? PathKind::kDirect : PathKind::kRelayed;
}

PairOutcome Rfc4787Connectivity::connect(const PairQuery& q, Rng&) const {
  PairOutcome o;
  o.path = path(q.a, q.b, p_.relay_over_tcp);
  // The side that must use TCP to the relay holds the allocation; otherwise a (caller).
  o.relay_side = (!q.a.udp_blocked && q.b.udp_blocked) ? 1 : 0;
  // Gathering: one STUN round trip for srflx, two for an authenticated TURN Allocate
  // (401 challenge, then the request with credentials); both sides gather in parallel.
  const SimTime gather = std::max(q.rtt_a_relay, q.rtt_b_relay) * 2;
  switch (o.path) {
    case PathKind::kDirect:
      o.setup = p_.signalling + gather + q.rtt_ab;
      break;
    case PathKind::kRelayed: {
      const SimTime via = q.rtt_a_relay + q.rtt_b_relay;
      o.setup = p_.signalling + gather + p_.pacing * p_.pairs_before_relay + via;
      break;
    }
    case PathKind::kFailed:
      // ICE gives up when every check has timed out: 39.5 s of STUN retransmissions
      // (RFC 8489 section 6.2.1, Rc = 7, RTO 500 ms).
      o.setup = p_.signalling + gather + SimTime::ms(39500);
      break;
  }
  return o;
}

}  // namespace p2psim::capacity
