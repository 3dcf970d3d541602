// The ICE/NAT study kinds: bad input names file:line:column; small runs report
// consistent fractions.
#include <catch2/catch.hpp>

#include "app/runner/runner.hpp"
#include "app/scenario/scenario_error.hpp"
#include "load_error.hpp"
#include "metric.hpp"

using namespace p2psim;

namespace {
std::string error_of(const std::string& text) { return test::load_error(text, "n.yaml"); }
}  // namespace

TEST_CASE("nat study kinds reject bad input with file:line:column", "[app][ice]") {
  CHECK_THAT(error_of("name: t\nstudy: nat-population\nnat_mix:\n  fancy-nat: 1\n"),
             Catch::Contains("n.yaml:4:14") && Catch::Contains("unknown NAT preset \"fancy-nat\""));
  CHECK_THAT(error_of("name: t\nstudy: nat-population\nnat_mix: {none: 1}\npopulation:\n  sesions: 3\n"),
             Catch::Contains("n.yaml:5:3") && Catch::Contains("sesions"));
  CHECK_THAT(error_of("name: t\nstudy: nat-matrix\nmatrix:\n  presets: [none, cone]\n"),
             Catch::Contains("n.yaml:4:19") && Catch::Contains("cone"));
  CHECK_THAT(error_of("name: t\nstudy: nat-population\nnat_mix: {none: 1}\nice:\n  keepalive_interval: 5s\n"),
             Catch::Contains("n.yaml:5:23") && Catch::Contains("RFC 8445"));
  CHECK_THAT(error_of("name: t\nstudy: rustdesk\nnat_mix: {none: 1}\nrustdesk:\n  punch_timeout: soon\n"),
             Catch::Contains("n.yaml:5:18"));
  CHECK_THAT(error_of("name: t\nstudy: group-call\nconnectivity:\n  relayed_fraction: 0.1\n  nat_mix: {none: 1}\n"),
             Catch::Contains("n.yaml:5:12") && Catch::Contains("excludes"));
}

TEST_CASE("nat-population: fractions sum to one, public hosts always connect directly", "[app][ice]") {
  const auto s = runner::load_scenario_text(
      "name: t\nstudy: nat-population\npopulation: {sessions: 50, arrival_window: 1s}\nnat_mix: {none: 1}\n", "p.yaml");
  const auto r = runner::run_scenario(s, {});
  auto metric = [&](const std::string& n) { return test::metric(r.runs.at(0).result, n); };
  CHECK(metric("direct_fraction") == 1.0);
  CHECK(metric("relayed_fraction") + metric("failed_fraction") == 0.0);
  CHECK(metric("sessions") == 50);
}

TEST_CASE("nat-population: shards split the population, every session counted once", "[app][ice]") {
  CHECK_THAT(error_of("name: t\nstudy: nat-population\nnat_mix: {none: 1}\npopulation:\n  shards: 0\n"),
             Catch::Contains("n.yaml:5:11") && Catch::Contains("population.shards"));
  const auto s = runner::load_scenario_text(
      "name: t\nstudy: nat-population\npopulation: {sessions: 41, arrival_window: 1s, shards: 3}\n"
      "nat_mix: {full-cone: 1, symmetric: 1}\nservers: {turn: {enabled: false}}\n",
      "p.yaml");
  const auto r = runner::run_scenario(s, {});
  auto metric = [&](const std::string& n) { return test::metric(r.runs.at(0).result, n); };
  CHECK(metric("sessions") == 41);
  CHECK(metric("direct_fraction") + metric("relayed_fraction") + metric("failed_fraction") == Approx(1.0));
  // RFC 4787: APDM with random ports on both sides leaves no direct path; without TURN
  // such sessions fail, and full cones on either side connect.
  CHECK(metric("pair_symmetric__symmetric_failed_fraction") == 1.0);
  CHECK(metric("pair_full_cone__full_cone_direct_fraction") == 1.0);
  CHECK(metric("pair_full_cone__full_cone_sessions") + metric("pair_full_cone__symmetric_sessions") +
            metric("pair_symmetric__symmetric_sessions") ==
        41);
}

