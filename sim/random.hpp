// Seeded random streams with p2psim's own distributions.
//
// Every entity draws from its own stream, derived from (scenario seed, entity key), so
// adding an entity or constructing objects in another order never changes what the
// others draw (ns-3's per-entity streams, without its global stream numbering).
// The generator is xoshiro256** (Blackman & Vigna 2018), seeded through splitmix64; the
// distributions use inversion or rejection with p2psim::det math, never <random>'s
// implementation-defined distributions, so a seed yields the same numbers on every
// platform and compiler.
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/det_math.hpp"

namespace p2psim {

// Mixes a 64-bit value (splitmix64 finaliser). Bijective.
std::uint64_t mix64(std::uint64_t x);

// Seed of the stream named `key` under `seed`. Stable forever: changing it changes
// every published result.
std::uint64_t derive_seed(std::uint64_t seed, std::string_view key);
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index);

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0);
  // The stream for entity `key` under scenario seed `seed`.
  static Rng stream(std::uint64_t seed, std::string_view key) { return Rng(derive_seed(seed, key)); }

  std::uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform01();
  // Uniform in (0, 1]: safe to take the logarithm of.
  double uniform_open0();
  // Uniform integer in [0, n) without modulo bias (Lemire's method). Precondition: n > 0.
  std::uint64_t below(std::uint64_t n);
  // Uniform in [a, b).
  double uniform(double a, double b);
  bool bernoulli(double p);
  // Exponential with the given mean (> 0).
  double exponential(double mean);
  // Normal (Marsaglia's polar method).
  double normal(double mean, double stddev);
  // exp(N(mu, sigma)): mu and sigma are of the underlying normal.
  double lognormal(double mu, double sigma);
  // Weibull with shape k > 0 and scale lambda > 0 (mean lambda * Gamma(1 + 1/k)).
  double weibull(double shape, double scale);
  // Pareto (type I) with shape alpha > 0 and minimum xm > 0.
  double pareto(double shape, double xm);

 private:
  __extension__ typedef unsigned __int128 U128;
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t below_slow(std::uint64_t n, U128 m);
  std::uint64_t s_[4];
};

// The generator and the draws used on hot paths are inline (one event typically draws
// one or two numbers; a call per draw is a measurable share of a cheap event).
inline std::uint64_t Rng::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

inline double Rng::uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
inline double Rng::uniform_open0() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }

inline std::uint64_t Rng::below(std::uint64_t n) {
  const U128 m = static_cast<U128>(next_u64()) * n;
  if (static_cast<std::uint64_t>(m) < n) [[unlikely]]
    return below_slow(n, m);  // may reject (probability below n / 2^64)
  return static_cast<std::uint64_t>(m >> 64);
}

inline double Rng::exponential(double mean) { return -mean * det::log(uniform_open0()); }

}  // namespace p2psim
