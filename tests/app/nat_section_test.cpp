#include <catch2/catch.hpp>

#include <memory>

#include "app/scenario/nat_section.hpp"

using namespace p2psim;
using scenario::Field;

namespace {
Field root(const std::string& text) {
  return Field(YAML::Load(text), "", std::make_shared<const std::string>("x.yaml"));
}
Field at(const std::string& text, const char* key) { return root(text).require(key); }
}  // namespace

TEST_CASE("NAT config: a preset name or a map overriding the preset", "[nat][scenario]") {
  const nat::Preset sym = scenario::parse_nat_config(at("nat: symmetric", "nat"));
  CHECK(sym.name == "symmetric");
  CHECK(sym.layers == nat::preset("symmetric").layers);

  const nat::Preset custom = scenario::parse_nat_config(at(R"(
nat:
  preset: full-cone
  filtering: APDF
  ports: sequential
  port_delta: 2
  udp_timeout: 30s
  hairpinning: false
  carrier: {preset: symmetric, port_min: 10000, port_max: 20000}
)", "nat"));
  REQUIRE(custom.layers.size() == 2);
  CHECK(custom.layers[0].mapping == nat::Mapping::endpoint_independent);
  CHECK(custom.layers[0].filtering == nat::Filtering::address_port_dependent);
  CHECK(custom.layers[0].ports == nat::PortAssignment::sequential);
  CHECK(custom.layers[0].port_delta == 2);
  CHECK(custom.layers[0].udp_timeout == SimTime::s(30));
  CHECK_FALSE(custom.layers[0].hairpinning);
  CHECK(custom.layers[1].mapping == nat::Mapping::address_port_dependent);
  CHECK(custom.layers[1].port_min == 10000);
  CHECK(custom.name == "custom+custom");
}

TEST_CASE("NAT config errors name file:line:col and the key", "[nat][scenario]") {
  CHECK_THROWS_WITH(scenario::parse_nat_config(at("nat: bogus", "nat")),
                    Catch::Contains("x.yaml:1:6") && Catch::Contains("NAT preset") && Catch::Contains("full-cone"));
  CHECK_THROWS_WITH(scenario::parse_nat_config(at("nat:\n  preset: full-cone\n  maping: EIM\n", "nat")),
                    Catch::Contains("x.yaml:3:3") && Catch::Contains("maping"));
  CHECK_THROWS_WITH(scenario::parse_nat_config(at("nat:\n  filtering: loose\n", "nat")),
                    Catch::Contains("x.yaml:2:14") && Catch::Contains("nat.filtering"));
  CHECK_THROWS_WITH(scenario::parse_nat_config(at("nat:\n  preset: none\n  hairpinning: false\n", "nat")),
                    Catch::Contains("no layer"));
  CHECK_THROWS_WITH(scenario::parse_nat_config(at("nat:\n  port_min: 5000\n  port_max: 4000\n", "nat")),
                    Catch::Contains("x.yaml:3:13") && Catch::Contains("port_min must be <= port_max"));
}

TEST_CASE("NAT mix: shares per preset summing to 1", "[nat][scenario]") {
  const auto mix = scenario::parse_nat_mix(at("mix: {none: 0.1, port-restricted-cone: 0.6, symmetric: 0.3}", "mix"));
  REQUIRE(mix.size() == 3);
  CHECK(mix[0].nat.name == "none");
  CHECK(mix[2].share == Approx(0.3));
  const auto custom = scenario::parse_nat_mix(at(R"(
mix:
  - {nat: full-cone, share: 0.5}
  - {nat: {preset: symmetric, ports: sequential}, share: 0.5}
)", "mix"));
  REQUIRE(custom.size() == 2);
  CHECK(custom[1].nat.layers[0].ports == nat::PortAssignment::sequential);
  CHECK_THROWS_WITH(scenario::parse_nat_mix(at("mix: {none: 0.5, symmetric: 0.4}", "mix")),
                    Catch::Contains("sum to 1"));
  CHECK_THROWS_WITH(scenario::parse_nat_mix(at("mix: {nope: 1}", "mix")), Catch::Contains("unknown NAT preset"));
}

TEST_CASE("NAT mix: a named mix gives its documented presets and shares", "[nat][scenario][mix]") {
  for (const char* text : {"mix: mobile-heavy", "mix: {preset: mobile-heavy}"}) {
    CAPTURE(text);
    const auto mix = scenario::parse_nat_mix(at(text, "mix"));
    REQUIRE(mix.size() == 9);
    CHECK(mix[5].nat.name == "cgnat");
    CHECK(mix[5].share == Approx(0.45).margin(1e-12));
    CHECK(mix[6].nat.name == "symmetric");
    CHECK(mix[6].share == Approx(0.20).margin(1e-12));
  }
  CHECK_THROWS_WITH(scenario::parse_nat_mix(at("mix: lte", "mix")),
                    Catch::Contains("expected a named NAT mix (one of default, fixed-broadband, mobile-heavy)"));
  CHECK_THROWS_WITH(scenario::parse_nat_mix(at("mix: {preset: default, none: 1}", "mix")),
                    Catch::Contains("excludes other keys"));
}

TEST_CASE("STUN and TURN server keys", "[turn][scenario]") {
  const auto stun = scenario::parse_stun_server(at("stun: {port: 3478, alt_port: 3479, rfc5780: true}", "stun"));
  CHECK(stun.rfc5780);
  CHECK(stun.config.alt_port == 3479);
  const auto turn = scenario::parse_turn_server(at(R"(
turn:
  tls_port: 443
  lifetime: 10min
  max_allocations: 100
  max_allocations_per_client: 2
  capacity: 1Gbps
  allocation_rate: 2Mbps
  relay_addresses: [198.51.100.10, 198.51.100.11]
)", "turn"));
  CHECK(turn.default_lifetime == SimTime::s(600));
  CHECK(turn.max_allocations == 100);
  CHECK(turn.capacity_bps == 1e9);
  CHECK(turn.allocation_bps == 2e6);
  CHECK(turn.relay_addresses.size() == 2);
  CHECK_THROWS_WITH(scenario::parse_turn_server(at("turn: {relay_addresses: [1.2.3]}", "turn")),
                    Catch::Contains("IPv4"));
  CHECK_THROWS_WITH(scenario::parse_turn_server(at("turn: {lifetimes: 5s}", "turn")), Catch::Contains("lifetimes"));
}

TEST_CASE("NAT config: the Linux conntrack keys", "[nat][scenario]") {
  const nat::Preset bare = scenario::parse_nat_config(at("nat: {preset: linux-masquerade, inbound_firewall: none}", "nat"));
  REQUIRE(bare.layers.size() == 1);
  CHECK(bare.layers[0].inbound_creates_entry);
  CHECK(bare.layers[0].udp_stream_after == SimTime::s(2));
  CHECK_FALSE(bare.layers[0].hairpinning);
  CHECK(bare.layers[0].fallback == nat::PreserveFallback::linux_scan);
  const nat::Preset lm = scenario::parse_nat_config(at("nat: linux-masquerade", "nat"));
  CHECK_FALSE(lm.layers[0].inbound_creates_entry);  // default: drop
  const nat::Preset d = scenario::parse_nat_config(at("nat: {preset: linux-masquerade, udp_stream_after: 0s, port_fallback: linux}", "nat"));
  CHECK(d.layers[0].udp_stream_after == SimTime::zero());
  CHECK_THROWS_WITH(scenario::parse_nat_config(at("nat:\n  preset: full-cone\n  inbound_firewall: none\n", "nat")),
                    Catch::Contains("x.yaml:3:21") && Catch::Contains("port_reuse_per_destination"));
  CHECK_THROWS_WITH(scenario::parse_nat_config(at("nat:\n  preset: linux-masquerade\n  inbound_firewall: open\n", "nat")),
                    Catch::Contains("nat.inbound_firewall"));
}

TEST_CASE("NAT config: port-block allocation keys on a carrier layer", "[nat][scenario][cgn]") {
  const nat::Preset p = scenario::parse_nat_config(at(
      "nat: {preset: port-restricted-cone, carrier: {ports: random, port_block_size: 128, max_blocks_per_subscriber: 8}}",
      "nat"));
  REQUIRE(p.layers.size() == 2);
  CHECK(p.layers[0].port_block_size == 0);
  CHECK(p.layers[1].port_block_size == 128);
  CHECK(p.layers[1].max_blocks_per_subscriber == 8);
  CHECK_THROWS_WITH(scenario::parse_nat_config(at("nat:\n  port_block_size: 40000\n", "nat")),
                    Catch::Contains("x.yaml:2:20"));
}