TEST_CASE("nat-population: shard_sessions bounds the sessions per shard", "[app][ice]") {
  CHECK_THAT(error_of("name: t\nstudy: nat-population\nnat_mix: {none: 1}\npopulation:\n  shard_sessions: -1\n"),
             Catch::Contains("n.yaml:5:19") && Catch::Contains("population.shard_sessions"));
  // ceil(41 / 15) = 3 shards: the same runs, and so byte for byte the same metrics, as
  // shards: 3; a larger `shards` wins over a looser bound.
  auto run = [](const std::string& population) {
    const auto s = runner::load_scenario_text("name: t\nstudy: nat-population\npopulation: {sessions: 41, arrival_window: 1s, " +
                                                  population +
                                                  "}\nnat_mix: {full-cone: 1, symmetric: 1}\nservers: {turn: {enabled: false}}\n",
                                              "p.yaml");
    std::vector<std::pair<std::string, double>> out;
    const auto r = runner::run_scenario(s, {});
    for (const study::Metric& m : r.runs.at(0).result.metrics) out.emplace_back(m.name, m.value);
    return out;
  };
  const auto by_bound = run("shard_sessions: 15");
  CHECK(by_bound == run("shards: 3"));
  CHECK(by_bound != run("shards: 1"));
  CHECK(run("shards: 4, shard_sessions: 40") == run("shards: 4"));
}

TEST_CASE("nat-population: ice.relay_policy and ice.relay_fallback_after", "[app][ice][relaypolicy]") {
  CHECK_THAT(error_of("name: t\nstudy: nat-population\nnat_mix: {none: 1}\nice:\n  relay_policy: sometimes\n"),
             Catch::Contains("n.yaml:5:17") && Catch::Contains("on-failure"));
  CHECK_THAT(error_of("name: t\nstudy: nat-population\nnat_mix: {none: 1}\nice:\n  relay_fallback_after: -1s\n"),
             Catch::Contains("n.yaml:5:25"));
  // Cones connect directly: under on-failure nobody allocates; under always everyone does.
  auto run = [](const std::string& policy) {
    const auto s = runner::load_scenario_text(
        "name: t\nstudy: nat-population\npopulation: {sessions: 20, arrival_window: 1s}\n"
        "nat_mix: {port-restricted-cone: 1}\nice: {relay_policy: " +
            policy + ", relay_fallback_after: 3s}\n",
        "p.yaml");
    return runner::run_scenario(s, {});
  };
  const auto on = run("on-failure"), al = run("always");
  CHECK(test::metric(on.runs.at(0).result, "direct_fraction") == 1.0);
  CHECK(test::metric(on.runs.at(0).result, "turn_allocations") == 0);
  CHECK(test::metric(on.runs.at(0).result, "relay_fallbacks") == 0);
  CHECK(test::metric(al.runs.at(0).result, "direct_fraction") == 1.0);
  CHECK(test::metric(al.runs.at(0).result, "turn_allocations") == 40);
  CHECK(test::metric(al.runs.at(0).result, "relay_fallbacks") == 0);
}

TEST_CASE("nat-population: ice.trickle (default on) removes the STUN wait of UDP-blocked hosts",
          "[app][ice][trickle]") {
  CHECK_THAT(error_of("name: t\nstudy: nat-population\nnat_mix: {none: 1}\nice:\n  trickle: maybe\n"),
             Catch::Contains("n.yaml:5:12"));
  auto run = [](const std::string& ice) {
    const auto s = runner::load_scenario_text(
        "name: t\nstudy: nat-population\npopulation: {sessions: 10, arrival_window: 1s}\n"
        "nat_mix: {udp-blocked: 0.5, port-restricted-cone: 0.5}\n" + ice,
        "p.yaml");
    return runner::run_scenario(s, {});
  };
  const auto trickle = run(""), vanilla = run("ice: {trickle: false}\n");
  // Same outcomes (they follow the NATs' behaviour); vanilla sessions with a UDP-blocked
  // side wait for the 39.5 s STUN timeout (RFC 8489 6.2.1) before the offer or answer.
  CHECK(test::metric(trickle.runs.at(0).result, "direct_fraction") ==
        test::metric(vanilla.runs.at(0).result, "direct_fraction"));
  CHECK(test::metric(vanilla.runs.at(0).result, "setup_time_p95_s") > 39.5);
  CHECK(test::metric(trickle.runs.at(0).result, "setup_time_p95_s") < 3.95);
}

