#include "models/capacity/planner.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string_view>

#include "models/capacity/loss_formulas.hpp"

namespace p2psim::capacity {

void set_site_counts(FleetSpec& fleet, const std::vector<int>& counts) {
  fleet.servers.clear();
  for (std::size_t i = 0; i < fleet.sites.size(); ++i) {
    fleet.sites[i].count = counts[i];
    for (int k = 0; k < counts[i]; ++k) {
      ServerSpec s = fleet.sites[i].server;
      s.name = fleet.sites[i].name + "-" + std::to_string(k);
      fleet.servers.push_back(s);
    }
  }
}

double monthly_cost(int servers, double instance_per_hour, double egress_bytes_per_day, double egress_per_gb,
                    double hours_per_month) {
  return servers * instance_per_hour * hours_per_month + egress_bytes_per_day * (hours_per_month / 24.0) / 1e9 * egress_per_gb;
}

namespace {

struct SiteLoad {
  std::vector<ServerHour> hours;  // summed over the site's servers, mean over replications
};

class Planner {
 public:
  Planner(const CapacitySpec& spec, const PlanRequest& req, const RunReplications& run, const PlanLog& log)
      : spec_(spec), req_(req), run_(run), log_(log) {
    spec_.report.hourly_servers = true;
    spec_.report.per_server_metrics = false;
    spec_.failures.clear();  // a plan is for the fleet up; N+1 covers one server down
    fleet_ = req.relays ? &spec_.relays : &spec_.sfus;
    // Users are served within their latency budget: no spill-over to farther relays.
    if (!spec_.plan.latency_budget.empty()) fleet_->max_rtt = spec_.plan.latency_budget;
    file_counts_.clear();
    for (const SiteSpec& s : fleet_->sites) file_counts_.push_back(static_cast<int>(s.count));
  }

  PlanResult plan();

 private:
  // A span of the day simulated on its own: calls from `start`, measured from `warmup`.
  struct Window {
    SimTime start, warmup, horizon;
    std::vector<std::size_t> sites;  // whose busy interval it covers
  };

  std::vector<CapacityResult> simulate(const std::vector<int>& counts, const Window* w, const char* what,
                                       int replications = 0) {
    set_site_counts(*fleet_, counts);
    ++res_.simulations;
    CapacitySpec spec = spec_;
    if (w) {
      spec.traffic.start = w->start;
      spec.traffic.warmup = w->warmup;
      spec.traffic.horizon = w->horizon;
    }
    std::vector<CapacityResult> r = run_(spec, replications);
    if (log_) {
      std::ostringstream os;
      os << "simulation " << res_.simulations << " (" << what;
      if (w) os << ", hours " << w->warmup.seconds() / 3600 << "-" << w->horizon.seconds() / 3600 << " after "
                << (w->warmup - w->start).seconds() / 3600 << " h of warm-up";
      os << "):";
      for (std::size_t i = 0; i < counts.size(); ++i) os << " " << fleet_->sites[i].name << "=" << counts[i];
      if (w) {
        os << "; busiest-hour blocking";
        for (std::size_t i : w->sites) os << " " << fleet_->sites[i].name << " " << blocking(r, i) * 100 << "%";
      }
      log_(os.str());
    }
    return r;
  }

  // Site i's servers summed, per hour, mean over replications.
  std::vector<ServerHour> site_hours(const std::vector<CapacityResult>& rs, std::size_t site,
                                     const std::vector<int>& counts) const {
    std::size_t first = req_.relays ? 0 : spec_.relays.servers.size();
    for (std::size_t i = 0; i < site; ++i) first += static_cast<std::size_t>(counts[i]);
    std::vector<ServerHour> out;
    for (const CapacityResult& r : rs)
      for (int k = 0; k < counts[site]; ++k) {
        const auto& h = r.server_hours[first + static_cast<std::size_t>(k)];
        if (out.size() < h.size()) out.resize(h.size());
        for (std::size_t j = 0; j < h.size(); ++j) {
          out[j].slots_s += h[j].slots_s / static_cast<double>(rs.size());
          out[j].bw_s += h[j].bw_s / static_cast<double>(rs.size());
          out[j].cpu_s += h[j].cpu_s / static_cast<double>(rs.size());
        }
      }
    return out;
  }

