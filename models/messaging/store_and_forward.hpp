// Home-server store-and-forward (Matrix-like, one server): the sender's client uploads the
// message to the server (as soon as both are up); the server keeps it and each recipient's
// client receives it as soon as the recipient is online and the server is up (a held-open
// sync request, as Matrix /sync). The server keeps one copy per message until every
// recipient has it (mailbox semantics; Matrix itself also keeps history).
//
// Uses world.nodes[0] as the server. Client reconnection delay after a server outage is
// neglected (seconds against session lengths of hours).
#pragma once

#include <vector>

#include "models/messaging/architecture.hpp"

namespace p2psim::messaging {

struct StoreAndForwardSpec {
  // Interval of the client's held-open request to the server (Matrix /sync long-poll;
  // Element uses a 30 s timeout): one wake-up per interval while online.
  SimTime sync_interval = SimTime::s(30);
};

class StoreAndForward final : public Architecture {
 public:
  StoreAndForward(World& world, const StoreAndForwardSpec& spec);
  const char* name() const override { return "store-and-forward"; }
  void send(std::uint32_t m) override;
  ReachabilityProfile reachability() const override { return heartbeat_profile(spec_.sync_interval); }

 private:
  void arrive(std::uint32_t m);
  void handed(std::uint32_t m, std::uint32_t user);
  StoreAndForwardSpec spec_;
  std::vector<std::uint32_t> pending_;  // per message: recipients still to serve
};

}  // namespace p2psim::messaging
