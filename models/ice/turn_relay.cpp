#include "models/ice/turn_relay.hpp"

#include <algorithm>
#include <vector>

#include "models/ice/ice_endpoint.hpp"

namespace p2psim::ice {

namespace {

class TurnRelay;

// One allocation attempt over one transport, with its own client and socket.
struct Leg : turn::ClientListener {
  Leg(TurnRelay& r, net::Transport t) : relay(&r), transport(t) {}
  void on_allocated(net::Endpoint relayed, net::Endpoint) override;
  void on_allocate_failed(std::uint16_t code) override;
  void on_data(net::Endpoint peer, const net::Packet& inner) override;
  TurnRelay* relay;
  net::Transport transport;
  std::unique_ptr<turn::Client> client;
  bool failed = false;
};

class TurnRelay : public RelayClient {
 public:
  TurnRelay(net::Host& host, const TurnRelayConfig& cfg, net::Endpoint udp_server, net::Endpoint tls_server,
            std::uint64_t seed)
      : host_(&host), cfg_(&cfg), udp_server_(udp_server), tls_server_(tls_server), seed_(seed) {}

  void allocate(IceEndpoint& e) override {
    ep_ = &e;
    active_ = nullptr;
    perms_.clear();
    chans_.clear();
    legs_.clear();  // unbinds earlier sockets
    start(net::Transport::udp);
    if (cfg_->tls_fallback && cfg_->parallel_tls) start(net::Transport::tls);
  }

  void send(IceEndpoint&, net::Endpoint peer, const stun::Message& m) override {
    if (!active_ || !active_->client->allocated()) return;
    turn::Client& c = *active_->client;
    if (std::find(perms_.begin(), perms_.end(), peer.addr) == perms_.end()) {
      perms_.push_back(peer.addr);
      c.create_permission(peer.addr);
    }
    c.send(peer, net::Payload{m}, static_cast<std::uint32_t>(m.encoded_size()));
    if (cfg_->bind_channels && std::find(chans_.begin(), chans_.end(), peer) == chans_.end()) {
      chans_.push_back(peer);
      c.bind_channel(peer);
    }
  }

  // The turn::Clients own their sockets; nothing arrives on the endpoint's socket for them.
  bool on_packet(IceEndpoint&, const net::Packet&) override { return false; }

  void leg_allocated(Leg& leg, net::Endpoint relayed) {
    if (active_) {
      leg.client->release();  // the other transport won: one relayed candidate per endpoint
      return;
    }
    active_ = &leg;
    if (ep_) ep_->on_relay_allocated(relayed);
  }
  void leg_failed(Leg& leg, std::uint16_t code) {
    leg.failed = true;
    if (active_) return;
    if (code == 0 && leg.transport == net::Transport::udp && cfg_->tls_fallback && !cfg_->parallel_tls) {
      start(net::Transport::tls);  // no answer over UDP: try TLS on 443
      return;
    }
    for (const auto& l : legs_)
      if (!l->failed) return;  // another transport is still trying
    if (ep_) ep_->on_relay_allocated(std::nullopt);
  }
  void leg_data(Leg& leg, net::Endpoint peer, const net::Packet& inner) {
    if (&leg != active_) return;
    if (const stun::Message* m = inner.stun(); m && ep_) ep_->on_relayed_stun(*m, peer);
  }

 private:
  void start(net::Transport t) {
    turn::ClientConfig c;
    c.transport = t;
    c.server = t == net::Transport::udp ? udp_server_ : tls_server_;
    c.username_len = cfg_->username_len;
    auto leg = std::make_unique<Leg>(*this, t);
    leg->client = std::make_unique<turn::Client>(*host_, 0, c, leg.get(), seed_ + static_cast<std::uint64_t>(t));
    Leg* l = leg.get();
    legs_.push_back(std::move(leg));
    l->client->allocate();
  }

  net::Host* host_;
  const TurnRelayConfig* cfg_;
  net::Endpoint udp_server_, tls_server_;
  std::uint64_t seed_;
  IceEndpoint* ep_ = nullptr;
  std::vector<std::unique_ptr<Leg>> legs_;
  Leg* active_ = nullptr;
  std::vector<net::Ipv4> perms_;
  std::vector<net::Endpoint> chans_;  // peers a ChannelBind was sent for
};

void Leg::on_allocated(net::Endpoint relayed, net::Endpoint) { relay->leg_allocated(*this, relayed); }
void Leg::on_allocate_failed(std::uint16_t code) { relay->leg_failed(*this, code); }
void Leg::on_data(net::Endpoint peer, const net::Packet& inner) { relay->leg_data(*this, peer, inner); }

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
