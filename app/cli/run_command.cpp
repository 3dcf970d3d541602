#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <optional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/commands.hpp"
#include "app/report/result_set_writer.hpp"
#include "app/report/table.hpp"
#include "app/runner/campaign.hpp"
#include "app/runner/mpi_runner.hpp"
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
  std::vector<std::string> sweeps;
  bool quiet = false;
  bool no_write = false;
  std::string shard;  // --shard i/n
  bool resume = false;

  bool plot = false;  // --plot: draw the charts into <out>/plots after writing
};

std::vector<runner::Override> parse_overrides(const RunArgs& a) {
  std::vector<runner::Override> out;
  for (const auto& s : a.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) throw CLI::ValidationError("--set", "expected key.path=value, got \"" + s + "\"");
    out.push_back({s.substr(0, eq), s.substr(eq + 1)});
  }
  for (const auto& s : a.sweeps) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw CLI::ValidationError("--sweep", "expected key.path=[a,b,...], got \"" + s + "\"");
    out.push_back({s.substr(0, eq), s.substr(eq + 1), runner::Override::Kind::kSweep});
  }
  return out;
}

int do_run(const RunArgs& a, bool validate_only) {
  return run_guarded([&]() -> int {
    const auto overrides = parse_overrides(a);
    const auto loaded = runner::load_scenario(a.scenario, overrides);
    for (const auto& note : loaded.notes) std::cerr << "note: " << note << '\n';
    if (validate_only) {
      std::cout << a.scenario << ": ok (" << loaded.kind->name << ", " << loaded.points.size() << " sweep point"
                << (loaded.points.size() == 1 ? "" : "s") << " x " << loaded.replications << " replication"
                << (loaded.replications == 1 ? "" : "s") << ")\n";
      return 0;
    }
    runner::CampaignOptions c;
    c.scenario_path = a.scenario;
    c.overrides = overrides;
    c.run.jobs = a.jobs;
    if (a.seed_set) c.run.seed = a.seed;
    if (a.replications > 0) c.run.replications = a.replications;
    c.run.progress = !a.quiet && isatty(STDERR_FILENO);
    if (!a.shard.empty()) c.shard = runner::parse_slice(a.shard);
    if (c.shard && a.out.empty()) throw std::invalid_argument("--shard needs --out DIR (the slice's run folder)");
    c.resume = a.resume;
    c.write = !a.no_write;
    c.out = a.out.empty() ? "results/" + loaded.name : a.out;
    // Only the MPI runner keeps every run's series in memory; otherwise they are on disk
    // (the work folder or the slice's run folder) or, with --no-write, not needed.
    c.run.keep_series = runner::mpi::launched() && !c.shard && !c.resume && c.write;
    runner::check_memory(loaded, c.run);
    // The output folder is checked, and its staging folder made, before anything runs (not
    // for a slice, whose --out is its run folder; under MPI only rank 0 writes).
    std::optional<report::ResultSetWriter> writer;
    if (c.write && !c.shard && (!runner::mpi::launched() || runner::mpi::announced_rank() == 0)) {
      std::signal(SIGXFSZ, SIG_IGN);  // a file size limit makes write() fail (reported), not kill the run
      writer.emplace(c.out);
      c.writer = &*writer;
    }
    if (writer) runner::check_disk(loaded, c.run, writer->parent_dir());
    if (writer && writer->replaces_existing() && !a.quiet)
      std::cerr << "note: replacing the earlier result set in " << c.out << '\n';
    const runner::CampaignOutcome done = runner::run_campaign(loaded, c);
    if (done.result)
      for (const auto& w : runner::ineffective_sweep_warnings(*done.result)) std::cerr << "warning: " << w << '\n';
    if (!a.quiet && !done.note.empty()) std::cout << done.note;
    if (!a.quiet && done.result) {
      if (done.reused > 0) std::cout << "resumed: " << done.reused << " finished runs reused, " << done.ran << " run now\n";
      runner::print_summary(*done.result, std::cout);
      if (!a.no_write) std::cout << "\nresults: " << c.out << "/results.json, results.csv\n";
    }
    if (a.plot && !a.no_write && done.result) plot_after_run(c.out, "", "svg");
    return 0;
  });
}

void add_common(CLI::App* cmd, const std::shared_ptr<RunArgs>& a) {
  cmd->add_option("scenario", a->scenario, "Scenario YAML file")->required();
  cmd->add_option("--set", a->sets,
                  "Override a scenario key before validation: key.path=value (repeatable); a swept key is then fixed");
  cmd->add_option("--sweep", a->sweeps, "Replace or add a sweep: key.path=[a,b,...] (repeatable)");
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
  run->add_option("--shard", a->shard,
                  "Run only slice i/n of the runs (1 <= i <= n) and leave a run folder in --out for `p2psim merge`");
  run->add_flag("--resume", a->resume, "Skip the runs an interrupted run of the same scenario (and --shard) finished");

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
