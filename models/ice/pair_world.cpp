#include "models/ice/pair_world.hpp"

#include "models/stun/server.hpp"

namespace p2psim::ice {

PairWorld::PairWorld(const PairSpec& spec, std::uint64_t seed) : spec_(spec) {
  net_ = std::make_unique<net::Network>(sim_, derive_seed(seed, "network"));
  router_ = net_->add_router("core");
  stun_ = net_->add_host(router_, spec_.stun_link ? *spec_.stun_link : spec_.server_link);
  stun_server_ = std::make_unique<stun::Server>(net_->host(stun_));
  stun_ep_ = stun_server_->primary();
  sig_node_ = net_->add_host(router_, spec_.server_link);
  nat_a_ = net_->add_nat_chain(router_, spec_.nat_a, spec_.access_a, spec_.inner);
  nat_b_ = spec_.same_lan ? nat_a_ : net_->add_nat_chain(router_, spec_.nat_b, spec_.access_b, spec_.inner);
  // A public host hangs off the router by its access link; behind a NAT, by the LAN.
  a_ = net_->add_host(nat_a_, spec_.nat_a.empty() ? spec_.access_a : spec_.lan);
  const bool b_public = spec_.same_lan ? spec_.nat_a.empty() : spec_.nat_b.empty();
  b_ = net_->add_host(nat_b_, b_public ? spec_.access_b : spec_.lan);
  if (spec_.ipv6_a || spec_.ipv6_b) net_->set_ipv6_firewall(spec_.ipv6_firewall);
  if (spec_.ipv6_a) net_->add_ipv6(a_);
  if (spec_.ipv6_b) net_->add_ipv6(b_);
  if (spec_.relay) {
    turn_ = net_->add_host(router_, spec_.server_link);
    turn_server_ = spec_.relay->install_server(*net_, net_->host(turn_));
    relay_a_ = spec_.relay->make_client(*net_, net_->host(a_));
    relay_b_ = spec_.relay->make_client(*net_, net_->host(b_));
  }
  if (spec_.use_stun) spec_.gather.stun_server = stun_ep_;
  ep_a_ = std::make_unique<IceEndpoint>(net_->host(a_), spec_.gather, relay_a_.get(), derive_seed(seed, "ep-a"));
  ep_b_ = std::make_unique<IceEndpoint>(net_->host(b_), spec_.gather, relay_b_.get(), derive_seed(seed, "ep-b"));
  sig_ = std::make_unique<signalling::SignallingServer>(sim_, spec_.signalling);
  const std::uint32_t sa = sig_->attach(nullptr, net_->path_latency(a_, sig_node_));
  const std::uint32_t sb = sig_->attach(nullptr, net_->path_latency(b_, sig_node_));
  session_ = std::make_unique<IceSession>(sim_, spec_.session, *sig_, *ep_a_, sa, *ep_b_, sb, 1,
                                          derive_seed(seed, "session"));
  session_->set_observer(this);
}

PairWorld::~PairWorld() {
  if (session_) session_->close();
  // Sessions and endpoints go before relay clients, relay clients before the server, all
  // before the network.
  session_.reset();
  ep_a_.reset();
  ep_b_.reset();
  relay_a_.reset();
  relay_b_.reset();
  turn_server_.reset();
}

void PairWorld::on_session_done(IceSession&, const SessionResult&) {
  done_ = true;
  if (!spec_.session.keep_alive) sim_.stop();
}

SessionResult PairWorld::run() {
  session_->start();
  sim_.run_until(sim_.now() + spec_.run_limit);
  if (!done_) {
    SessionResult r;
    r.outcome = Outcome::kFailed;
    r.fail_reason = FailReason::kRunLimit;
    r.setup_time = spec_.run_limit;
    return r;
  }
  return session_->result();
}

}  // namespace p2psim::ice
