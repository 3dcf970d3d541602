// The nat-population `ipv6` section and `ice.mdns_host_candidates`: bad input names
// file:line:column; dual stack turns symmetric <-> symmetric sessions direct, and the
// IPv6 share is the fraction of hosts given IPv6, the same for a seed.
#include <catch2/catch.hpp>

#include "app/runner/runner.hpp"
#include "app/scenario/scenario_error.hpp"
#include "load_error.hpp"
#include "metric.hpp"

using namespace p2psim;

namespace {
std::string error_of(const std::string& text) { return test::load_error(text, "n.yaml"); }
const char* kBase = "name: t\nstudy: nat-population\npopulation: {sessions: 200, arrival_window: 1s}\n"
                    "nat_mix: {symmetric: 1}\n";
}  // namespace

TEST_CASE("ipv6 section: bad values are errors at their position", "[app][ipv6]") {
  CHECK_THAT(error_of(std::string(kBase) + "ipv6:\n  share: 1.5\n"),
             Catch::Contains("n.yaml:6:10") && Catch::Contains("ipv6.share"));
  CHECK_THAT(error_of(std::string(kBase) + "ipv6:\n  firewall: stateless\n"),
             Catch::Contains("n.yaml:6:13") && Catch::Contains("address-and-port-dependent"));
  CHECK_THAT(error_of(std::string(kBase) + "ipv6:\n  shares: 0.5\n"), Catch::Contains("n.yaml:6:3"));
  CHECK_THAT(error_of(std::string(kBase) + "ice:\n  mdns_host_candidates: maybe\n"),
             Catch::Contains("n.yaml:6:25") && Catch::Contains("ice.mdns_host_candidates"));
}

TEST_CASE("nat-population: the IPv6 share makes symmetric <-> symmetric sessions direct over IPv6", "[app][ipv6]") {
  auto run = [](const std::string& extra) {
    const auto s = runner::load_scenario_text(std::string(kBase) + extra, "p.yaml");
    return runner::run_scenario(s, {});
  };
  const auto v4 = run("");
  CHECK(test::metric(v4.runs.at(0).result, "relayed_fraction") == 1.0);
  CHECK(test::metric(v4.runs.at(0).result, "ipv6_host_fraction") == 0.0);
  const auto all = run("ipv6: {share: 1}\n");
  CHECK(test::metric(all.runs.at(0).result, "direct_fraction") == 1.0);
  CHECK(test::metric(all.runs.at(0).result, "ipv6_session_fraction") == 1.0);
  const auto half = run("ipv6: {share: 0.5}\n");
  const double hosts = test::metric(half.runs.at(0).result, "ipv6_host_fraction");
  // 400 hosts, Binomial(400, 0.5): sd 10 hosts = 0.025; within 5 sd.
  CHECK(hosts > 0.5 - 0.125);
  CHECK(hosts < 0.5 + 0.125);
  // A session is direct exactly when both of its hosts have IPv6.
  CHECK(test::metric(half.runs.at(0).result, "direct_fraction") ==
        test::metric(half.runs.at(0).result, "ipv6_session_fraction"));
  const auto again = run("ipv6: {share: 0.5}\n");
  CHECK(test::metric(again.runs.at(0).result, "ipv6_host_fraction") == hosts);
  // The firewall choice is read: open (REC-49 transparent mode) changes nothing here.
  const auto open = run("ipv6: {share: 1, firewall: open}\n");
  CHECK(test::metric(open.runs.at(0).result, "direct_fraction") == 1.0);
}
