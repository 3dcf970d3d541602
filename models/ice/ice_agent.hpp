// IceAgent: one side of one ICE session (RFC 8445) with one data stream and one component.
//
// The agent is transport-agnostic: it talks to the host it runs on through AgentIo (send a
// STUN message from its socket directly, or through its TURN allocation) and is fed
// received STUN messages by on_stun(). Gathering (host, server-reflexive and relayed
// candidates) is done by the host side (ice_host.hpp) and handed over with
// set_local_candidates(). The exchange of candidates goes through signalling
// (ice_session.hpp); the agent starts checking once it has both candidate sets.
//
// Behaviour, with RFC 8445 sections:
// - Checks: Binding requests with PRIORITY (of the peer-reflexive candidate the check
//   could discover, 7.1.1), ICE-CONTROLLING / ICE-CONTROLLED with a tie-breaker (7.1.3),
//   USE-CANDIDATE for nomination (7.1.2), USERNAME, MESSAGE-INTEGRITY and FINGERPRINT
//   (7.1.1). Paced every Ta, retransmitted per CheckList.
// - Responses: the source must equal the request's destination and the response must
//   arrive on the base the request left from, else the pair fails (7.2.5.2.1); the mapped
//   address names the local candidate of the valid pair; an unknown one is a new
//   peer-reflexive local candidate (7.2.5.3.1).
// - Requests: answered with XOR-MAPPED-ADDRESS = the source seen (7.3.1.2); an unknown
//   source becomes a peer-reflexive remote candidate (7.3.1.3); a triggered check is
//   queued (7.3.1.4); USE-CANDIDATE nominates for the controlled agent (7.3.1.5). A pair
//   learned this way must fit under the pair limit (6.1.2.5, CheckList::
//   make_room_for_learned): at the limit only a USE-CANDIDATE check gets one.
//   Checks that arrive before the remote candidates are remembered and replayed
//   (7.3.1.3 / 7.2.5.3 ordering is preserved).
// - Regular nomination by the controlling agent (8.1.1): it nominates the best valid
//   pair as soon as no higher-priority pair is still pending, or `nomination_wait` after
//   the first valid pair, by repeating the check with USE-CANDIDATE.
// - Completion (8.1.2): a nominated pair selects the path; all other checks stop.
//   Failure (8.1.2): every pair failed.
// - After completion: keepalives, Binding indications every Tr (>= 15 s, 11), and
//   consent freshness (RFC 7675): a Binding request every ~5 s (randomised 0.8-1.2),
//   consent lost when no response for 30 s (RFC 7675 5.1).
// - Nomination mode (nomination.hpp): regular as above, or libwebrtc's (select at the first
//   success, switch to better pairs later, semi-aggressive USE-CANDIDATE or renomination,
//   continuous checks of the pairs above the selected one).
// Roles are fixed by the offer/answer (offerer controlling, RFC 8445 6.1.1); role
// conflicts (7.3.1.1) therefore cannot arise and are not modelled.
#pragma once

#include <cstdint>
#include <utility>
#include <span>
#include <vector>

#include "models/ice/check_list.hpp"
#include "models/ice/nomination.hpp"
#include "models/ice/priority.hpp"
#include "models/net/address.hpp"
#include "models/stun/message.hpp"
#include "sim/random.hpp"
#include "sim/simulator.hpp"

