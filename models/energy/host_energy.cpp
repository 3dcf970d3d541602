#include "models/energy/host_energy.hpp"

#include <cassert>

namespace p2psim::energy {

double HostReport::keepalive_j() const {
  double s = 0;
  for (int b = static_cast<int>(Bucket::kNatKeepalive); b < kBucketCount; ++b) s += bucket_j[static_cast<std::size_t>(b)];
  return s;
}

HostEnergy::HostEnergy(std::unique_ptr<Radio> radio, CpuParams cpu, double battery_wh)
    : radio_(std::move(radio)), cpu_(cpu), battery_wh_(battery_wh) {
  assert(radio_ && battery_wh_ > 0);
}

void HostEnergy::on_packet(SimTime t, std::int64_t bytes, Direction dir, Cause cause) {
  const auto c = static_cast<std::size_t>(cause);
  ++packets_[c];
  bytes_[c] += bytes;
  if (dir == Direction::kUp) last_uplink_ = t;
  radio_->on_packet(t, bytes, dir, cause);
}

void HostEnergy::on_flow(SimTime t, double up_bps, double down_bps) {
  if (up_bps_ > 0 || up_bps > 0) last_uplink_ = t;
  up_bps_ = up_bps;
  radio_->on_flow(t, up_bps, down_bps);
}

void HostEnergy::set_streams(SimTime t, double encoded, double decoded) {
  streams_w_ = encoded * cpu_.encode_w_per_stream + decoded * cpu_.decode_w_per_stream;
  cpu_power_w_.set(t, streams_w_ + cores_w_);
}

void HostEnergy::set_cores(SimTime t, double cores) {
  cores_w_ = cores * cpu_.w_per_core;
  cpu_power_w_.set(t, streams_w_ + cores_w_);
}

void HostEnergy::finish(SimTime t) {
  if (finished_) return;
  radio_->finish(t);
  end_ = t;
  finished_ = true;
}

HostReport HostEnergy::report() const {
  assert(finished_);
  HostReport r;
  r.radio = radio_->kind();
  r.duration_s = end_.seconds();
  r.radio_energy_j = radio_->energy_j();
  r.cpu_energy_j = cpu_power_w_.integral(end_);
  r.energy_j = r.radio_energy_j + r.cpu_energy_j;
  const double avg_w = r.duration_s > 0 ? r.energy_j / r.duration_s : 0.0;
  r.avg_power_mw = avg_w * 1e3;
  r.battery_drain_pct_per_hour = avg_w / battery_wh_ * 100.0;  // W / Wh = fraction per hour
  for (int b = 0; b < kBucketCount; ++b) r.bucket_j[static_cast<std::size_t>(b)] = radio_->bucket_j(static_cast<Bucket>(b));
  for (std::size_t s = 0; s < radio_->state_names().size(); ++s)
    r.state_time_s.emplace_back(radio_->state_names()[s], radio_->time_in_state(static_cast<int>(s)).seconds());
  r.promotions = radio_->promotions();
  r.packets = packets_;
  r.bytes = bytes_;
  return r;
}

}  // namespace p2psim::energy
