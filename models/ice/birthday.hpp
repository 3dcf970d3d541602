// Birthday-paradox hole punching against endpoint-dependent ("hard") NATs, beyond ICE.
//
// The hard side opens k mappings (sends from k local sockets towards the easy side's
// public address, each getting a random external port); the easy side sends n probes to
// distinct random ports of the hard side's public address. A probe hits when it lands
// on one of the k open ports. With ports drawn uniformly from a range of R ports,
//   P(success) = 1 - (1 - k/R)^n                      (with replacement, R = 65536)
// which is the figure Tailscale gives ("How NAT traversal works", 2020). Probing
// distinct ports (without replacement) gives the exact hypergeometric complement
//   P = 1 - C(R-k, n) / C(R, n), slightly higher.
// When both sides are hard (both endpoint-dependent), a packet must hit an open port
// pair on both ends at once; Tailscale estimates the chance per probe as about
// 1/2^32 times the product of open mappings, i.e. n^2 / 2^32 expected hits for n
// probes and n mappings: practically hopeless, so p2psim only punches hard<->easy.
#pragma once

#include <cstdint>

#include "sim/random.hpp"

namespace p2psim::ice {

// 1 - (1 - k/range)^n. Preconditions: 0 <= k <= range, range > 0.
double birthday_success_probability(std::int64_t k, std::int64_t n, std::int64_t range = 65536);

// 1 - C(range-k, n) / C(range, n): probes to n distinct ports. Preconditions as above, n <= range.
double birthday_success_probability_distinct(std::int64_t k, std::int64_t n, std::int64_t range = 65536);

// Smallest n with birthday_success_probability(k, n, range) >= p. Precondition: 0 < p < 1, k >= 1.
std::int64_t birthday_probes_for(double p, std::int64_t k, std::int64_t range = 65536);

struct BirthdayTrial {
  bool success = false;
  std::int64_t probes_sent = 0;  // probes until the first hit (n if none hit)
};

// One Monte Carlo punching attempt: the hard side's k open ports are drawn at random
// without repetition from [0, range) (a random-port NAT allocating k mappings); the easy
// side sends up to n probes to ports drawn uniformly with replacement (`distinct` false)
// or without (`distinct` true). Stops at the first hit.
BirthdayTrial birthday_trial(Rng& rng, std::int64_t k, std::int64_t n, std::int64_t range = 65536,
                             bool distinct = false);

}  // namespace p2psim::ice
