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
#pragma once

#include <cstdint>
#include <vector>

#include "models/ice/ice_agent.hpp"
#include "models/ice/ice_endpoint.hpp"
#include "models/signalling/signalling_server.hpp"

namespace p2psim::ice {

struct SessionConfig {
  IceConfig ice;
  // SDP sizes carried by signalling: a session description without candidates, and one
  // a=candidate line (RFC 8839 5.1 grammar: "a=candidate:1 1 udp 2130706431 203.0.113.141
  // 8998 typ host" plus related address and extensions). p2psim estimates: 250 B, 80 B.
  std::int64_t sdp_base_bytes = 250;
  std::int64_t candidate_line_bytes = 80;
  // Keep agents alive (keepalives, consent) after connecting; off: close at connection.
  bool keep_alive = false;
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
  // session registers itself as their peer object). `id` must be unique per simulation.
  IceSession(Simulator& sim, const SessionConfig& cfg, signalling::SignallingServer& sig, IceEndpoint& a,
             std::uint32_t sig_a, IceEndpoint& b, std::uint32_t sig_b, std::uint32_t id, std::uint64_t seed);
  IceSession(const IceSession&) = delete;
  IceSession& operator=(const IceSession&) = delete;

  void set_observer(SessionObserver* o) { observer_ = o; }
  void start();
  void close();
  // After the session is done and closed: frees both agents' candidates and check lists
  // (IceAgent::release_memory); the result stays. Not from inside a session callback.
  void release_memory();

  bool done() const { return done_; }
  const SessionResult& result() const { return result_; }
  IceAgent& offerer() { return agent_a_; }
  IceAgent& answerer() { return agent_b_; }
  std::uint32_t id() const { return id_; }

  // GatherObserver, SignallingPeer, AgentObserver
  void on_gathered(IceEndpoint& e) override;
  void on_signal(const signalling::Envelope& e) override;
  void on_completed(IceAgent& a) override;
  void on_failed(IceAgent& a) override;

 private:
  void finish(Outcome o);

  Simulator* sim_;
  const SessionConfig* cfg_;
  signalling::SignallingServer* sig_;
  IceEndpoint* ep_a_;
  IceEndpoint* ep_b_;
  std::uint32_t sig_a_, sig_b_;
  std::uint32_t id_;
  IceAgent agent_a_, agent_b_;
  SessionObserver* observer_ = nullptr;
  SimTime start_;
  std::size_t offered_ = 0;  // candidates in the offer
  bool done_ = false;
  std::uint64_t sig_messages_ = 0;
  std::int64_t sig_bytes_ = 0;
  SessionResult result_;
};

}  // namespace p2psim::ice
