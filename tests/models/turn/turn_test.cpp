#include <catch2/catch.hpp>

#include <memory>

#include "models/nat/preset.hpp"
#include "models/net/network.hpp"
#include "models/turn/client.hpp"
#include "models/turn/framing.hpp"
#include "models/turn/server.hpp"
#include "../net/recorder.hpp"

using namespace p2psim;
using namespace p2psim::net;
using namespace p2psim::turn;

namespace {

struct Listener : ClientListener {
  Simulator* sim = nullptr;
  int allocated = 0, failed = 0, lost = 0;
  std::uint16_t error = 0xFFFF;
  SimTime allocated_at;
  Endpoint relayed, mapped;
  std::vector<std::pair<Endpoint, Packet>> data;
  std::vector<bool> permissions, channels;
  void on_allocated(Endpoint r, Endpoint m) override {
    ++allocated;
    relayed = r;
    mapped = m;
    allocated_at = sim->now();
  }
  void on_allocate_failed(std::uint16_t code) override {
    ++failed;
    error = code;
  }
  void on_allocation_lost() override { ++lost; }
  void on_permission(Ipv4, bool ok) override { permissions.push_back(ok); }
  void on_channel(Endpoint, std::uint16_t, bool ok) override { channels.push_back(ok); }
  void on_data(Endpoint peer, const Packet& p) override { data.emplace_back(peer, p); }
};

// A world: core router, TURN server, a client host behind a NAT preset, two public peers.
struct World {
  Simulator sim;
  Network net{sim, 9};
  NodeId core, srv, gw, client, peer, peer2;
  std::unique_ptr<Server> server;
  test::Recorder peer_rec{sim}, peer2_rec{sim};
  const SimTime wan = SimTime::ms(10), lan = SimTime::ms(1);

  explicit World(const std::string& preset = "port-restricted-cone", ServerConfig cfg = {}) {
    core = net.add_router();
    srv = net.add_host(core, LinkSpec{wan});
    server = std::make_unique<Server>(net.host(srv), cfg);
    gw = net.add_nat_chain(core, nat::preset(preset).layers, LinkSpec{wan}, LinkSpec{lan});
    client = net.add_host(gw, LinkSpec{lan});
    peer = net.add_host(core, LinkSpec{wan});
    peer2 = net.add_host(core, LinkSpec{wan});
    net.host(peer).bind(7000, &peer_rec);
    net.host(peer2).bind(7000, &peer2_rec);
  }
  Endpoint peer_ep() { return {net.host(peer).address(), 7000}; }
  Endpoint peer2_ep() { return {net.host(peer2).address(), 7000}; }
  ClientConfig udp_cfg() {
    ClientConfig c;
    c.server = server->udp_endpoint();
    return c;
  }
};

Packet app(Endpoint src, Endpoint dst, std::uint32_t size, std::uint32_t seq = 0) { return test::udp(src, dst, size, seq); }

}  // namespace

TEST_CASE("framing overheads: Send/Data indication 36 B + padding, ChannelData 4 B (+ padding on TCP)", "[turn]") {
  CHECK(indication_overhead(100) == 36);
  CHECK(indication_overhead(101) == 36 + 3);
  CHECK(channel_data_overhead(101, Transport::udp) == 4);
  CHECK(channel_data_overhead(101, Transport::tcp) == 4 + 3);
  for (std::uint32_t n : {0u, 1u, 2u, 3u, 4u, 99u, 1200u}) {
    for (auto kind : {TurnEncap::send_indication, TurnEncap::data_indication, TurnEncap::channel_data})
      for (auto t : {Transport::udp, Transport::tls}) {
        Packet p;
        p.turn.kind = kind;
        p.turn.data_len = static_cast<std::uint16_t>(n);
        p.transport = t;
        p.size_bytes = framed_size(kind, n, t);
        CHECK(inner_size(p) == n);
      }
  }
  Packet p;
  p.turn = TurnFraming{TurnEncap::send_indication, 0, 100, Endpoint{Ipv4::of(1, 2, 3, 4), 5}};
  p.size_bytes = framed_size(TurnEncap::send_indication, 100, Transport::udp);
  const stun::Message m = outer_indication(p);
  CHECK(m.method == stun::Method::send);
  CHECK(m.encoded_size() == p.size_bytes);
}

