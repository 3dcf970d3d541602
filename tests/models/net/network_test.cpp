#include <catch2/catch.hpp>

#include <cmath>

#include "models/net/network.hpp"
#include "recorder.hpp"

using namespace p2psim;
using namespace p2psim::net;
using p2psim::test::Recorder;
using p2psim::test::NetLog;

TEST_CASE("addresses and endpoints parse and print", "[net]") {
  CHECK(Ipv4::of(192, 168, 1, 2).to_string() == "192.168.1.2");
  CHECK(Ipv4::parse("10.0.0.255") == Ipv4::of(10, 0, 0, 255));
  CHECK_FALSE(Ipv4::parse("10.0.0"));
  CHECK_FALSE(Ipv4::parse("10.0.0.256"));
  CHECK_FALSE(Ipv4::parse("10.0.0.1x"));
  CHECK(Ipv4::of(10, 1, 2, 3).is_private());
  CHECK(Ipv4::of(172, 16, 0, 1).is_private());
  CHECK(Ipv4::of(172, 31, 255, 1).is_private());
  CHECK_FALSE(Ipv4::of(172, 32, 0, 1).is_private());
  CHECK(Ipv4::of(100, 64, 0, 1).is_private());
  CHECK_FALSE(Ipv4::of(100, 128, 0, 1).is_private());
  CHECK_FALSE(Ipv4::of(8, 8, 8, 8).is_private());
  CHECK(Endpoint(Ipv4::of(1, 2, 3, 4), 5).to_string() == "1.2.3.4:5");
}

TEST_CASE("one packet's delay is propagation plus serialization on each link", "[net]") {
  Simulator sim;
  Network net(sim, 1);
  const NodeId r1 = net.add_router("a"), r2 = net.add_router("b");
  net.add_link(r1, r2, LinkSpec{SimTime::ms(10)});
  const double bw = 1e6;
  const LinkSpec access{SimTime::ms(1), bw};
  const NodeId a = net.add_host(r1, access), b = net.add_host(r2, access);
  Recorder rec(sim);
  net.host(b).bind(9, &rec);
  net.host(a).bind(9, nullptr);
  Packet p = test::udp({net.host(a).address(), 9}, {net.host(b).address(), 9}, 1000);
  net.host(a).send(p);
  sim.run();
  REQUIRE(rec.got.size() == 1);
  // 1000 B + 20 (IPv4) + 8 (UDP) serialized twice at 1 Mbit/s, plus 1 + 10 + 1 ms.
  const double ser = (1000 + 28) * 8 / bw;
  CHECK(rec.got[0].at == SimTime::from_seconds(ser) * 2 + SimTime::ms(12));
  CHECK(rec.got[0].packet.src == Endpoint(net.host(a).address(), 9));
}

TEST_CASE("back-to-back packets queue behind each other on a link (FIFO)", "[net]") {
  Simulator sim;
  Network net(sim, 1);
  const NodeId r = net.add_router();
  const double bw = 8e6;  // 1 byte per microsecond
  const NodeId a = net.add_host(r, LinkSpec{SimTime::ms(5), bw});
  const NodeId b = net.add_host(r, LinkSpec{SimTime::zero()});
  Recorder rec(sim);
  net.host(b).bind(7, &rec);
  for (int i = 0; i < 3; ++i)
    net.host(a).send(test::udp({net.host(a).address(), 7}, {net.host(b).address(), 7}, 972, i));
  sim.run();
  REQUIRE(rec.got.size() == 3);
  // 972 + 28 = 1000 bytes = 1 ms each at 8 Mbit/s; the k-th leaves after k+1 ms.
  for (int i = 0; i < 3; ++i) CHECK(rec.got[i].at == SimTime::ms(5) + SimTime::ms(i + 1));
}

