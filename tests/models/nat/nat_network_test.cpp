// NATs inside the packet network: hairpinning, double NAT (CGN), expiry of an established
// flow, and the UDP-blocking firewall.
#include <catch2/catch.hpp>

#include "models/nat/preset.hpp"
#include "models/net/network.hpp"
#include "../net/recorder.hpp"

using namespace p2psim;
using namespace p2psim::net;
using p2psim::test::NetLog;
using p2psim::test::Recorder;

namespace {
const LinkSpec kWan{SimTime::ms(10)};
const LinkSpec kLan{SimTime::ms(1)};

// Echo server: answers every datagram to its source.
struct Echo {
  Recorder rec;
  explicit Echo(Simulator& sim) : rec(sim) {
    rec.on_receive = [](Host& h, const Packet& p) {
      Packet r = p;
      r.src = p.dst;
      r.dst = p.src;
      h.send(r);
    };
  }
};
}  // namespace

TEST_CASE("a host behind a NAT reaches a public server and gets the reply, the server sees the NAT address",
          "[nat]") {
  Simulator sim;
  Network net(sim, 1);
  const NodeId r = net.add_router();
  const NodeId srv = net.add_host(r, kWan);
  const NodeId gw = net.add_nat(r, nat::preset("port-restricted-cone").layers[0], kWan);
  const NodeId h = net.add_host(gw, kLan);
  Echo echo(sim);
  Recorder client(sim);
  net.host(srv).bind(7, &echo.rec);
  net.host(h).bind(5000, &client);
  net.host(h).send(test::udp({net.host(h).address(), 5000}, {net.host(srv).address(), 7}));
  sim.run();
  REQUIRE(echo.rec.got.size() == 1);
  CHECK(echo.rec.got[0].packet.src == Endpoint(net.nat(gw).external_address(), 5000));
  REQUIRE(client.got.size() == 1);
  CHECK(client.got[0].at == SimTime::ms(2 * (1 + 10 + 10)));
  CHECK(client.got[0].packet.src == Endpoint(net.host(srv).address(), 7));
}

TEST_CASE("hairpinning: two hosts behind one NAT reach each other's external mapping only when enabled", "[nat]") {
  for (bool hairpin : {true, false}) {
    CAPTURE(hairpin);
    Simulator sim;
    Network net(sim, 1);
    const NodeId r = net.add_router();
    const NodeId srv = net.add_host(r, kWan);
    nat::NatConfig cfg = nat::preset("full-cone").layers[0];
    cfg.hairpinning = hairpin;
    const NodeId gw = net.add_nat(r, cfg, kWan);
    const NodeId a = net.add_host(gw, kLan), b = net.add_host(gw, kLan);
    Recorder ra(sim), rb(sim), rs(sim);
    net.host(a).bind(4000, &ra);
    net.host(b).bind(4001, &rb);
    net.host(srv).bind(9, &rs);
    // b opens its mapping (full cone: anyone may then send to it).
    net.host(b).send(test::udp({net.host(b).address(), 4001}, {net.host(srv).address(), 9}));
    sim.run();
    const Endpoint b_ext{net.nat(gw).external_address(), 4001};
    NetLog log;
    net.set_observer(&log);
    net.host(a).send(test::udp({net.host(a).address(), 4000}, b_ext));
    sim.run();
    if (hairpin) {
      REQUIRE(rb.got.size() == 1);
      // RFC 4787 REQ-9a: the hairpinned packet carries a's external endpoint as source.
      CHECK(rb.got[0].packet.src == Endpoint(net.nat(gw).external_address(), 4000));
      CHECK(log.drops.empty());
    } else {
      CHECK(rb.got.empty());
      REQUIRE(log.drops.size() == 1);
      CHECK(log.drops[0] == DropReason::nat_filtered);
    }
  }
}

