// Relayed ICE through TURN uses channels: after the first Send indication to a peer the
// client binds a channel (RFC 8656 11), and once the binding is confirmed its checks and
// the server's relayed packets travel as ChannelData. Sizes from the definitions: a Send
// or Data indication is the inner payload + 36 bytes + DATA padding (20 header + 12
// XOR-PEER-ADDRESS + 4 DATA header, RFC 8656 11); ChannelData over UDP is payload + 4
// (RFC 8656 12.4).
#include <catch2/catch.hpp>

#include <map>

#include "models/ice/pair_world.hpp"
#include "models/ice/turn_relay.hpp"
#include "models/nat/preset.hpp"

using namespace p2psim;
using namespace p2psim::ice;

namespace {

struct Seen : net::NetObserver {
  struct Rec {
    SimTime t;
    net::Packet p;
  };
  std::vector<Rec> sent;
  void on_send(const net::Packet& p, net::NodeId, SimTime t) override { sent.push_back({t, p}); }
};

std::uint32_t pad4(std::uint32_t n) { return (n + 3) / 4 * 4; }

}  // namespace

TEST_CASE("relayed ICE binds a channel after the first Send indication and then uses ChannelData",
          "[ice][turn][channel]") {
  for (bool bind : {true, false}) {
    TurnRelayConfig cfg;
    cfg.bind_channels = bind;
    TurnRelayFactory relay(cfg);
    PairSpec s;
    s.nat_a = nat::preset("symmetric").layers;
    s.nat_b = nat::preset("symmetric").layers;
    s.relay = &relay;
    PairWorld w(s, 3);
    Seen seen;
    w.network().set_observer(&seen);
    const SessionResult r = w.run();
    REQUIRE(r.outcome == Outcome::kRelayed);

    const net::Endpoint server = relay.server()->udp_endpoint();
    int binds = 0, channel_up = 0, channel_down = 0, sends = 0;
    // Per (client endpoint, peer): when its ChannelBind success was sent by the server.
    std::map<std::pair<net::Endpoint, net::Endpoint>, SimTime> bound_at;
    std::map<std::uint64_t, std::pair<net::Endpoint, net::Endpoint>> bind_tx;  // tid hash -> key
    for (const auto& [t, p] : seen.sent) {
      const stun::Message* m = p.stun();
      if (p.turn.kind == net::TurnEncap::none && m && m->method == stun::Method::channel_bind) {
        if (m->cls == stun::Class::request) {
          ++binds;
          bind_tx[m->tid.hash()] = {p.src, m->xor_peer_address};
        } else if (m->cls == stun::Class::success) {
          auto it = bind_tx.find(m->tid.hash());
          if (it != bind_tx.end() && !bound_at.count(it->second)) bound_at[it->second] = t;
        }
      }
      const std::uint32_t inner = p.turn.data_len;
      switch (p.turn.kind) {
        case net::TurnEncap::channel_data:
          CHECK(p.size_bytes == inner + 4);
          (p.dst == server ? channel_up : channel_down)++;
          break;
        case net::TurnEncap::send_indication:
          CHECK(p.size_bytes == 36 + pad4(inner));
          ++sends;
          break;
        case net::TurnEncap::data_indication: CHECK(p.size_bytes == 36 + pad4(inner)); break;
        case net::TurnEncap::none: break;
      }
    }
    if (!bind) {
      CHECK(binds == 0);
      CHECK(channel_up + channel_down == 0);
      CHECK(sends > 0);
      continue;
    }
    CHECK(binds > 0);
    CHECK(channel_up > 0);
    CHECK(channel_down > 0);
    // A client sends ChannelData only once the server has confirmed that channel; after
    // the confirmation (plus the server-to-client latency) it sends no more Send
    // indications to that peer.
    const SimTime one_way = SimTime::s(1);  // generous bound on server -> client latency
    for (const auto& [t, p] : seen.sent) {
      if (p.dst != server) continue;
      auto it = bound_at.find({p.src, p.turn.peer});
      if (p.turn.kind == net::TurnEncap::channel_data) {
        REQUIRE(it != bound_at.end());
        CHECK(t > it->second);
      }
      if (p.turn.kind == net::TurnEncap::send_indication && it != bound_at.end()) CHECK(t <= it->second + one_way);
    }
  }
}
