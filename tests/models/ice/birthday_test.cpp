#include <catch2/catch.hpp>

#include <cmath>

#include "models/ice/birthday.hpp"

using namespace p2psim;
using namespace p2psim::ice;

TEST_CASE("birthday probing: analytic probability matches its definition", "[ice][birthday]") {
  for (std::int64_t n : {1, 174, 256, 1024, 2048}) {
    const double expect = 1.0 - std::pow(1.0 - 256.0 / 65536.0, static_cast<double>(n));
    CHECK(birthday_success_probability(256, n) == Approx(expect).epsilon(1e-12));
  }
  // Distinct probes: 1 - C(R-k, n)/C(R, n) on a tiny range, by counting.
  // R = 6, k = 2, n = 2: misses = C(4,2) = 6 of C(6,2) = 15 => P = 9/15.
  CHECK(birthday_success_probability_distinct(2, 2, 6) == Approx(9.0 / 15.0));
  CHECK(birthday_success_probability_distinct(256, 174) >= birthday_success_probability(256, 174));
  const std::int64_t n = birthday_probes_for(0.5, 256);
  CHECK(birthday_success_probability(256, n) >= 0.5);
  CHECK(birthday_success_probability(256, n - 1) < 0.5);
}

TEST_CASE("birthday probing: Monte Carlo success rate within a 99.9% interval of the formula", "[ice][birthday]") {
  struct Case { std::int64_t k, n; bool distinct; };
  for (Case c : {Case{256, 174, false}, Case{256, 64, false}, Case{64, 512, true}, Case{16, 2048, false}}) {
    const int trials = 3000;
    int hits = 0;
    for (int s = 0; s < trials; ++s) {
      Rng rng = Rng::stream(static_cast<std::uint64_t>(s) + 1, "birthday");
      hits += birthday_trial(rng, c.k, c.n, 65536, c.distinct).success;
    }
    const double p = c.distinct ? birthday_success_probability_distinct(c.k, c.n) : birthday_success_probability(c.k, c.n);
    const double se = std::sqrt(p * (1 - p) / trials);
    const double rate = static_cast<double>(hits) / trials;
    INFO("k=" << c.k << " n=" << c.n << " p=" << p << " rate=" << rate);
    CHECK(std::fabs(rate - p) <= 3.29 * se);  // two-sided 99.9% normal interval
  }
}
