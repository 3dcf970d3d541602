// Connectivity: whether two hosts reach each other directly, only through a TURN relay,
// or not at all, given the NATs in front of them, and how long setting that up takes.
//
// The capacity model asks this once per pair of participants (1:1 and mesh calls) and
// once per participant towards a public SFU. It is an interface so that the outcome can
// come from the full ICE model (models/ice) when it is available; Rfc4787Connectivity
// below is an INTERIM implementation that applies the RFC 4787 mapping and filtering
// semantics of the two NATs directly to the ICE candidate pairs (see
// docs/models/capacity.md, "Connectivity").
#pragma once

#include <string_view>

#include "sim/random.hpp"
#include "sim/time.hpp"

namespace p2psim::capacity {

// RFC 4787 section 4.1 mapping behaviour. kNone: the host has a public address (no NAT).
enum class Mapping { kNone, kEndpointIndependent, kAddressDependent, kAddressPortDependent };
// RFC 4787 section 5 filtering behaviour (ignored when mapping is kNone).
enum class Filtering { kEndpointIndependent, kAddressDependent, kAddressPortDependent };

// What stands between a host and the Internet, as far as call set-up is concerned.
struct NatBehaviour {
  Mapping mapping = Mapping::kEndpointIndependent;
  Filtering filtering = Filtering::kAddressPortDependent;  // Linux MASQUERADE: EIM + APDF
  // A firewall that drops all UDP: only TURN over TCP/TLS (RFC 6062 / RFC 8656 TLS) works.
  bool udp_blocked = false;
};

std::string_view to_string(Mapping m);    // "none", "eim", "adm", "apdm"
std::string_view to_string(Filtering f);  // "eif", "adf", "apdf"

enum class PathKind { kDirect, kRelayed, kFailed };

// One connectivity question. Round-trip times are those of the paths the set-up uses.
struct PairQuery {
  NatBehaviour a, b;
  SimTime rtt_ab;       // between the two hosts (direct path)
  SimTime rtt_a_relay;  // from a to the TURN server a would allocate on
  SimTime rtt_b_relay;  // from b to the TURN server b would allocate on
};

struct PairOutcome {
  PathKind path = PathKind::kDirect;
  // For kRelayed: which side holds the one TURN allocation the pair uses (0 = a, 1 = b).
  int relay_side = 0;
  SimTime setup;  // from the offer being sent to the first nominated pair
};

class Connectivity {
 public:
  virtual ~Connectivity() = default;
  // Thread-safe and const: capacity runs execute concurrently. `rng` is the caller's
  // stream, for models whose outcome is random (hole-punching races); the interim model
  // draws nothing.
  virtual PairOutcome connect(const PairQuery& q, Rng& rng) const = 0;
};

// INTERIM connectivity model: RFC 4787 semantics applied to ICE (RFC 8445) connectivity
// checks without packet-level simulation. An abstract run of the checks: each side knows
// the peer's server-reflexive port; checks leave from the port the NAT's mapping gives
// towards the destination (EIM: the srflx port; ADM: one port per peer address; APDM: one
// per peer address and port); they are delivered when the receiver's filter admits them
// (retransmissions let them in once the receiver has opened its filter); a delivered
// check teaches its source as a peer-reflexive candidate and triggers a check back; a
// check succeeds when its response comes from the port it was sent to (RFC 8445
// 7.2.5.2.1). Direct if some check succeeds, else relayed (one TURN allocation: TURN
// permissions are per IP address, RFC 8656 s. 9, so relay-to-srflx/prflx pairs work).
// A side with UDP blocked: relayed over TURN-TCP/TLS, or failed if that is disabled.
// Cross-checked against the packet-level ICE model (models/ice) for all 100 ordered pairs
// of the 10 mapping x filtering behaviours: the direct/not-direct verdict agrees on all.
// Set-up time (illustrative, see docs): signalling + gathering + checks.
struct InterimIceParams {
  bool relay_over_tcp = true;      // TURN over TCP/TLS available to UDP-blocked hosts
  SimTime signalling = SimTime::ms(100);  // offer/answer through the signalling server
  SimTime pacing = SimTime::ms(50);       // Ta, RFC 8445 section 14.2 default
  int pairs_before_relay = 8;      // checks started before the relay pair (3x3 pairs)
};

class Rfc4787Connectivity final : public Connectivity {
 public:
  explicit Rfc4787Connectivity(InterimIceParams p = {});
  PairOutcome connect(const PairQuery& q, Rng& rng) const override;
  // The path alone (no timing): exposed for tests and documentation tables.
  static PathKind path(const NatBehaviour& a, const NatBehaviour& b, bool relay_over_tcp);

 private:
  static int index(const NatBehaviour& n) { return static_cast<int>(n.mapping) * 3 + static_cast<int>(n.filtering); }
  InterimIceParams p_;
  PathKind table_[12][12];  // path() for every pair of UDP-capable behaviours, precomputed
};

}  // namespace p2psim::capacity
