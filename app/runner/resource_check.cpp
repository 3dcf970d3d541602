// Resource limits known before running: the run set's memory, estimated from the studies'
// specs (Study::memory_estimate), against the machine's available memory.
#include <sys/statvfs.h>

#include <algorithm>
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

// GiB from 1 GiB up, MiB below (a small file system's free space is not "0.00 GiB").
std::string size_text(std::uint64_t bytes) {
  if (bytes >= (1ull << 30)) return gib(bytes);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
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
    // A finished run's record (app/runner/run_record.hpp) is encoded in memory before it is
    // written: its series' numbers as text.
    max_working = std::max(max_working,
                           e.working_bytes + at_once * e.shard_bytes + e.series_samples * kRecordBytesPerSample);
    if (options.keep_series) results += e.result_bytes * reps;
  }
  return concurrent * max_working + results;
}

std::uint64_t estimate_output_bytes(const LoadedScenario& s, const RunOptions& options) {
  const std::uint64_t reps = static_cast<std::uint64_t>(options.replications.value_or(s.replications));
  const std::uint64_t rep_digits = std::to_string(reps > 0 ? reps - 1 : 0).size();
  std::uint64_t total = 0;
  for (std::size_t p = 0; p < s.points.size(); ++p) {
    const std::uint64_t samples = s.points[p].study->memory_estimate().series_samples;
    if (samples == 0) continue;
    // A row: point, the point's parameter cells, replication, then the series cells and two
    // numbers; the run's record in the work folder holds both numbers again, in hex.
    std::uint64_t prefix = std::to_string(p).size() + 1 + rep_digits + 1;
    for (const auto& kv : s.points[p].params) prefix += kv.second.size() + 3;  // quoted at worst
    total += samples * (prefix + kSeriesRowBytes + kRecordBytesPerSample) * reps;
  }
  return total;
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
                              "into more shards (population.shards, or population.shard_sessions) run on fewer threads, and see "
                              "docs/scenarios.md");
}

std::uint64_t available_disk_bytes(const std::string& dir) {
  struct statvfs v {};
  if (::statvfs(dir.c_str(), &v) != 0) return 0;
  return static_cast<std::uint64_t>(v.f_bavail) * static_cast<std::uint64_t>(v.f_frsize);
}

void check_disk(const LoadedScenario& s, const RunOptions& options, const std::string& dir, std::uint64_t available) {
  const std::uint64_t need = estimate_output_bytes(s, options);
  if (need == 0) return;
  if (available == 0) available = available_disk_bytes(dir);
  if (available == 0 || need <= available) return;
  throw std::invalid_argument(s.file + ": the result set's time series need an estimated " + size_text(need) +
                              " of disk (timeseries.csv and the work folder's run records), but " + dir +
                              " has " + size_text(available) + " free; free some space, choose another --out, or lengthen " +
                              "the series interval (docs/scenarios.md)");
}

}  // namespace p2psim::runner