  // Blocking at site i's busiest hour of the calls whose caller it serves.
  double blocking(const std::vector<CapacityResult>& rs, std::size_t site) const {
    double offered = 0, blocked = 0;
    for (const CapacityResult& r : rs)
      for (int region : res_.sites[site].served_regions) {
        const auto& v = r.region_hours[static_cast<std::size_t>(region)];
        for (std::size_t h = 0; h < v.size(); ++h) {
          if (!in_busy(site, h)) continue;
          offered += v[h].offered;
          blocked += req_.relays ? v[h].blocked_relay : v[h].blocked_sfu;
        }
      }
    return offered > 0 ? blocked / offered : 0.0;
  }

  // Seconds of hour h inside the measured span.
  double hour_seconds(std::size_t h) const {
    const double a = std::max(static_cast<double>(h) * 3600.0, spec_.traffic.warmup.seconds());
    const double b = std::min(static_cast<double>(h + 1) * 3600.0, spec_.traffic.horizon.seconds());
    return std::max(0.0, b - a);
  }
  bool in_busy(std::size_t site, std::size_t h) const {
    return h >= static_cast<std::size_t>(busy_[site]) && h < static_cast<std::size_t>(busy_end_[site]);
  }

  bool searched(std::size_t i) const { return req_.only_site.empty() || fleet_->sites[i].name == req_.only_site; }

