// Erlang-B and Kaufman-Roberts as p2psim plan uses them, against hand computation.
#include <catch2/catch.hpp>

#include "models/capacity/loss_formulas.hpp"

using namespace p2psim::capacity;

TEST_CASE("Erlang-B: closed form and the inverse used to bracket a fleet", "[capacity][loss]") {
  // B(2, 2) = (2^2 / 2!) / (1 + 2 + 2) = 2 / 5.
  CHECK(erlang_b(2, 2) == Approx(0.4));
  CHECK(erlang_b(50, 53) == Approx(0.0720).margin(5e-5));  // scenarios/erlang-check.yaml
  CHECK(erlang_b(3, 0) == 1.0);
  // The inverse: B(2, 4) = (16/24) / (1 + 2 + 2 + 8/6 + 16/24) = 0.09524 > 5%,
  // B(2, 5) = (32/120) / (7 + 32/120) = 0.03670 <= 5%: 5 servers.
  CHECK(erlang_b(2, 4) == Approx(0.095238).epsilon(1e-4));
  CHECK(erlang_b(2, 5) == Approx(0.036697).epsilon(1e-4));
  CHECK(erlang_b_servers(2, 0.05) == 5);
  CHECK(erlang_b_servers(0, 0.01) == 1);  // B(E, 0) = 1 by definition; B(0, 1) = 0
}

TEST_CASE("Kaufman-Roberts: one class is Erlang-B, two classes by hand", "[capacity][loss]") {
  const std::vector<double> one = kaufman_roberts({{50, 1}}, 53);
  CHECK(one.at(0) == Approx(erlang_b(50, 53)));
  // C = 2, class 1: 1 Erlang x 1 unit, class 2: 1 Erlang x 2 units.
  // q(0) = 1, q(1) = 1, q(2) = (1 x 1 x q(1) + 1 x 2 x q(0)) / 2 = 1.5; total 3.5.
  // Class 1 is blocked in state 2: 1.5 / 3.5; class 2 in states 1 and 2: 2.5 / 3.5.
  const std::vector<double> two = kaufman_roberts({{1, 1}, {1, 2}}, 2);
  CHECK(two.at(0) == Approx(1.5 / 3.5));
  CHECK(two.at(1) == Approx(2.5 / 3.5));
  // Large links stay finite (the state weights are rescaled).
  const std::vector<double> big = kaufman_roberts({{5000, 1}, {500, 4}}, 8000);
  CHECK(big.at(0) >= 0);
  CHECK(big.at(0) <= big.at(1));
  CHECK(big.at(1) < 1);
}
