// Named NAT mixes in the scenario studies: `nat_mix: <name>` and `{preset: <name>}` give
// the same run as the explicit map of the documented shares (docs/models/ice.md), in
// nat-population, rustdesk and group-call; capacity `access.<p>.nat` takes the same names;
// an unknown name is an error at its file:line:column listing the names.
#include <catch2/catch.hpp>

#include <memory>

#include "app/runner/runner.hpp"
#include "app/scenario/scenario_error.hpp"
#include "app/study/capacity_spec_parser.hpp"
#include "load_error.hpp"

using namespace p2psim;

namespace {
std::string error_of(const std::string& text) { return test::load_error(text, "m.yaml"); }

std::vector<study::Metric> metrics_of(const std::string& text) {
  const auto s = runner::load_scenario_text(text, "m.yaml");
  return runner::run_scenario(s, {}).runs.at(0).result.metrics;
}

void check_same(const std::vector<study::Metric>& a, const std::vector<study::Metric>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CAPTURE(a[i].name);
    CHECK(a[i].name == b[i].name);
    CHECK(a[i].value == b[i].value);
  }
}

// mobile-heavy as written in docs/models/ice.md, "Population NAT mix".
const std::string kMobileHeavyMap =
    "{none: 0.03, full-cone: 0.02, restricted-cone: 0.04, port-restricted-cone: 0.10, linux-masquerade: 0.10, "
    "cgnat: 0.45, symmetric: 0.20, symmetric-sequential: 0.02, udp-blocked: 0.04}";
}  // namespace

TEST_CASE("nat_mix by name: the same nat-population and rustdesk runs as the explicit map", "[app][mix]") {
  const std::string pop = "name: t\nstudy: nat-population\nseed: 3\npopulation: {sessions: 60, arrival_window: 1s}\n";
  const auto explicit_map = metrics_of(pop + "nat_mix: " + kMobileHeavyMap + "\n");
  check_same(metrics_of(pop + "nat_mix: mobile-heavy\n"), explicit_map);
  check_same(metrics_of(pop + "nat_mix: {preset: mobile-heavy}\n"), explicit_map);
  const std::string rd = "name: t\nstudy: rustdesk\nseed: 3\npopulation: {sessions: 20, arrival_window: 1s}\n";
  check_same(metrics_of(rd + "nat_mix: mobile-heavy\n"), metrics_of(rd + "nat_mix: " + kMobileHeavyMap + "\n"));
}

TEST_CASE("connectivity.nat_mix by name: the same group-call run as the explicit map", "[app][mix]") {
  const std::string call = "name: t\nstudy: group-call\nseed: 2\ncall: {topology: mesh, group_size: 3}\n";
  check_same(metrics_of(call + "connectivity: {nat_mix: fixed-broadband}\n"),
             metrics_of(call +
                        "connectivity: {nat_mix: {none: 0.05, full-cone: 0.05, restricted-cone: 0.12, "
                        "port-restricted-cone: 0.25, linux-masquerade: 0.25, cgnat: 0.10, symmetric: 0.15, "
                        "symmetric-sequential: 0.02, udp-blocked: 0.01}}\n"));
}

TEST_CASE("nat_mix: an unknown name is an error with file:line:column and the valid names", "[app][mix]") {
  const std::string names = "one of default, fixed-broadband, mobile-heavy";
  CHECK_THAT(error_of("name: t\nstudy: nat-population\nnat_mix: mobile-hevy\n"),
             Catch::StartsWith("m.yaml:3:10: nat_mix: expected a named NAT mix (" + names) &&
                 Catch::Contains("got \"mobile-hevy\""));
  CHECK_THAT(error_of("name: t\nstudy: nat-population\nnat_mix: {preset: nope}\n"),
             Catch::StartsWith("m.yaml:3:19: nat_mix.preset: expected a named NAT mix (" + names));
  CHECK_THAT(error_of("name: t\nstudy: nat-population\nnat_mix: {preset: default, cgnat: 1}\n"),
             Catch::StartsWith("m.yaml:3:35: nat_mix.cgnat: \"preset\" names a NAT mix and excludes other keys"));
  CHECK_THAT(error_of("name: t\nstudy: group-call\nconnectivity:\n  nat_mix: lte\n"),
             Catch::StartsWith("m.yaml:4:12: connectivity.nat_mix: expected a named NAT mix (" + names));
  CHECK_THAT(error_of("name: t\nstudy: capacity\npopulation:\n  access:\n    cell: {nat: lte}\n"),
             Catch::StartsWith("m.yaml:5:17: population.access.cell.nat: expected a named NAT mix (" + names));
}

