// IceSession: one ICE session between two endpoints, end to end: gathering, offer/answer
// through the signalling server (vanilla ICE, RFC 8445 with the SDP offer/answer usage of
// RFC 8839: the offerer is controlling), connectivity checks and nomination.
//
//   offerer gathers -> offer (its candidates) via signalling -> answerer gathers ->
//   answer via signalling; the answerer starts checking on sending the answer, the
//   offerer on receiving it; connected when both agents have a nominated pair.
//
// The result: direct (host / srflx / prflx pair) or relayed (a TURN candidate on either
// side) or failed; the selected pair's candidate types (offerer's view); setup time from
// start() to the later agent completion; control packets and bytes (gathering, signalling,
// checks).
//
// Relay policy (SessionConfig::relay_policy):
// - always: every endpoint with a relay client allocates during gathering (RFC 8445
//   5.1.1.2), whether or not the session will need it.
// - on-failure: gathering is host + server-reflexive; an endpoint whose STUN gives no
//   server-reflexive address allocates as part of gathering. The session falls back once:
//   when an agent fails (every pair failed) or when the session has not completed
//   `relay_fallback_after` after start() (0: on failure only), both endpoints get a relay
//   (those without one allocate) and the session performs an ICE restart (RFC 8445 9):
//   fresh agents with new ids and credentials (so checks and responses of the first
//   attempt are ignored), a new offer/answer through signalling carrying all candidates,
//   the relayed ones included, and fresh check lists. The offerer allocates at once; the
//   answerer on receiving the restart offer (it gathers on the offer, as in the first
//   attempt). The setup time still runs from start(); the outcome is the restart's. No
//   fallback happens when neither endpoint can allocate (no relay client, or both already
//   have a relayed candidate), or when an agent has already completed.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/ice/ice_agent.hpp"
#include "models/ice/ice_endpoint.hpp"
#include "models/signalling/signalling_server.hpp"

namespace p2psim::ice {

// Kinds of the session's signalling messages (signalling::Envelope::kind); Envelope::a
// carries the sender's number of signalled candidates so far.
namespace signal_kind {
inline constexpr std::uint32_t kOffer = 1, kAnswer = 2, kCandidate = 3, kEndOfCandidates = 4;
}

enum class RelayPolicy : std::uint8_t { kAlways, kOnFailure };
const char* to_string(RelayPolicy p);

struct SessionConfig {
  IceConfig ice;
  // When TURN relays are allocated (see above). Default always: RFC 8445 5.1.1.2 and what
  // WebRTC stacks do with a TURN server configured.
  RelayPolicy relay_policy = RelayPolicy::kAlways;
  // on-failure: fall back to relays (ICE restart) when the session has not completed this
  // long after start(); zero = only when ICE fails. Default 5 s: libwebrtc declares a
  // candidate pair unwritable after 5 s without responses (CONNECTION_WRITE_CONNECT_TIMEOUT,
  // the default of ice_unwritable_timeout); no stack publishes a fallback timer, so the
  // value is a p2psim choice (docs/models/ice.md, "Relay policy").
  SimTime relay_fallback_after = SimTime::s(5);
  // SDP sizes carried by signalling: a session description without candidates, and one
  // a=candidate line (RFC 8839 5.1 grammar: "a=candidate:1 1 udp 2130706431 203.0.113.141
  // 8998 typ host" plus related address and extensions). p2psim estimates: 250 B, 80 B.
  std::int64_t sdp_base_bytes = 250;
  std::int64_t candidate_line_bytes = 80;
  // Keep agents alive (keepalives, consent) after connecting; off: close at connection.
  bool keep_alive = false;
  // Trickle ICE (RFC 8838, SDP usage RFC 8839): the offer is sent at once with the host
  // candidate, the answer as soon as the offer arrives; each candidate learned later
  // (server-reflexive, relayed) goes through signalling as it is found and pairs at once,
  // and each side signals end-of-candidates when its gathering ends; an agent fails only
  // after both ends of candidates. Off: vanilla ICE (gather everything, then offer). An
  // ICE restart (relay fallback) is always vanilla. Model default off (RFC 8445 alone);
  // the scenario key ice.trickle defaults to on, as WebRTC browsers do.
  bool trickle = false;
  // Bytes of one trickled candidate message (an a=candidate line in a signalling message,
  // RFC 8840-style framing left to the application) and of end-of-candidates
  // (a=end-of-candidates, RFC 8840 / RFC 8838 13). p2psim estimates: 100 B, 40 B.
  std::int64_t trickle_message_bytes = 100;
  std::int64_t end_of_candidates_bytes = 40;
};

// Why a session failed.
enum class FailReason : std::uint8_t {
  kNone,           // not failed
  kChecksFailed,   // an agent's check list failed: every pair Failed, none valid (RFC 8445 8.1.2, 6.1.3)
  kRunLimit,       // the driver (PairWorld) gave up at its run limit before ICE concluded
};
const char* to_string(FailReason r);

struct SessionResult {
  Outcome outcome = Outcome::kPending;
  FailReason fail_reason = FailReason::kNone;
  CandidateType local_type = CandidateType::kHost;   // offerer's side of the selected pair
  CandidateType remote_type = CandidateType::kHost;  // answerer's side, as the offerer sees it
  SimTime setup_time;                                // start() -> both agents completed (or failed)
  std::uint64_t control_packets = 0;                 // gathering + checks + responses + signalling
  std::uint64_t control_bytes = 0;                   // STUN bytes + signalling bytes (both legs)
  std::uint64_t signalling_messages = 0;
  // on-failure policy: the session fell back (relays allocated, ICE restarted), and when
  // (from start()).
  bool relay_fallback = false;
  SimTime fallback_at;
  // Endpoints of the session holding a relayed candidate at the end (0..2): the TURN
  // allocations actually made.
  int relay_allocations = 0;
  // The selected pair is IPv6 (dual stack, models/ice/dual_stack.hpp).
  bool ipv6 = false;
};

class IceSession;
class SessionObserver {
 public:
  virtual ~SessionObserver() = default;
  virtual void on_session_done(IceSession&, const SessionResult&) = 0;
};

class IceSession : public GatherObserver, public signalling::SignallingPeer, public AgentObserver {
 public:
  // `a` offers (controlling), `b` answers. sig_a / sig_b are their ids on `sig` (this
  // session registers itself as their peer object). `id` must be unique per simulation
  // and below 2^30 (agent ids and credentials of an ICE restart are derived from it).
  IceSession(Simulator& sim, const SessionConfig& cfg, signalling::SignallingServer& sig, IceEndpoint& a,
             std::uint32_t sig_a, IceEndpoint& b, std::uint32_t sig_b, std::uint32_t id, std::uint64_t seed);
  IceSession(const IceSession&) = delete;
  IceSession& operator=(const IceSession&) = delete;
  ~IceSession() override;

