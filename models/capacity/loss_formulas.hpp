// Closed forms of loss systems, used by `p2psim plan` to bracket a fleet size before
// simulating and by tests as expected values.
//   Erlang-B: blocking of c servers offered E Erlangs (M/G/c/c, insensitive to the holding
//     distribution): B(E,0) = 1, B(E,k) = E B(E,k-1) / (k + E B(E,k-1)) (Erlang 1917).
//   Kaufman-Roberts: a link of C units offered classes k of a_k Erlangs each needing b_k
//     units: j q(j) = sum_k a_k b_k q(j - b_k), q(0) = 1; class k is blocked in the states
//     j > C - b_k (Kaufman 1981; Roberts 1981).
#pragma once

#include <cstdint>
#include <vector>

namespace p2psim::capacity {

// Precondition: erlangs >= 0, servers >= 0.
double erlang_b(double erlangs, std::int64_t servers);

// The smallest c >= 0 with erlang_b(erlangs, c) <= target. Precondition: 0 < target <= 1.
std::int64_t erlang_b_servers(double erlangs, double target);

struct LossClass {
  double erlangs = 0;
  std::int64_t units = 1;  // >= 1
};
// Per-class blocking probabilities on a link of `capacity` units (>= 0).
std::vector<double> kaufman_roberts(const std::vector<LossClass>& classes, std::int64_t capacity);

}  // namespace p2psim::capacity
