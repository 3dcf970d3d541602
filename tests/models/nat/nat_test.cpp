// NAT semantics per RFC 4787, checked on the Nat model directly (no network), with the
// expected behaviour derived from the definitions in the RFC.
#include <catch2/catch.hpp>

#include <set>

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
const Endpoint kR1{Ipv4::of(198, 51, 100, 1), 3478};
const Endpoint kR1b{Ipv4::of(198, 51, 100, 1), 3479};  // same address, other port
const Endpoint kR2{Ipv4::of(198, 51, 100, 2), 3478};   // other address

// Sends inside -> remote; returns the external endpoint, or an unspecified one if dropped.
Endpoint out(Nat& n, Endpoint in, Endpoint remote, SimTime t = SimTime::zero(), Transport tr = Transport::udp) {
  Packet p = test::udp(in, remote);
  p.transport = tr;
  if (!is_accept(n.outbound(p, t))) return {};
  return p.src;
}
// Sends remote -> external; returns the rule.
FilterRule in(Nat& n, Endpoint remote, Endpoint external, SimTime t = SimTime::zero(), Endpoint* delivered = nullptr) {
  Packet p = test::udp(remote, external);
  const FilterRule r = n.inbound(p, t);
  if (delivered) *delivered = p.dst;
  return r;
}

NatConfig make(Mapping m, Filtering f, PortAssignment pa = PortAssignment::preserve) {
  NatConfig c;
  c.mapping = m;
  c.filtering = f;
  c.ports = pa;
  return c;
}

class EventLog : public NatObserver {
 public:
  std::vector<MappingRule> created, reused, expired;
  std::vector<FilterRule> filters;
  std::vector<SimTime> expired_at;
  void on_mapping_created(const Nat&, const MappingEvent& e) override { created.push_back(e.rule); }
  void on_mapping_reused(const Nat&, const MappingEvent& e) override { reused.push_back(e.rule); }
  void on_mapping_expired(const Nat&, const MappingEvent& e) override {
    expired.push_back(e.rule);
    expired_at.push_back(e.at);
  }
  void on_filter(const Nat&, const FilterEvent& e) override { filters.push_back(e.rule); }
};

}  // namespace

TEST_CASE("mapping behaviours: EIM reuses for all remotes, ADM per remote address, APDM per remote endpoint",
          "[nat]") {
  SECTION("endpoint-independent") {
    const NatConfig c = make(Mapping::endpoint_independent, Filtering::endpoint_independent);
    Nat n(c, kExt, 1);
    const Endpoint x1 = out(n, kIn, kR1), x2 = out(n, kIn, kR1b), x3 = out(n, kIn, kR2);
    CHECK(x1.addr == kExt);
    CHECK(x1 == x2);
    CHECK(x1 == x3);
  }
  SECTION("address-dependent") {
    const NatConfig c = make(Mapping::address_dependent, Filtering::endpoint_independent);
    Nat n(c, kExt, 1);
    const Endpoint x1 = out(n, kIn, kR1), x2 = out(n, kIn, kR1b), x3 = out(n, kIn, kR2);
    CHECK(x1 == x2);
    CHECK(x1 != x3);
  }
  SECTION("address-and-port-dependent") {
    const NatConfig c = make(Mapping::address_port_dependent, Filtering::endpoint_independent);
    Nat n(c, kExt, 1);
    const Endpoint x1 = out(n, kIn, kR1), x2 = out(n, kIn, kR1b), x3 = out(n, kIn, kR2);
    CHECK(x1 != x2);
    CHECK(x1 != x3);
    CHECK(x2 != x3);
    CHECK(out(n, kIn, kR1) == x1);  // same remote endpoint: same mapping
  }
}

TEST_CASE("filtering behaviours admit exactly the remotes the definitions allow", "[nat]") {
  // The mapping has sent to kR1 only. EIF admits anyone; ADF admits kR1's address on any
  // port; APDF admits only kR1 itself (RFC 4787 section 5).
  struct Case {
    Filtering f;
    bool r1, r1b, r2;
  };
  const Case cases[] = {{Filtering::endpoint_independent, true, true, true},
                        {Filtering::address_dependent, true, true, false},
                        {Filtering::address_port_dependent, true, false, false}};
  for (const auto& k : cases) {
    CAPTURE(to_string(k.f));
    const NatConfig c = make(Mapping::endpoint_independent, k.f);
    Nat n(c, kExt, 1);
    const Endpoint x = out(n, kIn, kR1);
    Endpoint delivered;
    CHECK(is_accept(in(n, kR1, x, SimTime::zero(), &delivered)) == k.r1);
    CHECK(delivered == kIn);
    CHECK(is_accept(in(n, kR1b, x)) == k.r1b);
    CHECK(is_accept(in(n, kR2, x)) == k.r2);
    // No mapping on another port: always dropped.
    CHECK(in(n, kR1, Endpoint{kExt, static_cast<std::uint16_t>(x.port + 1)}) == FilterRule::drop_no_mapping);
  }
}

