// The runner: loads a scenario file into validated sweep points, runs every
// (sweep point, replication) pair on one or more threads, and aggregates the results.
//
// Top-level keys of every scenario file (a kind adds its own sections):
//   name:          identifier; results go to results/<name>/           (required)
//   description:   free text                                           (optional)
//   study:         which StudyKind reads the file, e.g. group-call     (required)
//   seed:          unsigned 64-bit scenario seed                       (default 1)
//   replications:  runs per sweep point, >= 1                          (default 1)
//   sweep:         map of dotted key path -> list of values; the run set is the
//                  cartesian product, in the order the paths are written (optional)
//
// Seeds: replication r of every sweep point uses derive_seed(seed, r) (common random
// numbers across sweep points, so differences between points are not sampling noise).
// A run is identified by (point index, replication), so a run set can be split across
// processes and merged; results never depend on --jobs.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/report/result_set_writer.hpp"
#include "app/study/study.hpp"

namespace p2psim::runner {

struct SweepPoint {
  std::vector<std::pair<std::string, std::string>> params;  // path -> value text
  std::vector<nlohmann::ordered_json> values;  // per sweep path, the value with its YAML type
  std::unique_ptr<study::Study> study;
};

struct LoadedScenario {
  std::string file;
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  int replications = 1;
  const study::StudyKind* kind = nullptr;
  std::vector<std::string> sweep_paths;
  std::vector<std::size_t> sweep_sizes;  // values per sweep path (points = their product)
  std::vector<SweepPoint> points;
  nlohmann::ordered_json echo;  // the scenario as parsed, for results.json
  std::vector<std::string> notes;  // what the command line changed about the sweep, for stderr
};

// A command-line change to the document, applied before validation.
//   kSet   (--set key.path=value): replaces or adds a key; `value` is a YAML scalar. When
//          the key is swept, the value replaces the sweep of that key (a note says so).
//   kSweep (--sweep key.path=[a,b,...]): replaces the sweep of that key, or adds a sweep
//          dimension; `value` is a YAML flow sequence.
struct Override {
  std::string path;
  std::string value;
  enum class Kind { kSet, kSweep } kind = Kind::kSet;
};

// Reads and validates the whole run set. Throws scenario::ScenarioError (file:line:col)
// on any problem; nothing is run or written in that case.
LoadedScenario load_scenario(const std::string& path, const std::vector<Override>& overrides = {});
// Same, from text already in memory (`display_name` is used in error messages). `kinds`
// replaces the registry of study kinds (tests use it); nullptr means study::study_kinds().
LoadedScenario load_scenario_text(const std::string& text, const std::string& display_name,
                                  const std::vector<Override>& overrides = {},
                                  const std::vector<study::StudyKind>* kinds = nullptr);

struct RunOptions {
  int jobs = 1;                            // worker threads in all, >= 1 (runs x threads inside a run)
  std::optional<std::uint64_t> seed;       // overrides the scenario's seed
  std::optional<int> replications;         // overrides the scenario's replications
  bool progress = false;                   // print progress to stderr
  // Whether finished runs' series stay in memory until the run set is assembled. A whole
  // `run` that writes files keeps them on disk instead (its work folder; timeseries.csv is
  // streamed from there one run at a time), --no-write and slices need none in memory;
  // only the MPI runner's rank 0 keeps them. false: run_scenario drops them.
  bool keep_series = true;
};

struct RunRecord {
  std::size_t point = 0;
  int replication = 0;
  std::uint64_t seed = 0;
  study::RunResult result;
};

struct RunSetResult {
  const LoadedScenario* scenario = nullptr;
  std::uint64_t seed = 0;
  int replications = 0;
  std::vector<RunRecord> runs;  // ordered by (point, replication)
  study::RunSetSummary summary;
  // When set, the runs' series are not in `runs` but on disk (a whole `run` keeps every
  // finished run's record in its work folder, `merge` in the run folders): series_of(i)
  // reads run i's series back, one run at a time, while timeseries.csv is written.
  // `series_on_disk`: some run produced a series.
  std::function<std::vector<study::Series>(std::size_t run)> series_of;
  bool series_on_disk = false;
};

RunSetResult run_scenario(const LoadedScenario& scenario, const RunOptions& options);

// The two halves of run_scenario, for runs split across processes, resumed or spread over
// MPI ranks (app/runner/run_set.hpp, app/runner/campaign.hpp):
// execute_runs runs the runs numbered `indices` (point * replications + replication) with
// at most options.jobs threads in all -- min(jobs, runs) runs at a time, each lent
// jobs / that many threads for its shards -- and hands each finished record to `done`,
// one at a time (never concurrently). `shards`, when set, becomes every run's
// RunContext::shards. The first failing run's exception is rethrown after the others end.
void execute_runs(const LoadedScenario& scenario, std::uint64_t seed, int replications,
                  const std::vector<std::size_t>& indices, const RunOptions& options,
                  const std::function<void(RunRecord&&)>& done,
                  const decltype(study::RunContext::shards)& shards = {});
// execute_claimed_runs is execute_runs with the runs handed out by `claim` (a run number,
// or no run when there are none left; called under a lock, never concurrently) instead of
// a list, for ranks that draw runs from a shared counter; `at_most` bounds how many runs
// this process may get (it sets the threads and the progress line, which counts this
// process's runs).
void execute_claimed_runs(const LoadedScenario& scenario, std::uint64_t seed, int replications, std::size_t at_most,
                          const std::function<std::optional<std::size_t>()>& claim, const RunOptions& options,
                          const std::function<void(RunRecord&&)>& done,
                          const decltype(study::RunContext::shards)& shards = {});
// assemble_run_set aggregates a complete set of runs, ordered by (point, replication),
// into per-point means and 95% CIs: what write_results and print_summary read.
RunSetResult assemble_run_set(const LoadedScenario& scenario, std::uint64_t seed, int replications,
                              std::vector<RunRecord> runs);

// Memory the run set is estimated to need (largest run's working memory, with
// MemoryEstimate::shard_bytes for each shard it runs at once, x concurrent jobs, plus every
// run's retained series when options.keep_series), from Study::memory_estimate. Refusal: throws
// std::invalid_argument (exit status 2) with the estimate and the machine's MemAvailable
// when it does not fit in `available` bytes (0: read /proc/meminfo).
// app/runner/resource_check.cpp.
std::uint64_t estimate_memory_bytes(const LoadedScenario& scenario, const RunOptions& options);
std::uint64_t available_memory_bytes();
void check_memory(const LoadedScenario& scenario, const RunOptions& options, std::uint64_t available = 0);

// Disk the result set's time series take at most while it is written, from
// MemoryEstimate::series_samples: per sample, a timeseries.csv row (the point's cells, the
// replication, kSeriesRowBytes for the series name, unit and two "%.10g" numbers) and its
// two hexadecimal doubles in the work folder's run record (kRecordBytesPerSample), which
// exists until the result set is committed. Other files are small and not counted.
// check_disk refuses (std::invalid_argument, exit status 2) a run set whose estimate
// exceeds the free space of `dir` (`available` bytes; 0: statvfs of `dir`, the folder
// that receives the result set and the work folder).
inline constexpr std::uint64_t kSeriesRowBytes = 40 + 2 * 17 + 3;
inline constexpr std::uint64_t kRecordBytesPerSample = 2 * 25;
std::uint64_t estimate_output_bytes(const LoadedScenario& scenario, const RunOptions& options);
std::uint64_t available_disk_bytes(const std::string& dir);
void check_disk(const LoadedScenario& scenario, const RunOptions& options, const std::string& dir,
                std::uint64_t available = 0);

// One warning per sweep key whose values changed no run's metrics (bit-identical runs) along
// some or all combinations of the other keys: the study ignores the key there and the
// result rows repeat (e.g. call.last_n with topology mesh). app/runner/sweep_effect.cpp.
std::vector<std::string> ineffective_sweep_warnings(const RunSetResult& result);

// results.json, results.csv (tidy: one row per sweep point x metric) and, when runs
// produced series, timeseries.csv: one result set, staged by `out` (prepared before the
// run, so --out problems surface before any simulation) and published by its commit().
void write_results(const RunSetResult& result, report::ResultSetWriter& out);
// The same into `out_dir` in one step (prepare, write, commit).
void write_results(const RunSetResult& result, const std::string& out_dir);
nlohmann::ordered_json results_json(const RunSetResult& result);

// The kind's summary, or a generic aligned table of headline metrics.
void print_summary(const RunSetResult& result, std::ostream& os);

}  // namespace p2psim::runner
