// CheckList: the connectivity-check state machine of one ICE data stream with one
// component (RTP and RTCP multiplexed, RFC 8843/5761), independent of any transport.
//
// What it implements (RFC 8445 section in brackets):
// - Forming pairs from local and remote candidates, replacing a server-reflexive local
//   candidate by its base, removing redundant pairs (same local base and remote
//   candidate, keeping the highest priority), ordering by pair priority and keeping at
//   most `max_pairs` (100 by default) [6.1.2.2-6.1.2.5, 6.1.2.5 limit].
// - Initial states: per foundation, the highest-priority pair is Waiting, the rest Frozen
//   [6.1.2.6].
// - Scheduling, one check per pacing slot Ta: a queued triggered check first, else the
//   highest-priority Waiting pair, else unfreeze the highest-priority Frozen pair whose
//   foundation has no Waiting or In-Progress pair [6.1.4.2].
// - Retransmission of a check as a STUN transaction: RTO = max(500 ms, Ta * (Waiting +
//   In-Progress pairs)) fixed when the check starts [14.3], doubling after each send,
//   at most `max_sends` sends (Rc = 7) and a final wait of Rm * RTO (Rm = 16) [RFC 8489
//   6.2.1]. No answer by then: the pair fails [7.2.5.2.4 analogue: timeout].
// - Success unfreezes Frozen pairs with the same foundation [7.2.5.3.3]; a received
//   check on a pair queues a triggered check (cancelling an In-Progress transaction,
//   and retrying a Failed one) [7.3.1.4]; a check from an unknown remote address adds a
//   pair with a peer-reflexive remote candidate [7.3.1.3-7.3.1.4], within the pair limit
//   [6.1.2.5] (make_room_for_learned).
// The agent (ice_agent.hpp) owns candidates, sends packets and decides nomination.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "models/ice/priority.hpp"
#include "sim/time.hpp"

namespace p2psim::ice {

enum class PairState : std::uint8_t { kFrozen, kWaiting, kInProgress, kSucceeded, kFailed };
const char* to_string(PairState s);

// What the check list needs to know of a candidate.
struct CandidateKey {
  CandidateType type = CandidateType::kHost;
  std::uint32_t priority = 0;
  std::uint32_t foundation = 0;
  // Local candidates only: index of the candidate's base among the local candidates (the
  // host candidate a server-reflexive one was learned through; itself otherwise).
  std::uint32_t base = 0;
  // IPv6 candidate (dual stack): pairs join candidates of one address family only
  // [6.1.2.2].
  bool ipv6 = false;
};

struct CandidatePair {
  std::uint32_t local = 0;   // index into the local candidates (after base replacement)
  std::uint32_t remote = 0;  // index into the remote candidates
  std::uint64_t priority = 0;
  std::uint64_t foundation = 0;  // local foundation << 32 | remote foundation
  PairState state = PairState::kFrozen;
  bool triggered = false;       // in the triggered-check queue
  bool use_candidate = false;   // the pending/next check carries USE-CANDIDATE
  bool nominated = false;
  std::uint8_t sends = 0;       // requests sent in the current transaction
  std::uint32_t transaction = 0;  // increases with every new transaction on this pair
  SimTime rto;                  // of the current transaction
  SimTime deadline;             // next retransmission or final timeout
};

struct CheckListConfig {
  SimTime ta = SimTime::ms(50);        // pacing, RFC 8445 14.2 (default 50 ms)
  SimTime min_rto = SimTime::ms(500);  // RFC 8445 14.3
  int max_sends = 7;                   // Rc, RFC 8489 6.2.1
  int rm = 16;                         // Rm, RFC 8489 6.2.1
  std::size_t max_pairs = 100;         // RFC 8445 6.1.2.5 (default limit 100)
};

class CheckList {
 public:
  explicit CheckList(CheckListConfig cfg = {}) : cfg_(cfg) {}

  const CheckListConfig& config() const { return cfg_; }
  std::span<const CandidatePair> pairs() const { return pairs_; }
  CandidatePair& pair(std::size_t i) { return pairs_[i]; }
  const CandidatePair& pair(std::size_t i) const { return pairs_[i]; }

  // Forms, prunes, orders and limits the pairs and sets the initial states. `controlling`
  // tells which side's priority is G in the pair formula.
  void form(std::span<const CandidateKey> local, std::span<const CandidateKey> remote, bool controlling);

  // Adds a pair (e.g. with a new peer-reflexive remote candidate) in the Waiting state,
  // keeping the order by priority. Returns its index; an existing identical pair's index
  // if there is one. Indices of other pairs may shift: callers must not hold them.
  std::size_t add_pair(std::uint32_t local, const CandidateKey& lkey, std::uint32_t remote,
                       const CandidateKey& rkey, bool controlling);
  // Index of the pair (local, remote), or -1.
  int find(std::uint32_t local, std::uint32_t remote) const;
  // Whether a pair learned from a received check [7.3.1.4] may be added under the pair
  // limit [6.1.2.5]: yes while the list holds fewer than `max_pairs` pairs. At the limit
  // only a check carrying USE-CANDIDATE [7.3.1.5] gets a pair, in place of the
  // lowest-priority Failed pair (discarded here); anything else is answered but adds
  // neither a pair nor a triggered check. Call before add_pair().
  bool make_room_for_learned(bool use_candidate);

  // Picks the check to send at this pacing slot and starts its transaction (In-Progress,
  // first send at `now`). Returns the pair index, or -1 when nothing is to be sent.
  int start_next_check(SimTime now);
  // Queues a triggered check for pair i [7.3.1.4]. Returns false when none is needed
  // (the pair already succeeded and is not to carry USE-CANDIDATE).
  bool trigger(std::size_t i, bool use_candidate = false);
  // Pairs whose transaction timer expired by `now`: each either gets a retransmission
  // (appended to `retransmit`) or fails (appended to `failed`).
  void poll_timeouts(SimTime now, std::vector<int>& retransmit, std::vector<int>& failed);
  // A success response for pair i's current transaction.
  void on_success(std::size_t i);
  // Stops every transaction and empties the queues (ICE completed or torn down) [8.1.2].
  void stop_all();

  // Earliest pending transaction deadline, or SimTime::max().
  SimTime next_deadline() const;
  // True while a check could still be started at a pacing slot.
  bool has_sendable() const;
  // True when every pair failed and nothing is pending.
  bool all_failed() const;
  std::size_t count(PairState s) const;
  // RTO for a transaction started now [14.3].
  SimTime current_rto() const;

 private:
  void begin_transaction(std::size_t i, SimTime now);
  void unfreeze_foundation(std::uint64_t foundation);

  CheckListConfig cfg_;
  std::vector<CandidatePair> pairs_;  // ordered by priority, highest first
  std::vector<std::uint32_t> triggered_;  // FIFO of (local, remote) packed pair keys
  std::size_t triggered_head_ = 0;
};

}  // namespace p2psim::ice
