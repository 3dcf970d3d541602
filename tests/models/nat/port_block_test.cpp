// Port-block allocation at a carrier NAT (RFC 7422 blocks, RFC 6888 REQ-4 per-subscriber
// port limits), with the expected values from the definitions: blocks of `size` ports
// aligned at port_min + k * size, every mapping of a subscriber inside its blocks, a new
// block only when the blocks are full, at most `max` blocks per subscriber.
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
const Endpoint kR{Ipv4::of(198, 51, 100, 1), 3478};
Endpoint out(Nat& n, Endpoint in, SimTime t = SimTime::zero()) {
  Packet p = test::udp(in, kR);
  if (!is_accept(n.outbound(p, t))) return {};
  return p.src;
}
NatConfig carrier(std::uint16_t size, std::uint16_t max_blocks) {
  NatConfig c;
  c.mapping = Mapping::endpoint_independent;
  c.filtering = Filtering::address_port_dependent;
  c.ports = PortAssignment::random;
  c.port_block_size = size;
  c.max_blocks_per_subscriber = max_blocks;
  return c;
}
}  // namespace

TEST_CASE("port-block allocation: a subscriber's mappings stay in its aligned block", "[nat][cgn]") {
  const NatConfig c = carrier(128, 8);
  Nat n(c, kExt, 1);
  const Ipv4 s1 = Ipv4::of(100, 64, 0, 7), s2 = Ipv4::of(100, 64, 0, 8);
  std::set<std::uint16_t> ports1;
  for (std::uint16_t k = 0; k < 50; ++k) ports1.insert(out(n, Endpoint{s1, static_cast<std::uint16_t>(40000 + k)}).port);
  REQUIRE(ports1.size() == 50);
  REQUIRE(n.blocks_of(s1).size() == 1);
  const std::uint16_t b1 = n.blocks_of(s1)[0];
  CHECK((b1 - c.port_min) % 128 == 0);
  for (std::uint16_t p : ports1) CHECK((p >= b1 && p < b1 + 128));
  const Endpoint x = out(n, Endpoint{s2, 40000});
  REQUIRE(n.blocks_of(s2).size() == 1);
  CHECK(n.blocks_of(s2)[0] != b1);
  CHECK((x.port >= n.blocks_of(s2)[0] && x.port < n.blocks_of(s2)[0] + 128));
}

TEST_CASE("port-block allocation: a new block when full, the per-subscriber quota, blocks returned", "[nat][cgn]") {
  const NatConfig c = carrier(16, 2);  // 2 x 16 = 32 ports per subscriber
  Nat n(c, kExt, 2);
  const Ipv4 s1 = Ipv4::of(100, 64, 0, 7), s2 = Ipv4::of(100, 64, 0, 8);
  for (std::uint16_t k = 0; k < 16; ++k) CHECK(out(n, Endpoint{s1, static_cast<std::uint16_t>(40000 + k)}).port != 0);
  CHECK(n.blocks_of(s1).size() == 1);
  CHECK(out(n, Endpoint{s1, 40016}).port != 0);  // the 17th mapping opens a second block
  CHECK(n.blocks_of(s1).size() == 2);
  for (std::uint16_t k = 17; k < 32; ++k) CHECK(out(n, Endpoint{s1, static_cast<std::uint16_t>(40000 + k)}).port != 0);
  Packet p = test::udp(Endpoint{s1, 40032}, kR);
  CHECK(n.outbound(p, SimTime::zero()) == FilterRule::drop_pool_exhausted);  // the 33rd: over quota
  CHECK(out(n, Endpoint{s2, 40000}).port != 0);  // the quota is per subscriber
  // After every mapping of s1 expired (unreplied UDP timeout), its blocks go back to the
  // pool when it next needs a port, and it is within quota again.
  const SimTime later = c.udp_unreplied_timeout + SimTime::s(1);
  CHECK(out(n, Endpoint{s1, 50000}, later).port != 0);
  CHECK(n.blocks_of(s1).size() == 1);
}

TEST_CASE("cgnat preset: the carrier layer hairpins (RFC 6888 REQ-1 -> RFC 4787 REQ-9)", "[nat][cgn]") {
  const Preset p = preset("cgnat");
  REQUIRE(p.layers.size() == 2);
  CHECK(p.layers[1].hairpinning);
}

// The cgnat preset's carrier layer as shipped: RFC 7422 blocks of 128 ports, at most 8 per
// subscriber (RFC 6888 REQ-4; Juniper secured-port-block-allocation defaults), so the
// quota is 8 x 128 = 1,024 simultaneous mappings per subscriber.
TEST_CASE("cgnat preset: blocks of 128 ports, a quota of 8 blocks, the 1025th mapping refused", "[nat][cgn]") {
  const NatConfig c = preset("cgnat").layers.at(1);
  REQUIRE(c.port_block_size == 128);
  REQUIRE(c.max_blocks_per_subscriber == 8);
  Nat n(c, kExt, 3);
  const Ipv4 s1 = Ipv4::of(100, 64, 0, 9), s2 = Ipv4::of(100, 64, 0, 10);
  for (std::uint16_t k = 0; k < 1024; ++k) {
    const Endpoint e = out(n, Endpoint{s1, static_cast<std::uint16_t>(20000 + k)});
    REQUIRE(e.port != 0);
    bool inside = false;
    for (std::uint16_t b : n.blocks_of(s1)) inside = inside || (e.port >= b && e.port < b + 128);
    REQUIRE(inside);
  }
  CHECK(n.blocks_of(s1).size() == 8);
  for (std::uint16_t b : n.blocks_of(s1)) CHECK((b - c.port_min) % 128 == 0);
  Packet p = test::udp(Endpoint{s1, 30000}, kR);
  CHECK(n.outbound(p, SimTime::zero()) == FilterRule::drop_pool_exhausted);
  CHECK(out(n, Endpoint{s2, 30000}).port != 0);  // another subscriber still gets its block
}

TEST_CASE("port-block allocation: blocks returned at a carrier NAT with many subscribers (indexed)", "[nat][cgn]") {
  const NatConfig c = carrier(16, 2);
  Nat n(c, kExt, 3);
  const Ipv4 s1 = Ipv4::of(100, 64, 0, 7);
  // 40 other subscribers keep a mapping each (more live mappings than a block has ports,
  // so the NAT answers "is this block in use" from its port index).
  auto others = [&](SimTime t) {
    for (std::uint8_t k = 0; k < 40; ++k) CHECK(out(n, Endpoint{Ipv4::of(100, 64, 1, k), 40000}, t).port != 0);
  };
  others(SimTime::zero());
  for (std::uint16_t k = 0; k < 32; ++k) CHECK(out(n, Endpoint{s1, static_cast<std::uint16_t>(40000 + k)}).port != 0);
  CHECK(n.blocks_of(s1).size() == 2);
  // s1's first block still has live mappings: a new mapping finds it in use and keeps it,
  // and with both blocks full the quota refuses the mapping.
  const SimTime mid = SimTime::s(60);
  others(mid);  // refreshed: alive past s1's mappings
  Packet p = test::udp(Endpoint{s1, 40100}, kR);
  CHECK(n.outbound(p, mid) == FilterRule::drop_pool_exhausted);
  CHECK(n.blocks_of(s1).size() == 2);
  // Every mapping of s1 expired, the others not: s1's inactive block goes back to the pool.
  const SimTime later = c.udp_unreplied_timeout + SimTime::s(1);
  CHECK(out(n, Endpoint{s1, 50000}, later).port != 0);
  CHECK(n.blocks_of(s1).size() == 1);
  CHECK(n.active_mappings(later) == 41);
}
