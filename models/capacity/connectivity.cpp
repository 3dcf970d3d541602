#include "models/capacity/connectivity.hpp"

#include <algorithm>
#include <utility>
#include <vector>

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

// An abstract run of ICE connectivity checks between two NATs with RFC 4787 semantics.
// Ports are small integers per side: 0 is the mapping the STUN server saw (the srflx
// candidate, also the public host's only port). A side's external port towards the peer's
// port k is: 0 (EIM or no NAT); 1 (ADM: one port per peer address, which is not the STUN
// server's); a fresh port per distinct k (APDM). Filtering on an external port e admits a
// packet from the peer's port k when: EIF; ADF and e has sent to the peer's address; APDF
// and e has sent to exactly k. Checks are retransmitted, so a check is delivered if the
// receiver's filter admits it at any later point; every delivered check teaches its source
// as a peer-reflexive candidate, to which the receiver sends triggered checks. A check
// succeeds when its response comes back from the port it was sent to (RFC 8445
// 7.2.5.2.1) and passes the sender's filter.
struct Side {
  NatBehaviour nat;
  std::vector<int> apdm_dest;                 // APDM: external port i+1 maps to peer port apdm_dest[i]
  std::vector<std::pair<int, int>> sent;      // (own external port, peer port) ever used
  std::vector<int> known;                     // peer ports known as candidates
  bool is_eim() const { return nat.mapping == Mapping::kNone || nat.mapping == Mapping::kEndpointIndependent; }
  Filtering filtering() const { return nat.mapping == Mapping::kNone ? Filtering::kEndpointIndependent : nat.filtering; }
  int port_to(int k) {
    if (is_eim()) return 0;
    if (nat.mapping == Mapping::kAddressDependent) return 1;
    for (std::size_t i = 0; i < apdm_dest.size(); ++i)
      if (apdm_dest[i] == k) return static_cast<int>(i) + 1;
    apdm_dest.push_back(k);
    return static_cast<int>(apdm_dest.size());
  }
  void send(int e, int k) {
    if (std::find(sent.begin(), sent.end(), std::make_pair(e, k)) == sent.end()) sent.emplace_back(e, k);
  }
  bool admits(int e, int k) const {
    switch (filtering()) {
      case Filtering::kEndpointIndependent: return true;
      case Filtering::kAddressDependent:
        return std::any_of(sent.begin(), sent.end(), [&](const auto& s) { return s.first == e; });
      case Filtering::kAddressPortDependent:
        return std::find(sent.begin(), sent.end(), std::make_pair(e, k)) != sent.end();
    }
    return false;
  }
  bool learn(int k) {
    if (std::find(known.begin(), known.end(), k) != known.end()) return false;
    known.push_back(k);
    return true;
  }
};

bool checks_succeed(const NatBehaviour& a, const NatBehaviour& b) {
  Side side[2] = {{a, {}, {}, {0}}, {b, {}, {}, {0}}};
  // Enough rounds for the longest successful chain (check, triggered check, its reply);
  // APDM on both sides never converges and is cut off here.
  for (int round = 0; round < 6; ++round) {
    bool progress = false;
    for (int x = 0; x < 2; ++x)
      for (std::size_t i = 0; i < side[x].known.size(); ++i) {
        const int k = side[x].known[i];
        side[x].send(side[x].port_to(k), k);
      }
    for (int x = 0; x < 2; ++x) {
      Side& me = side[x];
      Side& peer = side[1 - x];
      for (std::size_t i = 0; i < me.sent.size(); ++i) {
        const auto [e, k] = me.sent[i];
        if (!peer.admits(k, e)) continue;  // check from my port e to the peer's port k
        progress |= peer.learn(e);
        const int r = peer.port_to(e);    // the response leaves from here
        peer.send(r, e);
        if (r == k && me.admits(e, r)) return true;
      }
    }
    if (!progress && round > 0) break;
  }
  return false;
}

}  // namespace

PathKind Rfc4787Connectivity::path(const NatBehaviour& a, const NatBehaviour& b, bool relay_over_tcp) {
  if (a.udp_blocked || b.udp_blocked) return relay_over_tcp ? PathKind::kRelayed : PathKind::kFailed;
  return checks_succeed(a, b) ? PathKind::kDirect : PathKind::kRelayed;
}

Rfc4787Connectivity::Rfc4787Connectivity(InterimIceParams p) : p_(p) {
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 12; ++j) {
      const NatBehaviour a{static_cast<Mapping>(i / 3), static_cast<Filtering>(i % 3), false};
      const NatBehaviour b{static_cast<Mapping>(j / 3), static_cast<Filtering>(j % 3), false};
      table_[i][j] = path(a, b, true);
    }
}

PairOutcome Rfc4787Connectivity::connect(const PairQuery& q, Rng&) const {
  PairOutcome o;
  if (q.a.udp_blocked || q.b.udp_blocked) o.path = p_.relay_over_tcp ? PathKind::kRelayed : PathKind::kFailed;
  else o.path = table_[index(q.a)][index(q.b)];
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
