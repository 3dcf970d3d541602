// ICE candidate and pair priorities (RFC 8445 5.1.2 and 6.1.2.3) and candidate types.
//
// Candidate priority = 2^24 * type_pref + 2^8 * local_pref + (256 - component_id)
// (RFC 8445 5.1.2.1), with the RECOMMENDED type preferences of 5.1.2.2: host 126,
// peer-reflexive 110, server-reflexive 100, relayed 0, and local preference 65535 for a
// host with one interface (5.1.2.1). Pair priority (6.1.2.3), G = the controlling
// agent's candidate priority, D = the controlled agent's:
//   2^32 * min(G, D) + 2 * max(G, D) + (G > D ? 1 : 0).
#pragma once

#include <cstdint>
#include <string_view>

namespace p2psim::ice {

enum class CandidateType : std::uint8_t { kHost, kServerReflexive, kPeerReflexive, kRelayed };

// "host", "srflx", "prflx", "relay" (the SDP names of RFC 8839 5.1).
std::string_view to_string(CandidateType t);

// RFC 8445 5.1.2.2 RECOMMENDED values.
constexpr std::uint32_t type_preference(CandidateType t) {
  switch (t) {
    case CandidateType::kHost: return 126;
    case CandidateType::kPeerReflexive: return 110;
    case CandidateType::kServerReflexive: return 100;
    case CandidateType::kRelayed: return 0;
  }
  return 0;
}

// RFC 8445 5.1.2.1: one interface (no multihoming) => 65535.
constexpr std::uint32_t kDefaultLocalPreference = 65535;

// Preconditions: type_pref <= 126, local_pref <= 65535, 1 <= component_id <= 256.
constexpr std::uint32_t candidate_priority(std::uint32_t type_pref, std::uint32_t local_pref = kDefaultLocalPreference,
                                           std::uint32_t component_id = 1) {
  return (type_pref << 24) + (local_pref << 8) + (256 - component_id);
}

constexpr std::uint32_t candidate_priority(CandidateType t, std::uint32_t local_pref = kDefaultLocalPreference,
                                           std::uint32_t component_id = 1) {
  return candidate_priority(type_preference(t), local_pref, component_id);
}

// g: the controlling agent's candidate priority; d: the controlled agent's.
constexpr std::uint64_t pair_priority(std::uint32_t g, std::uint32_t d) {
  const std::uint64_t lo = g < d ? g : d, hi = g < d ? d : g;
  return (lo << 32) + 2 * hi + (g > d ? 1 : 0);
}

// A direct path: every pair that is not relayed on either side (RFC 8445 uses "relayed"
// for candidates obtained from TURN).
constexpr bool is_relayed(CandidateType t) { return t == CandidateType::kRelayed; }

}  // namespace p2psim::ice
