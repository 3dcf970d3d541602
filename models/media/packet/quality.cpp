#include "models/media/packet/quality.hpp"

#include <algorithm>
#include <cmath>

#include "sim/det_math.hpp"

namespace p2psim::media::packet {

void AudioStreamQuality::on_playout(std::uint32_t seq, bool play, double mouth_to_ear, bool comfort_noise) {
  if (static_cast<std::int64_t>(seq) > highest_) {
    highest_ = seq;
    if (got_.size() <= seq) got_.resize(static_cast<std::size_t>(seq) + 1, 0);
  }
  if (!play) {
    ++late;
    return;
  }
  ++played;
  got_[seq] = 1;
  if (!comfort_noise) mouth_to_ear_s.add(mouth_to_ear);
}

namespace {
bool is_cn(std::span<const std::uint8_t> cn, std::size_t seq) { return seq < cn.size() && cn[seq] != 0; }
}  // namespace

std::uint64_t AudioStreamQuality::speech_expected(std::span<const std::uint8_t> cn) const {
  if (cn.empty()) return expected();
  std::uint64_t n = 0;
  for (std::size_t k = 0; k < got_.size(); ++k) n += !is_cn(cn, k);
  return n;
}

std::uint64_t AudioStreamQuality::speech_played(std::span<const std::uint8_t> cn) const {
  if (cn.empty()) return played;
  std::uint64_t n = 0;
  for (std::size_t k = 0; k < got_.size(); ++k) n += got_[k] && !is_cn(cn, k);
  return n;
}

double AudioStreamQuality::loss_fraction(std::span<const std::uint8_t> cn) const {
  const double e = static_cast<double>(speech_expected(cn));
  return e > 0 ? 1.0 - static_cast<double>(speech_played(cn)) / e : 0;
}

double AudioStreamQuality::burst_ratio(std::span<const std::uint8_t> cn) const {
  const double p = loss_fraction(cn);
  if (p <= 0 || p >= 1) return 1;
  std::uint64_t bursts = 0, lost = 0;
  bool prev = false;
  for (std::size_t k = 0; k < got_.size(); ++k) {
    if (is_cn(cn, k)) continue;  // comfort noise: neither a loss nor the end of a burst
    const bool l = got_[k] == 0;
    lost += l;
    if (l && !prev) ++bursts;
    prev = l;
  }
  if (bursts == 0) return 1;
  // G.107 s7.5: mean observed burst length / mean burst length under random loss, 1/(1-p).
  return std::max(1.0, static_cast<double>(lost) / static_cast<double>(bursts) * (1 - p));
}

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
