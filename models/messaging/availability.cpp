#include "models/messaging/availability.hpp"

#include <algorithm>

#include "sim/det_math.hpp"

namespace p2psim::messaging {

namespace {
constexpr double kLn2 = 0.69314718055994530942;
constexpr double kPi = 3.14159265358979323846;

// cos(x) from +, -, *, / only (Taylor series after reduction to [-pi, pi]), so that the
// diurnal factor is bit-identical on every platform like the rest of p2psim's math.
double det_cos(double x) {
  const double two_pi = 2 * kPi;
  x -= two_pi * static_cast<double>(static_cast<std::int64_t>(x / two_pi));
  if (x > kPi) x -= two_pi;
  if (x < -kPi) x += two_pi;
  const double x2 = x * x;
  double term = 1, sum = 1;
  for (int n = 1; n <= 14; ++n) {
    term *= -x2 / static_cast<double>((2 * n - 1) * (2 * n));
    sum += term;
  }
  return sum;
}
}  // namespace

double SessionDistribution::draw_seconds(Rng& rng) const {
  const double m = median.seconds();
  switch (law) {
    case SessionLaw::kExponential:
      return rng.exponential(m / kLn2);
    case SessionLaw::kWeibull:
      // F(x) = 1 - exp(-(x/lambda)^k); F(median) = 1/2 => lambda = median / ln2^(1/k).
      return rng.weibull(shape, m / det::pow(kLn2, 1.0 / shape));
    case SessionLaw::kLognormal:
      return rng.lognormal(det::log(m), sigma);
  }
  return m;
}

double DiurnalSpec::factor(SimTime t) const {
  if (amplitude == 0.0) return 1.0;
  const double day = 86400.0;
  const double phase = (t.seconds() - peak.seconds()) / day;
  return 1.0 + amplitude * det_cos(2 * kPi * phase);
}

Timeline generate_timeline(const AvailabilitySpec& spec, Rng& rng, SimTime horizon) {
  if (spec.always_up) return Timeline::always_up();
  Timeline tl;
  const double mon = spec.online.median.seconds(), moff = spec.offline.median.seconds();
  bool on = rng.bernoulli(mon / (mon + moff));
  SimTime t = -spec.warmup;
  while (t < horizon) {
    const double f = spec.diurnal.factor(t);
    double d = on ? spec.online.draw_seconds(rng) * f : spec.offline.draw_seconds(rng) / f;
    d = std::min(d, 1e9);  // keeps SimTime in range for absurd draws of heavy tails
    SimTime end = t + SimTime::from_seconds(d);
    if (end <= t) end = t + SimTime::ns(1);
    if (on) tl.add(t, end);
    t = end;
    on = !on;
  }
  return tl;
}

}  // namespace p2psim::messaging