TEST_CASE("routes follow the lowest-latency core path (Dijkstra), not the fewest hops", "[net]") {
  Simulator sim;
  Network net(sim, 1);
  const NodeId r1 = net.add_router(), r2 = net.add_router(), r3 = net.add_router(), r4 = net.add_router();
  net.add_link(r1, r2, LinkSpec{SimTime::ms(50)});
  net.add_link(r1, r3, LinkSpec{SimTime::ms(10)});
  net.add_link(r3, r4, LinkSpec{SimTime::ms(10)});
  net.add_link(r4, r2, LinkSpec{SimTime::ms(10)});
  const NodeId a = net.add_host(r1, LinkSpec{SimTime::ms(2)});
  const NodeId b = net.add_host(r2, LinkSpec{SimTime::ms(3)});
  CHECK(net.path_latency(a, b) == SimTime::ms(2 + 30 + 3));
  CHECK(net.path_latency(b, a) == SimTime::ms(35));
  Recorder rec(sim);
  net.host(b).bind(1, &rec);
  net.host(a).send(test::udp({net.host(a).address(), 1}, {net.host(b).address(), 1}));
  sim.run();
  REQUIRE(rec.got.size() == 1);
  CHECK(rec.got[0].at == SimTime::ms(35));
}

TEST_CASE("link loss drops packets with the configured probability", "[net]") {
  Simulator sim;
  Network net(sim, 42);
  const NodeId r = net.add_router();
  const double loss = 0.3;
  const NodeId a = net.add_host(r, LinkSpec{SimTime::ms(1), 0, loss});
  const NodeId b = net.add_host(r, LinkSpec{SimTime::ms(1)});
  Recorder rec(sim);
  net.host(b).bind(1, &rec);
  const int n = 20000;
  for (int i = 0; i < n; ++i) net.host(a).send(test::udp({net.host(a).address(), 1}, {net.host(b).address(), 1}));
  sim.run();
  const double p = 1 - loss;
  const double sd = std::sqrt(n * p * (1 - p));
  CHECK(std::abs(static_cast<double>(rec.got.size()) - n * p) < 4 * sd);
  CHECK(net.packets_dropped() == static_cast<std::uint64_t>(n) - rec.got.size());
}

TEST_CASE("jitter adds a delay between 0 and the jitter bound", "[net]") {
  Simulator sim;
  Network net(sim, 3);
  const NodeId r = net.add_router();
  const NodeId a = net.add_host(r, LinkSpec{SimTime::ms(10), 0, 0, SimTime::ms(4)});
  const NodeId b = net.add_host(r, LinkSpec{SimTime::zero()});
  Recorder rec(sim);
  net.host(b).bind(1, &rec);
  for (int i = 0; i < 200; ++i) net.host(a).send(test::udp({net.host(a).address(), 1}, {net.host(b).address(), 1}));
  sim.run();
  REQUIRE(rec.got.size() == 200);
  bool varied = false;
  for (const auto& g : rec.got) {
    CHECK(g.at >= SimTime::ms(10));
    CHECK(g.at < SimTime::ms(14));
    varied |= g.at != rec.got[0].at;
  }
  CHECK(varied);
}

namespace {
// A client on a 20 ms access link that loses 20% of packets, a server on a 5 ms one, and a
// recorder for each (network seed `Seed`).
template <std::uint64_t Seed>
struct LossyClientServer {
  Simulator sim;
  Network net{sim, Seed};
  NodeId r = net.add_router();
  NodeId c = net.add_host(r, LinkSpec{SimTime::ms(20), 0, 0.2});
  NodeId s = net.add_host(r, LinkSpec{SimTime::ms(5)});
  Recorder client{sim}, server{sim};
};
}  // namespace

