// TurnRelayFactory: relay clients for IceEndpoint backed by the TURN model (models/turn):
// a TURN server (RFC 8656) on the PairWorld/population server host, and per endpoint a
// TURN client sharing the endpoint's UDP socket (or TCP/TLS to port 443 when UDP is
// blocked, RFC 8656 3.1): Allocate, CreatePermission for each peer address the agent
// checks, ChannelBind after the first check, Send indications / ChannelData.
#pragma once

#include <memory>

#include "models/ice/pair_world.hpp"

namespace p2psim::ice {

class TurnRelayFactory : public RelayFactory {
 public:
  TurnRelayFactory();
  ~TurnRelayFactory() override;
  void install_server(net::Network& net, net::Host& server_host) override;
  std::unique_ptr<RelayClient> make_client(net::Network& net, net::Host& host) override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace p2psim::ice
