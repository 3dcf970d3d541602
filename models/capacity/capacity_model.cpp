#include "models/capacity/capacity_model.hpp"

#include <algorithm>
#include <cmath>

#include "models/capacity/capacity_run.hpp"
#include "sim/det_math.hpp"

namespace p2psim::capacity {
namespace {

// Cumulative weights for discrete draws.
std::vector<double> cumulative(const std::vector<double>& w) {
  std::vector<double> c;
  double s = 0;
  for (double x : w) c.push_back(s += x);
  return c;
}
int pick(const std::vector<double>& cum, Rng& rng) {
  const double u = rng.uniform01() * cum.back();
  const auto it = std::upper_bound(cum.begin(), cum.end(), u);
  return static_cast<int>(std::min<std::ptrdiff_t>(it - cum.begin(), static_cast<std::ptrdiff_t>(cum.size()) - 1));
}

}  // namespace

namespace detail {

void Run::build_population(std::uint64_t seed) {
  Rng rng = Rng::stream(seed, "capacity/population");
  const auto& pop = spec_.population;
  std::vector<double> rw, aw;
  for (const RegionSpec& r : spec_.network.regions) rw.push_back(r.user_share);
  for (const AccessProfile& a : pop.access) {
    aw.push_back(a.share);
    access_uplink_.push_back(a.uplink_bps);
  }
  const auto cum_r = cumulative(rw), cum_a = cumulative(aw);
  std::vector<std::vector<double>> cum_nat;
  for (const AccessProfile& a : pop.access) {
    std::vector<double> w;
    for (const NatShare& n : a.nat_mix) w.push_back(n.share);
    cum_nat.push_back(cumulative(w));
  }
  users_.resize(static_cast<std::size_t>(std::max<double>(2, std::round(static_cast<double>(pop.users) * pop.growth))));
  region_users_.resize(spec_.network.regions.size());
  for (std::size_t u = 0; u < users_.size(); ++u) {
    User& x = users_[u];
    x.region = pick(cum_r, rng);
    x.access = pick(cum_a, rng);
    const AccessProfile& a = pop.access[x.access];
    x.nat = a.nat_mix[pick(cum_nat[x.access], rng)].nat;
    x.nat.udp_blocked = x.nat.udp_blocked || rng.bernoulli(a.udp_blocked);
    region_users_[x.region].push_back(static_cast<std::int32_t>(u));
  }
  for (std::size_t r = 0; r < spec_.network.regions.size(); ++r) {
    SimTime best = spec_.network.rtt_of(static_cast<int>(r), static_cast<int>(r));
    bool any = false;
    for (const ServerSpec& s : spec_.relays.servers) {
      const SimTime t = spec_.network.rtt_of(static_cast<int>(r), s.region);
      if (!any || t < best) best = t;
      any = true;
    }
    nearest_relay_rtt_.push_back(best);
  }
}

void Run::build_arrivals(std::uint64_t seed) {
  const TrafficSpec& tr = spec_.traffic;
  double sum = 0, mx = 0;
  for (double w : tr.hourly) sum += w;
  const bool shaped = tr.rate_per_s <= 0 && tr.diurnal && sum > 0;
  for (int h = 0; h < 24; ++h) {
    shape_[h] = shaped ? tr.hourly[h] * 24.0 / sum : 1.0;
    mx = std::max(mx, shape_[h]);
  }
  const double n = static_cast<double>(users_.size());
  for (std::size_t r = 0; r < region_users_.size(); ++r) {
    const double nr = static_cast<double>(region_users_[r].size());
    arrival_rng_.push_back(Rng::stream(seed, "capacity/arrivals/" + spec_.network.regions[r].name));
    // A fixed rate is the whole population's: it grows with it.
    const double base = tr.rate_per_s > 0 ? tr.rate_per_s * spec_.population.growth * nr / n
                                          : nr * tr.calls_per_user_per_day / 86400.0;
    base_rate_.push_back(base);
    max_rate_.push_back(base * mx);
  }
  std::vector<double> gw, mw;
  for (const auto& [size, w] : tr.group_sizes) gw.push_back(w);
  for (const MediaProfile& m : tr.media) mw.push_back(m.share);
  log_median_ = det::log(tr.duration.median_s);
  cum_group_ = cumulative(gw);
  cum_media_ = cumulative(mw);
}

double Run::rate(int region, SimTime t) const {
  double local = t.seconds() / 3600.0 + spec_.network.regions[region].utc_offset_h;
  local = std::fmod(local, 24.0);
  if (local < 0) local += 24.0;
  const int h = std::min(23, static_cast<int>(local));
  return base_rate_[region] * shape_[h];
}

void Run::schedule_next_candidate(int region) {
  if (max_rate_[region] <= 0) return;
  const SimTime gap = SimTime::from_seconds(arrival_rng_[region].exponential(1.0 / max_rate_[region]));
  const SimTime t = sim_.now() + gap;
  if (t > spec_.traffic.horizon) return;
  sim_.schedule_at(t, [this, region] { arrival_candidate(region); });
}

void Run::arrival_candidate(int region) {
  // Thinning (Lewis & Shedler 1979): accept with probability rate(t) / max rate.
  const double p = rate(region, sim_.now()) / max_rate_[region];
  if (p >= 1.0 || arrival_rng_[region].uniform01() < p) {
    arriving_region_ = region;
    new_call();
  }
  schedule_next_candidate(region);
}

double Run::stream_rate(int pos, double cap) const {
  const User& u = users_[parts_[pos]];
  const int copies = sfu_call_ ? 1 : static_cast<int>(parts_.size()) - 1;
  return std::min(std::min(bitrate_, cap), access_uplink_[u.access] / copies);
}

double Run::packet_rate(double rate) const {
  // The profile's packet rate at its bitrate; a capped or degraded stream as a fresh stream.
  return rate >= bitrate_ && media_pps_ > 0 ? media_pps_ : turn::stream_packet_rate(rate);
}

Demand Run::relay_demand(double payload_bps, double pps) const {
  const auto& cm = spec_.relays.cost_model;
  if (!cm) return {payload_bps, 1, 0};
  return {cm->wire_bps(payload_bps, pps), 1, cm->cores(pps, payload_bps / 8.0) + cm->cpu_s_per_allocation / dur_s_};
}

void Run::rollback(ActiveCall& call) {
  for (const Hold& h : call.holds) (h.sfu ? sfus_ : relays_).release(h.server, h.d);
  call.holds.clear();
}

bool Run::try_place(ActiveCall& call, double cap, CallOutcome& reason) {
  const int n = static_cast<int>(parts_.size());
  double sum = 0, pps_sum = 0;
  for (int i = 0; i < n; ++i) {
    sum += stream_rate(i, cap);
    pps_sum += packet_rate(stream_rate(i, cap));
  }
  if (sfu_call_) {
    const Demand d{(n - 1) * sum, n, 0};
    const int s = sfus_.reserve(users_[parts_[0]].region, d);
    if (s < 0) {
      reason = CallOutcome::kBlockedSfu;
      return false;
    }
    call.holds.push_back({s, true, users_[parts_[0]].region, d});
    sfu_region_ = spec_.sfus.servers[s].region;
  }
  leg_rtt_s_.clear();
  leg_detour_s_.clear();
  for (const Leg& leg : relayed_) {
    // Mesh pair: both directions' streams; SFU participant: its uplink and downlink.
    const double bw = leg.b >= 0 ? stream_rate(leg.a, cap) + stream_rate(leg.b, cap) : sum;
    const double pps = leg.b >= 0 ? packet_rate(stream_rate(leg.a, cap)) + packet_rate(stream_rate(leg.b, cap)) : pps_sum;
    const Demand d = relay_demand(bw, pps);
    const int region = users_[leg.owner].region;
    const int s = relays_.empty() ? -1 : relays_.reserve(region, d);
    if (s < 0) {
      rollback(call);
      reason = CallOutcome::kBlockedRelay;
      return false;
    }
    call.holds.push_back({s, false, region, d});
    // Round trip through the relay, and what it adds to the direct path.
    const auto& net = spec_.network;
    const int ra = users_[parts_[leg.a]].region;
    const int rb = leg.b >= 0 ? users_[parts_[leg.b]].region : sfu_region_;
    const int rr = spec_.relays.servers[s].region;
    const double via = (net.rtt_of(ra, rr) + net.rtt_of(rr, rb)).seconds();
    leg_rtt_s_.push_back(via);
    leg_detour_s_.push_back(via - net.rtt_of(ra, rb).seconds());
  }
  return true;
}

void Run::new_call() {
  const TrafficSpec& tr = spec_.traffic;
  Rng& rng = call_rng_;
  // Every draw of the call happens before placement, so the arrival stream and the calls'
  // attributes are the same whatever the fleet (common random numbers across sizes).
  const int n = tr.group_sizes[pick(cum_group_, rng)].first;
  const MediaProfile& media = tr.media[pick(cum_media_, rng)];
  bitrate_ = media.bitrate_bps;
  media_pps_ = media.packets_per_s;
  double dur_s = tr.duration.kind == DurationKind::kExponential
                     ? rng.exponential(tr.duration.mean_s)
                     : rng.lognormal(log_median_, tr.duration.sigma);
  const SimTime duration = std::max(SimTime::ms(1), SimTime::from_seconds(std::min(dur_s, 1e8)));
  dur_s_ = duration.seconds();
  const auto& local = region_users_[arriving_region_];
  parts_.clear();
  parts_.push_back(local[rng.below(local.size())]);
  const auto want = std::min<std::int64_t>(n, static_cast<std::int64_t>(users_.size()));
  for (int tries = 0; static_cast<std::int64_t>(parts_.size()) < want; ++tries) {
    // A region smaller than the group falls back to the whole population.
    const bool same = tries < 64 * n && rng.bernoulli(tr.local_fraction);
    const std::int32_t u = same ? local[rng.below(local.size())]
                                : static_cast<std::int32_t>(rng.below(users_.size()));
    if (std::find(parts_.begin(), parts_.end(), u) == parts_.end()) parts_.push_back(u);
  }
  sfu_call_ = n > tr.mesh_max && !sfus_.empty();

  // Connectivity per pair (mesh) or per participant towards the SFU.
  relayed_.clear();
  bool failed = false;
  int legs = 0;
  auto leg_done = [&](const PairOutcome& o) {
    ++legs;
    if (measuring_) {
      setup_s_.add(o.setup.seconds());
      if (extra_) extra_->on_leg_setup(o.path, o.setup);
    }
    failed = failed || o.path == PathKind::kFailed;
  };
  const int np = static_cast<int>(parts_.size());
  if (!sfu_call_) {
    for (int i = 0; i < np; ++i)
      for (int j = i + 1; j < np; ++j) {
        const User& a = users_[parts_[i]];
        const User& b = users_[parts_[j]];
        const PairQuery q{a.nat, b.nat, spec_.network.rtt_of(a.region, b.region), nearest_relay_rtt_[a.region],
                          nearest_relay_rtt_[b.region]};
        const PairOutcome o = conn_.connect(q, ice_rng_);
        leg_done(o);
        if (o.path == PathKind::kRelayed) relayed_.push_back({parts_[o.relay_side == 0 ? i : j], i, j});
      }
  } else {
    // The SFU is public: model it as a host without NAT in the caller's region.
    const int sfu_region = users_[parts_[0]].region;
    const NatBehaviour open{Mapping::kNone, Filtering::kEndpointIndependent, false};
    for (int i = 0; i < np; ++i) {
      const User& a = users_[parts_[i]];
      const PairQuery q{a.nat, open, spec_.network.rtt_of(a.region, sfu_region), nearest_relay_rtt_[a.region],
                        nearest_relay_rtt_[sfu_region]};
      const PairOutcome o = conn_.connect(q, ice_rng_);
      leg_done(o);
      if (o.path == PathKind::kRelayed) relayed_.push_back({parts_[i], i, -1});
    }
  }

  CallOutcome outcome = CallOutcome::kFailed;
  std::uint32_t idx = 0;
  if (!failed) {
    if (free_.empty()) {
      idx = static_cast<std::uint32_t>(calls_.size());
      calls_.emplace_back();
    } else {
      idx = free_.back();
      free_.pop_back();
    }
    ActiveCall& call = calls_[idx];
    CallOutcome reason = CallOutcome::kBlockedRelay;
    if (try_place(call, bitrate_, reason)) {
      outcome = CallOutcome::kCarried;
    } else if (spec_.relays.on_full == OnFull::kDegrade && reason == CallOutcome::kBlockedRelay &&
               try_place(call, spec_.relays.degraded_bitrate_bps, reason)) {
      outcome = CallOutcome::kDegraded;
    } else if (spec_.sfus.on_full == OnFull::kDegrade && reason == CallOutcome::kBlockedSfu &&
               try_place(call, spec_.sfus.degraded_bitrate_bps, reason)) {
      outcome = CallOutcome::kDegraded;
    } else {
      outcome = reason;
    }
    relays_.settle(sim_.now());
    sfus_.settle(sim_.now());
    if (outcome == CallOutcome::kCarried || outcome == CallOutcome::kDegraded) {
      call.live = true;
      ++active_;
      const std::uint32_t gen = call.gen;
      sim_.schedule_after(duration, [this, idx, gen] {
        if (calls_[idx].gen == gen) end_call(idx);
      });
    } else {
      free_.push_back(idx);
    }
  }

  if (!measuring_) return;
  const int relayed_legs = static_cast<int>(relayed_.size());
  ++res_.offered;
  res_.legs += legs;
  res_.relayed_legs += relayed_legs;
  const double span = (spec_.traffic.horizon - spec_.traffic.warmup).seconds();
  const auto k = static_cast<std::size_t>(std::clamp(
      (sim_.now() - spec_.traffic.warmup).seconds() / span * static_cast<double>(batch_offered_.size()), 0.0,
      static_cast<double>(batch_offered_.size() - 1)));
  batch_offered_[k] += 1;
  const bool blocked = outcome == CallOutcome::kBlockedRelay || outcome == CallOutcome::kBlockedSfu;
  {
    const auto h = static_cast<std::size_t>(sim_.now().count_ns() / SimTime::h(1).count_ns());
    auto& hours = res_.region_hours[arriving_region_];
    if (hours.size() <= h) hours.resize(h + 1);
    hours[h].offered += 1;
    if (outcome == CallOutcome::kBlockedRelay) hours[h].blocked_relay += 1;
    if (outcome == CallOutcome::kBlockedSfu) hours[h].blocked_sfu += 1;
  }
  if (in_outage()) {
    ++res_.failover.offered_during;
    if (blocked) ++res_.failover.blocked_during;
  }
  switch (outcome) {
    case CallOutcome::kCarried: ++res_.carried; break;
    case CallOutcome::kDegraded: ++res_.degraded; break;
    case CallOutcome::kBlockedRelay: ++res_.blocked_relay; batch_blocked_[k] += 1; break;
    case CallOutcome::kBlockedSfu: ++res_.blocked_sfu; batch_blocked_[k] += 1; break;
    case CallOutcome::kFailed: ++res_.failed; break;
  }
  if ((outcome == CallOutcome::kCarried || outcome == CallOutcome::kDegraded) && relayed_legs > 0) {
    ++res_.relayed_calls;
    for (double x : leg_rtt_s_) relay_rtt_.add(x);
    for (double x : leg_detour_s_) relay_detour_.add(x);
  }
  if (extra_) extra_->on_call(sim_.now(), np, legs, relayed_legs, outcome);
}

void Run::end_call(std::uint32_t idx) {
  ActiveCall& call = calls_[idx];
  rollback(call);
  relays_.settle(sim_.now());
  sfus_.settle(sim_.now());
  if (!call.pending.empty() && measuring_) ++res_.failover.calls_ended_restarting;
  call.pending.clear();
  call.live = false;
  ++call.gen;
  --active_;
  free_.push_back(idx);
}

void Run::hour_tick() {
  // Integrals of every server over the hour that just ended.
  const SimTime now = sim_.now();
  std::size_t k = 0;
  for (int pass = 0; pass < 2; ++pass) {
    const Fleet& f = pass == 0 ? relays_ : sfus_;
    for (int s = 0; s < static_cast<int>(f.size()); ++s, ++k) {
      const Fleet::Integrals in = f.integrals(s, now);
      const Fleet::Integrals& was = last_integrals_[k];
      res_.server_hours[k].push_back({in.slots - was.slots, in.bw - was.bw, in.cpu - was.cpu});
      last_integrals_[k] = in;
    }
  }
  // Hour boundaries, and the horizon itself when it ends a partial hour.
  const std::int64_t hour = SimTime::h(1).count_ns();
  const SimTime next = std::min(SimTime::ns((now.count_ns() / hour + 1) * hour), spec_.traffic.horizon);
  if (next > now) sim_.schedule_at(next, [this] { hour_tick(); });
}

void Run::sample() {
  const double t = sim_.now().seconds();
  s_sessions_.t.push_back(t);
  s_sessions_.v.push_back(relays_.used_slots());
  s_bw_.t.push_back(t);
  s_bw_.v.push_back(relays_.used_bw());
  s_active_.t.push_back(t);
  s_active_.v.push_back(static_cast<double>(active_));
  if (!sfus_.empty()) {
    s_sfu_.t.push_back(t);
    s_sfu_.v.push_back(sfus_.used_bw());
  }
  if (measuring_) {
    sess_samples_.add(relays_.used_slots());
    bw_samples_.add(relays_.used_bw());
    sfu_samples_.add(sfus_.used_bw());
  }
  const SimTime next = sim_.now() + spec_.report.interval;
  if (next <= spec_.traffic.horizon) sim_.schedule_at(next, [this] { sample(); });
}

void Run::end_warmup() {
  measuring_ = true;
  relays_.restart_measurement(sim_.now());
  sfus_.restart_measurement(sim_.now());
  // Hours before the warm-up ends stay empty; integrals restart with the measurement.
  const std::size_t servers = relays_.size() + sfus_.size();
  last_integrals_.assign(servers, Fleet::Integrals{});
  res_.server_hours.assign(servers, {});
  if (!spec_.report.hourly_servers) return;
  const std::int64_t hour = SimTime::h(1).count_ns();
  const std::int64_t h0 = sim_.now().count_ns() / hour;  // the partial hour the warm-up ends in
  for (auto& v : res_.server_hours) v.assign(static_cast<std::size_t>(h0), ServerHour{});
  const SimTime first = std::min(SimTime::ns((h0 + 1) * hour), spec_.traffic.horizon);
  if (first > sim_.now()) sim_.schedule_at(first, [this] { hour_tick(); });
}

namespace {
Summary summarise(const TimeWeighted& tw, Samples& s, SimTime until) {
  Summary r;
  r.mean = tw.mean(until);
  r.p95 = s.quantile(0.95);
  r.p99 = s.quantile(0.99);
  r.max = tw.max();
  return r;
}
}  // namespace

CapacityResult Run::run() {
  const TrafficSpec& tr = spec_.traffic;
  const int batches = std::max(2, spec_.report.batches);
  batch_offered_.assign(batches, 0.0);
  batch_blocked_.assign(batches, 0.0);
  res_.region_hours.assign(region_users_.size(), {});
  if (tr.warmup > SimTime::zero()) sim_.schedule_at(tr.warmup, [this] { end_warmup(); });
  else end_warmup();
  for (std::size_t f = 0; f < spec_.failures.size(); ++f)
    if (spec_.failures[f].at < tr.horizon) sim_.schedule_at(spec_.failures[f].at, [this, f] { fail(f); });
  sim_.schedule_at(tr.start, [this] { sample(); });
  for (int r = 0; r < static_cast<int>(region_users_.size()); ++r) {
    if (region_users_[r].empty()) continue;
    if (tr.start == SimTime::zero()) schedule_next_candidate(r);
    else sim_.schedule_at(tr.start, [this, r] { schedule_next_candidate(r); });
  }
  sim_.run_until(tr.horizon);
  const SimTime end = tr.horizon;

  CapacityResult& r = res_;
  const double offered = static_cast<double>(std::max<std::int64_t>(1, r.offered));
  r.blocking = static_cast<double>(r.blocked_relay + r.blocked_sfu) / offered;
  r.relay_blocking = static_cast<double>(r.blocked_relay) / offered;
  r.sfu_blocking = static_cast<double>(r.blocked_sfu) / offered;
  r.degraded_fraction = static_cast<double>(r.degraded) / offered;
  r.failed_fraction = static_cast<double>(r.failed) / offered;
  r.relayed_call_fraction = static_cast<double>(r.relayed_calls) /
                            static_cast<double>(std::max<std::int64_t>(1, r.carried + r.degraded));
  r.relayed_leg_fraction = static_cast<double>(r.relayed_legs) / static_cast<double>(std::max<std::int64_t>(1, r.legs));
  {
    // Ratio estimator over batches: B = sum x / sum y, var from residuals x_i - B y_i.
    double sx = 0, sy = 0;
    for (int i = 0; i < batches; ++i) sx += batch_blocked_[i], sy += batch_offered_[i];
    if (sy > 0) {
      const double b = sx / sy, ybar = sy / batches;
      double ss = 0;
      for (int i = 0; i < batches; ++i) {
        const double z = batch_blocked_[i] - b * batch_offered_[i];
        ss += z * z;
      }
      r.blocking_ci95 = student_t_975(static_cast<std::uint64_t>(batches - 1)) *
                        std::sqrt(ss / (batches - 1) / batches) / ybar;
    }
  }
  r.relay_sessions = summarise(relays_.total_slots(), sess_samples_, end);
  r.relay_bw_bps = summarise(relays_.total_bw(), bw_samples_, end);
  r.sfu_bw_bps = summarise(sfus_.total_bw(), sfu_samples_, end);
  r.relay_bytes = relays_.total_bw().integral(end) / 8.0;
  r.relay_cost = r.relay_bytes / 1e9 * spec_.report.price_per_gb;
  r.sfu_bytes = sfus_.total_bw().integral(end) / 8.0;
  {
    FailoverReport& fo = r.failover;
    fo.blocking_during = fo.offered_during > 0 ? static_cast<double>(fo.blocked_during) / static_cast<double>(fo.offered_during) : 0;
  }
  if (spec_.relays.cost_model) {
    double cores = 0;
    for (int s = 0; s < static_cast<int>(relays_.size()); ++s) cores += relays_.integrals(s, end).cpu;
    r.relay_cpu_cores_mean = cores / std::max(1e-9, (end - tr.warmup).seconds());
  }
  r.relay_rtt_mean_s = relay_rtt_.mean();
  r.relay_detour_mean_s = relay_detour_.mean();
  r.setup_mean_s = setup_s_.mean();
  r.setup_p95_s = setup_s_.quantile(0.95);
  for (int pass = 0; pass < 2; ++pass) {
    const Fleet& f = pass == 0 ? relays_ : sfus_;
    const FleetSpec& fs = pass == 0 ? spec_.relays : spec_.sfus;
    for (int s = 0; s < static_cast<int>(f.size()); ++s) {
      const Fleet::Usage u = f.usage(s, end);
      r.servers.push_back({fs.servers[s].name, pass == 1, u.bw_util_mean, u.bw_util_max, u.slot_util_mean,
                           u.slot_util_max, u.cpu_util_mean});
    }
  }
  r.series.push_back(std::move(s_sessions_));
  r.series.push_back(std::move(s_bw_));
  if (!sfus_.empty()) r.series.push_back(std::move(s_sfu_));
  r.series.push_back(std::move(s_active_));
  r.events = sim_.events_executed();
  return r;
}

}  // namespace detail

CapacityResult run_capacity(const CapacitySpec& spec, const Connectivity& connectivity, std::uint64_t seed,
                            CapacityObserver* extra) {
  detail::Run run(spec, connectivity, seed, extra);
  return run.run();
}

}  // namespace p2psim::capacity
