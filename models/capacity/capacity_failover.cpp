// Failures of a capacity run: servers stop and recover; the calls they carried are
// dropped or re-established after an ICE restart (FailureSpec, docs/models/capacity.md,
// "Failures").
#include <algorithm>

#include "models/capacity/capacity_run.hpp"

namespace p2psim::capacity::detail {

void Run::drop(std::uint32_t idx) {
  if (measuring_) ++res_.failover.calls_dropped;
  end_call(idx);
}

double Run::survivor_load() const {
  double mx = 0;
  for (int pass = 0; pass < 2; ++pass) {
    const Fleet& f = pass == 0 ? relays_ : sfus_;
    const FleetSpec& fs = pass == 0 ? spec_.relays : spec_.sfus;
    for (int s = 0; s < static_cast<int>(f.size()); ++s) {
      if (!f.is_up(s)) continue;
      const ServerSpec& c = fs.servers[s];
      const double fb = f.usage_now_bw(s) / c.bandwidth_bps;
      mx = std::max(mx, std::max(fb, static_cast<double>(f.usage_now_slots(s)) / static_cast<double>(c.slots)));
    }
  }
  return mx;
}

void Run::fail(std::size_t fi) {
  const FailureSpec& f = spec_.failures[fi];
  Fleet& fleet = f.relays ? relays_ : sfus_;
  if (measuring_ && fi == 0) res_.failover.survivor_load_before = survivor_load();
  for (int s : f.servers) fleet.set_up(s, false);
  ++outages_;
  for (std::uint32_t idx = 0; idx < calls_.size(); ++idx) {
    ActiveCall& call = calls_[idx];
    if (!call.live) continue;
    bool hit = false;
    for (std::size_t k = 0; k < call.holds.size();) {
      const Hold& h = call.holds[k];
      if (h.sfu != !f.relays || fleet.is_up(h.server)) {
        ++k;
        continue;
      }
      fleet.release(h.server, h.d);
      call.pending.push_back(h);
      call.holds.erase(call.holds.begin() + static_cast<std::ptrdiff_t>(k));
      hit = true;
    }
    if (!hit) continue;
    if (measuring_) ++res_.failover.calls_affected;
    if (!f.reestablish) {
      call.pending.clear();
      drop(idx);
      continue;
    }
    const std::uint32_t gen = call.gen;
    sim_.schedule_after(f.restart_delay, [this, idx, gen] { restart(idx, gen); });
  }
  relays_.settle(sim_.now());
  sfus_.settle(sim_.now());
  if (measuring_ && fi == 0)
    sim_.schedule_after(f.restart_delay, [this] { res_.failover.survivor_load_after = survivor_load(); });
  sim_.schedule_after(f.duration, [this, fi] { recover(fi); });
}

void Run::recover(std::size_t fi) {
  const FailureSpec& f = spec_.failures[fi];
  for (int s : f.servers) (f.relays ? relays_ : sfus_).set_up(s, true);
  --outages_;
}

void Run::restart(std::uint32_t idx, std::uint32_t gen) {
  ActiveCall& call = calls_[idx];
  if (call.gen != gen || !call.live || call.pending.empty()) return;
  // An ICE restart: every leg that lost its server asks for another one at once.
  const std::size_t before = call.holds.size();
  bool ok = true;
  for (const Hold& h : call.pending) {
    Fleet& fleet = h.sfu ? sfus_ : relays_;
    const int s = fleet.reserve(h.region, h.d);
    if (s < 0) {
      ok = false;
      break;
    }
    call.holds.push_back({s, h.sfu, h.region, h.d});
  }
  call.pending.clear();
  if (!ok) {
    for (std::size_t k = before; k < call.holds.size(); ++k)
      (call.holds[k].sfu ? sfus_ : relays_).release(call.holds[k].server, call.holds[k].d);
    call.holds.resize(before);
    drop(idx);
    return;
  }
  if (measuring_) ++res_.failover.calls_reestablished;
  relays_.settle(sim_.now());
  sfus_.settle(sim_.now());
}

}  // namespace p2psim::capacity::detail
