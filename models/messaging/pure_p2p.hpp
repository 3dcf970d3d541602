// Pure P2P: the sender's device connects to the recipient's device directly. A message is
// delivered only at an attempt when both are online; the sender attempts at once, then
// retries after retry_interval, growing by `backoff` up to max_interval, until
// give_up_after has passed since the send. No infrastructure, no storage.
#pragma once

#include "models/messaging/architecture.hpp"

namespace p2psim::messaging {

struct PureP2pSpec {
  SimTime retry_interval = SimTime::s(30);   // first retry delay (> 0)
  double backoff = 2.0;                      // interval multiplier per retry (>= 1)
  SimTime max_interval = SimTime::min(30);   // cap on the retry interval (>= retry_interval)
  SimTime give_up_after = SimTime::h(24);    // last attempt at or before sent + this
  // Keepalive interval to keep the device's NAT binding and listener reachable
  // (RFC 8445 section 11: Tr default 15 s).
  SimTime keepalive = SimTime::s(15);
};

class PureP2p final : public Architecture {
 public:
  PureP2p(World& world, const PureP2pSpec& spec) : Architecture(world), spec_(spec) {}
  const char* name() const override { return "p2p"; }
  void send(std::uint32_t m) override;
  ReachabilityProfile reachability() const override { return nat_keepalive_profile(spec_.keepalive); }

 private:
  PureP2pSpec spec_;
};

}  // namespace p2psim::messaging