TEST_CASE("filter rules name the behaviour that decided", "[nat]") {
  const NatConfig c = make(Mapping::endpoint_independent, Filtering::address_dependent);
  Nat n(c, kExt, 1);
  const Endpoint x = out(n, kIn, kR1);
  CHECK(in(n, kR1b, x) == FilterRule::accept_known_address);
  CHECK(in(n, kR2, x) == FilterRule::drop_unknown_address);
  const NatConfig c2 = make(Mapping::endpoint_independent, Filtering::address_port_dependent);
  Nat n2(c2, kExt, 1);
  const Endpoint x2 = out(n2, kIn, kR1);
  CHECK(in(n2, kR1, x2) == FilterRule::accept_known_endpoint);
  CHECK(in(n2, kR1b, x2) == FilterRule::drop_unknown_endpoint);
}

TEST_CASE("port assignment: preserve, fallback when taken, sequential with delta, random in pool, parity",
          "[nat]") {
  SECTION("preserve keeps the internal port; a second host on the same port gets another") {
    NatConfig c = make(Mapping::endpoint_independent, Filtering::endpoint_independent);
    Nat n(c, kExt, 1);
    EventLog log;
    n.set_observer(&log);
    CHECK(out(n, kIn, kR1).port == kIn.port);
    const Endpoint x2 = out(n, kIn2, kR1);
    CHECK(x2.port != kIn.port);
    CHECK(x2.port >= c.port_min);
    REQUIRE(log.created.size() == 2);
    CHECK(log.created[0] == MappingRule::port_preserved);
    CHECK(log.created[1] == MappingRule::preserve_fallback);
  }
  SECTION("preserve with sequential fallback takes the next free port") {
    NatConfig c = make(Mapping::endpoint_independent, Filtering::endpoint_independent);
    c.fallback = PreserveFallback::sequential;
    c.port_min = 5000;
    c.port_max = 5010;
    Nat n(c, kExt, 1);
    out(n, kIn, kR1);
    const std::uint16_t p2 = out(n, kIn2, kR1).port;
    CHECK(p2 >= 5001);
    CHECK(p2 <= 5010);
  }
  SECTION("sequential: each new mapping is the previous port + delta") {
    NatConfig c = make(Mapping::address_port_dependent, Filtering::address_port_dependent, PortAssignment::sequential);
    c.port_delta = 2;
    Nat n(c, kExt, 7);
    std::uint16_t prev = out(n, kIn, Endpoint{kR1.addr, 1}).port;
    for (std::uint16_t k = 2; k < 10; ++k) {
      const std::uint16_t p = out(n, kIn, Endpoint{kR1.addr, k}).port;
      const std::uint32_t expect = c.port_min + (prev - c.port_min + c.port_delta) % (c.port_max - c.port_min + 1u);
      CHECK(p == expect);
      prev = p;
    }
  }
  SECTION("random ports are distinct and inside the pool") {
    NatConfig c = make(Mapping::address_port_dependent, Filtering::address_port_dependent, PortAssignment::random);
    c.port_min = 20000;
    c.port_max = 29999;
    Nat n(c, kExt, 9);
    std::set<std::uint16_t> ports;
    for (std::uint16_t k = 1; k <= 200; ++k) {
      const std::uint16_t p = out(n, kIn, Endpoint{kR1.addr, k}).port;
      CHECK(p >= 20000);
      CHECK(p <= 29999);
      ports.insert(p);
    }
    CHECK(ports.size() == 200);  // RFC 4787 REQ-3: no port overloading
  }
  SECTION("parity: external port has the internal port's parity") {
    NatConfig c = make(Mapping::address_port_dependent, Filtering::address_port_dependent, PortAssignment::random);
    c.port_parity = true;
    Nat n(c, kExt, 3);
    for (std::uint16_t k = 1; k <= 50; ++k) {
      const Endpoint odd_in{kIn.addr, 5001};
      CHECK(out(n, kIn, Endpoint{kR1.addr, k}).port % 2 == 0);
      CHECK(out(n, odd_in, Endpoint{kR1.addr, k}).port % 2 == 1);
    }
  }
  SECTION("a full pool drops new flows") {
    NatConfig c = make(Mapping::address_port_dependent, Filtering::address_port_dependent, PortAssignment::random);
    c.port_min = 6000;
    c.port_max = 6003;
    Nat n(c, kExt, 3);
    for (std::uint16_t k = 1; k <= 4; ++k) CHECK(out(n, kIn, Endpoint{kR1.addr, k}).port != 0);
    Packet p = test::udp(kIn, Endpoint{kR1.addr, 99});
    CHECK(n.outbound(p, SimTime::zero()) == FilterRule::drop_pool_exhausted);
  }
}

