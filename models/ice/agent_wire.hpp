// Wire conventions an IceAgent uses in the STUN messages it sends: USERNAME tags and the
// layout of its transaction ids (which kind of exchange a response answers). Private to
// the IceAgent implementation files (ice_agent.cpp, ice_agent_consent.cpp); not public API.
#pragma once

#include <cstdint>

#include "models/ice/ice_agent.hpp"
#include "models/ice/nomination.hpp"

namespace p2psim::ice::agent_wire {

// USERNAME is "ufragR:ufragL" (RFC 8445 7.2.2): it names the receiving agent first, so an
// agent receiving its own check (equal private addresses in two realms) rejects it.
inline std::uint32_t username_for(std::uint32_t session, bool receiver_controlling) {
  return (session << 1) | (receiver_controlling ? 0u : 1u);
}
// Transaction id layout: words[0] agent id, words[1] pair key or sequence, words[2]
// kind << 28 | transaction number.
inline constexpr std::uint32_t kKindCheck = 1, kKindConsent = 2, kKindProbe = 3, kKindResponse = 4;
static_assert(kKindCheck == kKindCheckTid && kKindPing > kKindResponse, "nomination.hpp's kinds");

inline stun::TransactionId tid(std::uint32_t agent, std::uint32_t w1, std::uint32_t kind, std::uint32_t n) {
  stun::TransactionId t;
  t.words = {agent, w1, (kind << 28) | (n & 0x0fffffff)};
  return t;
}

}  // namespace p2psim::ice::agent_wire
