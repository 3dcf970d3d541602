// Nomination as libwebrtc does it, and its continuous checks after selection.
//
// Two nomination modes (IceConfig::nomination):
// - regular: RFC 8445 8.1.1 (the controlling agent nominates one valid pair once, after
//   `nomination_wait`, and every check stops at completion, 8.1.2). What ice_agent.cpp
//   has always done; the model default.
// - libwebrtc: P2PTransportChannel / BasicIceController (p2p/base/p2p_transport_channel.cc,
//   basic_ice_controller.cc), the nomination of Chrome and every libwebrtc client:
//   * the controlling agent selects a pair as soon as a check succeeds (the first writable
//     connection; SortAndSwitchConnection) and switches later to any pair of higher
//     priority that succeeds (ShouldSwitchConnection, CompareConnectionCandidates);
//   * nomination without renomination is SEMI_AGGRESSIVE (IceConfig::
//     default_nomination_mode, p2p/base/ice_transport_internal.h): USE-CANDIDATE on every
//     check while nothing is selected, then on checks of pairs better than the selected one
//     (BasicIceController::GetUseCandidateAttr);
//   * with renomination (RTCConfiguration::enable_ice_renomination, default false,
//     draft-thatcher-ice-renomination-00) the controlling agent puts a NOMINATION
//     attribute (0xC001) with a value that grows with every selection (++nomination_ in
//     SwitchSelectedConnectionInternal) on checks of the selected pair only
//     (GetNominationAttr), until a response acknowledges it (Connection::BuildPingRequest);
//   * the controlled agent follows the nomination with the greatest value (a USE-CANDIDATE
//     counts as 1, Connection::HandleStunBindingOrGoogPingRequest) on a pair it has itself
//     found writable (BasicIceController::CompareConnections, controlled side); between
//     equal values libwebrtc prefers the pair that received data last, then priority:
//     p2psim agents carry no media, so the higher priority decides;
//   * after selection the agent prunes every pair of lower or equal priority than the
//     selected one (BasicIceController::PruneConnections: "We leave those with better
//     priority just in case they become writable later"), and keeps pinging the others:
//     the continuous checks below.
//
// Continuous checks (libwebrtc mode, after selection): one ping (a Binding request, one
// transaction, no retransmission) per ping interval on the least recently pinged of the
// remaining pairs (FindNextPingableConnection, rule 4); the interval is WEAK_PING_INTERVAL
// = 48 ms while a pingable pair has had fewer than MIN_PINGS_AT_WEAK_PING_INTERVAL = 3
// pings, else STRONG_PING_INTERVAL = 480 ms (the selected pair is writable and receiving;
// p2p/base/p2p_constants.cc, SelectConnectionToPing). A pair whose first unanswered ping is
// CONNECTION_WRITE_TIMEOUT = 15 s old stops being pinged (Connection::UpdateState:
// STATE_WRITE_TIMEOUT, inactive). A pair that answers succeeds (and may be switched to).
// p2psim counts pings from the selection on (libwebrtc counts the pair's earlier checks
// too); the selected pair itself is kept by RFC 7675 consent checks (ice_agent.hpp)
// rather than by libwebrtc's 2.5 s STRONG_AND_STABLE_WRITABLE_CONNECTION_PING_INTERVAL.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.hpp"

namespace p2psim::ice {

enum class NominationMode : std::uint8_t { kRegular, kLibwebrtc };
const char* to_string(NominationMode m);

struct NominationConfig {
  // Model default regular (RFC 8445 alone); the scenario key ice.nomination defaults to
  // libwebrtc, as Chrome behaves.
  NominationMode mode = NominationMode::kRegular;
  // libwebrtc mode: NOMINATION values instead of USE-CANDIDATE (both sides must support
  // it, a=ice-options:renomination). Default false (RTCConfiguration).
  bool renomination = false;
  SimTime weak_ping_interval = SimTime::ms(48);     // WEAK_PING_INTERVAL
  SimTime strong_ping_interval = SimTime::ms(480);  // STRONG_PING_INTERVAL
  int min_weak_pings = 3;                           // MIN_PINGS_AT_WEAK_PING_INTERVAL
  SimTime write_timeout = SimTime::s(15);           // CONNECTION_WRITE_TIMEOUT
};

// Transaction kind of a continuous-check ping in the agent's transaction ids (after the
// agent's own kinds 1..4 in ice_agent.cpp).
inline constexpr std::uint32_t kKindCheckTid = 1;  // an ordinary check (ice_agent.cpp kKindCheck)
inline constexpr std::uint32_t kKindPing = 5;

// The pingable pairs of an agent after selection and their ping schedule.
class ContinuousChecks {
 public:
  struct Entry {
    std::uint32_t key = 0;  // local << 16 | remote
    int pings = 0;
    SimTime first_unanswered = SimTime::max();
    SimTime last_ping = SimTime::min(-1'000'000);
  };

  // Sets the pingable pairs (highest priority first); keeps the history of pairs that were
  // already pingable; pairs that timed out stay out.
  void reset(const std::vector<std::uint32_t>& keys);
  // Drops pairs whose first unanswered ping is `write_timeout` old, then picks the pair to
  // ping now (least recently pinged, higher priority first among equals) and records the
  // ping. Returns false when no pair is left.
  bool next(SimTime now, const NominationConfig& cfg, std::uint32_t& key);
  // The pair answered (it succeeded): it leaves the set.
  void answered(std::uint32_t key);
  // A check arrived on the pair: ping it next (libwebrtc rule 3, triggered check).
  void prefer(std::uint32_t key);
  bool contains(std::uint32_t key) const;
  bool empty() const { return entries_.empty(); }
  // The interval until the next ping (weak while a pair has had fewer than min_weak_pings).
  SimTime interval(const NominationConfig& cfg) const;

 private:
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> dead_;  // timed out (inactive)
};

// Controlled side: whether a nomination `value` (USE-CANDIDATE = 1) for a valid pair of
// priority `prio` replaces the selected pair (nominated with `cur_value`, priority
// `cur_prio`).
bool follows_nomination(std::uint32_t value, std::uint64_t prio, std::uint32_t cur_value, std::uint64_t cur_prio);

}  // namespace p2psim::ice
