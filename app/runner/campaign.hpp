// A campaign: one `p2psim run` of a scenario's run set, as a whole, as one slice of it
// (--shard i/n, for batch-scheduler arrays), resumed (--resume), or over MPI ranks; and
// `p2psim merge`, which turns the slices' run folders into the final files.
//
// Every finished run's record goes to a run folder (app/runner/run_folder.hpp) as soon as
// it finishes: for a whole run the work folder `<out>.work`, deleted once results.json
// and the CSVs are written; for a slice the --out folder itself. The final files are
// always made by assemble_run_set + write_results from the complete set of records, so
// they are byte-identical whichever way the runs were executed.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/runner/run_set.hpp"
#include "app/report/result_set_writer.hpp"
#include "app/runner/runner.hpp"

namespace p2psim::runner {

struct CampaignOptions {
  std::string scenario_path;         // as given on the command line
  std::vector<Override> overrides;   // --set
  RunOptions run;                    // --jobs, --seed, --replications, progress
  std::string out;                   // final results folder; with `shard`, the run folder
  std::optional<Slice> shard;        // run only this slice and leave a run folder
  bool resume = false;               // reuse the finished records of the run folder
  bool write = true;                 // false: --no-write (no files, no run folder)
  // The final result set's writer, prepared before anything runs (so --out problems surface
  // first); null: made when the files are written. Not used for a slice.
  report::ResultSetWriter* writer = nullptr;
};

struct CampaignOutcome {
  std::unique_ptr<LoadedScenario> scenario;  // merge only: the scenario read back from the run folders
  std::optional<RunSetResult> result;  // the complete run set (not for a slice / rank > 0)
  std::size_t ran = 0, reused = 0;     // runs executed now, runs taken from the run folder
  std::string note;                    // what was written, for slices
};

// Environment variable for fault-injection tests: after that many runs have been
// recorded, the process kills itself with SIGKILL (as `kill -9` would).
inline constexpr const char* kKillAfterRunsEnv = "P2PSIM_TEST_KILL_AFTER_RUNS";

// Runs what is missing of `scenario` (loaded from options.scenario_path with
// options.overrides) and writes the final files (or the slice's run folder). Throws
// std::invalid_argument for a bad combination (e.g. --resume with no run folder, or one
// of another scenario) and std::runtime_error when running or writing fails.
CampaignOutcome run_campaign(const LoadedScenario& scenario, const CampaignOptions& options);

// Reads the run folders `dirs`, checks that they are slices of one campaign, that every
// run is present once (naming the missing slices or runs, or the duplicated ones), and
// assembles the complete run set (not written: the caller calls write_results).
CampaignOutcome merge_run_folders(const std::vector<std::string>& dirs);

}  // namespace p2psim::runner
