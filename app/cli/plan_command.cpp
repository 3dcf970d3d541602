// p2psim plan SCENARIO: the smallest relay (or SFU) fleet that keeps blocking under a
// target. The scenario's fleet sites are scaled together: N servers are split across the
// sites in proportion to the counts written in the file (largest remainder), or, with
// --site, only that site's count varies. Each size is a full run of the scenario
// (all replications, common random numbers across sizes) through the runner.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/commands.hpp"
#include "app/runner/runner.hpp"
#include "app/scenario/scenario_error.hpp"
#include "models/capacity/sizing.hpp"

namespace p2psim::cli {
namespace {

struct PlanArgs {
  std::string scenario;
  std::string fleet = "relays";
  std::string site;
  double target = 0.01;
  int min_servers = 1;
  int max_servers = 10000;
  int jobs = 1;
  int replications = 0;
  std::vector<std::string> sets;
  bool quiet = false;
};

struct Site {
  std::string name;
  double weight = 1;
};

// Splits n servers over sites in proportion to their weights (largest remainder; ties to
// the earlier site).
std::vector<int> split(int n, const std::vector<Site>& sites) {
  double total = 0;
  for (const Site& s : sites) total += s.weight;
  std::vector<int> out(sites.size(), 0);
  std::vector<std::pair<double, std::size_t>> rem;
  int given = 0;
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const double share = total > 0 ? n * sites[i].weight / total : static_cast<double>(n) / sites.size();
    out[i] = static_cast<int>(std::floor(share));
    given += out[i];
    rem.push_back({share - out[i], i});
  }
  std::stable_sort(rem.begin(), rem.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < n; ++k, ++given) ++out[rem[k % rem.size()].second];
  return out;
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
    // The sites of the fleet, as written (after --set).
    std::vector<Site> sites;
    const auto& echo = loaded.echo;
    if (echo.contains(a.fleet) && echo[a.fleet].is_object() && echo[a.fleet].contains("sites") &&
        echo[a.fleet]["sites"].is_object()) {
      for (const auto& [name, v] : echo[a.fleet]["sites"].items()) {
        double count = 1;
        if (v.is_object() && v.contains("count")) {
          const auto& c = v["count"];
          count = c.is_number() ? c.get<double>() : std::stod(c.get<std::string>());
        }
        sites.push_back({name, count});
      }
    }
    if (sites.empty())
      throw CLI::ValidationError("plan", a.scenario + ": `" + a.fleet + ".sites` lists no site to size");
    if (!a.site.empty()) {
      auto it = std::find_if(sites.begin(), sites.end(), [&](const Site& s) { return s.name == a.site; });
      if (it == sites.end()) throw CLI::ValidationError("--site", "no site \"" + a.site + "\" in " + a.fleet + ".sites");
    }
    const std::string metric = a.fleet == "relays" ? "relay_blocking_probability" : "sfu_blocking_probability";

    runner::RunOptions opt;
    opt.jobs = a.jobs;
    if (a.replications > 0) opt.replications = a.replications;
    struct Eval {
      double mean = 0, half = 0;
      std::vector<int> counts;
    };
    std::map<int, Eval> evals;
    auto counts_for = [&](int n) {
      if (a.site.empty()) return split(n, sites);
      std::vector<int> c;
      for (const Site& s : sites) c.push_back(s.name == a.site ? n : static_cast<int>(s.weight));
      return c;
    };
    auto describe = [&](const std::vector<int>& c) {
      std::string s;
      for (std::size_t i = 0; i < sites.size(); ++i) s += (i ? ", " : "") + sites[i].name + "=" + std::to_string(c[i]);
      return s;
    };
    auto blocking = [&](int n) {
      const std::vector<int> counts = counts_for(n);
      std::vector<runner::Override> ov = base;
      for (std::size_t i = 0; i < sites.size(); ++i)
        ov.push_back({a.fleet + ".sites." + sites[i].name + ".count", std::to_string(counts[i])});
      const auto sc = runner::load_scenario(a.scenario, ov);
      const auto result = runner::run_scenario(sc, opt);
      const auto* st = result.summary.points.at(0).find(metric);
      Eval e{st ? st->mean : 0.0, st ? st->half_width : 0.0, counts};
      evals[n] = e;
      if (!a.quiet)
        std::cerr << "  " << std::setw(5) << n << " servers (" << describe(counts) << "): " << metric << " "
                  << std::setprecision(4) << e.mean * 100 << "%\n";
      return e.mean;
    };
    const int lo = a.site.empty() ? a.min_servers : std::max(0, a.min_servers);
    const capacity::SizingResult r = capacity::find_min_servers(blocking, a.target, lo, a.max_servers);
    auto line = [&](int n) {
      const Eval& e = evals.at(n);
      std::ostringstream os;
      os << std::setw(5) << n << (n == 1 ? " server  (" : " servers (") << describe(e.counts) << "): blocking " << std::setprecision(4)
         << e.mean * 100 << "%";
      if (e.half > 0) os << " +- " << std::setprecision(3) << e.half * 100 << "%";
      return os.str();
    };
    std::cout << loaded.name << ": " << a.fleet << (a.site.empty() ? "" : " at site " + a.site)
              << ", target blocking <= " << a.target * 100 << "%\n";
    if (r.found) {
      std::cout << "answer: " << r.servers << (r.servers == 1 ? " server" : " servers") << "\n  " << line(r.servers) << "\n";
      if (r.has_below) std::cout << "  " << line(r.servers - 1) << "  (one fewer)\n";
      return 0;
    }
    std::cout << "no fleet of up to " << a.max_servers << " servers meets the target\n  " << line(r.servers) << "\n";
    return 1;
  });
}

}  // namespace

void add_plan_command(CLI::App& app) {
  auto a = std::make_shared<PlanArgs>();
  CLI::App* plan = app.add_subcommand(
      "plan", "Find the smallest relay (or SFU) fleet of a capacity scenario that keeps blocking under a target");
  plan->add_option("scenario", a->scenario, "Scenario YAML file (study: capacity)")->required();
  plan->add_option("--target", a->target, "Largest acceptable blocking probability (default 0.01)")
      ->check(CLI::Range(0.0, 1.0));
  plan->add_option("--fleet", a->fleet, "Which fleet to size: relays or sfus (default relays)")
      ->check(CLI::IsMember({"relays", "sfus"}));
  plan->add_option("--site", a->site, "Vary only this site's count (default: scale every site together)");
  plan->add_option("--min", a->min_servers, "Smallest fleet tried (default 1)")->check(CLI::Range(0, 1000000));
  plan->add_option("--max", a->max_servers, "Largest fleet tried (default 10000)")->check(CLI::Range(1, 1000000));
  plan->add_option("-j,--jobs", a->jobs, "Worker threads; results do not depend on it")->check(CLI::Range(1, 1024));
  plan->add_option("--replications", a->replications, "Override the replications per size")->check(CLI::Range(1, 100000));
  plan->add_option("--set", a->sets, "Override a scenario key: key.path=value (repeatable)");
  plan->add_flag("-q,--quiet", a->quiet, "Print only the answer");
  plan->callback([a] { exit_status() = do_plan(*a); });
}

}  // namespace p2psim::cli
