#include "sim/random.hpp"

#include <cmath>

#include "sim/det_math.hpp"

namespace p2psim {

std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t derive_seed(std::uint64_t seed, std::string_view key) {
  // FNV-1a over the key, then mixed with the seed.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return mix64(mix64(seed + 0x9e3779b97f4a7c15ULL) ^ h);
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index) {
  return mix64(mix64(seed + 0x9e3779b97f4a7c15ULL) ^ mix64(index + 0x632be59bd9b4e019ULL));
}

Rng::Rng(std::uint64_t seed) {
  std::uint64_t x = seed;
  for (auto& s : s_) {
    x += 0x9e3779b97f4a7c15ULL;
    s = mix64(x);
  }
}

// Lemire's method, the rare branch (low half of the product below n): the draw is
// rejected, and redrawn, only while the low half is below 2^64 mod n.
std::uint64_t Rng::below_slow(std::uint64_t n, U128 m) {
  const std::uint64_t threshold = (0 - n) % n;
  while (static_cast<std::uint64_t>(m) < threshold) m = static_cast<U128>(next_u64()) * n;
  return static_cast<std::uint64_t>(m >> 64);
}

double Rng::uniform(double a, double b) { return a + (b - a) * uniform01(); }
bool Rng::bernoulli(double p) { return uniform01() < p; }

double Rng::normal(double mean, double stddev) {
  for (;;) {
    const double u = 2.0 * uniform01() - 1.0;
    const double v = 2.0 * uniform01() - 1.0;
    const double q = u * u + v * v;
    if (q >= 1.0 || q == 0.0) continue;
    return mean + stddev * u * std::sqrt(-2.0 * det::log(q) / q);
  }
}

double Rng::lognormal(double mu, double sigma) { return det::exp(normal(mu, sigma)); }

double Rng::weibull(double shape, double scale) {
  return scale * det::pow(-det::log(uniform_open0()), 1.0 / shape);
}

double Rng::pareto(double shape, double xm) { return xm / det::pow(uniform_open0(), 1.0 / shape); }

}  // namespace p2psim
