#include <catch2/catch.hpp>

#include <limits>
#include <vector>

#include "models/media/max_min.hpp"

using namespace p2psim::media;
using Catch::Matchers::WithinRel;

TEST_CASE("max-min: a saturated link is shared equally", "[media][maxmin]") {
  // One link of capacity C, k flows each demanding more than C/k: each gets C/k.
  const double C = 3e6;
  const int k = 7;
  FlowSet flows;
  for (int i = 0; i < k; ++i) flows.add(1e9, {0u});
  const std::vector<double> cap{C};
  const MaxMinResult r = max_min_fair(cap, flows);
  for (int i = 0; i < k; ++i) CHECK_THAT(r.rate[i], WithinRel(C / k, 1e-12));
  CHECK(r.saturated[0]);
  CHECK_THAT(r.load[0], WithinRel(C, 1e-12));
  for (int i = 0; i < k; ++i) CHECK(r.bottleneck[i] == 0);
}

TEST_CASE("max-min: small flows keep their demand, the rest share what is left", "[media][maxmin]") {
  // Capacity 10 with demands 1, 2, 100, 100: the first two are satisfied, the big two
  // share 10 - 3 = 7 equally.
  FlowSet flows;
  flows.add(1, {0u});
  flows.add(2, {0u});
  flows.add(100, {0u});
  flows.add(100, {0u});
  const std::vector<double> cap{10};
  const MaxMinResult r = max_min_fair(cap, flows);
  CHECK(r.rate[0] == 1);
  CHECK(r.rate[1] == 2);
  CHECK_THAT(r.rate[2], WithinRel(3.5, 1e-12));
  CHECK_THAT(r.rate[3], WithinRel(3.5, 1e-12));
  CHECK(r.bottleneck[0] == -1);
  CHECK(r.bottleneck[2] == 0);
}

TEST_CASE("max-min: progressive filling on a two-link example", "[media][maxmin]") {
  // Link 0 (capacity 1): flows a, b.  Link 1 (capacity 2): flows b, c, d (d demands 0.2).
  // Filling: all rise together; d stops at its demand 0.2. Link 0 fills when 2x = 1, at
  // x = 0.5 (a, b frozen at 0.5; link 1 then carries 0.2 + 0.5 + 0.5 = 1.2 < 2). c keeps
  // rising alone until link 1 is full: c = 2 - 0.2 - 0.5 = 1.3.
  FlowSet flows;
  const auto a = flows.add(10, {0u});
  const auto b = flows.add(10, {0u, 1u});
  const auto c = flows.add(10, {1u});
  const auto d = flows.add(0.2, {1u});
  const std::vector<double> cap{1, 2};
  const MaxMinResult r = max_min_fair(cap, flows);
  CHECK_THAT(r.rate[a], WithinRel(0.5, 1e-12));
  CHECK_THAT(r.rate[b], WithinRel(0.5, 1e-12));
  CHECK_THAT(r.rate[c], WithinRel(1.3, 1e-12));
  CHECK_THAT(r.rate[d], WithinRel(0.2, 1e-12));
  CHECK(r.saturated[0]);
  CHECK(r.saturated[1]);
  CHECK(r.bottleneck[a] == 0);
  CHECK(r.bottleneck[c] == 1);
  CHECK(r.bottleneck[d] == -1);
}

TEST_CASE("max-min: Bertsekas-Gallager example with a long flow", "[media][maxmin]") {
  // Three links of capacity 1 in a line; flow 0 crosses all three, flows 1..3 one link
  // each, link 2 also carries flow 4. Link 2 has three flows and fills first at 1/3
  // (flows 0, 3, 4 = 1/3); links 0 and 1 then give their remaining 2/3 to flows 1 and 2.
  FlowSet flows;
  flows.add(5, {0u, 1u, 2u});
  flows.add(5, {0u});
  flows.add(5, {1u});
  flows.add(5, {2u});
  flows.add(5, {2u});
  const std::vector<double> cap{1, 1, 1};
  const MaxMinResult r = max_min_fair(cap, flows);
  CHECK_THAT(r.rate[0], WithinRel(1.0 / 3, 1e-12));
  CHECK_THAT(r.rate[1], WithinRel(2.0 / 3, 1e-12));
  CHECK_THAT(r.rate[2], WithinRel(2.0 / 3, 1e-12));
  CHECK_THAT(r.rate[3], WithinRel(1.0 / 3, 1e-12));
  CHECK_THAT(r.rate[4], WithinRel(1.0 / 3, 1e-12));
  for (int l = 0; l < 3; ++l) CHECK(r.saturated[l]);
}

TEST_CASE("max-min: unlimited links and zero demands", "[media][maxmin]") {
  const double inf = std::numeric_limits<double>::infinity();
  FlowSet flows;
  flows.add(4, {0u, 1u});
  flows.add(0, {0u});
  flows.add(6, {1u});
  const std::vector<double> cap{inf, 8};
  const MaxMinResult r = max_min_fair(cap, flows);
  CHECK(r.rate[0] == 4);  // 4 + 6 > 8: both rise to 4, flow 0 stops at its demand 4
  CHECK(r.rate[1] == 0);
  CHECK_THAT(r.rate[2], WithinRel(4.0, 1e-12));
  CHECK_FALSE(r.saturated[0]);
  CHECK(r.saturated[1]);
}

TEST_CASE("max-min: water level with many distinct demands, in any flow order", "[media][maxmin]") {
  // 60 flows on one link of capacity 600, demands 1..60: flows 1..10 keep their demand
  // (55 in all) and the other 50 share 545 equally, 10.9 each (flow 11 asks 11 > 10.9).
  // 60 distinct demands take the comparison-sort path; the same demands with each value
  // repeated (30 distinct, added in a scrambled order) take the counting path.
  auto check = [](const std::vector<double>& demands, double capacity, double level) {
    FlowSet fs;
    for (double d : demands) fs.add(d, {0u});
    const std::vector<double> cap{capacity};
    MaxMinWorkspace ws;
    MaxMinResult r;
    max_min_fair(cap, fs, ws, r);
    for (std::size_t f = 0; f < demands.size(); ++f)
      CHECK_THAT(r.rate[f], WithinRel(std::min(demands[f], level), 1e-12));
    CHECK(r.saturated[0]);
  };
  std::vector<double> many;
  for (int i = 60; i >= 1; --i) many.push_back(i);
  check(many, 600, 10.9);
  std::vector<double> pairs;
  for (int k = 0; k < 60; ++k) pairs.push_back(1 + (k * 7) % 30);
  // Demands 1..30 twice; capacity 2 x (1+..+5) + 50 x 5.5 = 30 + 275 = 305: level 5.5.
  check(pairs, 305, 5.5);
}
