// Random packet loss on a link: none, Bernoulli (independent) or Gilbert-Elliott (bursty).
//
// Gilbert-Elliott (Gilbert 1960, Elliott 1963; the parameterisation of RFC 6534 s2 /
// Linux netem "loss gemodel"): a two-state Markov chain stepped once per packet,
//   Good -> Bad with probability p, Bad -> Good with probability r;
//   a packet is lost with probability 1 - k in Good and 1 - h in Bad.
// Stationary P(Bad) = p / (p + r); loss rate = (1 - k) r/(p+r) + (1 - h) p/(p+r).
// With k = 1, h = 0 (the "simple Gilbert" model) the lengths of loss bursts are
// geometric with mean 1 / r. from_rate_and_burst() picks p, r for a wanted loss rate
// and mean burst length under k = 1, h = 0.
#pragma once

#include <cstdint>

#include "sim/random.hpp"

namespace p2psim::net {

enum class LossKind : std::uint8_t { kNone, kBernoulli, kGilbertElliott };

struct LossSpec {
  LossKind kind = LossKind::kNone;
  double rate = 0;       // Bernoulli: loss probability per packet, [0, 1)
  double p = 0;          // GE: P(Good -> Bad) per packet
  double r = 1;          // GE: P(Bad -> Good) per packet, (0, 1]
  double k = 1;          // GE: P(delivered | Good)
  double h = 0;          // GE: P(delivered | Bad)

  static LossSpec bernoulli(double rate) { return {LossKind::kBernoulli, rate}; }
  // Simple Gilbert with the given stationary loss rate (< 1) and mean burst length (>= 1 packets).
  static LossSpec from_rate_and_burst(double rate, double mean_burst);
  // Stationary loss rate of the spec (closed form above).
  double stationary_rate() const;
};

class LossProcess {
 public:
  LossProcess() = default;
  LossProcess(const LossSpec& s, Rng rng) : spec_(s), rng_(rng) {}
  // Steps the chain for one packet; true = the packet is lost.
  bool lose();
  bool bad() const { return bad_; }

 private:
  LossSpec spec_;
  Rng rng_;
  bool bad_ = false;
};

}  // namespace p2psim::net