  CapacitySpec spec_;
  PlanRequest req_;
  const RunReplications& run_;
  const PlanLog& log_;
  FleetSpec* fleet_ = nullptr;
  std::vector<int> file_counts_;
  std::vector<int> busy_, busy_end_;  // per site: the busy interval [busy_, busy_end_) in hours
  std::vector<double> egress_bytes_per_day_;  // per site, offered (from the pilot)
  std::vector<double> busy_bw_, busy_cpu_;     // per site: busy-hour offered egress (bit/s), cores
  std::vector<Window> windows_;
  PlanResult res_;
};

PlanResult Planner::plan() {
  const NetworkSpec& net = spec_.network;
  const PlanSpec& ps = spec_.plan;
  const std::size_t ns = fleet_->sites.size();
  const std::size_t nr = net.regions.size();
  double share_total = 0;
  for (const RegionSpec& r : net.regions) share_total += r.user_share;

  // 1. Coverage.
  for (std::size_t i = 0; i < ns; ++i) {
    SitePlan sp;
    sp.name = fleet_->sites[i].name;
    sp.region = fleet_->sites[i].server.region;
    res_.sites.push_back(sp);
  }
  for (std::size_t r = 0; r < nr; ++r) {
    RegionCoverage c;
    c.region = net.regions[r].name;
    c.has_users = net.regions[r].user_share > 0 && share_total > 0;
    if (!ps.latency_budget.empty()) c.budget = ps.latency_budget[r];
    for (std::size_t i = 0; i < ns; ++i) {
      const SimTime t = net.rtt_of(static_cast<int>(r), res_.sites[i].region);
      if (c.site < 0 || t < c.rtt) c.site = static_cast<int>(i), c.rtt = t;
    }
    c.ok = !c.has_users || (c.site >= 0 && c.rtt <= c.budget);
    if (c.has_users && c.site >= 0) res_.sites[static_cast<std::size_t>(c.site)].served_regions.push_back(static_cast<int>(r));
    res_.coverage.push_back(c);
  }

  // 2. Pilot: one unbounded server per site.
  {
    FleetSpec saved = *fleet_;
    for (SiteSpec& s : fleet_->sites) {
      s.server.slots = INT64_MAX / 4;
      s.server.bandwidth_bps = 1e18;
      s.server.cpu_bps = 1e18;
      s.server.cpu_cores = 1e18;
    }
    // The pilot needs loads, not rare events: above kPilotUsers users it runs a smaller
    // population with the same per-user behaviour and scales the loads back up.
    constexpr double kPilotUsers = 1e6;
    const double users = static_cast<double>(spec_.population.users) * spec_.population.growth;
    const double scale = users > kPilotUsers ? std::ceil(users / kPilotUsers) : 1.0;
    const std::int64_t full_users = spec_.population.users;
    spec_.population.users = std::max<std::int64_t>(2, static_cast<std::int64_t>(std::llround(static_cast<double>(full_users) / scale)));
    auto rs = simulate(std::vector<int>(ns, 1), nullptr, scale > 1 ? "pilot, unbounded servers, reduced population, one replication" : "pilot, unbounded servers, one replication", 1);
    spec_.population.users = full_users;
    for (CapacityResult& r : rs)
      for (auto& v : r.server_hours)
        for (ServerHour& h : v) h.slots_s *= scale, h.bw_s *= scale, h.cpu_s *= scale;
    const std::vector<int> ones(ns, 1);
    double carried = 0, relayed = 0;
    for (const CapacityResult& r : rs) {
      carried += static_cast<double>(r.carried + r.degraded);
      relayed += static_cast<double>(req_.relays ? r.relayed_calls : r.carried + r.degraded);
    }
    const double f = carried > 0 ? std::max(1e-9, relayed / carried) : 1.0;
    fleet_->sites = saved.sites;
    // A diurnal profile is checked at its busiest hour; a flat one over the whole run
    // (picking the fullest hour of a flat load would only pick sampling noise).
    const TrafficSpec& tr = spec_.traffic;
    double wsum = 0, wmax = 0, wmin = 1e300;
    for (double w : tr.hourly) wsum += w, wmax = std::max(wmax, w), wmin = std::min(wmin, w);
    const bool diurnal = tr.rate_per_s <= 0 && tr.diurnal && wsum > 0 && wmax > wmin;
    const double days = std::max(1e-9, (tr.horizon - tr.warmup).seconds() / 86400.0);
    busy_bw_.assign(ns, 0.0);
    busy_cpu_.assign(ns, 0.0);
    for (std::size_t i = 0; i < ns; ++i) {
      const auto hours = site_hours(rs, i, ones);
      double bits = 0;
      for (const ServerHour& h : hours) bits += h.bw_s;
      egress_bytes_per_day_.push_back(bits / 8.0 / days);
      std::size_t best = 0;
      for (std::size_t h = 0; h < hours.size(); ++h)
        if (hours[h].slots_s / std::max(1.0, hour_seconds(h)) > hours[best].slots_s / std::max(1.0, hour_seconds(best))) best = h;
      busy_.push_back(diurnal ? static_cast<int>(best) : 0);
      busy_end_.push_back(diurnal ? static_cast<int>(best) + 1 : static_cast<int>(hours.size()));
      SitePlan& sp = res_.sites[i];
      sp.busy_hour = diurnal ? static_cast<int>(best) : -1;
      ServerHour load;
      double span = 0;
      for (std::size_t h = 0; h < hours.size(); ++h)
        if (in_busy(i, h)) {
          load.slots_s += hours[h].slots_s, load.bw_s += hours[h].bw_s, load.cpu_s += hours[h].cpu_s;
          span += hour_seconds(h);
        }
      span = std::max(span, 1e-9);
      sp.offered_erlangs = load.slots_s / span;
      const ServerSpec& sv = fleet_->sites[i].server;
      const bool cm = req_.relays && fleet_->cost_model.has_value();
      if (load.slots_s > 0) {
        // Allocations one server holds: its binding resource over the mean demand.
        const double per_alloc_bw = load.bw_s / load.slots_s;
        const double per_alloc_cpu = cm ? load.cpu_s / load.slots_s : per_alloc_bw;
        const double cpu_cap = cm ? sv.cpu_cores : sv.cpu_bps;
        double k = static_cast<double>(sv.slots);
        if (per_alloc_bw > 0) k = std::min(k, std::floor(sv.bandwidth_bps / per_alloc_bw));
        if (per_alloc_cpu > 0) k = std::min(k, std::floor(cpu_cap / per_alloc_cpu));
        k = std::max(1.0, k);
        const double target = std::min(1.0, ps.blocking_target / f);
        const std::int64_t c = erlang_b_servers(sp.offered_erlangs, std::max(1e-12, target));
        sp.analytic_blocking = static_cast<int>(std::min<double>(req_.max_per_site, std::ceil(static_cast<double>(c) / k)));
        const double bw_load = load.bw_s / span, cpu_load = (cm ? load.cpu_s : load.bw_s) / span;
        busy_bw_[i] = bw_load;
        busy_cpu_[i] = cm ? load.cpu_s / span : bw_load;
        sp.for_bandwidth = static_cast<int>(std::min<double>(1e9, std::ceil(bw_load / (ps.bandwidth_headroom * sv.bandwidth_bps) - 1e-9)));
        sp.for_cpu = static_cast<int>(std::min<double>(1e9, std::ceil(cpu_load / (ps.cpu_headroom * cpu_cap) - 1e-9)));
      }
      sp.analytic_blocking = std::max(sp.analytic_blocking, sp.served_regions.empty() ? 0 : 1);
      if (log_) {
        std::ostringstream os;
        os << "site " << sp.name << ": busy interval hours [" << busy_[i] << ", " << busy_end_[i] << "), " << sp.offered_erlangs
           << " Erlangs offered; Erlang-B bracket " << sp.analytic_blocking << ", headroom cpu " << sp.for_cpu
           << " bandwidth " << sp.for_bandwidth;
        log_(os.str());
      }
    }
  }

  // Windows: each busy hour simulated on its own after a warm-up of ten mean holding
  // times (at least 2 h); a flat load is simulated as the scenario says.
  {
    const DurationSpec& d = spec_.traffic.duration;
    const double mean_hold = d.kind == DurationKind::kExponential ? d.mean_s : d.median_s * std::exp(d.sigma * d.sigma / 2);
    const SimTime warm = std::max(SimTime::h(2), SimTime::from_seconds(std::min(10 * mean_hold, 86400.0)));
    for (std::size_t i = 0; i < ns; ++i) {
      Window w;
      if (res_.sites[i].busy_hour < 0) {
        w = {SimTime::zero(), spec_.traffic.warmup, spec_.traffic.horizon, {}};
      } else {
        const SimTime b = SimTime::h(busy_[i]);
        w = {std::max(SimTime::zero(), b - warm), std::max(b, spec_.traffic.warmup), std::min(SimTime::h(busy_end_[i]), spec_.traffic.horizon), {}};
      }
      auto it = std::find_if(windows_.begin(), windows_.end(), [&](const Window& x) { return x.warmup == w.warmup && x.horizon == w.horizon; });
      if (it == windows_.end()) {
        w.sites.push_back(i);
        windows_.push_back(w);
      } else {
        it->sites.push_back(i);
      }
    }
  }

  // 4. Blocking minimum per site by simulation near the bracket.
  std::vector<int> probe(ns), lo(ns), hi(ns, -1), step(ns, 1), floor_n(ns);
  std::vector<bool> done(ns, false), failed_once(ns, false);
  std::vector<int> down(ns, 1);
  std::vector<double> b_at(ns, 0), b_below(ns, -1), last_b(ns, -1);
  const int np1 = ps.n_plus_one ? 1 : 0;
  for (std::size_t i = 0; i < ns; ++i) {
    floor_n[i] = res_.sites[i].served_regions.empty() ? 0 : 1;
    // Sizes below what the other constraints need anyway cannot change the answer: the
    // search starts at the smallest size that could bind (so when headroom binds, the
    // blocking target is only checked there).
    const int other = std::max({floor_n[i], res_.sites[i].for_cpu, res_.sites[i].for_bandwidth});
    lo[i] = std::max(floor_n[i], other - (floor_n[i] > 0 ? np1 : 0)) - 1;
    if (!searched(i)) {
      probe[i] = file_counts_[i];
      done[i] = true;
    } else {
      probe[i] = std::clamp(std::max(res_.sites[i].analytic_blocking, lo[i] + 1), floor_n[i], req_.max_per_site);
      if (floor_n[i] == 0) probe[i] = 0, hi[i] = 0, done[i] = true;
    }
  }
  bool infeasible = false;
  for (int round = 0; !std::all_of(done.begin(), done.end(), [](bool d) { return d; }); ++round) {
    if (round >= req_.max_simulations) {
      res_.problem = "the search did not settle within " + std::to_string(req_.max_simulations) + " simulations";
      return res_;
    }
    std::vector<double> b_round(ns, 0);
    for (const Window& w : windows_) {
      if (std::all_of(w.sites.begin(), w.sites.end(), [&](std::size_t i) { return done[i]; })) continue;
      const auto rs = simulate(probe, &w, "blocking");
      for (std::size_t i : w.sites) last_b[i] = b_round[i] = blocking(rs, i);
    }
    for (std::size_t i = 0; i < ns; ++i) {
      if (done[i]) continue;
      const double b = b_round[i];
      if (b <= ps.blocking_target) {
        hi[i] = probe[i];
        b_at[i] = b;
      } else {
        lo[i] = probe[i];
        failed_once[i] = true;
        b_below[i] = b;  // the blocking at lo, the largest size known to miss
      }
      if (hi[i] >= 0 && hi[i] - lo[i] <= 1) {
        done[i] = true;
        probe[i] = hi[i];
      } else if (hi[i] < 0) {
        if (lo[i] >= req_.max_per_site) {
          done[i] = true;
          infeasible = true;
          probe[i] = req_.max_per_site;
          res_.problem = "site " + fleet_->sites[i].name + " misses the blocking target even with " +
                         std::to_string(req_.max_per_site) + " servers";
        } else {
          probe[i] = std::min(req_.max_per_site, lo[i] + step[i]);
          step[i] *= 2;
        }
      } else if (probe[i] == hi[i] && !failed_once[i]) {
        // Passing with no failure seen yet: step down, doubling, then bisect.
        probe[i] = std::max(lo[i] + 1, hi[i] - down[i]);
        down[i] *= 2;
      } else {
        probe[i] = lo[i] + (hi[i] - lo[i]) / 2;
      }
    }
  }
  if (infeasible) return res_;

  // The other constraints, and the binding one.
  std::vector<int> final_counts(ns);
  for (std::size_t i = 0; i < ns; ++i) {
    SitePlan& sp = res_.sites[i];
    if (!searched(i)) {
      sp.servers = file_counts_[i];
      sp.binding = "fixed";
      final_counts[i] = sp.servers;
      continue;
    }
    sp.for_blocking = hi[i];
    sp.blocking_below = b_below[i];
    sp.for_n_plus_one = ps.n_plus_one && !sp.served_regions.empty() ? hi[i] + 1 : 0;
    // Ties go to the first: the blocking search starts at what the others need, so a
    // blocking size equal to a headroom size means the headroom bound it.
    const std::pair<int, const char*> c[] = {{sp.for_cpu, "cpu headroom"},
                                             {sp.for_bandwidth, "bandwidth headroom"},
                                             {sp.for_n_plus_one, "n+1"},
                                             {sp.for_blocking, "blocking"},
                                             {floor_n[i], "coverage"}};
    sp.servers = 0;
    sp.binding = "none";
    for (const auto& [n, name] : c) {
      // Headroom at the one server coverage needs anyway does not bind.
      const bool headroom = std::string_view(name).find("headroom") != std::string_view::npos;
      if (n > sp.servers && !(headroom && n <= floor_n[i])) sp.servers = n, sp.binding = name;
    }
    if (sp.servers > req_.max_per_site) {
      res_.problem = "site " + sp.name + " needs " + std::to_string(sp.servers) + " servers for " + sp.binding +
                     ", more than --max " + std::to_string(req_.max_per_site);
      return res_;
    }
    final_counts[i] = sp.servers;
  }

  // 5. The plan. No further simulation: the search's last passing size is the plan's
  // size (without N+1, the search starts at the other constraints' size) or the plan's
  // size minus one (N+1), so its blocking is the plan's, or the plan's with one server of
  // the site down. Utilisation is the busy hour's offered load over the plan's servers.
  res_.monthly_usd = 0;
  for (std::size_t i = 0; i < ns; ++i) {
    SitePlan& sp = res_.sites[i];
    sp.blocking = searched(i) ? b_at[i] : last_b[i];
    const ServerSpec& sv = fleet_->sites[i].server;
    const bool cm = req_.relays && fleet_->cost_model.has_value();
    if (sp.servers > 0) {
      sp.bw_util = busy_bw_[i] / (sp.servers * sv.bandwidth_bps);
      sp.cpu_util = (cm ? busy_cpu_[i] / sv.cpu_cores : busy_bw_[i] / sv.cpu_bps) / sp.servers;
    }
    const double bytes_per_day = egress_bytes_per_day_[i];
    const RegionPrice price = ps.prices.empty() ? RegionPrice{} : ps.prices[static_cast<std::size_t>(sp.region)];
    const double per_gb = price.egress_per_gb >= 0 ? price.egress_per_gb : spec_.report.price_per_gb;
    sp.egress_gb_month = bytes_per_day * (ps.hours_per_month / 24.0) / 1e9;
    sp.instance_usd_month = monthly_cost(sp.servers, price.instance_per_hour, 0, 0, ps.hours_per_month);
    sp.egress_usd_month = monthly_cost(0, 0, bytes_per_day, per_gb, ps.hours_per_month);
    res_.monthly_usd += sp.instance_usd_month + sp.egress_usd_month;
  }
  res_.ok = true;
  std::vector<std::string> uncovered;
  for (const RegionCoverage& c : res_.coverage)
    if (!c.ok) uncovered.push_back(c.region);
  if (!uncovered.empty() && ps.require_coverage) {
    res_.ok = false;
    std::string list;
    for (const std::string& r : uncovered) list += (list.empty() ? "" : ", ") + r;
    res_.problem = (uncovered.size() == 1 ? "region " + list + " has" : "regions " + list + " have") +
                   " users and no relay within the latency budget";
  }
  return res_;
}

}  // namespace

PlanResult plan_fleet(const CapacitySpec& spec, const PlanRequest& req, const RunReplications& run,
                      const PlanLog& log) {
  Planner p(spec, req, run, log);
  return p.plan();
}

}  // namespace p2psim::capacity
