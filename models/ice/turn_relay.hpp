// TEMPORARY placeholder until the TURN model is merged (see turn_relay.hpp.real).
#pragma once
#include <memory>
#include "models/ice/pair_world.hpp"
namespace p2psim::ice {
struct TurnRelayConfig {};
class TurnRelayFactory : public RelayFactory {
 public:
  explicit TurnRelayFactory(TurnRelayConfig = {}) {}
  std::unique_ptr<ServerHandle> install_server(net::Network&, net::Host&) override { return nullptr; }
  std::unique_ptr<RelayClient> make_client(net::Network& net, net::Host& host) override;
};
}  // namespace p2psim::ice