TEST_CASE("Allocate: 401 challenge, then the relayed address with the default 600 s lifetime", "[turn]") {
  World w;
  Listener l;
  l.sim = &w.sim;
  Client c(w.net.host(w.client), 0, w.udp_cfg(), &l, 1);
  c.allocate();
  w.sim.run_until(SimTime::s(5));
  REQUIRE(l.allocated == 1);
  // Two round trips client <-> server: (1 + 10 + 10) ms each way.
  CHECK(l.allocated_at == SimTime::ms(4 * 21));
  CHECK(l.relayed.addr == w.net.host(w.srv).address());
  CHECK(l.relayed.port >= 49152);
  CHECK(l.mapped.addr == w.net.nat(w.gw).external_address());
  CHECK(w.server->active_allocations() == 1);
  CHECK(w.server->rejected(stun::error::kUnauthorized) == 1);
}

TEST_CASE("relaying: permissions enforced, Send/Data indications then ChannelData, bytes accounted", "[turn]") {
  World w;
  Listener l;
  l.sim = &w.sim;
  Client c(w.net.host(w.client), 0, w.udp_cfg(), &l, 1);
  c.allocate();
  w.sim.run_until(SimTime::s(1));
  REQUIRE(c.allocated());

  SECTION("without a permission nothing passes in either direction") {
    c.send(w.peer_ep(), AppData{}, 100);
    w.net.host(w.peer).send(app(w.peer_ep(), c.relayed(), 100));
    w.sim.run_until(SimTime::s(2));
    CHECK(w.peer_rec.got.empty());
    CHECK(l.data.empty());
    CHECK(w.server->totals().dropped_no_permission == 1);
  }

  SECTION("with a permission: indications carry data both ways with 36 B overhead") {
    c.create_permission(w.net.host(w.peer).address());
    w.sim.run_until(SimTime::s(2));
    REQUIRE(l.permissions == std::vector<bool>{true});
    c.send(w.peer_ep(), AppData{1, 5, 0}, 100);
    w.sim.run_until(SimTime::s(3));
    REQUIRE(w.peer_rec.got.size() == 1);
    CHECK(w.peer_rec.got[0].packet.src == c.relayed());
    CHECK(w.peer_rec.got[0].packet.size_bytes == 100);
    CHECK(std::get<AppData>(w.peer_rec.got[0].packet.payload).seq == 5);
    w.net.host(w.peer).send(app(w.peer_ep(), c.relayed(), 200));
    // Permissions are per IP address: another port of the same peer passes too.
    w.net.host(w.peer).bind(7001, nullptr);
    w.net.host(w.peer).send(app({w.net.host(w.peer).address(), 7001}, c.relayed(), 300));
    // A different peer address is dropped.
    w.net.host(w.peer2).send(app(w.peer2_ep(), c.relayed(), 100));
    w.sim.run_until(SimTime::s(4));
    REQUIRE(l.data.size() == 2);
    CHECK(l.data[0].first == w.peer_ep());
    CHECK(l.data[0].second.size_bytes == 200);
    CHECK(l.data[1].second.size_bytes == 300);
    CHECK(w.server->totals().dropped_no_permission == 1);
    CHECK(w.server->totals().bytes_to_client == 500);
    CHECK(w.server->totals().wire_to_client == 500 + 2 * 36);
    CHECK(w.server->totals().bytes_to_peer == 100);
    CHECK(w.server->totals().wire_from_client == 100 + 36);
    CHECK(w.server->stats(0).bytes_to_client == 500);
  }

  SECTION("after ChannelBind the overhead is the 4-byte ChannelData header") {
    c.bind_channel(w.peer_ep());
    w.sim.run_until(SimTime::s(2));
    REQUIRE(l.channels == std::vector<bool>{true});
    CHECK(c.channel_for(w.peer_ep()) == kChannelMin);
    c.send(w.peer_ep(), AppData{}, 1000);
    w.net.host(w.peer).send(app(w.peer_ep(), c.relayed(), 1000));  // channel implies permission
    w.sim.run_until(SimTime::s(3));
    REQUIRE(w.peer_rec.got.size() == 1);
    REQUIRE(l.data.size() == 1);
    CHECK(w.server->totals().wire_from_client == 1004);
    CHECK(w.server->totals().wire_to_client == 1004);
  }
}

