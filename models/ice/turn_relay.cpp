#include "models/ice/turn_relay.hpp"

#include <algorithm>
#include <vector>

#include "models/ice/ice_endpoint.hpp"

namespace p2psim::ice {

namespace {

class TurnRelay : public RelayClient, public turn::ClientListener {
 public:
  TurnRelay(net::Host& host, const TurnRelayConfig& cfg, net::Endpoint udp_server, net::Endpoint tls_server,
            std::uint64_t seed)
      : host_(&host), cfg_(&cfg), udp_server_(udp_server), tls_server_(tls_server), seed_(seed) {}

  void allocate(IceEndpoint& e) override {
    ep_ = &e;
    start(net::Transport::udp);
  }

  void send(IceEndpoint&, net::Endpoint peer, const stun::Message& m) override {
    if (!client_ || !client_->allocated()) return;
    if (std::find(perms_.begin(), perms_.end(), peer.addr) == perms_.end()) {
      perms_.push_back(peer.addr);
      client_->create_permission(peer.addr);
    }
    client_->send(peer, net::Payload{m}, static_cast<std::uint32_t>(m.encoded_size()));
    if (cfg_->bind_channels && std::find(chans_.begin(), chans_.end(), peer) == chans_.end()) {
      chans_.push_back(peer);
      client_->bind_channel(peer);
    }
  }

  // The turn::Client owns its socket; nothing arrives on the endpoint's socket for it.
  bool on_packet(IceEndpoint&, const net::Packet&) override { return false; }

  // turn::ClientListener
  void on_allocated(net::Endpoint relayed, net::Endpoint) override {
    if (ep_) ep_->on_relay_allocated(relayed);
  }
  void on_allocate_failed(std::uint16_t code) override {
    if (code == 0 && transport_ == net::Transport::udp && cfg_->tls_fallback) {
      start(net::Transport::tls);  // no answer over UDP: try TLS on 443
      return;
    }
    if (ep_) ep_->on_relay_allocated(std::nullopt);
  }
  void on_data(net::Endpoint peer, const net::Packet& inner) override {
    if (const stun::Message* m = inner.stun(); m && ep_) ep_->on_relayed_stun(*m, peer);
  }

 private:
  void start(net::Transport t) {
    transport_ = t;
    turn::ClientConfig c;
    c.transport = t;
    c.server = t == net::Transport::udp ? udp_server_ : tls_server_;
    c.username_len = cfg_->username_len;
    client_.reset();  // unbinds the previous socket
    perms_.clear();
    chans_.clear();
    client_ = std::make_unique<turn::Client>(*host_, 0, c, this, seed_ + static_cast<std::uint64_t>(t));
    client_->allocate();
  }

  net::Host* host_;
  const TurnRelayConfig* cfg_;
  net::Endpoint udp_server_, tls_server_;
  std::uint64_t seed_;
  IceEndpoint* ep_ = nullptr;
  net::Transport transport_ = net::Transport::udp;
  std::unique_ptr<turn::Client> client_;
  std::vector<net::Ipv4> perms_;
  std::vector<net::Endpoint> chans_;  // peers a ChannelBind was sent for
};

}  // namespace

TurnRelayFactory::TurnRelayFactory(TurnRelayConfig cfg) : cfg_(std::move(cfg)) {}
TurnRelayFactory::~TurnRelayFactory() = default;

namespace {
struct TurnServerHandle : ServerHandle {
  TurnServerHandle(net::Host& h, const turn::ServerConfig& c) : server(h, c) {}
  turn::Server server;
};
}  // namespace

std::unique_ptr<ServerHandle> TurnRelayFactory::install_server(net::Network&, net::Host& server_host) {
  auto h = std::make_unique<TurnServerHandle>(server_host, cfg_.server);
  server_ = &h->server;
  return h;
}

std::unique_ptr<RelayClient> TurnRelayFactory::make_client(net::Network&, net::Host& host) {
  return std::make_unique<TurnRelay>(host, cfg_, server_->udp_endpoint(), server_->tls_endpoint(),
                                     mix64(next_seed_++));
}

}  // namespace p2psim::ice
