#include "models/ice/ice_session.hpp"

#include <algorithm>

namespace p2psim::ice {

namespace {
using signal_kind::kOffer, signal_kind::kAnswer, signal_kind::kCandidate, signal_kind::kEndOfCandidates;
// ICE restart: agent ids 2 id + {0, 1} + 2^31 and credentials (USERNAME tag) id + 2^30, so
// that neither transaction ids (ice_agent.cpp tid()) nor USERNAMEs of the first attempt
// match (session ids < 2^30).
constexpr std::uint32_t kRestartAgentBit = 1u << 31, kRestartTagBit = 1u << 30;
}  // namespace

const char* to_string(RelayPolicy p) { return p == RelayPolicy::kAlways ? "always" : "on-failure"; }

const char* to_string(FailReason r) {
  switch (r) {
    case FailReason::kNone: return "none";
    case FailReason::kChecksFailed: return "checks-failed";
    case FailReason::kRunLimit: return "run-limit";
  }
  return "?";
}

IceSession::IceSession(Simulator& sim, const SessionConfig& cfg, signalling::SignallingServer& sig, IceEndpoint& a,
                       std::uint32_t sig_a, IceEndpoint& b, std::uint32_t sig_b, std::uint32_t id, std::uint64_t seed)
    : sim_(&sim),
      cfg_(&cfg),
      sig_(&sig),
      ep_a_(&a),
      ep_b_(&b),
      sig_a_(sig_a),
      sig_b_(sig_b),
      id_(id),
      seed_(seed),
      first_(std::make_unique<Agents>(*this, false)) {
  a.set_agent(&first_->a);
  b.set_agent(&first_->b);
  first_->a.set_observer(this);
  first_->b.set_observer(this);
  sig.set_peer(sig_a, this);
  sig.set_peer(sig_b, this);
}

namespace {
std::uint32_t agent_id(std::uint32_t session, bool answerer, bool restart) {
  return (2 * session + (answerer ? 1 : 0)) | (restart ? kRestartAgentBit : 0);
}
std::uint64_t agent_seed(std::uint64_t seed, std::uint32_t session, bool answerer, bool restart) {
  return derive_seed(seed, (restart ? std::uint64_t{1} << 40 : 0) | (2 * std::uint64_t{session} + (answerer ? 1 : 0)));
}
}  // namespace

IceSession::Agents::Agents(IceSession& s, bool restart)
    : a(*s.sim_, s.cfg_->ice, *s.ep_a_, agent_id(s.id_, false, restart), s.id_ | (restart ? kRestartTagBit : 0), true,
        agent_seed(s.seed_, s.id_, false, restart)),
      b(*s.sim_, s.cfg_->ice, *s.ep_b_, agent_id(s.id_, true, restart), s.id_ | (restart ? kRestartTagBit : 0), false,
        agent_seed(s.seed_, s.id_, true, restart)) {}

IceSession::~IceSession() = default;

RelayGather IceSession::gather_mode() const {
  if (restart_ || cfg_->relay_policy == RelayPolicy::kAlways) return RelayGather::kAlways;
  return RelayGather::kIfNoSrflx;
}

void IceSession::start() {
  start_ = sim_->now();
  if (cfg_->relay_policy == RelayPolicy::kOnFailure && cfg_->relay_fallback_after > SimTime::zero())
    sim_->schedule_after(cfg_->relay_fallback_after, [this] { fallback_timer(); });
  if (trickling()) {
    first_->a.set_trickle(true);
    first_->b.set_trickle(true);
    // RFC 8838 4: the offer goes out at once with the candidates available now (host).
    ep_a_->give_candidates(offerer());
    send_description(true);
    ep_a_->gather(this, gather_mode());
    return;
  }
  ep_a_->gather(this, gather_mode());
}

void IceSession::send_signal(bool from_offerer, std::uint32_t kind, std::uint64_t a, std::int64_t bytes) {
  signalling::Envelope env;
  env.session = id_;
  env.from = from_offerer ? sig_a_ : sig_b_;
  env.to = from_offerer ? sig_b_ : sig_a_;
  env.kind = kind;
  env.a = a;
  env.b = attempt();
  env.bytes = bytes;
  ++sig_messages_;
  sig_bytes_ += env.bytes;
  sig_->send(env);
}

void IceSession::send_description(bool offer) {
  IceAgent& self = offer ? offerer() : answerer();
  const std::uint64_t n = self.local_candidates().size();
  (offer ? trickled_a_ : trickled_b_) = n;
  (offer ? offer_sent_ : answer_sent_) = true;
  send_signal(offer, offer ? kOffer : kAnswer, n,
              cfg_->sdp_base_bytes + cfg_->candidate_line_bytes * static_cast<std::int64_t>(n));
}

void IceSession::on_candidate(IceEndpoint& e) {
  if ((done_ && !kept_alive()) || !trickling()) return;
  const bool offer = &e == ep_a_;
  if (offer ? !offer_sent_ : !answer_sent_) return;  // goes into the description instead
  IceAgent& self = offer ? offerer() : answerer();
  e.trickle_to(self);
  std::uint64_t& sent = offer ? trickled_a_ : trickled_b_;
  const std::uint64_t n = self.local_candidates().size();
  if (n <= sent) return;
  const auto lines = static_cast<std::int64_t>(n - sent);
  sent = n;
  send_signal(offer, kCandidate, n, cfg_->trickle_message_bytes * lines);
}

void IceSession::on_gathered(IceEndpoint& e) {
  if (done_ && !(kept_alive() && trickling())) return;
  if (trickling()) {
    const bool offer = &e == ep_a_;
    if (offer ? !offer_sent_ : !answer_sent_) return;
    on_candidate(e);  // anything not yet signalled
    (offer ? offerer() : answerer()).set_local_gathering_done();
    if (offer ? eoc_a_ : eoc_b_) return;
    (offer ? eoc_a_ : eoc_b_) = true;
    send_signal(offer, kEndOfCandidates, 0, cfg_->end_of_candidates_bytes);
    return;
  }
  // A completion of an earlier attempt's gathering is taken only when this attempt needs it.
  const bool offer = &e == ep_a_;
  if (offer ? offer_sent_ : (!offer_in_ || answer_sent_)) return;
  if (fallback_ && !restart_) return;  // ICE restart pending
  IceAgent& self = offer ? offerer() : answerer();
  (offer ? ep_a_ : ep_b_)->give_candidates(self);
  signalling::Envelope env;
  env.session = id_;
  env.from = offer ? sig_a_ : sig_b_;
  env.to = offer ? sig_b_ : sig_a_;
  env.kind = offer ? kOffer : kAnswer;
  env.a = self.local_candidates().size();
  env.b = attempt();
  env.bytes = cfg_->sdp_base_bytes + cfg_->candidate_line_bytes * static_cast<std::int64_t>(env.a);
  (offer ? offer_sent_ : answer_sent_) = true;
  ++sig_messages_;
  sig_bytes_ += env.bytes;
  sig_->send(env);
  // The answerer starts checking once its answer is on its way (RFC 8445 6.1.1: the
  // answerer may begin as soon as it has the offer and its own candidates).
  if (!offer) {
    const std::vector<Candidate>& oc = offerer().local_candidates();
    answerer().set_remote_candidates(std::span<const Candidate>(oc).first(offered_));
  }
}

void IceSession::on_signal(const signalling::Envelope& e) {
  if ((done_ && !(kept_alive() && trickling())) || e.session != id_ || e.b != attempt()) return;  // stale
  if (trickling()) {
    const bool to_answerer = e.to == sig_b_;
    IceAgent& self = to_answerer ? answerer() : offerer();
    IceAgent& peer = to_answerer ? offerer() : answerer();
    switch (e.kind) {
      case kOffer:
        offer_in_ = true;
        // The answer goes out at once with the answerer's host candidate (RFC 8838 4).
        ep_b_->give_candidates(answerer());
        self.update_remote_candidates(peer.local_candidates(), static_cast<std::size_t>(e.a));
        send_description(false);
        ep_b_->gather(this, gather_mode());
        break;
      case kAnswer:
      case kCandidate: self.update_remote_candidates(peer.local_candidates(), static_cast<std::size_t>(e.a)); break;
      case kEndOfCandidates: self.set_remote_end_of_candidates(); break;
      default: break;
    }
    return;
  }
  if (e.kind == kOffer) {
    offered_ = static_cast<std::size_t>(e.a);
    offer_in_ = true;
    ep_b_->gather(this, gather_mode());
  } else if (e.kind == kAnswer) {
    const std::vector<Candidate>& ac = answerer().local_candidates();
    offerer().set_remote_candidates(std::span<const Candidate>(ac).first(static_cast<std::size_t>(e.a)));
  }
}

void IceSession::on_completed(IceAgent& a) {
  if (done_ || (&a != &offerer() && &a != &answerer())) return;
  if (!offerer().completed() || !answerer().completed()) return;
  // Relayed when either side's selected local candidate is relayed: with trickle ICE a
  // relayed candidate may reach the peer as a peer-reflexive one before it is signalled.
  finish(answerer().outcome() == Outcome::kRelayed ? Outcome::kRelayed : offerer().outcome());
}

void IceSession::on_failed(IceAgent& a) {
  if (done_ || (&a != &offerer() && &a != &answerer())) return;
  if (can_fall_back()) {
    fall_back();
    return;
  }
  finish(Outcome::kFailed);
}

bool IceSession::can_fall_back() const {
  return cfg_->relay_policy == RelayPolicy::kOnFailure && !fallback_ &&
         (ep_a_->can_allocate() || ep_b_->can_allocate());
}

void IceSession::fallback_timer() {
  if (done_ || !can_fall_back()) return;
  // A completed agent has a nominated, working pair: the session is about to complete.
  if (first_->a.completed() || first_->b.completed()) return;
  fall_back();
}

void IceSession::fall_back() {
  fallback_ = true;
  result_.fallback_at = sim_->now() - start_;
  // The first attempt stops here (its agents keep their counters). The restart runs in an
  // event of its own: this may be called from inside an agent's callback.
  first_->a.close();
  first_->b.close();
  sim_->schedule_after(SimTime::zero(), [this] { restart(); });
}

void IceSession::restart() {
  if (done_) return;
  restart_ = std::make_unique<Agents>(*this, true);
  restart_->a.set_observer(this);
  restart_->b.set_observer(this);
  ep_a_->set_agent(&restart_->a);
  ep_b_->set_agent(&restart_->b);
  offer_sent_ = offer_in_ = answer_sent_ = false;
  offered_ = 0;
  // RFC 8445 9: a new offer with every candidate, relayed ones included; the offerer
  // allocates now (if it has no relay yet), the answerer on the restart offer.
  ep_a_->gather(this, RelayGather::kAlways);
}

std::uint64_t IceSession::agents_sum(std::uint64_t (IceAgent::*f)() const) const {
  std::uint64_t n = (first_->a.*f)() + (first_->b.*f)();
  if (restart_) n += (restart_->a.*f)() + (restart_->b.*f)();
  return n;
}

void IceSession::finish(Outcome o) {
  if (done_) return;
  done_ = true;
  result_.outcome = o;
  result_.fail_reason = o == Outcome::kFailed ? FailReason::kChecksFailed : FailReason::kNone;
  result_.local_type = offerer().selected_local_type();
  result_.remote_type = offerer().selected_remote_type();
  result_.setup_time = sim_->now() - start_;
  result_.ipv6 = o != Outcome::kFailed && offerer().selected_remote().addr.is_ipv6();
  result_.signalling_messages = sig_messages_;
  result_.relay_fallback = fallback_;
  result_.relay_allocations = (ep_a_->relayed() ? 1 : 0) + (ep_b_->relayed() ? 1 : 0);
  result_.control_packets = agents_sum(&IceAgent::control_packets) + ep_a_->gather_packets() +
                            ep_b_->gather_packets() + 2 * sig_messages_;
  result_.control_bytes = agents_sum(&IceAgent::control_bytes) + ep_a_->gather_bytes() + ep_b_->gather_bytes() +
                          static_cast<std::uint64_t>(2 * sig_bytes_);
  if (o == Outcome::kFailed || !cfg_->keep_alive) close();
  if (observer_) observer_->on_session_done(*this, result_);
}

void IceSession::release_memory() {
  // A session kept alive after connecting (keep_alive) still needs its agents.
  if (!done_ || !first_ || (cfg_->keep_alive && result_.outcome != Outcome::kFailed)) return;
  close();
  // The agents' timer events still queued must find them alive: come back after the last.
  SimTime quiet = std::max(first_->a.quiet_after(), first_->b.quiet_after());
  if (restart_) quiet = std::max({quiet, restart_->a.quiet_after(), restart_->b.quiet_after()});
  if (quiet > sim_->now()) {
    sim_->schedule_at(quiet, [this] { release_memory(); });  // queued after them: runs last
    return;
  }
  ep_a_->set_agent(nullptr);
  ep_b_->set_agent(nullptr);
  restart_.reset();
  first_.reset();
}

void IceSession::close() {
  if (!first_) return;
  first_->a.close();
  first_->b.close();
  if (restart_) {
    restart_->a.close();
    restart_->b.close();
  }
}

}  // namespace p2psim::ice
