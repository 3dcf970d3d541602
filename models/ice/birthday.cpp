#include "models/ice/birthday.hpp"

#include <algorithm>
#include <unordered_set>
#include <vector>

#include "sim/det_math.hpp"

namespace p2psim::ice {

double birthday_success_probability(std::int64_t k, std::int64_t n, std::int64_t range) {
  if (k <= 0 || n <= 0) return 0.0;
  if (k >= range) return 1.0;
  const double q = 1.0 - static_cast<double>(k) / static_cast<double>(range);
  return 1.0 - det::pow(q, static_cast<double>(n));
}

double birthday_success_probability_distinct(std::int64_t k, std::int64_t n, std::int64_t range) {
  if (k <= 0 || n <= 0) return 0.0;
  if (n > range - k) return 1.0;
  // C(R-k, n)/C(R, n) = prod_{i=0}^{n-1} (R-k-i)/(R-i)
  double miss = 1.0;
  for (std::int64_t i = 0; i < n; ++i)
    miss *= static_cast<double>(range - k - i) / static_cast<double>(range - i);
  return 1.0 - miss;
}

std::int64_t birthday_probes_for(double p, std::int64_t k, std::int64_t range) {
  if (k >= range) return 1;
  // n >= log(1-p) / log(1-k/R); take the ceiling, then correct rounding.
  const double q = 1.0 - static_cast<double>(k) / static_cast<double>(range);
  auto n = static_cast<std::int64_t>(det::log(1.0 - p) / det::log(q));
  if (n < 1) n = 1;
  while (n > 1 && birthday_success_probability(k, n - 1, range) >= p) --n;
  while (birthday_success_probability(k, n, range) < p) ++n;
  return n;
}

BirthdayTrial birthday_trial(Rng& rng, std::int64_t k, std::int64_t n, std::int64_t range, bool distinct) {
  BirthdayTrial t;
  if (k <= 0 || n <= 0) return t;
  const auto r = static_cast<std::uint64_t>(range);
  // The hard side's open ports: k distinct uniform draws (Floyd's sampling would also do;
  // rejection is cheap for k << range).
  std::vector<std::uint64_t> open;
  open.reserve(static_cast<std::size_t>(std::min(k, range)));
  if (k >= range) {
    t.success = true;
    t.probes_sent = 1;
    return t;
  }
  std::unordered_set<std::uint64_t> taken;
  while (static_cast<std::int64_t>(open.size()) < k) {
    const std::uint64_t p = rng.below(r);
    if (taken.insert(p).second) open.push_back(p);
  }
  std::unordered_set<std::uint64_t> probed;
  for (std::int64_t i = 0; i < n; ++i) {
    std::uint64_t p = rng.below(r);
    if (distinct) {
      if (static_cast<std::uint64_t>(probed.size()) >= r) break;
      while (!probed.insert(p).second) p = rng.below(r);
    }
    ++t.probes_sent;
    if (taken.count(p)) {
      t.success = true;
      return t;
    }
  }
  return t;
}

}  // namespace p2psim::ice
