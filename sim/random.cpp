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

static inline std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

std::uint64_t Rng::next_u64() {
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

double Rng::uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
double Rng::uniform_open0() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }

std::uint64_t Rng::below(std::uint64_t n) {
  unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double Rng::uniform(double a, double b) { return a + (b - a) * uniform01(); }
bool Rng::bernoulli(double p) { return uniform01() < p; }
double Rng::exponential(double mean) { return -mean * det::log(uniform_open0()); }

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
