// The linux-masquerade preset against Linux netfilter as its source defines it:
//  - nf_conntrack_proto_udp.c (nf_conntrack_udp_packet): a new flow gets stream_ts =
//    now + 2 s; with a reply seen, a packet strictly after stream_ts refreshes with
//    nf_conntrack_udp_timeout_stream (120 s) and makes the entry ASSURED, any other packet
//    with nf_conntrack_udp_timeout (30 s);
//  - nf_nat_core.c (get_unique_tuple, nf_nat_l4proto_unique_tuple): the original source
//    port is kept when the resulting reply tuple is unused, else another port from
//    [1024, 65535] is chosen (random start, upward scan); each new 5-tuple starts over
//    from the original port;
//  - MASQUERADE is a POSTROUTING source NAT: a packet from the inside to the box's own
//    public address is not translated back in (no hairpinning without extra DNAT rules);
//  - without a DROP rule, an unsolicited inbound packet's conntrack entry is confirmed and
//    holds its reply tuple, so a later outbound flow to that remote is re-mapped.
#include <catch2/catch.hpp>

#include "models/ice/pair_world.hpp"
#include "models/nat/nat.hpp"
#include "models/nat/preset.hpp"
#include "../net/recorder.hpp"

using namespace p2psim;
using namespace p2psim::net;
using namespace p2psim::nat;

namespace {

const Ipv4 kExt = Ipv4::of(203, 0, 113, 1);
const Endpoint kIn{Ipv4::of(192, 168, 0, 2), 5000};
const Endpoint kIn2{Ipv4::of(192, 168, 0, 3), 5000};
const Endpoint kIn3{Ipv4::of(192, 168, 0, 4), 5000};
const Endpoint kR1{Ipv4::of(198, 51, 100, 1), 3478};
const Endpoint kR2{Ipv4::of(198, 51, 100, 2), 40000};

Endpoint out(Nat& n, Endpoint in, Endpoint remote, SimTime t) {
  Packet p = test::udp(in, remote);
  if (!is_accept(n.outbound(p, t))) return {};
  return p.src;
}
FilterRule in(Nat& n, Endpoint remote, Endpoint external, SimTime t) {
  Packet p = test::udp(remote, external);
  return n.inbound(p, t);
}
NatConfig linux_nat() { return preset("linux-masquerade").layers.at(0); }

}  // namespace

TEST_CASE("linux conntrack: one request/reply keeps the 30 s unreplied timeout", "[nat][linux]") {
  const NatConfig c = linux_nat();
  CHECK(c.udp_unreplied_timeout == SimTime::s(30));
  CHECK(c.udp_timeout == SimTime::s(120));
  Nat n(c, kExt, 1);
  const Endpoint x = out(n, kIn, kR1, SimTime::zero());
  REQUIRE(is_accept(in(n, kR1, x, SimTime::ms(50))));  // the reply, 50 ms later: refresh with 30 s
  CHECK(n.lookup(Transport::udp, kIn, kR1, SimTime::ms(50) + SimTime::s(30) - SimTime::ms(1)));
  CHECK_FALSE(n.lookup(Transport::udp, kIn, kR1, SimTime::ms(50) + SimTime::s(30)));
}

TEST_CASE("linux conntrack: both directions and a packet more than 2 s after the start give 120 s",
          "[nat][linux]") {
  const NatConfig c = linux_nat();
  SECTION("a packet at 2.5 s") {
    Nat n(c, kExt, 1);
    const Endpoint x = out(n, kIn, kR1, SimTime::zero());
    REQUIRE(is_accept(in(n, kR1, x, SimTime::ms(50))));
    CHECK(out(n, kIn, kR1, SimTime::ms(2500)) == x);
    CHECK(n.lookup(Transport::udp, kIn, kR1, SimTime::ms(2500) + SimTime::s(120) - SimTime::ms(1)));
    CHECK_FALSE(n.lookup(Transport::udp, kIn, kR1, SimTime::ms(2500) + SimTime::s(120)));
  }
  SECTION("a packet at exactly 2 s is not after stream_ts: still 30 s") {
    Nat n(c, kExt, 1);
    const Endpoint x = out(n, kIn, kR1, SimTime::zero());
    REQUIRE(is_accept(in(n, kR1, x, SimTime::ms(50))));
    CHECK(out(n, kIn, kR1, SimTime::s(2)) == x);
    CHECK_FALSE(n.lookup(Transport::udp, kIn, kR1, SimTime::s(32)));
  }
  SECTION("outbound-only traffic after 2 s stays unreplied: 30 s") {
    Nat n(c, kExt, 1);
    out(n, kIn, kR1, SimTime::zero());
    out(n, kIn, kR1, SimTime::s(5));
    CHECK(n.lookup(Transport::udp, kIn, kR1, SimTime::s(34)));
    CHECK_FALSE(n.lookup(Transport::udp, kIn, kR1, SimTime::s(35)));
  }
  SECTION("the reply itself, when later than 2 s, assures the flow") {
    Nat n(c, kExt, 1);
    const Endpoint x = out(n, kIn, kR1, SimTime::zero());
    REQUIRE(is_accept(in(n, kR1, x, SimTime::s(3))));
    CHECK(n.lookup(Transport::udp, kIn, kR1, SimTime::s(3 + 119)));
    CHECK_FALSE(n.lookup(Transport::udp, kIn, kR1, SimTime::s(3 + 120)));
  }
}