namespace p2psim::ice {

struct IceConfig {
  CheckListConfig checks;                    // Ta 50 ms, RTO, Rc, max 100 pairs
  // After the first valid pair, the controlling agent waits at most this long for a
  // higher-priority pair before nominating. RFC 8445 8.1.1 leaves the stopping rule to
  // the implementation; default 0.5 s (p2psim choice, ~ a few Ta of slack plus one RTO
  // cycle would be 10x longer).
  SimTime nomination_wait = SimTime::ms(500);
  // Nomination mode, renomination and libwebrtc's ping intervals (nomination.hpp).
  NominationConfig nomination;
  // Keepalive interval Tr: Binding indications on the selected pair. RFC 8445 11: >= 15 s
  // (default 15 s). Zero disables.
  SimTime keepalive_interval = SimTime::s(15);
  // Consent freshness (RFC 7675 5.1): request interval (randomised x [0.8, 1.2]) and the
  // expiry after the last response. Zero interval disables consent checks.
  SimTime consent_interval = SimTime::s(5);
  SimTime consent_timeout = SimTime::s(30);
  // Port prediction against sequential-port NATs (beyond ICE): also advertise the
  // server-reflexive port + i * predict_delta for i = 1..predict_ports as srflx
  // candidates (with foundations of their own so the peer checks them unfrozen). 0 = off.
  int predict_ports = 0;
  int predict_delta = 1;
  // Wire sizes of the attributes without simulation content (bytes).
  std::uint16_t username_bytes = 9;  // "ufragR:ufragL", 4-char ufrags (RFC 8445 5.3 min 4 chars)
  // Host candidates are mDNS names resolvable on the agent's link only (mdns.hpp). Model
  // default off; the scenario key ice.mdns_host_candidates defaults to on, as browsers do.
  bool mdns_host_candidates = false;
};

// A candidate with its transport address.
struct Candidate {
  CandidateKey key;
  net::Endpoint addr;     // the candidate's transport address
  net::Endpoint related;  // base (host) or server-reflexive address (relay), for SDP
  // Non-zero: a host candidate signalled as an mDNS name, resolvable only on this link
  // (LAN id, mdns.hpp).
  std::uint32_t mdns_lan = 0;
};

enum class Outcome : std::uint8_t { kPending, kDirect, kRelayed, kFailed };
const char* to_string(Outcome o);

class IceAgent;

// What an agent needs from its host.
class AgentIo {
 public:
  virtual ~AgentIo() = default;
  // Sends `m` from the agent's socket to `to` (host/server-reflexive base).
  virtual void send_direct(IceAgent& agent, net::Endpoint to, const stun::Message& m) = 0;
  // Sends `m` to peer `to` through the agent's TURN allocation.
  virtual void send_relayed(IceAgent& agent, net::Endpoint to, const stun::Message& m) = 0;
};

// Events of an agent, for sessions and metrics.
class AgentObserver {
 public:
  virtual ~AgentObserver() = default;
  virtual void on_completed(IceAgent&) {}
  virtual void on_failed(IceAgent&) {}
  virtual void on_consent_lost(IceAgent&) {}
  virtual void on_probe_result(IceAgent&, bool /*answered*/) {}
  // libwebrtc nomination: the selected pair changed after completion.
  virtual void on_switched(IceAgent&) {}
};

class IceAgent {
 public:
  // `id` must be unique per agent in a simulation (it seeds transaction ids);
  // `session_tag` identifies the session's credentials (USERNAME).
  IceAgent(Simulator& sim, const IceConfig& cfg, AgentIo& io, std::uint32_t id, std::uint32_t session_tag,
           bool controlling, std::uint64_t seed);
  IceAgent(const IceAgent&) = delete;
  IceAgent& operator=(const IceAgent&) = delete;
  ~IceAgent();

  void set_observer(AgentObserver* o) { observer_ = o; }
  // RFC 8445 5.1.1.3: candidates of one type, base IP and server (and transport) share it.
  static std::uint32_t foundation(CandidateType t, net::Ipv4 base, net::Ipv4 server);
  // Replaces the host side (e.g. by one that drops everything: the interface went away).
  void set_io(AgentIo& io) { io_ = &io; }
  std::uint32_t id() const { return id_; }
  bool controlling() const { return controlling_; }

