#include "models/ice/ice_restart.hpp"

#include "models/stun/server.hpp"

namespace p2psim::ice {

const char* to_string(ChangeDetection d) { return d == ChangeDetection::kInterface ? "interface" : "consent"; }

NetworkChangeWorld::NetworkChangeWorld(const NetworkChangeSpec& spec, std::uint64_t seed) : spec_(spec), seed_(seed) {
  spec_.session.keep_alive = true;
  net_ = std::make_unique<net::Network>(sim_, derive_seed(seed, "network"));
  router_ = net_->add_router("core");
  stun_ = net_->add_host(router_, spec_.server_link);
  stun_server_ = std::make_unique<stun::Server>(net_->host(stun_));
  spec_.gather.stun_server = stun_server_->primary();
  sig_node_ = net_->add_host(router_, spec_.server_link);
  auto host_behind = [&](const std::vector<nat::NatConfig>& layers, const net::LinkSpec& access) {
    const net::NodeId nat = net_->add_nat_chain(router_, layers, access, spec_.inner);
    return net_->add_host(nat, layers.empty() ? access : spec_.lan);
  };
  a_ = host_behind(spec_.nat_before, spec_.access_a);
  a2_ = host_behind(spec_.nat_after, spec_.access_a);
  b_ = host_behind(spec_.nat_peer, spec_.access_b);
  if (spec_.relay) {
    turn_ = net_->add_host(router_, spec_.server_link);
    turn_server_ = spec_.relay->install_server(*net_, net_->host(turn_));
    relay_a_ = spec_.relay->make_client(*net_, net_->host(a_));
    relay_a2_ = spec_.relay->make_client(*net_, net_->host(a2_));
    relay_b_ = spec_.relay->make_client(*net_, net_->host(b_));
  }
  ep_a_ = std::make_unique<IceEndpoint>(net_->host(a_), spec_.gather, relay_a_.get(), derive_seed(seed, "ep-a"));
  ep_a2_ = std::make_unique<IceEndpoint>(net_->host(a2_), spec_.gather, relay_a2_.get(), derive_seed(seed, "ep-a2"));
  ep_b_ = std::make_unique<IceEndpoint>(net_->host(b_), spec_.gather, relay_b_.get(), derive_seed(seed, "ep-b"));
  sig_ = std::make_unique<signalling::SignallingServer>(sim_, spec_.signalling);
  const std::uint32_t sa = sig_->attach(nullptr, net_->path_latency(a_, sig_node_));
  sig_a2_ = sig_->attach(nullptr, net_->path_latency(a2_, sig_node_));
  sig_b_ = sig_->attach(nullptr, net_->path_latency(b_, sig_node_));
  session_ = std::make_unique<IceSession>(sim_, spec_.session, *sig_, *ep_a_, sa, *ep_b_, sig_b_, 1,
                                          derive_seed(seed, "session"));
  session_->set_observer(this);
}

NetworkChangeWorld::~NetworkChangeWorld() {
  if (restart_) restart_->close();
  if (session_) session_->close();
  restart_.reset();
  session_.reset();
  ep_a_.reset();
  ep_a2_.reset();
  ep_b_.reset();
  relay_a_.reset();
  relay_a2_.reset();
  relay_b_.reset();
  turn_server_.reset();
}

void NetworkChangeWorld::on_session_done(IceSession& s, const SessionResult& r) {
  if (&s == session_.get()) {
    result_.before = r;
    result_.connected = r.outcome == Outcome::kDirect || r.outcome == Outcome::kRelayed;
    return;
  }
  if (&s == restart_.get() && (r.outcome == Outcome::kDirect || r.outcome == Outcome::kRelayed)) {
    result_.after = r;
    result_.recovered = true;
    result_.restart_setup = sim_.now() - restart_at_;
    result_.interruption = sim_.now() - changed_at_;
  }
}

void NetworkChangeWorld::change() {
  if (!result_.connected) return;
  changed_at_ = sim_.now();
  // The Wi-Fi interface is gone: the old agent sends into nothing and receives nothing.
  old_a_ = &session_->offerer();
  old_a_->set_io(dead_);
  old_a_->set_observer(this);
  ep_a_->set_agent(nullptr);
  if (spec_.restart && spec_.detect == ChangeDetection::kInterface) restart();
}

void NetworkChangeWorld::on_consent_lost(IceAgent& a) {
  if (&a != old_a_ || !spec_.restart || spec_.detect != ChangeDetection::kConsent || restart_) return;
  restart();
}

void NetworkChangeWorld::restart() {
  if (restart_) return;
  restart_at_ = sim_.now();
  result_.detected_after = restart_at_ - changed_at_;
  ++result_.restarts;
  // The old session ends (its agents stop their timers; the old offerer may be inside its
  // own consent callback: close() only sets flags). The restart runs in an event of its own.
  session_->close();
  restart_ = std::make_unique<IceSession>(sim_, spec_.session, *sig_, *ep_a2_, sig_a2_, *ep_b_, sig_b_, 2,
                                          derive_seed(seed_, "restart"));
  restart_->set_observer(this);
  sim_.schedule_after(SimTime::zero(), [this] { restart_->start(); });
}

NetworkChangeResult NetworkChangeWorld::run() {
  start_ = sim_.now();
  session_->start();
  sim_.schedule_at(start_ + spec_.change_at, [this] { change(); });
  sim_.run_until(start_ + spec_.run_for);
  if (result_.connected && !result_.recovered) {
    result_.interruption = sim_.now() - changed_at_;
    if (changed_at_ == SimTime::zero()) result_.interruption = SimTime::zero();  // no change happened
  }
  result_.control_bytes = result_.before.control_bytes + (result_.recovered ? result_.after.control_bytes : 0);
  return result_;
}

}  // namespace p2psim::ice