  void set_observer(SessionObserver* o) { observer_ = o; }
  void start();
  void close();
  // Once the session is done: closes and destroys its agents (after their last queued
  // timer event), keeping the result, for populations of millions of sessions. Does
  // nothing for a connected session kept alive (keep_alive). offerer() and answerer() must
  // not be called after the agents are gone. Not from inside a session callback.
  void release_memory();

  bool done() const { return done_; }
  const SessionResult& result() const { return result_; }
  // The current agents (after an ICE restart, the restart's). Not after release_memory().
  IceAgent& offerer() { return restart_ ? restart_->a : first_->a; }
  IceAgent& answerer() { return restart_ ? restart_->b : first_->b; }
  // on-failure policy: the session has fallen back to relays (ICE restart under way or done).
  bool fell_back() const { return fallback_; }
  std::uint32_t id() const { return id_; }

  // GatherObserver, SignallingPeer, AgentObserver
  void on_gathered(IceEndpoint& e) override;
  void on_candidate(IceEndpoint& e) override;
  void on_signal(const signalling::Envelope& e) override;
  void on_completed(IceAgent& a) override;
  void on_failed(IceAgent& a) override;

 private:
  void finish(Outcome o);
  RelayGather gather_mode() const;
  bool can_fall_back() const;
  void fallback_timer();
  void fall_back();
  void restart();
  std::uint64_t attempt() const { return restart_ ? 1 : 0; }  // carried in Envelope::b
  std::uint64_t agents_sum(std::uint64_t (IceAgent::*f)() const) const;
  bool trickling() const { return cfg_->trickle && !restart_; }
  // A connected session kept alive under libwebrtc nomination goes on trickling candidates
  // found after it connected (the agents can switch to the pairs they form).
  bool kept_alive() const {
    return done_ && cfg_->keep_alive && result_.outcome != Outcome::kFailed &&
           cfg_->ice.nomination.mode == NominationMode::kLibwebrtc;
  }
  void send_description(bool offer);
  void send_signal(bool from_offerer, std::uint32_t kind, std::uint64_t a, std::int64_t bytes);

  Simulator* sim_;
  const SessionConfig* cfg_;
  signalling::SignallingServer* sig_;
  IceEndpoint* ep_a_;
  IceEndpoint* ep_b_;
  std::uint32_t sig_a_, sig_b_;
  std::uint32_t id_;
  std::uint64_t seed_;
  // The two agents of an attempt: the first, and the ICE restart's. The first ones stay
  // (closed) until release_memory(): their counters go into the result.
  struct Agents {
    Agents(IceSession& s, bool restart);
    IceAgent a, b;
  };
  std::unique_ptr<Agents> first_;
  std::unique_ptr<Agents> restart_;
  SessionObserver* observer_ = nullptr;
  SimTime start_;
  std::size_t offered_ = 0;  // candidates in the offer
  bool offer_sent_ = false, offer_in_ = false, answer_sent_ = false;  // of this attempt
  std::uint64_t trickled_a_ = 0, trickled_b_ = 0;  // local candidates signalled (trickle)
  bool eoc_a_ = false, eoc_b_ = false;             // end-of-candidates sent (trickle)
  bool fallback_ = false;
  bool done_ = false;
  std::uint64_t sig_messages_ = 0;
  std::int64_t sig_bytes_ = 0;
  SessionResult result_;
};

}  // namespace p2psim::ice