  // Dual stack and mDNS, set before set_local_candidates(): the host's IPv6 endpoint on
  // the same socket (unspecified: IPv4 only; dual_stack.hpp) and the agent's link (LAN
  // id, 0 = none; mdns.hpp). IceConfig::mdns_host_candidates makes host candidates names.
  void set_host6(net::Endpoint host6) { host6_ = host6; }
  void set_link(std::uint32_t lan) { lan_ = lan; }
  // Local candidates after gathering (host first; srflx with base = index of its host;
  // relayed; then the IPv6 host, with an IPv6 srflx under mDNS). Priorities and
  // foundations are computed here.
  void set_local_candidates(net::Endpoint host, const net::Endpoint* srflx, const net::Endpoint* relayed,
                            net::Ipv4 stun_server, net::Ipv4 turn_server);
  const std::vector<Candidate>& local_candidates() const { return local_; }
  // Remote candidates from signalling; forms the check list and starts checking.
  void set_remote_candidates(std::span<const Candidate> remote);
  const std::vector<Candidate>& remote_candidates() const { return remote_; }

  // Trickle ICE (RFC 8838). With trickle on, the agent does not fail while candidates may
  // still come (8: failure only after end-of-candidates from the peer and the end of its
  // own gathering); candidates found after the description was sent are added here and
  // pair with the other side's candidates at once (RFC 8838 10, 11).
  void set_trickle(bool on) { trickle_ = on; }
  // A server-reflexive (with its predicted ports) or relayed local candidate learned
  // after set_local_candidates(). Returns how many local candidates there are now. A
  // srflx candidate forms no pair of its own (its base does, RFC 8445 6.1.2.4).
  std::size_t add_local_srflx(net::Endpoint srflx, net::Endpoint host, net::Ipv4 stun_server);
  std::size_t add_local_relayed(net::Endpoint relayed, net::Endpoint related, net::Ipv4 turn_server);
  // The peer's signalled candidates so far: `all` is the peer's list, of which the first
  // `count` have been signalled. Forms the check list on the first call (as
  // set_remote_candidates), later adds the new ones and their pairs.
  void update_remote_candidates(std::span<const Candidate> all, std::size_t count);
  void set_remote_end_of_candidates();  // RFC 8838 13
  void set_local_gathering_done();

  // A STUN message that arrived on the agent's socket (`via_relay` false) or through its
  // TURN allocation from peer `from` (`via_relay` true).
  void on_stun(const stun::Message& m, net::Endpoint from, bool via_relay);

  // Sends one consent-style Binding request on the selected pair now and reports whether
  // it was answered via AgentObserver::on_probe_result (tests of mapping expiry).
  void probe_selected();
  // Stops every timer (session torn down). Timer events already queued still run (and do
  // nothing) until quiet_after().
  void close();
  // No event scheduled by this agent runs later than this time: after it, a closed agent
  // may be destroyed (once nothing delivers packets to it any more).
  SimTime quiet_after() const { return last_event_at_; }

  Outcome outcome() const { return outcome_; }
  bool completed() const { return outcome_ == Outcome::kDirect || outcome_ == Outcome::kRelayed; }
  SimTime started_at() const { return started_; }
  // When the remote candidates arrived and checking began.
  SimTime checks_started_at() const { return started_checks_at_; }
  SimTime completed_at() const { return completed_at_; }
  // Types of the selected (nominated, valid) pair's candidates.
  CandidateType selected_local_type() const { return sel_local_type_; }
  CandidateType selected_remote_type() const { return sel_remote_type_; }
  net::Endpoint selected_remote() const { return sel_remote_addr_; }
  bool consent_lost() const { return consent_lost_; }
  SimTime consent_lost_at() const { return consent_lost_at_; }
  // Result of the last probe_selected(): 0 pending / none, 1 answered, 2 unanswered.
  int probe_state() const { return probe_state_; }
  const CheckList& check_list() const { return checks_; }

  // Control traffic sent by this agent (checks, responses, keepalives, consent).
  std::uint64_t control_packets() const { return ctl_packets_; }
  std::uint64_t control_bytes() const { return ctl_bytes_; }
  std::uint64_t checks_sent() const { return checks_sent_; }
  // libwebrtc nomination: changes of the selected pair after the first selection; pings
  // sent after selection (continuous checks, nomination pings included) and their bytes;
  // the current nomination value (controlling: of the selected pair; controlled: the one
  // it followed).
  std::uint32_t switches() const { return switches_; }
  std::uint64_t continuous_pings() const { return cont_pings_; }
  std::uint64_t continuous_ping_bytes() const { return cont_bytes_; }
  std::uint32_t nomination_value() const { return nomination_; }

