// The RFC 6092 IPv6 firewall (models/nat/ipv6_firewall.hpp), alone and in the network:
// outbound-initiated state only, address-and-port-dependent matching by default, the
// REC-14 idle timer of 5 minutes.
#include <catch2/catch.hpp>

#include "models/nat/ipv6_firewall.hpp"
#include "models/nat/preset.hpp"
#include "models/net/ipv6_address.hpp"
#include "models/net/network.hpp"
#include "../net/recorder.hpp"

using namespace p2psim;
using namespace p2psim::net;
using p2psim::test::NetLog;
using p2psim::test::Recorder;

namespace {
const Endpoint kInside(make_ipv6(1, 1), 5000);
const Endpoint kRemote(make_ipv6(2, 1), 6000);
Packet pkt(Endpoint src, Endpoint dst) { return test::udp(src, dst); }
}  // namespace

TEST_CASE("IPv6 firewall: unsolicited inbound dropped, outbound state admits the same remote address and port",
          "[nat][ipv6][firewall]") {
  nat::Ipv6Firewall fw{nat::Ipv6FirewallConfig{}};
  REQUIRE(fw.config().filtering == nat::FirewallFiltering::address_port_dependent);
  REQUIRE(fw.config().udp_timeout == SimTime::s(300));  // RFC 6092 REC-14 DEFAULT
  CHECK_FALSE(fw.inbound(pkt(kRemote, kInside), SimTime::zero()));  // unsolicited
  CHECK_FALSE(fw.inbound(pkt(kRemote, kInside), SimTime::s(1)));    // an inbound packet created no state
  fw.outbound(pkt(kInside, kRemote), SimTime::s(2));
  CHECK(fw.inbound(pkt(kRemote, kInside), SimTime::s(3)));
  CHECK_FALSE(fw.inbound(pkt(Endpoint(kRemote.addr, 6001), kInside), SimTime::s(3)));  // other port: APDF
  CHECK_FALSE(fw.inbound(pkt(Endpoint(make_ipv6(3, 1), 6000), kInside), SimTime::s(3)));
  CHECK_FALSE(fw.inbound(pkt(kRemote, Endpoint(kInside.addr, 5001)), SimTime::s(3)));  // other inside port
}

TEST_CASE("IPv6 firewall: the state expires after the idle timer, refreshed by outbound packets only",
          "[nat][ipv6][firewall]") {
  nat::Ipv6Firewall fw{nat::Ipv6FirewallConfig{}};
  fw.outbound(pkt(kInside, kRemote), SimTime::zero());
  CHECK(fw.inbound(pkt(kRemote, kInside), SimTime::s(299)));
  CHECK_FALSE(fw.inbound(pkt(kRemote, kInside), SimTime::s(300)));  // 300 s idle (inbound does not refresh)
  fw.outbound(pkt(kInside, kRemote), SimTime::s(400));                // a new outbound packet: new state
  CHECK(fw.inbound(pkt(kRemote, kInside), SimTime::s(699)));
  fw.outbound(pkt(kInside, kRemote), SimTime::s(650));                // REC-16 refresh
  CHECK(fw.inbound(pkt(kRemote, kInside), SimTime::s(949)));
  CHECK_FALSE(fw.inbound(pkt(kRemote, kInside), SimTime::s(950)));
}

TEST_CASE("IPv6 firewall: address-dependent, endpoint-independent and open filtering", "[nat][ipv6][firewall]") {
  nat::Ipv6FirewallConfig adf;
  adf.filtering = nat::FirewallFiltering::address_dependent;
  nat::Ipv6Firewall a{adf};
  a.outbound(pkt(kInside, kRemote), SimTime::zero());
  CHECK(a.inbound(pkt(Endpoint(kRemote.addr, 6001), kInside), SimTime::s(1)));
  CHECK_FALSE(a.inbound(pkt(Endpoint(make_ipv6(3, 1), 6000), kInside), SimTime::s(1)));
  nat::Ipv6FirewallConfig eif;
  eif.filtering = nat::FirewallFiltering::endpoint_independent;
  nat::Ipv6Firewall e{eif};
  CHECK_FALSE(e.inbound(pkt(kRemote, kInside), SimTime::zero()));  // still outbound-initiated
  e.outbound(pkt(kInside, kRemote), SimTime::zero());
  CHECK(e.inbound(pkt(Endpoint(make_ipv6(3, 1), 7000), kInside), SimTime::s(1)));
  CHECK_FALSE(e.inbound(pkt(kRemote, Endpoint(kInside.addr, 5001)), SimTime::s(1)));
  nat::Ipv6FirewallConfig open;
  open.filtering = nat::FirewallFiltering::open;
  nat::Ipv6Firewall o{open};
  CHECK(o.inbound(pkt(kRemote, kInside), SimTime::zero()));  // RFC 6092 REC-49 transparent mode
}