TEST_CASE("double NAT (CGN): the public server sees the carrier's address, replies traverse both layers", "[nat]") {
  Simulator sim;
  Network net(sim, 1);
  const NodeId r = net.add_router();
  const NodeId srv = net.add_host(r, kWan);
  const auto cg = nat::preset("cgnat");
  const NodeId home = net.add_nat_chain(r, cg.layers, kWan, LinkSpec{SimTime::ms(3)});
  const NodeId carrier = net.parent(home);
  REQUIRE(net.kind(carrier) == NodeKind::nat);
  CHECK(net.nat(home).external_address().is_private());  // 100.64/10 shared space
  CHECK_FALSE(net.nat(carrier).external_address().is_private());
  // Two subscribers share the carrier's address and port pool.
  const NodeId home2 = net.add_nat(carrier, cg.layers[0], LinkSpec{SimTime::ms(3)});
  const NodeId h1 = net.add_host(home, kLan), h2 = net.add_host(home2, kLan);
  Echo echo(sim);
  Recorder r1(sim), r2(sim);
  net.host(srv).bind(7, &echo.rec);
  net.host(h1).bind(5000, &r1);
  net.host(h2).bind(5000, &r2);
  net.host(h1).send(test::udp({net.host(h1).address(), 5000}, {net.host(srv).address(), 7}));
  net.host(h2).send(test::udp({net.host(h2).address(), 5000}, {net.host(srv).address(), 7}));
  sim.run();
  REQUIRE(echo.rec.got.size() == 2);
  CHECK(echo.rec.got[0].packet.src.addr == net.nat(carrier).external_address());
  CHECK(echo.rec.got[1].packet.src.addr == net.nat(carrier).external_address());
  CHECK(echo.rec.got[0].packet.src.port != echo.rec.got[1].packet.src.port);  // one shared pool
  REQUIRE(r1.got.size() == 1);
  REQUIRE(r2.got.size() == 1);
  CHECK(r1.got[0].at == SimTime::ms(2 * (1 + 3 + 10 + 10)));
}

// RFC 6888 REQ-9: a CGN MUST hairpin. Two subscribers of one carrier NAT (each behind its
// home NAT) learn their carrier-side endpoints from a server and punch to each other; the
// packets turn inside the carrier (source: the sender's carrier endpoint, REQ-9a), and each
// subscriber's carrier port lies in its own port block (RFC 7422).
TEST_CASE("cgnat preset: two subscribers reach each other through the carrier NAT (hairpinning)", "[nat][cgn]") {
  Simulator sim;
  Network net(sim, 1);
  const NodeId r = net.add_router();
  const NodeId srv = net.add_host(r, kWan);
  const auto cg = nat::preset("cgnat");
  const NodeId home1 = net.add_nat_chain(r, cg.layers, kWan, LinkSpec{SimTime::ms(3)});
  const NodeId carrier = net.parent(home1);
  const NodeId home2 = net.add_nat(carrier, cg.layers[0], LinkSpec{SimTime::ms(3)});
  const NodeId h1 = net.add_host(home1, kLan), h2 = net.add_host(home2, kLan);
  Echo echo(sim);
  Recorder r1(sim), r2(sim);
  net.host(srv).bind(7, &echo.rec);
  net.host(h1).bind(5000, &r1);
  net.host(h2).bind(5000, &r2);
  net.host(h1).send(test::udp({net.host(h1).address(), 5000}, {net.host(srv).address(), 7}));
  sim.run();
  net.host(h2).send(test::udp({net.host(h2).address(), 5000}, {net.host(srv).address(), 7}));
  sim.run();
  REQUIRE(r1.got.size() == 1);
  REQUIRE(r2.got.size() == 1);
  REQUIRE(echo.rec.got.size() == 2);
  const Endpoint e1 = echo.rec.got[0].packet.src, e2 = echo.rec.got[1].packet.src;
  CHECK(e1.addr == net.nat(carrier).external_address());
  for (const auto& [home, e] : {std::pair{home1, e1}, std::pair{home2, e2}}) {
    const auto blocks = net.nat(carrier).blocks_of(net.nat(home).external_address());
    REQUIRE(blocks.size() == 1);
    CHECK((e.port >= blocks[0] && e.port < blocks[0] + 128));
  }
  net.host(h2).send(test::udp({net.host(h2).address(), 5000}, e1));  // opens h2's filters towards e1
  sim.run();
  net.host(h1).send(test::udp({net.host(h1).address(), 5000}, e2));
  sim.run();
  CHECK(r1.got.size() == 1);  // h2's first packet: h1's carrier filter has not seen e2 yet
  REQUIRE(r2.got.size() == 2);
  CHECK(r2.got[1].packet.src == e1);  // REQ-9a: the carrier-side source, not a private one
}

