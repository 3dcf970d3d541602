// Connectivity of a group call's participants from simulated ICE sessions, for the
// group-call model's connectivity hook (models/media/call_spec.hpp).
//
// Each participant draws a NAT preset from the mix. Mesh: every unordered pair runs an ICE
// session (PairWorld) between the two participants' NATs: direct, relayed through TURN,
// or failed, the same for both directions. SFU/MCU: each participant runs ICE to the
// public media server (a host with a public address): direct UDP unless its network blocks
// outbound UDP, then TURN over TLS/TCP on 443 (or failed without TURN).
// With server_ice_tcp the server is ICE-lite (RFC 8445 s2.5: it answers checks, never sends
// them; the participant's full agent is controlling) and offers, besides its public UDP
// host candidate, a passive ICE-TCP host candidate on 443 (RFC 6544), as Jitsi Videobridge
// (videobridge.ice.tcp, port 443) and mediasoup (WebRtcTransport enableTcp) can. A
// participant whose UDP is blocked but whose TCP to 443 is allowed then connects its active
// TCP candidate to it: an outbound TCP connection to a public address passes every NAT
// (RFC 5382 REQ-1/REQ-2) and that firewall, and the host-TCP pair (type preference 90,
// libwebrtc p2p_constants.h) outranks every relayed pair (0-2), so kDirectTcp replaces
// TURN (or failure) for it. UDP outcomes are unchanged: a lite server's single public UDP
// candidate is reached by the participant's own checks as in the full-ICE session.
// Outcomes depend only on the two NAT configurations, so each distinct preset combination
// is simulated once per call and reused.
#pragma once

#include <cstdint>
#include <vector>

#include "models/ice/population.hpp"

namespace p2psim::ice {

enum class ServerLeg : std::uint8_t { kDirectUdp, kTurnUdp, kTurnTcp, kDirectTcp, kFailed };

struct CallConnectivity {
  std::vector<std::uint32_t> nat_of;  // participant -> mix index
  std::vector<Outcome> peer;          // n * n (mesh), symmetric; diagonal kDirect
  std::vector<ServerLeg> server;      // n (SFU/MCU)
  std::uint64_t ice_sessions = 0;     // distinct sessions simulated
};

// Preconditions: !mix.empty(), n >= 2.
// server_ice_tcp: the media server is ICE-lite with a passive TCP candidate on 443 (SFU/MCU
// legs only; mesh ignores it).
CallConnectivity ice_call_connectivity(const std::vector<NatShare>& mix, int n, bool mesh, bool turn,
                                       bool server_ice_tcp, std::uint64_t seed);

}  // namespace p2psim::ice