TEST_CASE("IPv6 across NAT boxes: no translation, the boxes filter as RFC 6092 firewalls", "[nat][ipv6][network]") {
  Simulator sim;
  Network net(sim, 1);
  NetLog log;
  net.set_observer(&log);
  const LinkSpec wan{SimTime::ms(10)}, lan{SimTime::ms(1)};
  const NodeId r = net.add_router();
  // A behind a symmetric NAT, B behind a CGN chain (home NAT + carrier NAT).
  const NodeId ga = net.add_nat(r, nat::preset("symmetric").layers[0], wan);
  const NodeId gb = net.add_nat_chain(r, nat::preset("cgnat").layers, wan, LinkSpec{SimTime::ms(2)});
  const NodeId a = net.add_host(ga, lan), b = net.add_host(gb, lan);
  const Ipv4 a6 = net.add_ipv6(a), b6 = net.add_ipv6(b);
  REQUIRE(a6.is_ipv6());
  REQUIRE(b6.is_ipv6());
  CHECK(ipv6_prefix(a6) != ipv6_prefix(b6));  // one /64 per LAN
  Recorder ra(sim), rb(sim);
  net.host(a).bind(5000, &ra);
  net.host(b).bind(6000, &rb);
  // Unsolicited: A -> B is dropped by B's firewall (B's home box or carrier), counted as filtered.
  net.host(a).send(test::udp({a6, 5000}, {b6, 6000}));
  sim.run();
  CHECK(rb.got.empty());
  REQUIRE(log.drops.size() == 1);
  CHECK(log.drops[0] == DropReason::nat_filtered);
  // B -> A opens B's state toward A:5000 and passes A's state toward B:6000 (created by A's
  // first packet): delivered with the addresses untouched (no NAT on IPv6).
  net.host(b).send(test::udp({b6, 6000}, {a6, 5000}));
  sim.run();
  REQUIRE(ra.got.size() == 1);
  CHECK(ra.got[0].packet.src == Endpoint(b6, 6000));
  CHECK(ra.got[0].packet.dst == Endpoint(a6, 5000));
  // Now A -> B passes: B's state matches A's address and port.
  net.host(a).send(test::udp({a6, 5000}, {b6, 6000}));
  sim.run();
  REQUIRE(rb.got.size() == 1);
  CHECK(rb.got[0].packet.src == Endpoint(a6, 5000));
  // From another port of A: dropped by B's APDF state.
  net.host(a).bind(5001, &ra);
  net.host(a).send(test::udp({a6, 5001}, {b6, 6000}));
  sim.run();
  CHECK(rb.got.size() == 1);
  // One-way latency of the IPv6 path: lan 1 + wan 10 + wan 10 + inner 2 + lan 1 = 24 ms.
  CHECK(rb.got[0].at - log.sent[2].at == SimTime::ms(24));
  // The IPv4 stack is unaffected: the IPv6 packets created no NAT mappings.
  CHECK(net.nat(ga).active_mappings(sim.now()) == 0);
}

TEST_CASE("IPv6 source selection and header size", "[net][ipv6]") {
  Simulator sim;
  Network net(sim, 1);
  const NodeId r = net.add_router();
  const NodeId h = net.add_host(r, LinkSpec{SimTime::ms(1)});
  CHECK(net.host(h).source_for(make_ipv6(5, 1)) == net.host(h).address());  // no IPv6 yet
  const Ipv4 v6 = net.add_ipv6(h);
  CHECK(net.host(h).ipv6() == v6);
  CHECK(net.host(h).source_for(make_ipv6(5, 1)) == v6);
  CHECK(net.host(h).source_for(Ipv4::of(20, 0, 0, 9)) == net.host(h).address());
  Packet p = test::udp({v6, 1}, {make_ipv6(5, 1), 2}, 100);
  CHECK(p.ip_bytes() == 100 + 40 + 8);  // RFC 8200 header 40 B
  p.src.addr = Ipv4::of(20, 0, 0, 1);
  CHECK(p.ip_bytes() == 100 + 20 + 8);
}