TEST_CASE_METHOD(LossyClientServer<5>,
                 "TCP and TLS connections take one and two round trips, then deliver in order despite loss", "[net]") {
  net.host(s).bind(443, &server, 0, Transport::tls);
  net.host(s).bind(80, &server, 0, Transport::tcp);
  net.host(c).bind(50000, &client, 0, Transport::tls);
  net.host(c).bind(50001, &client, 0, Transport::tcp);
  const Endpoint tls_srv{net.host(s).address(), 443};
  const Endpoint tcp_srv{net.host(s).address(), 80};

  SECTION("handshake round trips without loss") {
    Simulator sim2;
    Network n2(sim2, 5);
    const NodeId r2 = n2.add_router();
    const NodeId c2 = n2.add_host(r2, LinkSpec{SimTime::ms(20)});
    const NodeId s2 = n2.add_host(r2, LinkSpec{SimTime::ms(5)});
    Recorder cl(sim2), sv(sim2);
    n2.host(s2).bind(443, &sv, 0, Transport::tls);
    n2.host(c2).bind(50000, &cl, 0, Transport::tls);
    n2.host(c2).connect(50000, {n2.host(s2).address(), 443}, Transport::tls);
    sim2.run();
    const SimTime rtt = SimTime::ms(50);
    CHECK(cl.connected == 1);
    CHECK(cl.connected_at == rtt * 2);  // TCP SYN/SYN-ACK + TLS 1.3 hello/server flight
    n2.host(s2).bind(80, &sv, 0, Transport::tcp);
    n2.host(c2).bind(50001, &cl, 0, Transport::tcp);
    const SimTime t0 = sim2.now();
    n2.host(c2).connect(50001, {n2.host(s2).address(), 80}, Transport::tcp);
    sim2.run();
    CHECK(cl.connected == 2);
    CHECK(cl.connected_at - t0 == rtt);
  }

  SECTION("ordered reliable delivery under 20% loss") {
    net.host(c).connect(50001, tcp_srv, Transport::tcp);
    sim.run();
    REQUIRE(client.connected == 1);
    for (std::uint32_t i = 0; i < 200; ++i) {
      Packet p = test::udp({net.host(c).address(), 50001}, tcp_srv, 100, i);
      p.transport = Transport::tcp;
      net.host(c).send(p);
    }
    sim.run();
    REQUIRE(server.got.size() == 200);
    for (std::uint32_t i = 0; i < 200; ++i) CHECK(std::get<AppData>(server.got[i].packet.payload).seq == i);
  }

  SECTION("connecting to a closed port fails with a reset") {
    net.host(c).connect(50001, {net.host(s).address(), 81}, Transport::tcp);
    sim.run();
    CHECK(client.failed == 1);
    CHECK(client.connected == 0);
  }
}

TEST_CASE_METHOD(LossyClientServer<9>, "TCP streams stay in order after thousands of streams have come and gone",
                 "[net]") {
  // More streams than the in-order table keeps before it drops the streams with nothing in
  // flight (1,024): each of 3,000 connections sends 4 segments 250 ms apart over a 20% loss
  // link, starting 2 ms after the previous one, so the table drops old streams while newer
  // ones still have a lost segment (retransmitted, 1 s late) ahead of their next one.
  // Every stream must arrive complete and in order.
  net.host(s).bind(80, &server, 0, Transport::tcp);
  const Endpoint srv{net.host(s).address(), 80};
  constexpr int kStreams = 3000;
  for (int k = 0; k < kStreams; ++k) {
    const auto port = static_cast<std::uint16_t>(20000 + k);
    net.host(c).bind(port, &client, 0, Transport::tcp);
    net.host(c).connect(port, srv, Transport::tcp);
  }
  sim.run();
  REQUIRE(client.connected == kStreams);
  const SimTime t0 = sim.now();
  for (int k = 0; k < kStreams; ++k)
    for (std::uint32_t i = 0; i < 4; ++i)
      sim.schedule_at(t0 + SimTime::ms(2 * k + 250 * i), [this, srv, k, i] {
        Packet p = test::udp({net.host(c).address(), static_cast<std::uint16_t>(20000 + k)}, srv, 100, i);
        p.transport = Transport::tcp;
        net.host(c).send(p);
      });
  sim.run();
  REQUIRE(server.got.size() == 4u * kStreams);
  std::vector<std::uint32_t> next(kStreams, 0);
  int late = 0;  // segments that waited behind a retransmission
  for (const test::Received& g : server.got) {
    const int k = g.packet.src.port - 20000;
    REQUIRE(k >= 0);
    REQUIRE(k < kStreams);
    CHECK(std::get<AppData>(g.packet.payload).seq == next[static_cast<std::size_t>(k)]++);
    late += g.at >= t0 + SimTime::ms(2 * k + 250 * std::get<AppData>(g.packet.payload).seq) + SimTime::s(1);
  }
  CHECK(late > 0);  // the loss did delay segments (so order was at stake)
}

TEST_CASE("hosts behind one NAT talk over the LAN with their private addresses", "[net]") {
  Simulator sim;
  Network net(sim, 1);
  const NodeId r = net.add_router();
  nat::NatConfig cfg;
  const NodeId gw = net.add_nat(r, cfg, LinkSpec{SimTime::ms(10)});
  const NodeId a = net.add_host(gw, LinkSpec{SimTime::ms(1)});
  const NodeId b = net.add_host(gw, LinkSpec{SimTime::ms(2)});
  CHECK(net.host(a).address().is_private());
  CHECK(net.host(a).address() != net.host(b).address());
  Recorder rec(sim);
  net.host(b).bind(5, &rec);
  net.host(a).send(test::udp({net.host(a).address(), 5}, {net.host(b).address(), 5}));
  sim.run();
  REQUIRE(rec.got.size() == 1);
  CHECK(rec.got[0].at == SimTime::ms(3));
  CHECK(rec.got[0].packet.src.addr == net.host(a).address());  // not translated
  CHECK(net.nat(gw).active_mappings(sim.now()) == 0);
}

