// Statistics collected during and across runs.
//
// Tally:        running count, mean, variance, min and max of observations (Welford).
// TimeWeighted: the time average of a piecewise-constant quantity (queue length,
//               concurrent sessions, power draw), integrated exactly between changes.
// Samples:      all observations kept, for exact quantiles (p50/p95/p99).
// Interval:     mean with a 95% confidence interval across independent replications
//               (Student's t with n-1 degrees of freedom).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "sim/time.hpp"

namespace p2psim {

class Tally {
 public:
  void add(double x);
  std::uint64_t count() const { return n_; }
  double mean() const { return n_ ? mean_ : 0.0; }
  // Sample variance (n-1 denominator); 0 with fewer than two observations.
  double variance() const { return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0.0; }
  double stddev() const;
  double min() const { return n_ ? min_ : 0.0; }
  double max() const { return n_ ? max_ : 0.0; }
  double sum() const { return sum_; }

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0, m2_ = 0, sum_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

class TimeWeighted {
 public:
  explicit TimeWeighted(SimTime start = SimTime::zero(), double initial = 0.0)
      : start_(start), last_(start), value_(initial), max_(initial) {}
  // The quantity takes `value` from time `t` on. Precondition: t >= the previous t.
  void set(SimTime t, double value);
  void add(SimTime t, double delta) { set(t, value_ + delta); }
  double value() const { return value_; }
  double max() const { return max_; }
  // Integral of the quantity over [start, until] in value x seconds.
  double integral(SimTime until) const;
  // Time average over [start, until]; the current value if the interval is empty.
  double mean(SimTime until) const;

 private:
  SimTime start_, last_;
  double value_;
  double area_ = 0;
  double max_;
};

class Samples {
 public:
  void add(double x) { xs_.push_back(x); sorted_ = false; }
  void reserve(std::size_t n) { xs_.reserve(n); }
  std::size_t count() const { return xs_.size(); }
  bool empty() const { return xs_.empty(); }
  // Quantile q in [0, 1], linear interpolation between order statistics (Hyndman & Fan
  // type 7, the default of R and numpy). 0 when empty.
  double quantile(double q);
  double mean() const;
  double max();
  std::span<const double> values() const { return xs_; }

 private:
  std::vector<double> xs_;
  bool sorted_ = true;
};

struct Interval {
  double mean = 0;
  double half_width = 0;  // 0 with fewer than two values
  std::uint64_t n = 0;
  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
};

// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom (df >= 1).
double student_t_975(std::uint64_t df);

// Mean and 95% confidence interval of independent observations.
Interval mean_ci95(std::span<const double> xs);

}  // namespace p2psim