TEST_CASE("lifetimes: allocation and permission lapse without refresh, survive with it", "[turn]") {
  for (bool refresh : {false, true}) {
    CAPTURE(refresh);
    World w;
    Listener l;
    l.sim = &w.sim;
    Client c(w.net.host(w.client), 0, w.udp_cfg(), &l, 1);
    c.allocate();
    w.sim.run_until(SimTime::s(1));
    REQUIRE(c.allocated());
    c.create_permission(w.net.host(w.peer).address());
    w.sim.run_until(SimTime::s(2));
    if (!refresh) c.stop_refreshing();
    // Keep the NAT mapping alive independently of TURN refreshes (a public peer does not
    // care; this is about the server's timers).
    const Endpoint relayed = c.relayed();
    Host& peer = w.net.host(w.peer);
    const Endpoint pe = w.peer_ep();
    // At 350 s the permission (300 s) has lapsed unless refreshed.
    w.sim.schedule_at(SimTime::s(350), [&peer, pe, relayed] { peer.send(app(pe, relayed, 50)); });
    w.sim.run_until(SimTime::s(400));
    CHECK(w.server->totals().dropped_no_permission == (refresh ? 0u : 1u));
    // At 700 s the allocation (600 s) is gone unless refreshed.
    w.sim.run_until(SimTime::s(700));
    CHECK(w.server->active_allocations() == (refresh ? 1u : 0u));
    w.sim.run_until(SimTime::s(4000));
    CHECK(w.server->active_allocations() == (refresh ? 1u : 0u));
  }
}

TEST_CASE("Refresh with lifetime 0 deletes the allocation, requests without one get 437", "[turn]") {
  World w;
  Listener l;
  l.sim = &w.sim;
  Client c(w.net.host(w.client), 0, w.udp_cfg(), &l, 1);
  c.allocate();
  w.sim.run_until(SimTime::s(1));
  REQUIRE(w.server->active_allocations() == 1);
  c.release();
  w.sim.run_until(SimTime::s(2));
  CHECK(w.server->active_allocations() == 0);
  c.create_permission(w.net.host(w.peer).address());
  w.sim.run_until(SimTime::s(3));
  CHECK(w.server->rejected(stun::error::kAllocationMismatch) == 1);
  CHECK(l.permissions == std::vector<bool>{false});
}

TEST_CASE("capacity limits answer 486 Allocation Quota Reached and 508 Insufficient Capacity", "[turn]") {
  SECTION("per-client quota: a second allocation from the same address gets 486") {
    ServerConfig cfg;
    cfg.max_allocations_per_client = 1;
    World w("none", cfg);
    Listener l1, l2;
    l1.sim = l2.sim = &w.sim;
    Client c1(w.net.host(w.client), 0, w.udp_cfg(), &l1, 1);
    Client c2(w.net.host(w.client), 0, w.udp_cfg(), &l2, 2);
    c1.allocate();
    w.sim.run_until(SimTime::s(1));
    c2.allocate();
    w.sim.run_until(SimTime::s(2));
    CHECK(l1.allocated == 1);
    CHECK(l2.failed == 1);
    CHECK(l2.error == stun::error::kAllocationQuotaReached);
  }
  SECTION("server allocation limit and bandwidth admission give 508") {
    for (int variant = 0; variant < 2; ++variant) {
      ServerConfig cfg;
      if (variant == 0) {
        cfg.max_allocations = 2;
      } else {
        cfg.capacity_bps = 10e6;
        cfg.allocation_bps = 4e6;  // floor(10 / 4) = 2 allocations fit
      }
      World w("none", cfg);
      std::vector<std::unique_ptr<Listener>> ls;
      std::vector<std::unique_ptr<Client>> cs;
      for (int i = 0; i < 3; ++i) {
        const NodeId h = w.net.add_host(w.core, LinkSpec{SimTime::ms(5)});
        ls.push_back(std::make_unique<Listener>());
        ls.back()->sim = &w.sim;
        cs.push_back(std::make_unique<Client>(w.net.host(h), 0, w.udp_cfg(), ls.back().get(), i));
        cs.back()->allocate();
        w.sim.run_until(w.sim.now() + SimTime::s(1));
      }
      CHECK(ls[0]->allocated == 1);
      CHECK(ls[1]->allocated == 1);
      CHECK(ls[2]->error == stun::error::kInsufficientCapacity);
      CHECK(w.server->rejected(stun::error::kInsufficientCapacity) == 1);
      // Releasing one makes room again.
      cs[0]->release();
      w.sim.run_until(w.sim.now() + SimTime::s(1));
      ls[2]->failed = 0;
      Client again(w.net.host(w.net.add_host(w.core, LinkSpec{SimTime::ms(5)})), 0, w.udp_cfg(), ls[2].get(), 9);
      again.allocate();
      w.sim.run_until(w.sim.now() + SimTime::s(1));
      CHECK(ls[2]->allocated == 1);
    }
  }
}