TEST_CASE("linux-masquerade: ports preserved and shared across destinations, a colliding 5-tuple gets a random port",
          "[nat]") {
  const Preset lm = preset("linux-masquerade");
  REQUIRE(lm.layers.size() == 1);
  Nat n(lm.layers[0], kExt, 5);
  const Endpoint kR3{Ipv4::of(198, 51, 100, 3), 3478};
  const Endpoint a1 = out(n, kIn, kR1);
  CHECK(a1.port == kIn.port);
  CHECK(out(n, kIn, kR2) == a1);             // EIM as seen by a STUN server
  const Endpoint b3 = out(n, kIn2, kR3);     // same internal port, another destination
  CHECK(b3.port == kIn2.port);               // shared external port: the 5-tuples differ
  const Endpoint b1 = out(n, kIn2, kR1);     // would collide with (ext:5000 <-> kR1)
  CHECK(b1.port != kIn.port);
  // Replies are told apart by the remote endpoint.
  Endpoint d;
  CHECK(is_accept(in(n, kR1, a1, SimTime::zero(), &d)));
  CHECK(d == kIn);
  CHECK(is_accept(in(n, kR3, b3, SimTime::zero(), &d)));
  CHECK(d == kIn2);
  CHECK(is_accept(in(n, kR1, b1, SimTime::zero(), &d)));
  CHECK(d == kIn2);
  CHECK_FALSE(is_accept(in(n, kR2, b1)));  // APDF
}

TEST_CASE("mapping timeout: outbound refreshes, silence expires, inbound refresh is configurable", "[nat]") {
  NatConfig c = make(Mapping::endpoint_independent, Filtering::address_port_dependent);
  c.udp_timeout = SimTime::s(120);
  c.udp_unreplied_timeout = SimTime::s(120);
  SECTION("expires after the timeout without traffic") {
    Nat n(c, kExt, 1);
    EventLog log;
    n.set_observer(&log);
    const Endpoint x = out(n, kIn, kR1, SimTime::zero());
    CHECK(is_accept(in(n, kR1, x, SimTime::s(119))));
    CHECK(in(n, kR1, x, SimTime::s(120)) == FilterRule::drop_no_mapping);
    REQUIRE(log.expired.size() == 1);
    CHECK(log.expired_at[0] == SimTime::s(120));
  }
  SECTION("outbound keepalives keep it") {
    Nat n(c, kExt, 1);
    const Endpoint x = out(n, kIn, kR1, SimTime::zero());
    for (int t = 100; t <= 1000; t += 100) CHECK(out(n, kIn, kR1, SimTime::s(t)) == x);
    CHECK(is_accept(in(n, kR1, x, SimTime::s(1119))));
  }
  SECTION("inbound traffic refreshes only when configured (RFC 4787 REQ-6)") {
    for (bool refresh : {false, true}) {
      NatConfig c2 = c;
      c2.inbound_refresh = refresh;
      Nat n(c2, kExt, 1);
      const Endpoint x = out(n, kIn, kR1, SimTime::zero());
      CHECK(is_accept(in(n, kR1, x, SimTime::s(100))));
      CHECK(is_accept(in(n, kR1, x, SimTime::s(200))) == refresh);
    }
  }
  SECTION("Linux conntrack: 30 s while unreplied, 120 s once replied") {
    const NatConfig lc = preset("linux-masquerade").layers[0];
    Nat n(lc, kExt, 1);
    const Endpoint x = out(n, kIn, kR1, SimTime::zero());
    CHECK_FALSE(n.lookup(Transport::udp, kIn, kR1, SimTime::s(30)));
    const Endpoint y = out(n, kIn2, kR2, SimTime::s(100));
    CHECK(is_accept(in(n, kR2, y, SimTime::s(129))));  // replied: stream timeout, and inbound refreshes
    CHECK(n.lookup(Transport::udp, kIn2, kR2, SimTime::s(129 + 119)));
    CHECK_FALSE(n.lookup(Transport::udp, kIn2, kR2, SimTime::s(129 + 120)));
    (void)x;
  }
  SECTION("TCP mappings use the RFC 5382 established timeout") {
    Nat n(c, kExt, 1);
    out(n, kIn, kR1, SimTime::zero(), Transport::tcp);
    CHECK(n.lookup(Transport::tcp, kIn, kR1, SimTime::s(7439)));
    CHECK_FALSE(n.lookup(Transport::tcp, kIn, kR1, SimTime::s(7440)));
    CHECK_FALSE(n.lookup(Transport::udp, kIn, kR1, SimTime::zero()));  // separate tables
  }
}

