#include "models/ice/turn_relay.hpp"
#include "models/ice/ice_endpoint.hpp"
namespace p2psim::ice {
namespace {
class NoRelay : public RelayClient {
 public:
  void allocate(IceEndpoint& e) override { e.on_relay_allocated(std::nullopt); }
  void send(IceEndpoint&, net::Endpoint, const stun::Message&) override {}
  bool on_packet(IceEndpoint&, const net::Packet&) override { return false; }
};
}  // namespace
std::unique_ptr<RelayClient> TurnRelayFactory::make_client(net::Network&, net::Host&) { return std::make_unique<NoRelay>(); }
}  // namespace p2psim::ice