TEST_CASE("nat-population: cgn_subscribers must fit the carrier NAT's port blocks", "[app][mix][cgn]") {
  // 64,512 ports (1024-65535) / 128 = 504 blocks per carrier address (cgnat preset).
  CHECK_THAT(error_of("name: t\nstudy: nat-population\npopulation:\n  cgn_subscribers: 505\nnat_mix: {cgnat: 1}\n"),
             Catch::StartsWith("m.yaml:4:20: population.cgn_subscribers: cgn_subscribers (505) exceeds the 504 port "
                               "blocks of 128 ports"));
  CHECK(error_of("name: t\nstudy: nat-population\npopulation:\n  cgn_subscribers: 504\nnat_mix: {cgnat: 1}\n") ==
        "no error");
  CHECK(error_of("name: t\nstudy: nat-population\npopulation:\n  cgn_subscribers: 5000\nnat_mix: {symmetric: 1}\n") ==
        "no error");  // no carrier NAT, no blocks
}

TEST_CASE("capacity access.<p>.nat by name: the named mix's effective behaviours, and `default` by default",
          "[app][mix][capacity]") {
  auto parse = [](const std::string& yaml) {
    const auto file = std::make_shared<const std::string>("c.yaml");
    return study::parse_capacity(scenario::Field(YAML::Load(yaml), "", file)).spec;
  };
  using capacity::Filtering;
  using capacity::Mapping;
  const auto named = parse("population:\n  access:\n    cell: {nat: mobile-heavy}\n    home: {nat: {preset: default}}\n");
  REQUIRE(named.population.access.size() == 2);
  const auto& cell = named.population.access[0].nat_mix;
  // mobile-heavy in preset order; effective behaviour through the layers (cgnat: EIM + APDF,
  // udp-blocked: EIM + APDF with UDP blocked, none: public).
  const std::vector<std::tuple<Mapping, Filtering, bool, double>> want = {
      {Mapping::kNone, Filtering::kEndpointIndependent, false, 0.03},
      {Mapping::kEndpointIndependent, Filtering::kEndpointIndependent, false, 0.02},
      {Mapping::kEndpointIndependent, Filtering::kAddressDependent, false, 0.04},
      {Mapping::kEndpointIndependent, Filtering::kAddressPortDependent, false, 0.10},
      {Mapping::kEndpointIndependent, Filtering::kAddressPortDependent, false, 0.10},
      {Mapping::kEndpointIndependent, Filtering::kAddressPortDependent, false, 0.45},
      {Mapping::kAddressPortDependent, Filtering::kAddressPortDependent, false, 0.20},
      {Mapping::kAddressPortDependent, Filtering::kAddressPortDependent, false, 0.02},
      {Mapping::kEndpointIndependent, Filtering::kAddressPortDependent, true, 0.04}};
  REQUIRE(cell.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    CHECK(cell[i].nat.mapping == std::get<0>(want[i]));
    CHECK(cell[i].nat.filtering == std::get<1>(want[i]));
    CHECK(cell[i].nat.udp_blocked == std::get<2>(want[i]));
    CHECK(cell[i].share == Approx(std::get<3>(want[i])).margin(1e-12));
  }
  // Without `nat` (and without `population`) a profile gets the `default` named mix.
  const auto home = named.population.access[1].nat_mix;
  const auto none = parse("population:\n  access:\n    a: {}\n").population.access[0].nat_mix;
  const auto top = parse("{}").population.access[0].nat_mix;
  REQUIRE(home.size() == 9);
  REQUIRE(none.size() == home.size());
  REQUIRE(top.size() == home.size());
  for (std::size_t i = 0; i < home.size(); ++i) {
    CHECK(none[i].share == home[i].share);
    CHECK(top[i].share == home[i].share);
    CHECK(none[i].nat.mapping == home[i].nat.mapping);
  }
  CHECK(home[5].share == Approx(0.18).margin(1e-12));  // cgnat row of `default`
}
