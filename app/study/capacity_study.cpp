// Study kind "capacity": relay and SFU fleet capacity for a user population over hours.
// Sections: regions, population, traffic, relays, sfus, connectivity, report
// (docs/scenarios.md, "## study: capacity"; the model: docs/models/capacity.md).
#include <algorithm>
#include <cctype>
#include <iomanip>
#include <ostream>

#include "app/study/capacity_study.hpp"
#include "models/capacity/capacity_model.hpp"
#include "models/capacity/ice_connectivity.hpp"
#include "sim/random.hpp"

namespace p2psim::study {
namespace {

std::string metric_safe(const std::string& s) {
  std::string o;
  for (char c : s) o += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return o;
}

class CapacityStudy final : public Study {
 public:
  explicit CapacityStudy(CapacityScenario sc) : sc_(std::move(sc)) {}
  const CapacityScenario& scenario() const { return sc_; }

  // Series: 3 (4 with SFUs) of horizon / interval + 1 samples, a time and a value of 8 bytes
  // each, held by the model and copied once into the RunResult; 16 bytes per user; a fixed
  // allowance for calls in progress, the fleets and the event queue.
  MemoryEstimate memory_estimate() const override {
    const auto& sp = sc_.spec;
    const std::uint64_t samples = static_cast<std::uint64_t>(sp.traffic.horizon.count_ns() / sp.report.interval.count_ns() + 1);
    const std::uint64_t series = (sp.sfus.servers.empty() ? 3u : 4u) * samples * 16u;
    MemoryEstimate e;
    e.series_samples = series / 16u;
    e.result_bytes = series;
    e.working_bytes = 2 * series + static_cast<std::uint64_t>(sp.population.users) * 16u + (64u << 20);
    return e;
  }

  RunResult run(std::uint64_t seed) const override {
    const capacity::CapacityResult r = run_model(seed);
    RunResult out;
    auto m = [&](const std::string& name, double v) { out.metrics.push_back({name, v}); };
    m("calls_offered", static_cast<double>(r.offered));
    m("calls_carried", static_cast<double>(r.carried));
    m("calls_degraded", static_cast<double>(r.degraded));
    m("calls_blocked", static_cast<double>(r.blocked_relay + r.blocked_sfu));
    m("calls_failed", static_cast<double>(r.failed));
    m("blocking_probability", r.blocking);
    m("blocking_ci95_half", r.blocking_ci95);
    m("relay_blocking_probability", r.relay_blocking);
    m("sfu_blocking_probability", r.sfu_blocking);
    m("degraded_fraction", r.degraded_fraction);
    m("failed_fraction", r.failed_fraction);
    m("relayed_fraction", r.relayed_call_fraction);
    m("relayed_leg_fraction", r.relayed_leg_fraction);
    auto summary = [&](const std::string& base, const char* unit, const capacity::Summary& s) {
      m(base + "_mean" + unit, s.mean);
      m(base + "_p95" + unit, s.p95);
      m(base + "_p99" + unit, s.p99);
      m(base + "_max" + unit, s.max);
    };
    summary("relay_sessions", "", r.relay_sessions);
    summary("relay_bandwidth", "_bps", r.relay_bw_bps);
    if (!sc_.spec.sfus.servers.empty()) summary("sfu_bandwidth", "_bps", r.sfu_bw_bps);
    m("relay_bytes", r.relay_bytes);
    m("relay_cost_usd", r.relay_cost);
    if (!sc_.spec.sfus.servers.empty()) m("sfu_bytes", r.sfu_bytes);
    m("relay_path_rtt_mean_s", r.relay_rtt_mean_s);
    m("relay_detour_mean_s", r.relay_detour_mean_s);
    m("setup_time_mean_s", r.setup_mean_s);
    m("setup_time_p95_s", r.setup_p95_s);
    double relay_util_max = 0;
    for (const auto& s : r.servers)
      if (!s.sfu) relay_util_max = std::max({relay_util_max, s.bw_util_mean, s.slot_util_mean, s.cpu_util_mean});
    m("relay_server_util_max", relay_util_max);
    if (sc_.spec.relays.cost_model) m("relay_cpu_cores_mean", r.relay_cpu_cores_mean);
    if (!sc_.spec.failures.empty()) {
      const capacity::FailoverReport& f = r.failover;
      m("failover_calls_affected", static_cast<double>(f.calls_affected));
      m("failover_calls_reestablished", static_cast<double>(f.calls_reestablished));
      m("failover_calls_dropped", static_cast<double>(f.calls_dropped));
      m("failover_calls_ended_restarting", static_cast<double>(f.calls_ended_restarting));
      m("failover_calls_offered", static_cast<double>(f.offered_during));
      m("failover_blocking_probability", f.blocking_during);
      m("failover_survivor_load_before", f.survivor_load_before);
      m("failover_survivor_load_after", f.survivor_load_after);
    }
    m("sim_events", static_cast<double>(r.events));
    if (sc_.spec.report.per_server_metrics) {
      for (const auto& s : r.servers) {
        const std::string base = std::string(s.sfu ? "sfu_" : "relay_") + metric_safe(s.name);
        m(base + "_bw_util", s.bw_util_mean);
        m(base + "_bw_util_peak", s.bw_util_max);
        m(base + (s.sfu ? "_participant_util" : "_alloc_util"), s.slot_util_mean);
        m(base + "_cpu_util", s.cpu_util_mean);
      }
    }
    for (const auto& s : r.series) out.series.push_back({s.name, s.unit, s.t, s.v});
    return out;
  }

