// Radio: a host's network interface as a power-state machine driven by its traffic.
//
// A concrete radio (LteRadio, UmtsRadio, WifiRadio, WiredRadio) receives the host's
// packets and flow-rate changes through TrafficObserver and moves between its states on
// Simulator timers (inactivity timers, promotion delays). Power is piecewise constant or,
// in discontinuous-reception states, a periodic on/off waveform; energy is integrated
// exactly between state changes (the periodic waveform with its phase, not its average).
//
// Every joule is charged to one Bucket:
//   data       connected-state power while traffic flows, and per-bit transfer energy;
//   promotion  promotions (IDLE->connected) triggered by data;
//   tail       inactivity time after data (LTE continuous reception after the last
//              packet + DRX tail; UMTS DCH/FACH tails; Wi-Fi tail);
//   idle       the idle state (LTE paging, Wi-Fi PSM standby);
//   keepalive buckets (one per keepalive Cause): promotion, activity and tail that
//              follow a keepalive packet. Rule: a tail is charged to the cause of the
//              packet that started it (the last packet before the radio went quiet),
//              a promotion to the packet that triggered it. So an isolated keepalive is
//              charged its full wake-up; a keepalive inside a call costs only its bits.
// After finish(t), energy_j() equals the sum of the buckets and the times in the states
// sum to t (the radio starts in its idle state at time 0).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/energy/traffic.hpp"
#include "sim/simulator.hpp"
#include "sim/time.hpp"

namespace p2psim::energy {

enum class Bucket : std::uint8_t {
  kData,
  kPromotion,
  kTail,
  kIdle,
  kNatKeepalive,
  kIceConsent,
  kTurnRefresh,
  kHeartbeat,
};
inline constexpr int kBucketCount = 8;
std::string_view bucket_name(Bucket b);  // "data", "promotion", ..., "nat_keepalive", ...

class Radio : public TrafficObserver {
 public:
  Radio(Simulator& sim, std::string kind, std::vector<std::string> state_names);
  ~Radio() override;
  Radio(const Radio&) = delete;
  Radio& operator=(const Radio&) = delete;

  const std::string& kind() const { return kind_; }
  const std::vector<std::string>& state_names() const { return state_names_; }
  int state() const { return state_; }

  // Closes the accounting at `t` (the end of the run) and cancels the pending timer.
  // Precondition: t >= every time seen so far. Call once.
  void finish(SimTime t);

  double energy_j() const;
  double bucket_j(Bucket b) const { return buckets_[static_cast<int>(b)]; }
  SimTime time_in_state(int s) const { return state_time_[static_cast<std::size_t>(s)]; }
  std::uint64_t promotions() const { return promotions_; }  // promotions started
  // Earliest time a packet handed over at `t` leaves the radio: the end of a promotion
  // in progress (a request's response cannot arrive before that), else t.
  SimTime ready_at(SimTime t) const { return ready_at_ > t ? ready_at_ : t; }

 protected:
  // One stretch of constant (or periodic) power. A segment ended by traffic is charged
  // to (state_active, bucket_active); one ended by the radio's own timer to
  // (state_timeout, bucket_timeout): the time after a packet is activity if another
  // packet follows within the inactivity timer, tail if the timer expires.
  struct Segment {
    int state_active = 0, state_timeout = 0;
    Bucket bucket_active = Bucket::kIdle, bucket_timeout = Bucket::kIdle;
    double base_w = 0;              // power outside on-durations
    SimTime period = SimTime::zero();  // > 0: periodic on-durations at the segment start
    SimTime on = SimTime::zero();      // on-duration per period
    double on_w = 0;
  };
  static Segment constant(int state, Bucket b, double watts);
  static Segment periodic(int state, Bucket b, double base_w, SimTime period, SimTime on, double on_w);

  // Charges the open segment up to `t` and opens `next` at t.
  void switch_to(SimTime t, bool by_timeout, const Segment& next);
  void add_energy(Bucket b, double joules) { buckets_[static_cast<int>(b)] += joules; }
  void count_promotion() { ++promotions_; }
  void set_ready_at(SimTime t) { ready_at_ = t; }

  // One pending timer at a time: arm() replaces it; on_timer(t) runs at its time.
  void arm(SimTime at);
  void disarm();
  virtual void on_timer(SimTime t) = 0;

  static Bucket activity_bucket(Cause c);
  static Bucket promotion_bucket(Cause c);
  static Bucket tail_bucket(Cause c);

  bool flowing() const { return up_bps_ > 0 || down_bps_ > 0; }
  // Records the new flow rates; returns whether a flow was active before.
  bool set_rates(double up_bps, double down_bps);

  Simulator& sim_;
  int state_ = 0;
  double up_bps_ = 0, down_bps_ = 0;

 private:
  void timer_fired();
  static double segment_energy(const Segment& s, SimTime length);

  std::string kind_;
  std::vector<std::string> state_names_;
  Segment seg_;
  SimTime seg_start_ = SimTime::zero();
  std::array<double, kBucketCount> buckets_{};
  std::vector<SimTime> state_time_;
  std::uint64_t promotions_ = 0;
  EventId timer_;
  SimTime ready_at_ = SimTime::zero();
  bool finished_ = false;
};

// Exact energy (J) of a periodic on/off waveform over [0, length]: on-durations of `on`
// at `on_w` at the start of every `period`, `base_w` otherwise.
double periodic_energy_j(SimTime length, SimTime period, SimTime on, double on_w, double base_w);

}  // namespace p2psim::energy
