#include "models/net/loss_model.hpp"

namespace p2psim::net {

LossSpec LossSpec::from_rate_and_burst(double rate, double mean_burst) {
  LossSpec s;
  if (rate <= 0) return s;
  s.kind = LossKind::kGilbertElliott;
  s.k = 1;
  s.h = 0;
  s.r = 1.0 / mean_burst;
  // rate = p / (p + r)  =>  p = rate r / (1 - rate)
  s.p = rate * s.r / (1.0 - rate);
  return s;
}

double LossSpec::stationary_rate() const {
  switch (kind) {
    case LossKind::kNone: return 0;
    case LossKind::kBernoulli: return rate;
    case LossKind::kGilbertElliott: {
      if (p + r <= 0) return 1 - k;
      const double pb = p / (p + r);
      return (1 - k) * (1 - pb) + (1 - h) * pb;
    }
  }
  return 0;
}

bool LossProcess::lose() {
  switch (spec_.kind) {
    case LossKind::kNone: return false;
    case LossKind::kBernoulli: return spec_.rate > 0 && rng_.uniform01() < spec_.rate;
    case LossKind::kGilbertElliott: {
      // Transition first, then the loss draw in the new state (netem's order).
      const double u = rng_.uniform01();
      bad_ = bad_ ? !(u < spec_.r) : (u < spec_.p);
      const double deliver = bad_ ? spec_.h : spec_.k;
      if (deliver >= 1) return false;
      if (deliver <= 0) return true;
      return !(rng_.uniform01() < deliver);
    }
  }
  return false;
}

}  // namespace p2psim::net
