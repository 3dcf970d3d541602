// IceAgent after completion (RFC 8445 11, RFC 7675): keepalives on the selected pair,
// consent freshness checks and their expiry, and the one-off probe of the selected pair.
// Split from ice_agent.cpp; the agent's declaration is in ice_agent.hpp.
#include "models/ice/agent_wire.hpp"
#include "models/ice/ice_agent.hpp"

namespace p2psim::ice {

using agent_wire::kKindConsent;
using agent_wire::kKindProbe;
using agent_wire::kKindResponse;
using agent_wire::tid;
using agent_wire::username_for;

void IceAgent::send_request_on_selected(std::uint32_t kind, std::uint32_t seq) {
  stun::Message m = stun::make_request(stun::Method::binding, tid(id_, seq, kind, 0));
  m.username_tag = username_for(session_tag_, !controlling_);
  m.username_len = cfg_->username_bytes;
  m.set(stun::kUsername);
  m.set(stun::kMessageIntegrity);
  m.set(stun::kFingerprint);
  send(sel_local_, sel_remote_addr_, m);
  last_sent_selected_ = sim_->now();
}

SimTime IceAgent::consent_jitter() {
  // RFC 7675 5.1: the interval is randomised over [0.8, 1.2] x the base.
  return SimTime::from_seconds(cfg_->consent_interval.seconds() * rng_.uniform(0.8, 1.2));
}

void IceAgent::start_keepalives() {
  const std::uint64_t g = ++ka_gen_;
  if (cfg_->keepalive_interval > SimTime::zero())
    at(sim_->now() + cfg_->keepalive_interval, [this, g] { keepalive_tick(g); });
  if (cfg_->consent_interval > SimTime::zero())
    at(sim_->now() + consent_jitter(), [this, g] { consent_tick(g); });
}

void IceAgent::keepalive_tick(std::uint64_t g) {
  if (g != ka_gen_ || closed_ || consent_lost_) return;
  // RFC 8445 11: a Binding indication when nothing else was sent on the pair for Tr.
  if (sim_->now() >= last_sent_selected_ + cfg_->keepalive_interval) {
    stun::Message m = stun::make_indication(stun::Method::binding, tid(id_, 0, kKindResponse, 0));
    m.set(stun::kFingerprint);
    send(sel_local_, sel_remote_addr_, m);
    last_sent_selected_ = sim_->now();
  }
  const SimTime next = last_sent_selected_ + cfg_->keepalive_interval;
  at(next > sim_->now() ? next : sim_->now() + cfg_->keepalive_interval, [this, g] { keepalive_tick(g); });
}

void IceAgent::consent_tick(std::uint64_t g) {
  if (g != ka_gen_ || closed_ || consent_lost_) return;
  if (sim_->now() - last_consent_ok_ >= cfg_->consent_timeout) {
    consent_lost_ = true;  // RFC 7675 5.1: stop sending on the pair
    consent_lost_at_ = sim_->now();
    if (observer_) observer_->on_consent_lost(*this);
    return;
  }
  send_request_on_selected(kKindConsent, ++consent_seq_);
  at(sim_->now() + consent_jitter(), [this, g] { consent_tick(g); });
}

void IceAgent::probe_selected() {
  if (!completed() || closed_) return;
  probe_pending_ = true;
  probe_state_ = 0;
  ++probe_seq_;
  send_request_on_selected(kKindProbe, probe_seq_);
  const std::uint32_t seq = probe_seq_;
  at(sim_->now() + cfg_->consent_timeout, [this, seq] {
    if (probe_pending_ && probe_seq_ == seq && !closed_) {
      probe_pending_ = false;
      probe_state_ = 2;
      if (observer_) observer_->on_probe_result(*this, false);
    }
  });
}

}  // namespace p2psim::ice