TEST_CASE("firewall option blocks outbound UDP and TCP except to the allowed port", "[nat]") {
  const NatConfig c = preset("udp-blocked").layers[0];
  Nat n(c, kExt, 1);
  EventLog log;
  n.set_observer(&log);
  Packet p = test::udp(kIn, kR1);
  CHECK(n.outbound(p, SimTime::zero()) == FilterRule::drop_udp_blocked);
  p = test::udp(kIn, Endpoint{kR1.addr, 80});
  p.transport = Transport::tcp;
  CHECK(n.outbound(p, SimTime::zero()) == FilterRule::drop_tcp_port_blocked);
  p = test::udp(kIn, Endpoint{kR1.addr, 443});
  p.transport = Transport::tls;
  CHECK(n.outbound(p, SimTime::zero()) == FilterRule::accept_outbound);
  CHECK(log.filters == std::vector<FilterRule>{FilterRule::drop_udp_blocked, FilterRule::drop_tcp_port_blocked});
}

TEST_CASE("observer sees created, reused and expired mappings with their rules", "[nat]") {
  const NatConfig c = make(Mapping::address_dependent, Filtering::address_dependent);
  Nat n(c, kExt, 1);
  EventLog log;
  n.set_observer(&log);
  out(n, kIn, kR1);
  out(n, kIn, kR1b);
  out(n, kIn, kR2);
  in(n, kR2, Endpoint{kExt, 1});
  CHECK(log.created.size() == 2);
  CHECK(log.reused == std::vector<MappingRule>{MappingRule::reuse_same_address});
  CHECK(log.filters == std::vector<FilterRule>{FilterRule::drop_no_mapping});
  CHECK(std::string(to_string(MappingRule::reuse_same_address)).find("address-dependent") != std::string::npos);
}

TEST_CASE("large NATs switch to indexed tables without changing behaviour", "[nat]") {
  const NatConfig c = make(Mapping::endpoint_independent, Filtering::address_port_dependent, PortAssignment::random);
  Nat n(c, kExt, 11);
  std::vector<Endpoint> ext;
  for (std::uint16_t i = 0; i < 500; ++i) ext.push_back(out(n, Endpoint{Ipv4(0x0A000000u + i), 4000}, kR1));
  for (std::uint16_t i = 0; i < 500; ++i) {
    CHECK(out(n, Endpoint{Ipv4(0x0A000000u + i), 4000}, kR2) == ext[i]);
    Endpoint d;
    CHECK(is_accept(in(n, kR2, ext[i], SimTime::zero(), &d)));
    CHECK(d == Endpoint{Ipv4(0x0A000000u + i), 4000});
  }
  CHECK(n.active_mappings(SimTime::zero()) == 500);
  CHECK(n.active_mappings(SimTime::s(121)) == 0);
  CHECK(n.memory_bytes() > 0);
}

TEST_CASE("presets: names, lookup and definitions", "[nat]") {
  const auto& names = preset_names();
  CHECK(names.front() == "none");
  for (const auto& name : names) {
    const auto p = find_preset(name);
    REQUIRE(p);
    CHECK(p->name == name);
  }
  CHECK_FALSE(find_preset("bogus"));
  CHECK_THROWS_WITH(preset("bogus"), Catch::Contains("full-cone"));
  CHECK(preset("none").layers.empty());
  CHECK(preset("full-cone").layers[0].filtering == Filtering::endpoint_independent);
  CHECK(preset("restricted-cone").layers[0].filtering == Filtering::address_dependent);
  CHECK(preset("port-restricted-cone").layers[0].filtering == Filtering::address_port_dependent);
  CHECK(preset("symmetric").layers[0].mapping == Mapping::address_port_dependent);
  CHECK(preset("symmetric").layers[0].ports == PortAssignment::random);
  CHECK(preset("cgnat").layers.size() == 2);
  CHECK(effective_mapping(preset("cgnat").layers) == Mapping::endpoint_independent);
  std::vector<NatConfig> mixed{make(Mapping::address_dependent, Filtering::endpoint_independent),
                               make(Mapping::endpoint_independent, Filtering::address_port_dependent)};
  CHECK(effective_mapping(mixed) == Mapping::address_dependent);
  CHECK(effective_filtering(mixed) == Filtering::address_port_dependent);
}
