#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/commands.hpp"
#include "app/report/table.hpp"
#include "app/runner/runner.hpp"
#include "app/scenario/scenario_error.hpp"

namespace p2psim::cli {

int& exit_status() {
  static int status = 0;  // written only by the single command main() runs
  return status;
}

int run_guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const scenario::ScenarioError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 2;
  } catch (const CLI::ValidationError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}

namespace {

struct RunArgs {
  std::string scenario;
  std::string out;
  int jobs = 1;
  std::uint64_t seed = 0;
  bool seed_set = false;
  int replications = 0;
  std::vector<std::string> sets;
  bool quiet = false;
  bool no_write = false;
  bool plot = false;  // --plot: draw the charts into <out>/plots after writing
};

std::vector<runner::Override> parse_sets(const std::vector<std::string>& sets) {
  std::vector<runner::Override> out;
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) throw CLI::ValidationError("--set", "expected key.path=value, got \"" + s + "\"");
    out.push_back({s.substr(0, eq), s.substr(eq + 1)});
  }
  return out;
}

int do_run(const RunArgs& a, bool validate_only) {
  return run_guarded([&]() -> int {
    const auto loaded = runner::load_scenario(a.scenario, parse_sets(a.sets));
    if (validate_only) {
      std::cout << a.scenario << ": ok (" << loaded.kind->name << ", " << loaded.points.size() << " sweep point"
                << (loaded.points.size() == 1 ? "" : "s") << " x " << loaded.replications << " replication"
                << (loaded.replications == 1 ? "" : "s") << ")\n";
      return 0;
    }
    runner::RunOptions opt;
    opt.jobs = a.jobs;
    if (a.seed_set) opt.seed = a.seed;
    if (a.replications > 0) opt.replications = a.replications;
    opt.progress = !a.quiet && isatty(STDERR_FILENO);
    const auto result = runner::run_scenario(loaded, opt);
    const std::string out_dir = a.out.empty() ? "results/" + loaded.name : a.out;
    if (!a.no_write) runner::write_results(result, out_dir);
    if (!a.quiet) {
      runner::print_summary(result, std::cout);
      if (!a.no_write) std::cout << "\nresults: " << out_dir << "/results.json, results.csv\n";
    }
    if (a.plot && !a.no_write) plot_after_run(out_dir, "", "svg");
    return 0;
  });
}

void add_common(CLI::App* cmd, const std::shared_ptr<RunArgs>& a) {
  cmd->add_option("scenario", a->scenario, "Scenario YAML file")->required();
  cmd->add_option("--set", a->sets, "Override a scenario key before validation: key.path=value (repeatable)");
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* run = app.add_subcommand("run", "Run a scenario: every sweep point x replication; write results and print a summary");
  add_common(run, a);
  run->add_option("--out", a->out, "Output directory (default results/<scenario name>)");
  run->add_option("-j,--jobs", a->jobs, "Worker threads; results do not depend on it")->check(CLI::Range(1, 1024));
  run->add_option_function<std::uint64_t>("--seed", [a](const std::uint64_t& s) { a->seed = s; a->seed_set = true; },
                                          "Override the scenario seed");
  run->add_option("--replications", a->replications, "Override the replications per sweep point")->check(CLI::Range(1, 100000));
  run->add_flag("-q,--quiet", a->quiet, "Print nothing but errors");
  run->add_flag("--no-write", a->no_write, "Do not write result files");
  run->add_flag("--plot", a->plot, "After writing results, draw the charts into OUT/plots (as p2psim plot does)");
  run->callback([a] { exit_status() = do_run(*a, false); });

  auto v = std::make_shared<RunArgs>();
  CLI::App* validate = app.add_subcommand("validate", "Load and validate a scenario (every sweep point) without running it");
  add_common(validate, v);
  validate->callback([v] { exit_status() = do_run(*v, true); });

  CLI::App* kinds = app.add_subcommand("kinds", "List the study kinds a scenario's `study:` key can name");
  kinds->callback([] {
    report::Table t({"study", "sections", "description"});
    for (const auto& k : study::study_kinds()) {
      std::string sections;
      for (const auto& s : k.sections) sections += (sections.empty() ? "" : ", ") + s;
      t.add_row({k.name, sections, k.description});
    }
    t.print(std::cout, "");
  });
}

}  // namespace p2psim::cli
