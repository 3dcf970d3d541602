// Resource limits known before running: the run set's memory, estimated from the studies'
// specs (Study::memory_estimate), against the machine's available memory.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "app/runner/runner.hpp"

namespace p2psim::runner {
namespace {

std::string gib(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return buf;
}

}  // namespace

std::uint64_t available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  std::string unit;
  while (in >> key >> kb) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kb * 1024;
  }
  return 0;
}

std::uint64_t estimate_memory_bytes(const LoadedScenario& s, const RunOptions& options) {
  const std::uint64_t reps = static_cast<std::uint64_t>(options.replications.value_or(s.replications));
  const std::uint64_t runs = reps * s.points.size();
  const std::uint64_t jobs = static_cast<std::uint64_t>(std::max(1, options.jobs));
  const std::uint64_t concurrent = std::max<std::uint64_t>(1, std::min<std::uint64_t>(jobs, runs));
  // As execute_runs lends them: each of the `concurrent` runs gets jobs / concurrent threads,
  // and runs that many of its shards at once.
  const std::uint64_t threads = std::max<std::uint64_t>(1, jobs / concurrent);
  std::uint64_t max_working = 0, results = 0;
  for (const auto& p : s.points) {
    const study::MemoryEstimate e = p.study->memory_estimate();
    const std::uint64_t at_once = std::max<std::uint64_t>(1, std::min(e.shards, threads));
    max_working = std::max(max_working, e.working_bytes + at_once * e.shard_bytes);
    results += e.result_bytes * reps;
  }
  return concurrent * max_working + results;
}

void check_memory(const LoadedScenario& s, const RunOptions& options, std::uint64_t available) {
  if (available == 0) available = available_memory_bytes();
  if (available == 0) return;  // unknown (no /proc/meminfo): nothing to compare against
  const std::uint64_t need = estimate_memory_bytes(s, options);
  if (need <= available) return;
  throw std::invalid_argument(s.file + ": this run set needs an estimated " + gib(need) +
                              " of memory (largest run, with the shards it runs at once, x concurrent runs of --jobs " +
                              std::to_string(std::max(1, options.jobs)) + ", plus every run's series), but the machine has " +
                              gib(available) +
                              " available (MemAvailable); reduce the size, --jobs or the series, or split a population "
                              "into more population.shards run on fewer threads, and see docs/scenarios.md");
}

}  // namespace p2psim::runner
