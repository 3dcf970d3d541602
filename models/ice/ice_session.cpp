#include "models/ice/ice_session.hpp"

namespace p2psim::ice {

namespace {
constexpr std::uint32_t kOffer = 1, kAnswer = 2;
}

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
      agent_a_(sim, cfg.ice, a, 2 * id, id, true, derive_seed(seed, 2 * std::uint64_t{id})),
      agent_b_(sim, cfg.ice, b, 2 * id + 1, id, false, derive_seed(seed, 2 * std::uint64_t{id} + 1)) {
  a.set_agent(&agent_a_);
  b.set_agent(&agent_b_);
  agent_a_.set_observer(this);
  agent_b_.set_observer(this);
  sig.set_peer(sig_a, this);
  sig.set_peer(sig_b, this);
}

void IceSession::start() {
  start_ = sim_->now();
  ep_a_->gather(this);
}

void IceSession::on_gathered(IceEndpoint& e) {
  if (done_) return;
  signalling::Envelope env;
  env.session = id_;
  if (&e == ep_a_) {
    ep_a_->give_candidates(agent_a_);
    env.from = sig_a_;
    env.to = sig_b_;
    env.kind = kOffer;
    env.a = agent_a_.local_candidates().size();
    env.bytes = cfg_->sdp_base_bytes + cfg_->candidate_line_bytes * static_cast<std::int64_t>(env.a);
  } else {
    ep_b_->give_candidates(agent_b_);
    env.from = sig_b_;
    env.to = sig_a_;
    env.kind = kAnswer;
    env.a = agent_b_.local_candidates().size();
    env.bytes = cfg_->sdp_base_bytes + cfg_->candidate_line_bytes * static_cast<std::int64_t>(env.a);
  }
  ++sig_messages_;
  sig_bytes_ += env.bytes;
  sig_->send(env);
  // The answerer starts checking once its answer is on its way (RFC 8445 6.1.1: the
  // answerer may begin as soon as it has the offer and its own candidates).
  if (&e == ep_b_) {
    std::vector<Candidate> remote(agent_a_.local_candidates().begin(),
                                  agent_a_.local_candidates().begin() + static_cast<std::ptrdiff_t>(offered_));
    agent_b_.set_remote_candidates(remote);
  }
}

void IceSession::on_signal(const signalling::Envelope& e) {
  if (done_ || e.session != id_) return;
  if (e.kind == kOffer) {
    offered_ = static_cast<std::size_t>(e.a);
    ep_b_->gather(this);
  } else if (e.kind == kAnswer) {
    std::vector<Candidate> remote(agent_b_.local_candidates().begin(),
                                  agent_b_.local_candidates().begin() + static_cast<std::ptrdiff_t>(e.a));
    agent_a_.set_remote_candidates(remote);
  }
}

void IceSession::on_completed(IceAgent&) {
  if (done_ || !agent_a_.completed() || !agent_b_.completed()) return;
  finish(agent_a_.outcome());
}

void IceSession::on_failed(IceAgent&) { finish(Outcome::kFailed); }

void IceSession::finish(Outcome o) {
  if (done_) return;
  done_ = true;
  result_.outcome = o;
  result_.fail_reason = o == Outcome::kFailed ? FailReason::kChecksFailed : FailReason::kNone;
  result_.local_type = agent_a_.selected_local_type();
  result_.remote_type = agent_a_.selected_remote_type();
  result_.setup_time = sim_->now() - start_;
  result_.signalling_messages = sig_messages_;
  result_.control_packets = agent_a_.control_packets() + agent_b_.control_packets() + ep_a_->gather_packets() +
                            ep_b_->gather_packets() + 2 * sig_messages_;
  result_.control_bytes = agent_a_.control_bytes() + agent_b_.control_bytes() + ep_a_->gather_bytes() +
                          ep_b_->gather_bytes() + static_cast<std::uint64_t>(2 * sig_bytes_);
  if (o == Outcome::kFailed || !cfg_->keep_alive) close();
  if (observer_) observer_->on_session_done(*this, result_);
}

void IceSession::release_memory() {
  agent_a_.release_memory();
  agent_b_.release_memory();
}

void IceSession::close() {
  agent_a_.close();
  agent_b_.close();
}

}  // namespace p2psim::ice
