#include "sim/stats.hpp"

#include <algorithm>
#include <cmath>

namespace p2psim {

void Tally::add(double x) {
  ++n_;
  sum_ += x;
  const double d = x - mean_;
  mean_ += d / static_cast<double>(n_);
  m2_ += d * (x - mean_);
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
}

double Tally::stddev() const { return std::sqrt(variance()); }

void TimeWeighted::set(SimTime t, double value) {
  area_ += value_ * (t - last_).seconds();
  last_ = t;
  value_ = value;
  max_ = std::max(max_, value);
}

double TimeWeighted::integral(SimTime until) const { return area_ + value_ * (until - last_).seconds(); }

double TimeWeighted::mean(SimTime until) const {
  const double span = (until - start_).seconds();
  return span > 0 ? integral(until) / span : value_;
}

double Samples::quantile(double q) {
  if (xs_.empty()) return 0.0;
  if (!sorted_) {
    std::sort(xs_.begin(), xs_.end());
    sorted_ = true;
  }
  q = std::clamp(q, 0.0, 1.0);
  const double h = (static_cast<double>(xs_.size()) - 1.0) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, xs_.size() - 1);
  return xs_[lo] + (h - static_cast<double>(lo)) * (xs_[hi] - xs_[lo]);
}

double Samples::mean() const {
  if (xs_.empty()) return 0.0;
  double s = 0;
  for (double x : xs_) s += x;
  return s / static_cast<double>(xs_.size());
}

double Samples::max() { return quantile(1.0); }

double student_t_975(std::uint64_t df) {
  // Exact table to df = 30 (Abramowitz & Stegun, table 26.10), then the Cornish-Fisher
  // expansion in 1/df, accurate to 1e-4 beyond 30.
  static constexpr double table[] = {0,      12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646,
                                     2.3060, 2.2622,  2.2281, 2.2010, 2.1788, 2.1604, 2.1448, 2.1314,
                                     2.1199, 2.1098,  2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687,
                                     2.0639, 2.0595,  2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
  if (df == 0) return 0.0;
  if (df <= 30) return table[df];
  const double z = 1.959963984540054;
  const double n = static_cast<double>(df);
  const double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
  return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n);
}

Interval mean_ci95(std::span<const double> xs) {
  Interval r;
  r.n = xs.size();
  if (xs.empty()) return r;
  Tally t;
  for (double x : xs) t.add(x);
  r.mean = t.mean();
  if (xs.size() > 1) r.half_width = student_t_975(xs.size() - 1) * t.stddev() / std::sqrt(static_cast<double>(xs.size()));
  return r;
}

}  // namespace p2psim
