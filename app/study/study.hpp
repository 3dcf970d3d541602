// Study: one runnable, validated scenario point, and StudyKind: how a family of scenarios
// (group calls, NAT populations, energy, capacity, messaging, ...) is read and reported.
//
// The runner owns everything generic: the top-level keys (name, seed, replications,
// sweep, ...), substituting sweep values, seeding, threads, results.json and CSV. A kind
// owns its sections of the file: it parses them with scenario::Field into the models'
// plain spec structs (models never see YAML), runs the models, and returns metrics.
//
// Contract for Study::run: deterministic in `seed` (same seed => bit-identical metrics),
// const and thread-safe (runs execute concurrently on --jobs threads), and never throws
// for a Study that parsed successfully. The runner calls run_in, which lends the run a
// share of the --jobs threads (RunContext); a study that splits one run into shards runs
// them through the context, never on threads of its own choosing.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "app/scenario/field.hpp"

namespace p2psim::study {

// One named scalar result of a run. Names are snake_case with the unit as suffix where
// there is one: "uplink_mean_bps", "setup_time_p95_s", "energy_j", "relayed_fraction".
struct Metric {
  std::string name;
  double value = 0;
};
using Metrics = std::vector<Metric>;

// A time series produced by a run (e.g. concurrent relayed sessions per minute).
struct Series {
  std::string name;       // "relay_concurrent_sessions"
  std::string unit;       // "sessions"
  std::vector<double> t;  // seconds since the start of the run
  std::vector<double> v;
};

struct RunResult {
  Metrics metrics;
  std::vector<Series> series;
};

// What the runner lends one run.
struct RunContext {
  int threads = 1;  // threads the run may use inside itself (>= 1), e.g. for shards
  // Runs body(k) for every k in [0, n) and returns the results in order of k. Empty: the
  // study runs them on `threads` threads itself (parallel_for). Set by the MPI runner to
  // spread one run's shards over the ranks (every rank then calls run_in for that run).
  std::function<std::vector<std::string>(std::size_t n, const std::function<std::string(std::size_t)>& body)> shards;
};

// What one run is expected to need, estimated from the spec before anything runs (the
// runner refuses a run set that cannot fit in the machine's memory). `working_bytes`: peak
// while the run executes; `result_bytes`: what its RunResult keeps (series) until the
// result set is written. 0 means "small" (kinds whose runs need a few MB). A run split into
// shards (nat-population) also holds `shard_bytes` for each shard running at the same time:
// min(shards, threads lent to the run) of them; shards run one after another free their
// memory before the next starts.
// `series_samples`: (t, value) pairs in all the run's series, from which the runner
// estimates the disk the result set takes (timeseries.csv rows, the work folder's record).
struct MemoryEstimate {
  std::uint64_t working_bytes = 0;
  std::uint64_t result_bytes = 0;
  std::uint64_t series_samples = 0;
  std::uint64_t shard_bytes = 0;
  std::uint64_t shards = 1;
};

class Study {
 public:
  virtual ~Study() = default;
  virtual RunResult run(std::uint64_t seed) const = 0;
  // The runner's entry point; studies that use no threads inside a run keep the default.
  virtual RunResult run_in(std::uint64_t seed, const RunContext& /*ctx*/) const { return run(seed); }
  // Independent shards one run splits into (nat-population); 1 for studies that do not
  // split. The MPI runner spreads a run's shards over ranks when there are fewer runs
  // than ranks.
  virtual std::size_t shard_count() const { return 1; }
  virtual MemoryEstimate memory_estimate() const { return {}; }
};

// What the runner hands a summary printer: every sweep point with its parameter values
// and, per metric, the mean and 95% CI across replications.
struct PointSummary {
  std::vector<std::pair<std::string, std::string>> params;  // sweep path -> value text
  struct Stat {
    std::string name;
    double mean = 0, half_width = 0;
    std::uint64_t n = 0;
  };
  std::vector<Stat> stats;
  const Stat* find(const std::string& metric) const;
  std::string param(const std::string& path) const;  // "" if not swept
};

struct RunSetSummary {
  std::string scenario_name;
  std::vector<std::string> sweep_paths;
  std::vector<PointSummary> points;
};

struct StudyKind {
  std::string name;                   // value of the top-level `study:` key, e.g. "group-call"
  std::string description;            // one line, for `p2psim kinds`
  std::vector<std::string> sections;  // top-level keys this kind reads, e.g. {"call", "access"}
  // Parses the whole document (sweep values already substituted) into a runnable Study.
  // Reads only its own sections; throws scenario::ScenarioError on bad input.
  std::function<std::unique_ptr<Study>(const scenario::Field& root)> parse;
  // Prints a readable summary of a finished run set. May be empty: the runner then
  // prints a generic table of `headline` metrics per sweep point.
  std::function<void(const RunSetSummary&, std::ostream&)> summarize;
  std::vector<std::string> headline;  // metrics for the generic table
};

// Every study kind p2psim knows, in a fixed order (app/study/registry.cpp).
const std::vector<StudyKind>& study_kinds();
const StudyKind* find_study_kind(const std::string& name);

}  // namespace p2psim::study