 private:
  struct EarlyCheck {
    net::Endpoint from;
    bool via_relay;
    bool use_candidate;
    std::uint32_t priority;
  };

  void send(std::uint32_t local, net::Endpoint to, const stun::Message& m);
  stun::Message make_check(const CandidatePair& p) const;
  void send_check(std::size_t pair_index);
  void on_request(const stun::Message& m, net::Endpoint from, bool via_relay);
  void on_response(const stun::Message& m, net::Endpoint from, bool via_relay);
  void handle_check(net::Endpoint from, bool via_relay, bool use_candidate, std::uint32_t priority);
  // Adds the peer-reflexive remote candidate a check from `from` revealed (RFC 8445
  // 7.3.1.3) and returns its index. Precondition: `from` is not a known remote candidate.
  std::uint32_t add_peer_reflexive_remote(net::Endpoint from, std::uint32_t priority);
  // A Binding request (USERNAME, MESSAGE-INTEGRITY, FINGERPRINT) on the selected pair, with
  // a transaction id of `kind` and `seq` (agent_wire.hpp): consent checks and probes.
  void send_request_on_selected(std::uint32_t kind, std::uint32_t seq);
  std::uint32_t local_for(bool via_relay, net::Endpoint from) const;
  // Dual stack / mDNS (dual_stack.hpp, mdns.hpp).
  bool dual_stack() const { return !host6_.is_unspecified(); }
  std::uint32_t lp4(std::uint32_t k = 0) const;
  bool pairable(const Candidate& l, const Candidate& r) const;
  bool resolvable(const Candidate& r) const;
  void add_local_host6();
  int find_remote(net::Endpoint a) const;
  int find_local(net::Endpoint a) const;
  void maybe_nominate();
  void nominate(std::size_t pair_index);
  void complete(std::size_t pair_index);
  void set_selected(std::size_t pair_index);
  void fail();
  // Timer: schedules a wake-up at `t` unless one is already due no later.
  void arm(SimTime t);
  void wake(std::uint64_t gen);
  // The check timer's event, with its lookahead hint (sim/simulator.hpp): far, the
  // agent's first five cache lines (its tick state, candidates and check list headers);
  // near, the candidate pairs and remote candidates on_tick() scans.
  struct Wake {
    IceAgent* agent;
    std::uint64_t gen;
    void operator()() const { agent->wake(gen); }
    void prefetch(Lookahead stage) const noexcept { agent->prefetch_tick(stage); }
  };
  void prefetch_tick(Lookahead stage) const noexcept;
  void on_tick();
  void start_keepalives();
  void keepalive_tick(std::uint64_t gen);
  void consent_tick(std::uint64_t gen);
  SimTime consent_jitter();

  Simulator* sim_;
  const IceConfig* cfg_;
  AgentIo* io_;
  AgentObserver* observer_ = nullptr;
  // What every timer tick and check reads, together (one or two cache lines of a large
  // object, for the tens of thousands of agents checking at once in a population).
  SimTime last_check_ = SimTime::min(-1'000'000);
  SimTime first_valid_ = SimTime::max();
  SimTime last_event_at_ = SimTime::zero();  // latest event queued (at(), quiet_after())
  SimTime armed_at_ = SimTime::max();
  std::uint64_t gen_ = 0;        // check timer generation
  Outcome outcome_ = Outcome::kPending;
  bool nominating_ = false;
  bool closed_ = false;
  std::uint32_t id_;
  std::uint32_t session_tag_;
  bool controlling_;
  std::uint64_t tie_breaker_;
  Rng rng_;

