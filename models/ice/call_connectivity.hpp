// Connectivity of a group call's participants from simulated ICE sessions, for the
// group-call model's connectivity hook (models/media/call_spec.hpp).
//
// Each participant draws a NAT preset from the mix. Mesh: every unordered pair runs an ICE
// session (PairWorld) between the two participants' NATs: direct, relayed through TURN,
// or failed, the same for both directions. SFU/MCU: each participant runs ICE to the
// public media server (a host with a public address): direct UDP unless its network blocks
// outbound UDP, then TURN over TLS/TCP on 443 (or failed without TURN).
// Outcomes depend only on the two NAT configurations, so each distinct preset combination
// is simulated once per call and reused.
#pragma once

#include <cstdint>
#include <vector>

#include "models/ice/population.hpp"

namespace p2psim::ice {

enum class ServerLeg : std::uint8_t { kDirectUdp, kTurnUdp, kTurnTcp, kFailed };

struct CallConnectivity {
  std::vector<std::uint32_t> nat_of;  // participant -> mix index
  std::vector<Outcome> peer;          // n * n (mesh), symmetric; diagonal kDirect
  std::vector<ServerLeg> server;      // n (SFU/MCU)
  std::uint64_t ice_sessions = 0;     // distinct sessions simulated
};

// Preconditions: !mix.empty(), n >= 2.
CallConnectivity ice_call_connectivity(const std::vector<NatShare>& mix, int n, bool mesh, bool turn,
                                       std::uint64_t seed);

}  // namespace p2psim::ice
