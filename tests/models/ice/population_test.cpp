// The population runner: shards and threads, and whole-population outcomes that follow
// from the NAT definitions alone.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/ice/population.hpp"
#include "models/ice/turn_relay.hpp"
#include "models/nat/preset.hpp"

using namespace p2psim;
using namespace p2psim::ice;

namespace {

PopulationSpec mixed_spec(std::int64_t sessions) {
  PopulationSpec spec;
  spec.sessions = sessions;
  spec.arrival_window = SimTime::s(5);
  spec.cgn_subscribers = 7;  // several carrier NATs even in a small population
  const std::pair<const char*, double> mix[] = {{"none", 0.1},       {"full-cone", 0.2},   {"port-restricted-cone", 0.3},
                                                {"cgnat", 0.2},      {"symmetric", 0.2}};
  for (auto [name, w] : mix) spec.mix.push_back({name, nat::preset(name).layers, w});
  return spec;
}

void require_equal(const PopulationResult& a, const PopulationResult& b) {
  REQUIRE(a.sessions == b.sessions);
  REQUIRE(a.hosts == b.hosts);
  REQUIRE(a.direct == b.direct);
  REQUIRE(a.relayed == b.relayed);
  REQUIRE(a.failed == b.failed);
  REQUIRE(a.events == b.events);
  REQUIRE(a.control_packets == b.control_packets);
  REQUIRE(a.control_bytes == b.control_bytes);
  REQUIRE(a.turn_allocations == b.turn_allocations);
  const auto va = a.setup_s.values(), vb = b.setup_s.values();
  REQUIRE(std::vector<double>(va.begin(), va.end()) == std::vector<double>(vb.begin(), vb.end()));
  REQUIRE(a.by_pair.size() == b.by_pair.size());
  for (std::size_t i = 0; i < a.by_pair.size(); ++i) {
    REQUIRE(a.by_pair[i].direct == b.by_pair[i].direct);
    REQUIRE(a.by_pair[i].relayed == b.by_pair[i].relayed);
    REQUIRE(a.by_pair[i].failed == b.by_pair[i].failed);
  }
}

}  // namespace

TEST_CASE("population: results do not depend on the number of threads", "[population]") {
  PopulationSpec spec = mixed_spec(120);
  TurnRelayFactory relay;
  spec.relay = &relay;
  spec.shards = 3;
  const PopulationResult one = run_population(spec, 42, 1);
  const PopulationResult three = run_population(spec, 42, 3);
  require_equal(one, three);
  // Every session is accounted for, across the shards.
  REQUIRE(one.sessions == 120);
  REQUIRE(one.hosts == 240);
  REQUIRE(one.direct + one.relayed + one.failed == one.sessions);
  std::uint64_t by_pair = 0;
  for (const PairStats& p : one.by_pair) by_pair += p.direct + p.relayed + p.failed;
  REQUIRE(by_pair == one.sessions);
}

TEST_CASE("population: same seed gives the same result, another seed another draw", "[population]") {
  PopulationSpec spec = mixed_spec(60);
  spec.shards = 2;
  require_equal(run_population(spec, 7, 2), run_population(spec, 7, 2));
  const PopulationResult a = run_population(spec, 7, 2), b = run_population(spec, 8, 2);
  const auto va = a.setup_s.values(), vb = b.setup_s.values();
  REQUIRE(std::vector<double>(va.begin(), va.end()) != std::vector<double>(vb.begin(), vb.end()));
}

// RFC 4787: two address-and-port-dependent mappings with random ports (the symmetric
// preset) leave neither side an endpoint the other can predict or learn in time, so no
// direct path exists; with TURN every session relays. Full cones (EIM + EIF) always
// connect directly. Holds in every shard.
TEST_CASE("population: outcomes follow the NAT definitions in every shard", "[population]") {
  for (int shards : {1, 4}) {
    PopulationSpec sym;
    sym.sessions = 24;
    sym.arrival_window = SimTime::s(2);
    sym.shards = shards;
    sym.mix.push_back({"symmetric", nat::preset("symmetric").layers, 1});
    const PopulationResult none = run_population(sym, 3, 2);
    REQUIRE(none.failed == 24);
    TurnRelayFactory relay;
    sym.relay = &relay;
    const PopulationResult turn = run_population(sym, 3, 2);
    REQUIRE(turn.relayed == 24);
    REQUIRE(turn.turn_allocations == 48);

    PopulationSpec cone = sym;
    cone.relay = nullptr;
    cone.mix.clear();
    cone.mix.push_back({"full-cone", nat::preset("full-cone").layers, 1});
    REQUIRE(run_population(cone, 3, 2).direct == 24);
  }
}

TEST_CASE("population: bad shard counts are rejected", "[population]") {
  PopulationSpec spec = mixed_spec(4);
  spec.shards = 0;
  REQUIRE_THROWS_AS(run_population(spec, 1, 1), std::invalid_argument);
}
