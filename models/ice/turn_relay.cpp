#include "models/ice/turn_relay.hpp"

namespace p2psim::ice {

// Placeholder until the TURN model lands: allocation always fails (no relayed candidate).
struct TurnRelayFactory::Impl {};

namespace {
class NoRelay : public RelayClient {
 public:
  void allocate(IceEndpoint& e) override { e.on_relay_allocated(std::nullopt); }
  void send(IceEndpoint&, net::Endpoint, const stun::Message&) override {}
  bool on_packet(IceEndpoint&, const net::Packet&) override { return false; }
};
}  // namespace

TurnRelayFactory::TurnRelayFactory() : impl_(std::make_unique<Impl>()) {}
TurnRelayFactory::~TurnRelayFactory() = default;
void TurnRelayFactory::install_server(net::Network&, net::Host&) {}
std::unique_ptr<RelayClient> TurnRelayFactory::make_client(net::Network&, net::Host&) {
  return std::make_unique<NoRelay>();
}

}  // namespace p2psim::ice