TEST_CASE("ice-network-change: restart recovers, its interruption is detection + restart setup", "[app][ice][restart]") {
  CHECK_THAT(error_of("name: t\nstudy: ice-network-change\nnetwork_change:\n  detect: psychic\n"),
             Catch::Contains("n.yaml:4:11") && Catch::Contains("consent"));
  CHECK_THAT(error_of("name: t\nstudy: ice-network-change\nnetwork_change: {at: 30s, run_for: 20s}\n"),
             Catch::Contains("run_for") && Catch::Contains("longer than network_change.at"));
  CHECK_THAT(error_of("name: t\nstudy: ice-network-change\nnetwork_change: {}\nice: {nomination: regular, renomination: true}\n"),
             Catch::Contains("renomination"));
  // Public hosts on every side, no TURN: the restart is the 102 ms two-public-host setup of
  // tests/models/ice/nomination_test.cpp (two 31 ms signalling legs, 20 ms paths).
  const auto s = runner::load_scenario_text(
      "name: t\nstudy: ice-network-change\nnetwork_change: {before: none, after: none, peer: none, at: 10s, "
      "run_for: 30s, detect: interface, turn: false}\n",
      "c.yaml");
  const auto r = runner::run_scenario(s, {});
  auto metric = [&](const std::string& n) { return test::metric(r.runs.at(0).result, n); };
  CHECK(metric("connected") == 1);
  CHECK(metric("recovered") == 1);
  CHECK(metric("restarts") == 1);
  CHECK(metric("detection_s") == 0);
  CHECK(metric("restart_setup_s") == Approx(0.102));
  CHECK(metric("interruption_s") == Approx(0.102));
  CHECK(metric("outcome_after") == 2);
}

TEST_CASE("nat-population: servers.turn.relay_addresses multiplies the relay ports", "[app][ice][turn]") {
  CHECK_THAT(error_of("name: t\nstudy: nat-population\nnat_mix: {none: 1}\nservers: {turn: {relay_addresses: 0}}\n"),
             Catch::Contains("n.yaml:4:35") && Catch::Contains("relay_addresses"));
  // 9,000 sessions between symmetric NATs: no direct path (RFC 4787 APDM, random ports), so
  // every session needs a relay, and every one of the 18,000 hosts allocates (policy
  // always). One relay address has 16,384 relay ports (49152-65535, RFC 8656 7.2): some
  // hosts get no relayed candidate and the sessions where neither side has one fail.
  // Two addresses have 32,768 ports: every session is relayed.
  const auto run = [](int addresses) {
    const auto s = runner::load_scenario_text(
        "name: t\nstudy: nat-population\npopulation: {sessions: 9000, arrival_window: 20s}\n"
        "nat_mix: {symmetric: 1}\nice: {relay_policy: always}\nservers: {turn: {relay_addresses: " +
            std::to_string(addresses) + "}}\n",
        "p.yaml");
    return runner::run_scenario(s, {});
  };
  const auto one = run(1);
  const auto two = run(2);
  CHECK(test::metric(one.runs.at(0).result, "failed_fraction") > 0.0);
  CHECK(test::metric(two.runs.at(0).result, "failed_fraction") == 0.0);
  CHECK(test::metric(two.runs.at(0).result, "relayed_fraction") == 1.0);
}
