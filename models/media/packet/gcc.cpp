#include "models/media/packet/gcc.hpp"

#include <algorithm>
#include <cmath>

#include "sim/det_math.hpp"

namespace p2psim::media::packet {

namespace {
// trendline_estimator.cc / inter_arrival_delta.cc
constexpr SimTime kGroupLength = SimTime::ms(5);
constexpr SimTime kBurstDelta = SimTime::ms(5);
constexpr SimTime kMaxBurst = SimTime::ms(100);
constexpr std::size_t kWindow = 20;
constexpr double kSmoothing = 0.9;
constexpr double kGain = 4.0;
constexpr int kMinDeltas = 60;
constexpr double kOverUsingTimeMs = 10;
constexpr double kUp = 0.0087, kDown = 0.039, kMaxAdaptOffsetMs = 15;
// aimd_rate_control.cc
constexpr double kBeta = 0.85;
constexpr double kMinIncreaseBpsPerS = 4000;
// send_side_bandwidth_estimation.cc
constexpr int kLimitNumPackets = 20;
constexpr SimTime kBweIncreaseInterval = SimTime::ms(1000);
constexpr SimTime kBweDecreaseInterval = SimTime::ms(300);
// probe_controller.cc / probe_bitrate_estimator.cc
constexpr double kFirstProbeScale = 3.0, kSecondProbeScale = 6.0, kFurtherProbeThreshold = 0.7, kFurtherScale = 2.0;
constexpr SimTime kMinProbeDuration = SimTime::ms(15);
constexpr double kMinReceivedProbesRatio = 0.8, kTargetUtilization = 0.95;
constexpr SimTime kProbeToInterval = SimTime::s(3);  // our choice (libwebrtc ALR probing: 5 s)
constexpr SimTime kAckedWindow = SimTime::ms(500);
}  // namespace

// --- trendline

void TrendlineDetector::on_packet(SimTime sent, SimTime arrival, std::int64_t bytes) {
  if (!cur_.valid) {
    cur_ = {sent, sent, arrival, arrival, bytes, true};
    return;
  }
  if (sent < cur_.first_send) return;  // reordered: libwebrtc drops it from delay estimation
  // Burst: arrives within 5 ms of the group's last arrival, earlier than its send spacing.
  const SimTime arrival_delta = arrival - cur_.last_arrival;
  const SimTime send_delta = sent - cur_.last_send;
  const bool burst = send_delta == SimTime::zero() ||
                     (arrival_delta - send_delta < SimTime::zero() && arrival_delta <= kBurstDelta &&
                      arrival - cur_.first_arrival < kMaxBurst);
  if (!burst && sent - cur_.first_send > kGroupLength) {
    if (prev_.valid) {
      on_group_delta((cur_.last_send - prev_.last_send).milliseconds(),
                     (cur_.last_arrival - prev_.last_arrival).milliseconds(), cur_.last_arrival);
    }
    prev_ = cur_;
    cur_ = {sent, sent, arrival, arrival, bytes, true};
    return;
  }
  cur_.last_send = std::max(cur_.last_send, sent);
  cur_.last_arrival = arrival;
  cur_.bytes += bytes;
}

void TrendlineDetector::on_group_delta(double send_delta_ms, double arrival_delta_ms, SimTime arrival) {
  const double delta = arrival_delta_ms - send_delta_ms;
  num_deltas_ = std::min(num_deltas_ + 1, 1000);
  const double now_ms = arrival.milliseconds();
  if (first_arrival_ms_ < 0) first_arrival_ms_ = now_ms;
  accumulated_ += delta;
  smoothed_ = kSmoothing * smoothed_ + (1 - kSmoothing) * accumulated_;
  hist_.push_back({now_ms - first_arrival_ms_, smoothed_});
  if (hist_.size() > kWindow) hist_.pop_front();
  double trend = prev_trend_;
  if (hist_.size() == kWindow) {
    double sx = 0, sy = 0;
    for (const auto& [x, y] : hist_) {
      sx += x;
      sy += y;
    }
    const double mx = sx / kWindow, my = sy / kWindow;
    double num = 0, den = 0;
    for (const auto& [x, y] : hist_) {
      num += (x - mx) * (y - my);
      den += (x - mx) * (x - mx);
    }
    if (den != 0) trend = num / den;
  }
  detect(trend, send_delta_ms, arrival);
}

void TrendlineDetector::detect(double trend, double ts_delta_ms, SimTime now) {
  if (num_deltas_ < 2) {
    state_ = BandwidthUsage::kNormal;
    return;
  }
  const double modified = std::min(num_deltas_, kMinDeltas) * trend * kGain;
  if (modified > threshold_) {
    if (time_over_using_ < 0)
      time_over_using_ = ts_delta_ms / 2;
    else
      time_over_using_ += ts_delta_ms;
    ++overuse_counter_;
    if (time_over_using_ > kOverUsingTimeMs && overuse_counter_ > 1 && trend >= prev_trend_) {
      time_over_using_ = 0;
      overuse_counter_ = 0;
      state_ = BandwidthUsage::kOverusing;
    }
  } else if (modified < -threshold_) {
    time_over_using_ = -1;
    overuse_counter_ = 0;
    state_ = BandwidthUsage::kUnderusing;
  } else {
    time_over_using_ = -1;
    overuse_counter_ = 0;
    state_ = BandwidthUsage::kNormal;
  }
  prev_trend_ = trend;
  update_threshold(modified, now);
}

void TrendlineDetector::update_threshold(double modified, SimTime now) {
  const double now_ms = now.milliseconds();
  if (last_threshold_update_ms_ < 0) last_threshold_update_ms_ = now_ms;
  const double a = std::abs(modified);
  if (a > threshold_ + kMaxAdaptOffsetMs) {
    last_threshold_update_ms_ = now_ms;
    return;
  }
  const double k = a < threshold_ ? kDown : kUp;
  const double dt = std::min(now_ms - last_threshold_update_ms_, 100.0);
  threshold_ += k * (a - threshold_) * dt;
  threshold_ = std::clamp(threshold_, 6.0, 600.0);
  last_threshold_update_ms_ = now_ms;
}

// --- GCC

GccController::GccController(const ControllerSpec& s)
    : spec_(s), target_(s.start_bps), delay_rate_(s.start_bps), loss_rate_(1e15) {
  if (spec_.probing) {
    request_probe(kFirstProbeScale * s.start_bps);
    request_probe(kSecondProbeScale * s.start_bps);
  }
}

void GccController::set_max_bps(double bps) {
  spec_.max_bps = std::max(bps, spec_.min_bps);
  delay_rate_ = std::min(delay_rate_, spec_.max_bps);
  target_ = std::min(target_, spec_.max_bps);
}

void GccController::request_probe(double bps) {
  bps = std::min(bps, spec_.max_bps);
  if (bps <= target_) return;
  ProbeCluster c;
  c.id = next_probe_id_++;
  c.bps = bps;
  c.min_bytes = static_cast<std::int64_t>(bps * kMinProbeDuration.seconds() / 8.0);
  pending_probes_.push_back(c);
  sent_probes_.push_back({c.id, bps});
}

void GccController::probe_to(SimTime now, double bps) {
  // At most one application-driven probe every kProbeToInterval, never past 2x the target.
  if (!probing_done_ || !pending_probes_.empty() || now - last_probe_to_ < kProbeToInterval) return;
  last_probe_to_ = now;
  request_probe(std::min(bps, kFurtherScale * target_));
}

std::optional<ProbeCluster> GccController::take_probe(SimTime) {
  if (pending_probes_.empty()) return std::nullopt;
  ProbeCluster c = pending_probes_.front();
  pending_probes_.erase(pending_probes_.begin());
  return c;
}

void GccController::on_packet_sent(SimTime, std::uint64_t, std::int64_t, int) {}

double GccController::acked_rate(SimTime now) const {
  if (acked_.empty()) return 0;
  const SimTime span = std::max(std::min(kAckedWindow, now - acked_.front().first), SimTime::ms(150));
  return 8.0 * static_cast<double>(acked_bytes_) / span.seconds();
}

void GccController::probe_results(std::span<const PacketResult> packets, SimTime now) {
  for (const ProbeState& ps : sent_probes_) {
    std::int64_t bytes = 0, first_bytes = 0, last_bytes = 0;
    int n = 0, got = 0;
    SimTime fs = SimTime::max(), ls = SimTime::zero(), fa = SimTime::max(), la = SimTime::zero();
    for (const PacketResult& p : packets) {
      if (p.probe_cluster != ps.id) continue;
      ++n;
      if (!p.received) continue;
      ++got;
      bytes += p.bytes;
      if (p.sent < fs) fs = p.sent;
      if (p.sent >= ls) {
        ls = p.sent;
        last_bytes = p.bytes;
      }
      if (p.arrival < fa) {
        fa = p.arrival;
        first_bytes = p.bytes;
      }
      la = std::max(la, p.arrival);
    }
    if (n == 0) continue;
    if (got < kMinReceivedProbesRatio * n || got < 2 || ls <= fs || la <= fa) continue;
    const double send = 8.0 * static_cast<double>(bytes - last_bytes) / (ls - fs).seconds();
    const double recv = 8.0 * static_cast<double>(bytes - first_bytes) / (la - fa).seconds();
    double result = std::min(send, recv);
    if (recv < 0.9 * send) result = kTargetUtilization * recv;
    if (result > delay_rate_) {
      delay_rate_ = std::min(result, spec_.max_bps);
      last_change_ = now;
    }
    if (!probing_done_ && result > kFurtherProbeThreshold * ps.bps && ps.id + 1 == next_probe_id_ &&
        kFurtherScale * result < spec_.max_bps)
      request_probe(kFurtherScale * result);
    else if (ps.id + 1 == next_probe_id_)
      probing_done_ = true;
  }
}

void GccController::on_feedback(SimTime now, std::span<const PacketResult> packets, SimTime rtt) {
  for (const PacketResult& p : packets) {
    ++expected_;
    if (!p.received) {
      ++lost_;
      continue;
    }
    detector_.on_packet(p.sent, p.arrival, p.bytes);
    acked_.push_back({p.arrival, p.bytes});
    acked_bytes_ += p.bytes;
  }
  if (!acked_.empty()) {
    const SimTime newest = acked_.back().first;
    while (!acked_.empty() && acked_.front().first < newest - kAckedWindow) {
      acked_bytes_ -= acked_.front().second;
      acked_.pop_front();
    }
  }
  const SimTime ref = acked_.empty() ? now : acked_.back().first;
  probe_results(packets, ref);
  aimd_update(detector_.state(), now, rtt);
  if (expected_ >= kLimitNumPackets) loss_update(now, rtt);
  set_target(now);
}

void GccController::aimd_update(BandwidthUsage u, SimTime now, SimTime rtt) {
  const SimTime ref = acked_.empty() ? now : acked_.back().first;
  const double acked = acked_rate(ref);
  const double throughput = acked > 0 ? acked : delay_rate_;
  if (!changed_once_) {
    last_change_ = now;
    changed_once_ = true;
  }
  switch (u) {
    case BandwidthUsage::kOverusing:
      if (rate_state_ != RateState::kDecrease) rate_state_ = RateState::kDecrease;
      break;
    case BandwidthUsage::kNormal:
      if (rate_state_ == RateState::kHold) {
        last_change_ = now;
        rate_state_ = RateState::kIncrease;
      }
      break;
    case BandwidthUsage::kUnderusing: rate_state_ = RateState::kHold; break;
  }
  double rate = delay_rate_;
  if (rate_state_ == RateState::kIncrease) {
    if (link_est_kbps_ > 0) {
      const double upper = link_est_kbps_ + 3 * std::sqrt(link_var_ * link_est_kbps_);
      if (throughput / 1000 > upper) link_est_kbps_ = -1;
    }
    const double dt = std::min((now - last_change_).seconds(), 1.0);
    if (link_est_kbps_ > 0) {
      // Additive: one average packet per response time.
      const double frame_bits = rate / 30.0;
      const double packets = std::ceil(frame_bits / (8.0 * 1200));
      const double packet_bits = frame_bits / packets;
      const double response_s = (rtt > SimTime::zero() ? rtt : SimTime::ms(200)).seconds() + 0.1;
      rate += std::max(kMinIncreaseBpsPerS, packet_bits / response_s) * dt;
    } else {
      rate += std::max(rate * (det::pow(1.08, dt) - 1), 1000.0 * (dt > 0));
    }
    const double cap = 1.5 * throughput + 10'000;
    if (rate > delay_rate_ && rate > cap) rate = std::max(delay_rate_, cap);
    last_change_ = now;
  } else if (rate_state_ == RateState::kDecrease) {
    const SimTime min_gap = std::clamp(rtt, SimTime::ms(10), SimTime::ms(200));
    if (now - last_change_ >= min_gap || throughput < 0.5 * delay_rate_) {
      double dec = kBeta * throughput;
      if (dec > delay_rate_ && link_est_kbps_ > 0) dec = kBeta * link_est_kbps_ * 1000;
      if (dec < rate) rate = dec;
      const double x = throughput / 1000;
      if (link_est_kbps_ < 0) {
        link_est_kbps_ = x;
      } else {
        link_est_kbps_ = 0.95 * link_est_kbps_ + 0.05 * x;
      }
      const double norm = std::max(link_est_kbps_, 1.0);
      link_var_ = std::clamp(0.95 * link_var_ + 0.05 * (link_est_kbps_ - x) * (link_est_kbps_ - x) / norm, 0.4, 2.5);
      last_change_ = now;
    }
    rate_state_ = RateState::kHold;
  }
  delay_rate_ = std::clamp(rate, spec_.min_bps, spec_.max_bps);
}

void GccController::loss_update(SimTime now, SimTime rtt) {
  const double loss = static_cast<double>(lost_) / expected_;
  lost_ = expected_ = 0;
  // Lowest target over the last second: the base of a loss-based increase.
  double base = target_;
  for (const auto& [t, v] : target_history_)
    if (t >= now - kBweIncreaseInterval) base = std::min(base, v);
  if (loss < 0.02) {
    if (loss_limited_ && now - last_loss_increase_ >= kBweIncreaseInterval) {
      loss_rate_ = 1.08 * base + 1000;
      last_loss_increase_ = now;
      if (loss_rate_ >= delay_rate_) loss_limited_ = false;
    }
  } else if (loss > 0.10) {
    if (now - last_loss_decrease_ >= kBweDecreaseInterval + rtt) {
      loss_rate_ = std::max(spec_.min_bps, target_ * (1 - 0.5 * loss));
      loss_limited_ = true;
      last_loss_decrease_ = now;
      last_loss_increase_ = now;
    }
  }
  if (!loss_limited_) loss_rate_ = 1e15;
}

void GccController::set_target(SimTime now) {
  target_ = std::clamp(std::min(delay_rate_, loss_rate_), spec_.min_bps, spec_.max_bps);
  target_history_.push_back({now, target_});
  while (!target_history_.empty() && target_history_.front().first < now - kBweIncreaseInterval)
    target_history_.pop_front();
}

std::unique_ptr<CongestionController> make_controller(ControllerKind, const ControllerSpec& s) {
  return std::make_unique<GccController>(s);
}

}  // namespace p2psim::media::packet