TEST_CASE("a private address is unreachable from the public realm", "[net]") {
  Simulator sim;
  Network net(sim, 1);
  const NodeId r = net.add_router();
  nat::NatConfig cfg;
  const NodeId gw = net.add_nat(r, cfg, LinkSpec{SimTime::ms(10)});
  const NodeId a = net.add_host(gw, LinkSpec{SimTime::ms(1)});
  const NodeId pub = net.add_host(r, LinkSpec{SimTime::ms(1)});
  NetLog log;
  net.set_observer(&log);
  net.host(pub).send(test::udp({net.host(pub).address(), 5}, {net.host(a).address(), 5}));
  sim.run();
  REQUIRE(log.drops.size() == 1);
  CHECK(log.drops[0] == DropReason::no_route);
}

TEST_CASE("allocated and explicit addresses both resolve, per realm, and never twice", "[net]") {
  Simulator sim;
  Network net(sim, 1);
  const NodeId r = net.add_router();
  nat::NatConfig cfg;
  const NodeId gw1 = net.add_nat(r, cfg, LinkSpec{SimTime::ms(10)});
  const NodeId gw2 = net.add_nat(r, cfg, LinkSpec{SimTime::ms(10)});
  // Public: allocated and explicit (beyond and far beyond the allocated range) addresses.
  const NodeId p1 = net.add_host(r, LinkSpec{SimTime::ms(1)});
  const NodeId p2 = net.add_host(r, LinkSpec{SimTime::ms(1)}, Ipv4::of(20, 0, 0, 200));
  const NodeId p3 = net.add_host(r, LinkSpec{SimTime::ms(1)}, Ipv4::of(203, 0, 113, 7));
  CHECK(net.find_public(net.host(p1).address()) == p1);
  CHECK(net.find_public(Ipv4::of(20, 0, 0, 200)) == p2);
  CHECK(net.find_public(Ipv4::of(203, 0, 113, 7)) == p3);
  CHECK(net.find_public(Ipv4::of(20, 0, 0, 199)) == kNoNode);
  CHECK(net.find_public(net.host(p1).address()) != net.find_public(net.nat(gw1).external_address()));
  CHECK_THROWS_AS(net.add_host(r, LinkSpec{SimTime::ms(1)}, net.host(p1).address()), std::invalid_argument);
  CHECK_THROWS_AS(net.add_host(r, LinkSpec{SimTime::ms(1)}, Ipv4::of(203, 0, 113, 7)), std::invalid_argument);
  // Private: the same explicit address in two realms is two hosts; twice in one realm is an error.
  const NodeId a = net.add_host(gw1, LinkSpec{SimTime::ms(1)});
  const NodeId x1 = net.add_host(gw1, LinkSpec{SimTime::ms(1)}, Ipv4::of(192, 168, 7, 9));
  const NodeId x2 = net.add_host(gw2, LinkSpec{SimTime::ms(1)}, Ipv4::of(192, 168, 7, 9));
  CHECK(x1 != x2);
  CHECK_THROWS_AS(net.add_host(gw1, LinkSpec{SimTime::ms(1)}, Ipv4::of(192, 168, 7, 9)), std::invalid_argument);
  // An address allocated in one realm is free in another.
  const NodeId y2 = net.add_host(gw2, LinkSpec{SimTime::ms(1)}, net.host(a).address());
  CHECK(y2 != a);
  // Delivery inside gw1's realm reaches gw1's explicit host, not gw2's namesake.
  Recorder in1(sim), in2(sim);
  net.host(x1).bind(5, &in1);
  net.host(x2).bind(5, &in2);
  net.host(a).send(test::udp({net.host(a).address(), 5}, {Ipv4::of(192, 168, 7, 9), 5}));
  sim.run();
  CHECK(in1.got.size() == 1);
  CHECK(in2.got.empty());
}
