// HostEnergy: the energy account of one host. It is the host's TrafficObserver: it
// forwards packets and flows to the host's Radio, adds the optional CPU cost of encoding
// and decoding media streams, and reports energy, power, battery drain and breakdowns.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/energy/radio.hpp"
#include "sim/stats.hpp"

namespace p2psim::energy {

// CPU cost of media coding, in W per concurrently coded stream. Default 0 (off): p2psim
// ships no cited per-stream figure; see docs/models/energy.md.
struct CpuParams {
  double encode_w_per_stream = 0.0;
  double decode_w_per_stream = 0.0;
  // W per fully busy physical core (set_cores): the client CPU of a call from the
  // group-call model's codec cost (docs/models/energy.md, "CPU cost of media coding").
  double w_per_core = 0.0;
};

struct HostReport {
  std::string radio;                  // "lte", "umts", "wifi", "nr", "wired"
  double duration_s = 0;
  double energy_j = 0;                // radio + CPU
  double radio_energy_j = 0;
  double cpu_energy_j = 0;
  double avg_power_mw = 0;
  double battery_drain_pct_per_hour = 0;
  std::array<double, kBucketCount> bucket_j{};         // radio energy by Bucket
  std::vector<std::pair<std::string, double>> state_time_s;  // radio state -> seconds
  std::uint64_t promotions = 0;
  std::array<std::uint64_t, kCauseCount> packets{};    // packets seen, by Cause
  std::array<std::int64_t, kCauseCount> bytes{};       // wire bytes seen, by Cause
  double keepalive_j() const;                          // sum of the keepalive buckets
};

class HostEnergy final : public TrafficObserver {
 public:
  // battery_wh > 0: capacity for the %/hour drain figure (default 15 Wh).
  HostEnergy(std::unique_ptr<Radio> radio, CpuParams cpu = {}, double battery_wh = 15.0);

  using TrafficObserver::on_packet;
  void on_packet(SimTime t, std::int64_t bytes, Direction dir, Cause cause) override;
  void on_flow(SimTime t, double up_bps, double down_bps) override;
  // From t on, the host encodes `encoded` and decodes `decoded` streams (non-integer
  // counts are time means, e.g. from the group-call model).
  void set_streams(SimTime t, double encoded, double decoded);
  // From t on, `cores` physical cores are busy coding media (may be fractional).
  void set_cores(SimTime t, double cores);

  Radio& radio() { return *radio_; }
  const Radio& radio() const { return *radio_; }
  // Time of the last uplink packet or uplink-rate change (-1 ns if none). While an
  // uplink flow runs (uplink_active()), the host is sending continuously.
  SimTime last_uplink() const { return last_uplink_; }
  bool uplink_active() const { return up_bps_ > 0; }

  // Closes the accounting at t. Call once, at the end of the run.
  void finish(SimTime t);
  HostReport report() const;  // precondition: finish() was called

 private:
  std::unique_ptr<Radio> radio_;
  CpuParams cpu_;
  double battery_wh_;
  TimeWeighted cpu_power_w_;
  double streams_w_ = 0, cores_w_ = 0;
  SimTime last_uplink_ = SimTime::ns(-1);
  double up_bps_ = 0;
  std::array<std::uint64_t, kCauseCount> packets_{};
  std::array<std::int64_t, kCauseCount> bytes_{};
  SimTime end_ = SimTime::zero();
  bool finished_ = false;
};

}  // namespace p2psim::energy