TEST_CASE("mapping expiry: silence longer than the timeout breaks a flow, keepalives keep it", "[nat]") {
  // A public peer sends to the host's mapped endpoint at t = 200 s. The NAT's timeout is
  // 120 s (RFC 4787 REQ-5). Without traffic since t = 0 the mapping is gone; with a
  // keepalive every 15 s (RFC 8445 section 11 Tr) it is alive.
  for (bool keepalive : {false, true}) {
    CAPTURE(keepalive);
    Simulator sim;
    Network net(sim, 1);
    const NodeId r = net.add_router();
    const NodeId peer = net.add_host(r, kWan);
    const NodeId gw = net.add_nat(r, nat::preset("port-restricted-cone").layers[0], kWan);
    const NodeId h = net.add_host(gw, kLan);
    Recorder rh(sim), rp(sim);
    net.host(h).bind(6000, &rh);
    net.host(peer).bind(6001, &rp);
    const Endpoint peer_ep{net.host(peer).address(), 6001};
    Host& host = net.host(h);
    host.send(test::udp({host.address(), 6000}, peer_ep));
    if (keepalive)
      for (int t = 15; t < 200; t += 15)
        sim.schedule_at(SimTime::s(t), [&host, peer_ep] { host.send(test::udp({host.address(), 6000}, peer_ep, 4)); });
    sim.run_until(SimTime::s(1));
    REQUIRE(rp.got.size() == 1);
    const Endpoint mapped = rp.got[0].packet.src;
    Host& p = net.host(peer);
    sim.schedule_at(SimTime::s(200), [&p, peer_ep, mapped] { p.send(test::udp(peer_ep, mapped)); });
    sim.run();
    CHECK(rh.got.size() == (keepalive ? 1u : 0u));
  }
}

TEST_CASE("UDP-blocking firewall: UDP dropped, TCP/TLS to 443 connects, other TCP ports refused", "[nat]") {
  Simulator sim;
  Network net(sim, 1);
  const NodeId r = net.add_router();
  const NodeId srv = net.add_host(r, kWan);
  const NodeId gw = net.add_nat(r, nat::preset("udp-blocked").layers[0], kWan);
  const NodeId h = net.add_host(gw, kLan);
  Recorder rs(sim), rh(sim);
  net.host(srv).bind(3478, &rs);
  net.host(srv).bind(443, &rs, 0, Transport::tls);
  net.host(srv).bind(80, &rs, 0, Transport::tcp);
  net.host(h).bind(5000, &rh);
  net.host(h).bind(5001, &rh, 0, Transport::tls);
  net.host(h).bind(5002, &rh, 0, Transport::tcp);
  NetLog log;
  net.set_observer(&log);
  net.host(h).send(test::udp({net.host(h).address(), 5000}, {net.host(srv).address(), 3478}));
  net.host(h).connect(5001, {net.host(srv).address(), 443}, Transport::tls);
  net.host(h).connect(5002, {net.host(srv).address(), 80}, Transport::tcp);
  sim.run();
  CHECK(rs.got.empty());
  CHECK(rh.connected == 1);  // TLS on 443
  CHECK(rh.failed == 1);     // TCP 80: SYNs dropped until the retries run out
  CHECK(net.host(h).is_connected(5001, {net.host(srv).address(), 443}));
}

TEST_CASE("observers see each hop with the packet as it is on that segment, and the NAT's decisions", "[nat]") {
  struct Hops : NetObserver {
    std::vector<std::pair<NodeId, NodeId>> hops;
    std::vector<Endpoint> srcs;
    void on_hop(const Packet& p, NodeId from, NodeId to, SimTime, SimTime) override {
      hops.emplace_back(from, to);
      srcs.push_back(p.src);
    }
  } hops;
  struct Decisions : nat::NatObserver {
    int created = 0;
    std::vector<nat::FilterRule> filters;
    void on_mapping_created(const nat::Nat&, const nat::MappingEvent& e) override {
      ++created;
      CHECK(e.rule == nat::MappingRule::port_preserved);
    }
    void on_filter(const nat::Nat&, const nat::FilterEvent& e) override { filters.push_back(e.rule); }
  } decisions;
  Simulator sim;
  Network net(sim, 1);
  net.set_observer(&hops);
  net.set_nat_observer(&decisions);
  const NodeId r = net.add_router();
  const NodeId srv = net.add_host(r, kWan);
  const NodeId gw = net.add_nat(r, nat::preset("port-restricted-cone").layers[0], kWan);
  const NodeId h = net.add_host(gw, kLan);
  Echo echo(sim);
  net.host(srv).bind(7, &echo.rec);
  net.host(h).bind(5000, nullptr);
  net.host(h).send(test::udp({net.host(h).address(), 5000}, {net.host(srv).address(), 7}));
  sim.run();
  using P = std::pair<NodeId, NodeId>;
  CHECK(hops.hops == std::vector<P>{P{h, gw}, P{gw, srv}, P{srv, gw}, P{gw, h}});
  CHECK(hops.srcs[0].addr == net.host(h).address());
  CHECK(hops.srcs[1].addr == net.nat(gw).external_address());
  CHECK(decisions.created == 1);
  CHECK(decisions.filters == std::vector<nat::FilterRule>{nat::FilterRule::accept_known_endpoint});
}
