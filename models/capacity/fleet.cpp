#include "models/capacity/fleet.hpp"

#include <algorithm>

namespace p2psim::capacity {

Fleet::Fleet(const FleetSpec& spec, const NetworkSpec& net) : spec_(&spec) {
  servers_.resize(spec.servers.size());
  const int regions = static_cast<int>(net.regions.size());
  nearest_order_.resize(regions);
  rtt_.resize(regions);
  for (int r = 0; r < regions; ++r) {
    for (const ServerSpec& s : spec.servers) rtt_[r].push_back(net.rtt_of(r, s.region));
    std::vector<int>& order = nearest_order_[r];
    for (int i = 0; i < static_cast<int>(spec.servers.size()); ++i) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return rtt_[r][x] < rtt_[r][y]; });
    SimTime limit = SimTime::max();
    if (static_cast<std::size_t>(r) < spec.max_rtt.size() && !order.empty())
      limit = std::max(spec.max_rtt[static_cast<std::size_t>(r)], rtt_[r][static_cast<std::size_t>(order.front())]);
    limit_.push_back(limit);
  }
}

bool Fleet::fits(int s, const Demand& d) const {
  const ServerSpec& c = spec_->servers[s];
  const Server& u = servers_[s];
  const bool cpu_ok = spec_->cost_model ? u.cpu + d.cpu <= c.cpu_cores * (1 + 1e-12)
                                        : u.bw + d.bw <= c.cpu_bps * (1 + 1e-12);
  return u.up && u.slots + d.slots <= c.slots && u.bw + d.bw <= c.bandwidth_bps * (1 + 1e-12) && cpu_ok;
}

double Fleet::load(int s) const {
  const ServerSpec& c = spec_->servers[s];
  const Server& u = servers_[s];
  const double cpu = spec_->cost_model ? u.cpu / c.cpu_cores : u.bw / c.cpu_bps;
  return std::max({u.bw / c.bandwidth_bps, static_cast<double>(u.slots) / static_cast<double>(c.slots), cpu});
}

int Fleet::reserve(int region, const Demand& d) {
  const int n = static_cast<int>(servers_.size());
  int chosen = -1;
  switch (spec_->placement) {
    case Placement::kRoundRobin:
      for (int k = 0; k < n; ++k) {
        const int s = static_cast<int>((rr_next_ + k) % n);
        if (rtt_[region][s] <= limit_[region] && fits(s, d)) {
          chosen = s;
          rr_next_ = static_cast<std::size_t>(s + 1) % n;
          break;
        }
      }
      break;
    case Placement::kLeastLoaded:
      for (int s = 0; s < n; ++s)
        if (rtt_[region][s] <= limit_[region] && fits(s, d) && (chosen < 0 || load(s) < load(chosen))) chosen = s;
      break;
    case Placement::kNearest: {
      SimTime best_rtt;
      for (int s : nearest_order_[region]) {
        if ((chosen >= 0 && rtt_[region][s] > best_rtt) || rtt_[region][s] > limit_[region]) break;
        if (fits(s, d) && (chosen < 0 || load(s) < load(chosen))) {
          chosen = s;
          best_rtt = rtt_[region][s];
        }
      }
      break;
    }
  }
  if (chosen < 0) return -1;
  Server& u = servers_[chosen];
  u.bw += d.bw;
  u.cpu += d.cpu;
  u.slots += d.slots;
  bw_now_ += d.bw;
  slots_now_ += static_cast<double>(d.slots);
  if (!u.dirty) {
    u.dirty = true;
    dirty_.push_back(chosen);
  }
  return chosen;
}

void Fleet::release(int server, const Demand& d) {
  Server& u = servers_[server];
  u.bw -= d.bw;
  u.cpu -= d.cpu;
  u.slots -= d.slots;
  bw_now_ -= d.bw;
  slots_now_ -= static_cast<double>(d.slots);
  // No drift below zero (or to a tiny residue) from float sums when a server empties.
  if (u.slots == 0 || u.bw < 1e-6) u.bw = 0;
  if (u.slots == 0 || u.cpu < 1e-12) u.cpu = 0;
  if (slots_now_ < 0.5) bw_now_ = 0;
  if (!u.dirty) {
    u.dirty = true;
    dirty_.push_back(server);
  }
}

void Fleet::settle(SimTime now) {
  if (dirty_.empty()) return;
  for (int s : dirty_) {
    Server& u = servers_[s];
    u.bw_tw.set(now, u.bw);
    u.slots_tw.set(now, static_cast<double>(u.slots));
    u.cpu_tw.set(now, u.cpu);
    u.dirty = false;
  }
  dirty_.clear();
  total_bw_.set(now, bw_now_);
  total_slots_.set(now, slots_now_);
}

void Fleet::restart_measurement(SimTime now) {
  for (Server& u : servers_) {
    u.bw_tw = TimeWeighted(now, u.bw);
    u.slots_tw = TimeWeighted(now, static_cast<double>(u.slots));
    u.cpu_tw = TimeWeighted(now, u.cpu);
  }
  total_bw_ = TimeWeighted(now, total_bw_.value());
  total_slots_ = TimeWeighted(now, total_slots_.value());
}

Fleet::Usage Fleet::usage(int server, SimTime until) const {
  const ServerSpec& c = spec_->servers[server];
  const Server& u = servers_[server];
  Usage r;
  r.bw_util_mean = u.bw_tw.mean(until) / c.bandwidth_bps;
  r.bw_util_max = u.bw_tw.max() / c.bandwidth_bps;
  r.slot_util_mean = u.slots_tw.mean(until) / static_cast<double>(c.slots);
  r.slot_util_max = u.slots_tw.max() / static_cast<double>(c.slots);
  r.cpu_util_mean = spec_->cost_model ? u.cpu_tw.mean(until) / c.cpu_cores : u.bw_tw.mean(until) / c.cpu_bps;
  return r;
}

Fleet::Integrals Fleet::integrals(int server, SimTime until) const {
  const Server& u = servers_[server];
  return {u.slots_tw.integral(until), u.bw_tw.integral(until), u.cpu_tw.integral(until)};
}

}  // namespace p2psim::capacity
