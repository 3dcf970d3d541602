// Google Congestion Control (draft-ietf-rmcat-gcc-02, in the structure of libwebrtc's
// modules/congestion_controller/goog_cc), as three parts:
//
//  - TrendlineDetector: packets are grouped by send time (5 ms groups, burst merging);
//    the delay variation between groups is accumulated, smoothed (coefficient 0.9) and a
//    least-squares slope fitted over the last 20 groups (trendline_estimator.cc). The
//    slope x min(groups, 60) x gain 4 is compared with an adaptive threshold gamma
//    (initial 12.5 ms, k_up 0.0087, k_down 0.039, clamped to [6, 600] ms, not adapted
//    when the trend exceeds gamma by more than 15 ms): overuse once it has lasted 10 ms
//    and two updates with a non-decreasing slope; underuse below -gamma.
//  - AimdRateControl: overuse -> decrease to beta 0.85 x acknowledged rate; normal ->
//    increase, multiplicative 8 %/s far from the link-capacity estimate, additive (one
//    average packet per response time = RTT + 100 ms, at least 4 kbit/s per second) near
//    it; underuse -> hold. An increase never exceeds 1.5 x acknowledged + 10 kbit/s
//    (aimd_rate_control.cc; draft s5.5).
//  - Loss-based control (send_side_bandwidth_estimation.cc, draft s6): over at least
//    20 packets, loss < 2 % -> +8 % at most once a second; loss > 10 % -> x (1 - loss/2)
//    at most once per 300 ms + RTT.
// Target = min(delay-based, loss-based). Start-up probing (probe_controller.cc): clusters
// at 3x and 6x the start rate, then at 2x a result above 0.7 of what was probed; a probe
// result is min(send rate, receive rate) of the cluster when 80 % of it arrived
// (probe_bitrate_estimator.cc) and raises the delay-based estimate.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "models/media/packet/congestion_controller.hpp"

namespace p2psim::media::packet {

enum class BandwidthUsage : std::uint8_t { kNormal, kUnderusing, kOverusing };

class TrendlineDetector {
 public:
  // Feeds one received packet (in arrival order).
  void on_packet(SimTime sent, SimTime arrival, std::int64_t bytes);
  BandwidthUsage state() const { return state_; }
  double threshold_ms() const { return threshold_; }
  double last_trend() const { return prev_trend_; }

 private:
  struct Group {
    SimTime first_send, last_send, first_arrival, last_arrival;
    std::int64_t bytes = 0;
    bool valid = false;
  };
  void on_group_delta(double send_delta_ms, double arrival_delta_ms, SimTime arrival);
  void detect(double trend, double ts_delta_ms, SimTime now);
  void update_threshold(double modified_trend, SimTime now);

  Group cur_, prev_;
  // trendline state
  int num_deltas_ = 0;
  double first_arrival_ms_ = -1;
  double accumulated_ = 0, smoothed_ = 0;
  std::deque<std::pair<double, double>> hist_;  // (arrival ms since first, smoothed delay ms)
  // detector state
  double threshold_ = 12.5;
  double time_over_using_ = -1;
  int overuse_counter_ = 0;
  double prev_trend_ = 0;
  double last_threshold_update_ms_ = -1;
  BandwidthUsage state_ = BandwidthUsage::kNormal;
};

class GccController final : public CongestionController {
 public:
  explicit GccController(const ControllerSpec& s);
  void on_packet_sent(SimTime now, std::uint64_t tw_seq, std::int64_t bytes, int probe_cluster) override;
  void on_feedback(SimTime now, std::span<const PacketResult> packets, SimTime rtt) override;
  double target_bps() const override { return target_; }
  double pacing_bps() const override { return spec_.pacing_factor * target_; }
  void set_max_bps(double bps) override;
  std::optional<ProbeCluster> take_probe(SimTime now) override;
  double delay_based_bps() const override { return delay_rate_; }
  void probe_to(SimTime now, double bps) override;

 private:
  enum class RateState : std::uint8_t { kHold, kIncrease, kDecrease };
  void aimd_update(BandwidthUsage u, SimTime now, SimTime rtt);
  void loss_update(SimTime now, SimTime rtt);
  void probe_results(std::span<const PacketResult> packets, SimTime now);
  void request_probe(double bps);
  double acked_rate(SimTime now) const;
  void set_target(SimTime now);

  ControllerSpec spec_;
  TrendlineDetector detector_;
  double target_;
  double delay_rate_;
  double loss_rate_;
  RateState rate_state_ = RateState::kHold;
  SimTime last_change_;
  bool changed_once_ = false;
  // link capacity estimate (kbit/s, EWMA at each decrease)
  double link_est_kbps_ = -1, link_var_ = 0.4;
  // acknowledged rate: received (arrival, bytes) over the last 500 ms
  std::deque<std::pair<SimTime, std::int64_t>> acked_;
  std::int64_t acked_bytes_ = 0;
  // loss accounting
  int lost_ = 0, expected_ = 0;
  SimTime last_loss_increase_ = SimTime::s(-3600), last_loss_decrease_ = SimTime::s(-3600);
  bool loss_limited_ = false;
  std::deque<std::pair<SimTime, double>> target_history_;  // for the loss-based increase base
  // probing
  std::vector<ProbeCluster> pending_probes_;
  struct ProbeState {
    int id;
    double bps;
  };
  std::vector<ProbeState> sent_probes_;
  int next_probe_id_ = 0;
  bool probing_done_ = false;
  SimTime last_probe_to_ = SimTime::s(-3600);
};

}  // namespace p2psim::media::packet
