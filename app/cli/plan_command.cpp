// p2psim plan SCENARIO: servers per site of a capacity scenario's relay (or SFU) fleet
// under the scenario's `plan:` constraints (blocking target at the busiest hour, N+1,
// CPU and bandwidth headroom, latency budget per region), with the monthly cost.
// The answer goes to stdout (text, or JSON with --json); the search log to stderr with
// --verbose. Method: models/capacity/planner.hpp; docs/models/capacity.md.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/cli/commands.hpp"
#include "app/runner/runner.hpp"
#include "app/study/capacity_study.hpp"
#include "models/capacity/planner.hpp"
#include "sim/parallel.hpp"
#include "sim/random.hpp"

namespace p2psim::cli {
namespace {

struct PlanArgs {
  std::string scenario;
  std::string fleet = "relays";
  std::string site;
  double target = -1;  // < 0: the scenario's plan.blocking_target
  int max_servers = 10000;
  int jobs = 1;
  int replications = 0;
  std::vector<std::string> sets;
  bool quiet = false, verbose = false, json = false;
};

std::string plural(long n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

std::string ms(SimTime t) {
  std::ostringstream os;
  os << std::round(t.milliseconds()) << " ms";
  return os.str();
}

std::string pct(double x) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(x < 0.1 ? 2 : 1) << x * 100 << "%";
  return os.str();
}

std::string usd(double x) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(2) << x;
  return os.str();
}

nlohmann::ordered_json to_json(const std::string& name, const std::string& fleet, const capacity::PlanSpec& ps,
                               const capacity::PlanResult& r) {
  nlohmann::ordered_json j;
  j["scenario"] = name;
  j["fleet"] = fleet;
  j["ok"] = r.ok;
  if (!r.problem.empty()) j["problem"] = r.problem;
  j["constraints"] = {{"blocking_target", ps.blocking_target},
                      {"redundancy", ps.n_plus_one ? "n+1" : "none"},
                      {"cpu_headroom", ps.cpu_headroom},
                      {"bandwidth_headroom", ps.bandwidth_headroom},
                      {"require_coverage", ps.require_coverage}};
  int total = 0;
  nlohmann::ordered_json sites = nlohmann::ordered_json::array();
  for (const capacity::SitePlan& s : r.sites) {
    total += s.servers;
    nlohmann::ordered_json x;
    x["site"] = s.name;
    x["servers"] = s.servers;
    x["binding"] = s.binding;
    x["servers_for"] = {{"blocking", s.for_blocking}, {"n+1", s.for_n_plus_one}, {"cpu_headroom", s.for_cpu},
                        {"bandwidth_headroom", s.for_bandwidth}, {"erlang_b_bracket", s.analytic_blocking}};
    x["busy_hour"] = s.busy_hour;
    x["offered_erlangs"] = s.offered_erlangs;
    x["blocking"] = s.blocking;  // N+1: with one server down
    x["blocking_with_one_down"] = ps.n_plus_one;
    if (s.blocking_below >= 0) x["blocking_one_fewer"] = s.blocking_below;
    x["cpu_util"] = s.cpu_util;
    x["bandwidth_util"] = s.bw_util;
    x["egress_gb_per_month"] = s.egress_gb_month;
    x["instance_usd_per_month"] = s.instance_usd_month;
    x["egress_usd_per_month"] = s.egress_usd_month;
    sites.push_back(x);
  }
  j["servers"] = total;
  j["sites"] = sites;
  nlohmann::ordered_json cov = nlohmann::ordered_json::array();
  for (const capacity::RegionCoverage& c : r.coverage) {
    nlohmann::ordered_json x;
    x["region"] = c.region;
    x["has_users"] = c.has_users;
    x["site"] = c.site >= 0 ? nlohmann::ordered_json(r.sites[static_cast<std::size_t>(c.site)].name) : nlohmann::ordered_json();
    x["rtt_ms"] = c.site >= 0 ? c.rtt.milliseconds() : 0.0;
    if (c.budget != SimTime::max()) x["budget_ms"] = c.budget.milliseconds();
    x["ok"] = c.ok;
    cov.push_back(x);
  }
  j["coverage"] = cov;
  j["monthly_usd"] = r.monthly_usd;
  j["simulations"] = r.simulations;
  return j;
}

void print_text(std::ostream& os, const std::string& name, const std::string& fleet, const capacity::PlanSpec& ps,
                const capacity::PlanResult& r) {
  os << name << ": " << fleet << ", blocking <= " << pct(ps.blocking_target) << " at each site's busiest hour";
  if (ps.n_plus_one) os << ", N+1";
  if (ps.cpu_headroom < 1) os << ", CPU <= " << pct(ps.cpu_headroom);
  if (ps.bandwidth_headroom < 1) os << ", bandwidth <= " << pct(ps.bandwidth_headroom);
  os << "\n";
  int total = 0;
  std::string list;
  os << "  " << std::left << std::setw(12) << "site" << std::right << std::setw(8) << "servers" << "  " << std::left
     << std::setw(19) << "binding" << std::right << std::setw(9) << "Erlangs" << std::setw(10) << "blocking"
     << std::setw(8) << "cpu" << std::setw(8) << "bw" << std::setw(12) << "USD/month" << "\n";
  for (const capacity::SitePlan& s : r.sites) {
    total += s.servers;
    list += (list.empty() ? "" : ", ") + s.name + "=" + std::to_string(s.servers);
    os << "  " << std::left << std::setw(12) << s.name << std::right << std::setw(8) << s.servers << "  " << std::left
       << std::setw(19) << s.binding << std::right << std::setw(9) << std::setprecision(4) << s.offered_erlangs
       << std::setw(10) << (s.blocking < 0 ? std::string("-") : pct(s.blocking)) << std::setw(8) << pct(s.cpu_util) << std::setw(8) << pct(s.bw_util)
       << std::setw(12) << usd(s.instance_usd_month + s.egress_usd_month) << "\n";
  }
  if (ps.n_plus_one) os << "  (blocking with one server of the site down; cpu and bw: busiest-hour load per server, all up)\n";
  os << "coverage:\n";
  for (const capacity::RegionCoverage& c : r.coverage) {
    os << "  " << c.region << ": ";
    if (!c.has_users) os << "no users\n";
    else if (c.site < 0) os << "NO RELAY\n";
    else {
      os << "served by " << r.sites[static_cast<std::size_t>(c.site)].name << " (" << ms(c.rtt);
      if (c.budget != SimTime::max()) os << ", budget " << ms(c.budget);
      os << ")" << (c.ok ? "" : "  VIOLATION: no relay within budget") << "\n";
    }
  }
  double inst = 0, egr = 0;
  for (const capacity::SitePlan& s : r.sites) inst += s.instance_usd_month, egr += s.egress_usd_month;
  os << "monthly cost: " << usd(r.monthly_usd) << " USD (instances " << usd(inst) << ", egress " << usd(egr) << ")\n";
  if (r.ok) os << "answer: " << plural(total, "server", "servers") << " (" << list << ")\n";
  else os << "no plan: " << r.problem << "\n";
}

int do_plan(const PlanArgs& a) {
  return run_guarded([&]() -> int {
    std::vector<runner::Override> base;
    for (const auto& s : a.sets) {
      const auto eq = s.find('=');
      if (eq == std::string::npos || eq == 0) throw CLI::ValidationError("--set", "expected key.path=value, got \"" + s + "\"");
      base.push_back({s.substr(0, eq), s.substr(eq + 1)});
    }
    const auto loaded = runner::load_scenario(a.scenario, base);
    if (loaded.kind->name != "capacity")
      throw CLI::ValidationError("plan", "needs a `study: capacity` scenario, not \"" + loaded.kind->name + "\"");
    if (loaded.points.size() != 1)
      throw CLI::ValidationError("plan", "needs a scenario without a sweep (this one has " +
                                             std::to_string(loaded.points.size()) + " points)");
    const study::CapacityScenario* sc = study::capacity_scenario_of(*loaded.points[0].study);
    capacity::CapacitySpec spec = sc->spec;
    if (a.target >= 0) spec.plan.blocking_target = a.target;
    const capacity::FleetSpec& fleet = a.fleet == "relays" ? spec.relays : spec.sfus;
    if (fleet.sites.empty())
      throw CLI::ValidationError("plan", a.scenario + ": `" + a.fleet + ".sites` lists no site to size");
    if (!a.site.empty()) {
      bool found = false;
      for (const auto& s : fleet.sites) found = found || s.name == a.site;
      if (!found) throw CLI::ValidationError("--site", "no site \"" + a.site + "\" in " + a.fleet + ".sites");
    }
    const int reps = a.replications > 0 ? a.replications : loaded.replications;
    capacity::RunReplications run = [&](const capacity::CapacitySpec& s, int limit) {
      std::vector<capacity::CapacityResult> out(static_cast<std::size_t>(limit > 0 ? std::min(limit, reps) : reps));
      parallel_for(out.size(), a.jobs, [&](std::size_t r) {
        out[r] = study::run_capacity_replication(*sc, s, derive_seed(loaded.seed, static_cast<std::uint64_t>(r)));
      });
      return out;
    };
    capacity::PlanLog log;
    if (a.verbose) log = [](const std::string& line) { std::cerr << "  " << line << "\n"; };
    capacity::PlanRequest req;
    req.relays = a.fleet == "relays";
    req.only_site = a.site;
    req.max_per_site = a.max_servers;
    const capacity::PlanResult r = capacity::plan_fleet(spec, req, run, log);
    if (a.json) std::cout << to_json(loaded.name, a.fleet, spec.plan, r).dump(2) << "\n";
    else print_text(std::cout, loaded.name, a.fleet, spec.plan, r);
    return r.ok ? 0 : 1;
  });
}

}  // namespace

