#include "models/capacity/loss_formulas.hpp"

#include <algorithm>

namespace p2psim::capacity {

double erlang_b(double erlangs, std::int64_t servers) {
  double b = 1.0;
  for (std::int64_t k = 1; k <= servers; ++k) b = erlangs * b / (static_cast<double>(k) + erlangs * b);
  return b;
}

std::int64_t erlang_b_servers(double erlangs, double target) {
  double b = 1.0;
  std::int64_t k = 0;
  // B(E, c) falls below any target > 0 once c is a few times E; the bound only guards
  // against a target of 0 passed by mistake.
  const auto limit = static_cast<std::int64_t>(10 * erlangs) + 1000;
  while (b > target && k < limit) {
    ++k;
    b = erlangs * b / (static_cast<double>(k) + erlangs * b);
  }
  return k;
}

std::vector<double> kaufman_roberts(const std::vector<LossClass>& classes, std::int64_t capacity) {
  const auto c = static_cast<std::size_t>(std::max<std::int64_t>(0, capacity));
  std::vector<double> q(c + 1, 0.0);
  q[0] = 1.0;
  double total = 1.0;
  for (std::size_t j = 1; j <= c; ++j) {
    double s = 0;
    for (const LossClass& k : classes) {
      const auto b = static_cast<std::size_t>(k.units);
      if (b <= j) s += k.erlangs * static_cast<double>(b) * q[j - b];
    }
    q[j] = s / static_cast<double>(j);
    total += q[j];
    // Rescale to keep the unnormalised state weights finite on large links.
    if (total > 1e250) {
      for (std::size_t i = 0; i <= j; ++i) q[i] /= total;
      total = 1.0;
    }
  }
  std::vector<double> out;
  for (const LossClass& k : classes) {
    double blocked = 0;
    const auto b = static_cast<std::size_t>(k.units);
    for (std::size_t j = (b > c ? 0 : c - b + 1); j <= c; ++j) blocked += q[j];
    out.push_back(blocked / total);
  }
  return out;
}

}  // namespace p2psim::capacity
