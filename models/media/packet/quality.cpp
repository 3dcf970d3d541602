#include "models/media/packet/quality.hpp"

#include <algorithm>
#include <cmath>

#include "sim/det_math.hpp"

namespace p2psim::media::packet {

void FreezeCounter::on_render(SimTime t) {
  ++frames_;
  if (frames_ > 1) {
    const double d = (t - last_).seconds();
    if (!durations_.empty()) {
      const double avg = sum_ / static_cast<double>(durations_.size());
      if (d >= std::max(3 * avg, avg + 0.150)) {
        ++freezes_;
        total_freeze_s_ += d;
      }
    }
    durations_.push_back(d);
    sum_ += d;
    if (durations_.size() > 30) {
      sum_ -= durations_.front();
      durations_.pop_front();
    }
  }
  last_ = t;
}

double emodel_idd(double ta_s) {
  const double ta_ms = ta_s * 1e3;
  if (ta_ms <= 100) return 0;
  const double x = det::log(ta_ms / 100.0) / det::log(2.0);
  auto root6 = [](double v) { return det::pow(v, 1.0 / 6.0); };
  return 25.0 * (root6(1 + det::pow(x, 6)) - 3 * root6(1 + det::pow(x / 3, 6)) + 2);
}

double emodel_ie_eff(const EModelCodec& c, double ppl, double burst_r) {
  if (ppl <= 0) return c.ie;
  return c.ie + (95 - c.ie) * ppl / (ppl / burst_r + c.bpl);
}

double emodel_r(const EModelCodec& c, double ta_s, double ppl, double burst_r) {
  return 93.2 - emodel_idd(ta_s) - emodel_ie_eff(c, ppl, burst_r);
}

double emodel_mos(double r) {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

}  // namespace p2psim::media::packet