TEST_CASE("linux MASQUERADE does not hairpin", "[nat][linux]") {
  const NatConfig c = linux_nat();  // a Nat keeps a pointer to its config
  Nat n(c, kExt, 1);
  const Endpoint x = out(n, kIn, kR1, SimTime::zero());
  Packet p = test::udp(kIn2, x);
  CHECK(n.hairpin(p, SimTime::ms(1)) == FilterRule::drop_hairpin_disabled);
}

TEST_CASE("linux source-port collision: another port for that 5-tuple, the original port for new ones",
          "[nat][linux]") {
  const NatConfig c = linux_nat();
  Nat n(c, kExt, 7);
  const Endpoint a = out(n, kIn, kR1, SimTime::zero());
  CHECK(a.port == 5000);
  const Endpoint b = out(n, kIn2, kR1, SimTime::ms(1));  // reply tuple (kR1 -> ext:5000) taken
  CHECK(b.port != 5000);
  CHECK(b.port >= 1024);
  CHECK(out(n, kIn2, kR1, SimTime::ms(2)) == b);            // that flow keeps its port
  CHECK(out(n, kIn2, kR2, SimTime::ms(3)).port == 5000);    // a new 5-tuple starts from the original port
  // Each reply reaches its own inside socket.
  Packet r = test::udp(kR1, b);
  REQUIRE(is_accept(n.inbound(r, SimTime::ms(4))));
  CHECK(r.dst == kIn2);
}

TEST_CASE("linux inbound_firewall none: an early inbound probe forces a re-map of the outbound flow",
          "[nat][linux]") {
  for (bool bare : {false, true}) {
    NatConfig c = linux_nat();
    c.inbound_creates_entry = bare;
    Nat n(c, kExt, 3);
    const Endpoint srflx = out(n, kIn, kR1, SimTime::zero());  // the STUN server sees ext:5000
    REQUIRE(srflx.port == 5000);
    // The peer's check arrives before kIn has sent to the peer: dropped either way (APDF).
    CHECK_FALSE(is_accept(in(n, kR2, srflx, SimTime::ms(100))));
    // kIn's own check to the peer: the unsolicited entry (kR2 -> ext:5000) holds the reply
    // tuple on a bare box, so the flow leaves from another port.
    const Endpoint check = out(n, kIn, kR2, SimTime::ms(150));
    if (bare) {
      CHECK(check.port != 5000);
      // The peer's retransmission to the advertised ext:5000 still hits that entry, not kIn.
      CHECK_FALSE(is_accept(in(n, kR2, srflx, SimTime::ms(600))));
      // After the entry's 30 s unreplied timeout a new flow to the peer keeps port 5000 again.
      CHECK(out(n, kIn3, kR2, SimTime::ms(600) + SimTime::s(31)).port == 5000);
    } else {
      CHECK(check.port == 5000);
      CHECK(is_accept(in(n, kR2, srflx, SimTime::ms(600))));
    }
  }
}

TEST_CASE("ICE between two bare linux boxes fails, with the home router DROP rule it punches", "[nat][linux][ice]") {
  // Both sides EIM + APDF: with drop, each side's own check opens its filter and the other's
  // later check gets in (hole punching). Bare, the answerer's early checks leave entries on
  // the offerer's box that push the offerer's checks to unadvertised ports, which the
  // answerer's APDF filter drops, while the answerer's checks keep hitting those entries.
  for (bool bare : {false, true}) {
    ice::PairSpec s;
    NatConfig c = linux_nat();
    c.inbound_creates_entry = bare;
    s.nat_a = {c};
    s.nat_b = {c};
    ice::PairWorld w(s, 11);
    const ice::SessionResult r = w.run();
    CHECK(r.outcome == (bare ? ice::Outcome::kFailed : ice::Outcome::kDirect));
  }
}