  std::vector<Candidate> local_, remote_;
  std::uint32_t relay_index_ = UINT32_MAX;  // local index of the relayed candidate
  std::uint32_t host6_index_ = UINT32_MAX;  // local index of the IPv6 host candidate
  net::Endpoint host6_;
  std::uint32_t lan_ = 0;
  bool mdns_;  // cfg.mdns_host_candidates
  bool trickle_ = false, remote_eoc_ = false, local_eoc_ = false;
  std::size_t signalled_remote_ = 0;        // remote candidates received through signalling
  bool may_fail() const { return !trickle_ || (remote_eoc_ && local_eoc_); }
  void pair_new_remote(std::uint32_t r);
  void pair_new_local(std::uint32_t l);
  void check_trickle_failure();
  CheckList checks_;
  bool formed_ = false;
  std::vector<EarlyCheck> early_;
  // Pairs (local << 16 | remote) the controlled agent must nominate once they succeed.
  std::vector<std::uint32_t> nominate_on_success_;
  // Valid pairs' local candidate types, parallel to pair keys.
  struct Valid {
    std::uint32_t key;            // local << 16 | remote of the checked pair
    CandidateType local_type;     // of the valid pair's local candidate (may be prflx)
  };
  std::vector<Valid> valid_;

  SimTime started_, completed_at_, started_checks_at_;
  SimTime last_sent_selected_;
  std::uint32_t selected_key_ = 0;
  CandidateType sel_local_type_ = CandidateType::kHost, sel_remote_type_ = CandidateType::kHost;
  net::Endpoint sel_remote_addr_;
  std::uint32_t sel_local_ = 0;

  // Every event the agent schedules goes through at(), which records the latest time, so
  // the owner knows when no queued event refers to the agent any more (quiet_after()).
  template <class F>
  void at(SimTime t, F&& f) {
    if (t > last_event_at_) last_event_at_ = t;
    sim_->schedule_at(t, std::forward<F>(f));
  }
  std::uint64_t ka_gen_ = 0;     // keepalive/consent generation
  SimTime last_consent_ok_;
  std::uint32_t consent_seq_ = 0;
  std::uint32_t probe_seq_ = 0;
  bool probe_pending_ = false;
  bool consent_lost_ = false;
  SimTime consent_lost_at_;
  int probe_state_ = 0;

  std::uint64_t ctl_packets_ = 0, ctl_bytes_ = 0, checks_sent_ = 0;

  // libwebrtc nomination (defined in nomination.cpp).
  bool lw() const { return cfg_->nomination.mode == NominationMode::kLibwebrtc; }
  bool lw_continuing() const { return lw() && completed() && !closed_; }
  void lw_attrs(stun::Message& m, const CandidatePair& p) const;
  void lw_capture_pending();
  void lw_after_select();
  bool lw_on_request(const stun::Message& m, net::Endpoint from, bool via_relay);
  bool lw_on_response(const stun::Message& m, net::Endpoint from, bool via_relay);
  void lw_refresh();
  void lw_select(std::size_t pair_index, std::uint32_t value);
  void lw_arm(SimTime t);
  void lw_tick(std::uint64_t gen);
  void lw_ping(std::size_t pair_index, std::uint32_t nomination);
  std::uint64_t selected_priority() const;
  struct NomSeen {
    net::Endpoint from;
    bool via_relay;
    std::uint32_t value;
  };
  std::vector<NomSeen> noms_;                // controlled: nominations seen before completion
  std::vector<std::uint32_t> lw_live_;       // pairs pending when the check list stopped
  ContinuousChecks cont_;
  std::uint32_t nomination_ = 0, acked_nomination_ = 0;
  std::uint32_t pending_key_ = UINT32_MAX, pending_value_ = 0;  // controlled: nominated, not yet valid
  std::uint32_t switches_ = 0, ping_seq_ = 0;
  std::uint64_t ping_gen_ = 0;
  SimTime ping_at_ = SimTime::max();
  std::uint64_t cont_pings_ = 0, cont_bytes_ = 0;
};

}  // namespace p2psim::ice