TEST_CASE("UDP blocked: TURN over UDP fails, TURN over TLS on 443 allocates and relays", "[turn]") {
  World w("udp-blocked");
  Listener lu, lt;
  lu.sim = lt.sim = &w.sim;
  Client cu(w.net.host(w.client), 0, w.udp_cfg(), &lu, 1);
  ClientConfig tc;
  tc.server = w.server->tls_endpoint();
  tc.transport = Transport::tls;
  Client ct(w.net.host(w.client), 0, tc, &lt, 2);
  cu.allocate();
  ct.allocate();
  w.sim.run_until(SimTime::s(60));
  CHECK(lu.failed == 1);
  CHECK(lu.error == 0);  // timeout: 39.5 s of retransmissions into the firewall
  REQUIRE(lt.allocated == 1);
  // TCP handshake + TLS 1.3 + 401 round trip + Allocate: 4 RTT of 2 x (1 + 10 + 10) ms.
  CHECK(lt.allocated_at == SimTime::ms(4 * 42));
  ct.bind_channel(w.peer_ep());
  w.sim.run_until(SimTime::s(61));
  ct.send(w.peer_ep(), AppData{}, 101);
  w.net.host(w.peer).send(app(w.peer_ep(), ct.relayed(), 101));
  w.sim.run_until(SimTime::s(62));
  REQUIRE(w.peer_rec.got.size() == 1);
  CHECK(w.peer_rec.got[0].packet.transport == Transport::udp);
  REQUIRE(lt.data.size() == 1);
  CHECK(lt.data[0].second.size_bytes == 101);
  // ChannelData padded on TLS (RFC 8656 12.5), in one TLS 1.3 record: 5-byte header, 1-byte
  // inner content type, 16-byte AEAD tag (RFC 8446 5.2).
  CHECK(w.server->totals().wire_to_client == 101 + 4 + 3 + 5 + 1 + 16);
}

TEST_CASE("per-allocation policing drops relay traffic beyond the configured rate", "[turn]") {
  ServerConfig cfg;
  cfg.max_allocation_bps = 8000;  // 1000 bytes/s, 1 s burst
  World w("none", cfg);
  Listener l;
  l.sim = &w.sim;
  Client c(w.net.host(w.client), 0, w.udp_cfg(), &l, 1);
  c.allocate();
  w.sim.run_until(SimTime::s(1));
  c.create_permission(w.net.host(w.peer).address());
  w.sim.run_until(SimTime::s(2));
  for (int i = 0; i < 5; ++i) c.send(w.peer_ep(), AppData{}, 400);  // 2000 B at once
  w.sim.run_until(SimTime::s(3));
  // Bucket full at 1000 B: two 400-byte packets pass, three are dropped.
  CHECK(w.peer_rec.got.size() == 2);
  CHECK(w.server->totals().dropped_policed == 3);
}