void add_plan_command(CLI::App& app) {
  auto a = std::make_shared<PlanArgs>();
  CLI::App* plan = app.add_subcommand(
      "plan", "Servers per site of a capacity scenario's relay (or SFU) fleet under its plan: constraints, with the monthly cost");
  plan->add_option("scenario", a->scenario, "Scenario YAML file (study: capacity)")->required();
  plan->add_option("--target", a->target, "Largest acceptable blocking at the busiest hour (default: plan.blocking_target, 0.01)")
      ->check(CLI::Range(0.0, 1.0));
  plan->add_option("--fleet", a->fleet, "Which fleet to size: relays or sfus (default relays)")
      ->check(CLI::IsMember({"relays", "sfus"}));
  plan->add_option("--site", a->site, "Vary only this site's count (default: size every site)");
  plan->add_option("--max", a->max_servers, "Most servers tried per site (default 10000)")->check(CLI::Range(1, 1000000));
  plan->add_option("-j,--jobs", a->jobs, "Worker threads; results do not depend on it")->check(CLI::Range(1, 1024));
  plan->add_option("--replications", a->replications, "Override the replications per size")->check(CLI::Range(1, 100000));
  plan->add_option("--set", a->sets, "Override a scenario key: key.path=value (repeatable)");
  plan->add_flag("--json", a->json, "Write the answer as JSON on stdout");
  plan->add_flag("-v,--verbose", a->verbose, "Print the search (each simulation) on stderr");
  plan->add_flag("-q,--quiet", a->quiet, "No search log (the default; kept for scripts)");
  plan->callback([a] { exit_status() = do_plan(*a); });
}

}  // namespace p2psim::cli