 private:
  capacity::CapacityResult run_model(std::uint64_t seed) const { return run_capacity_replication(sc_, sc_.spec, seed); }

  CapacityScenario sc_;
};

void summarize(const RunSetSummary& rs, std::ostream& os) {
  os << "capacity: " << rs.scenario_name << "\n";
  for (const PointSummary& p : rs.points) {
    for (const auto& [path, value] : p.params) os << "  " << path << " = " << value << "\n";
    auto line = [&](const char* label, const char* metric, double scale, const char* unit) {
      const PointSummary::Stat* s = p.find(metric);
      if (!s) return;
      os << "  " << std::left << std::setw(34) << label << std::right << std::setw(14) << std::setprecision(6)
         << s->mean * scale;
      if (s->n > 1) os << " +- " << std::setprecision(3) << s->half_width * scale;
      os << " " << unit << "\n";
    };
    line("calls offered", "calls_offered", 1, "");
    line("blocking probability", "blocking_probability", 100, "%");
    line("  relay blocking", "relay_blocking_probability", 100, "%");
    if (p.find("sfu_bandwidth_mean_bps")) line("  SFU blocking", "sfu_blocking_probability", 100, "%");
    line("degraded calls", "degraded_fraction", 100, "%");
    line("failed calls", "failed_fraction", 100, "%");
    line("calls relayed", "relayed_fraction", 100, "%");
    line("relay sessions mean", "relay_sessions_mean", 1, "allocations");
    line("relay sessions p99", "relay_sessions_p99", 1, "allocations");
    line("relay sessions max", "relay_sessions_max", 1, "allocations");
    line("relay bandwidth mean", "relay_bandwidth_mean_bps", 1e-6, "Mbps");
    line("relay bandwidth p99", "relay_bandwidth_p99_bps", 1e-6, "Mbps");
    line("relay bandwidth max", "relay_bandwidth_max_bps", 1e-6, "Mbps");
    line("relayed data", "relay_bytes", 1e-9, "GB");
    line("relay cost", "relay_cost_usd", 1, "USD");
    line("busiest relay utilisation", "relay_server_util_max", 100, "%");
    line("SFU bandwidth p99", "sfu_bandwidth_p99_bps", 1e-6, "Mbps");
    line("relayed path RTT mean", "relay_path_rtt_mean_s", 1e3, "ms");
    line("  detour over direct", "relay_detour_mean_s", 1e3, "ms");
    line("set-up time p95", "setup_time_p95_s", 1e3, "ms");
    line("relay CPU mean", "relay_cpu_cores_mean", 1, "cores");
    line("failover: calls affected", "failover_calls_affected", 1, "");
    line("  re-established", "failover_calls_reestablished", 1, "");
    line("  dropped", "failover_calls_dropped", 1, "");
    line("  blocking during outage", "failover_blocking_probability", 100, "%");
    line("  busiest survivor before", "failover_survivor_load_before", 100, "%");
    line("  busiest survivor after", "failover_survivor_load_after", 100, "%");
  }
}

}  // namespace

const CapacityScenario* capacity_scenario_of(const Study& s) {
  const auto* c = dynamic_cast<const CapacityStudy*>(&s);
  return c ? &c->scenario() : nullptr;
}

capacity::CapacityResult run_capacity_replication(const CapacityScenario& sc, const capacity::CapacitySpec& spec,
                                                  std::uint64_t seed) {
  if (sc.use_ice) {
    // Packet-level ICE once per kind of pair, cached for this run only.
    const capacity::IceConnectivity ice(derive_seed(seed, "capacity/ice"), true);
    return capacity::run_capacity(spec, ice, seed);
  }
  return capacity::run_capacity(spec, *sc.connectivity, seed);
}

StudyKind make_capacity_kind() {
  StudyKind k;
  k.name = "capacity";
  k.description = "TURN relay and SFU fleet sizing for a user population over hours (flow level)";
  k.sections = {"regions", "population", "traffic", "relays", "sfus", "connectivity", "report", "failures", "plan"};
  k.parse = [](const scenario::Field& root) -> std::unique_ptr<Study> {
    return std::make_unique<CapacityStudy>(parse_capacity(root));
  };
  k.summarize = summarize;
  k.headline = {"blocking_probability", "relay_blocking_probability", "relayed_fraction", "relay_sessions_p99",
                "relay_bandwidth_p99_bps", "relay_cost_usd"};
  return k;
}

}  // namespace p2psim::study
