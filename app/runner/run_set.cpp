#include "app/runner/run_set.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <stdexcept>

#include "app/runner/runner.hpp"
#include "sim/parallel.hpp"
#include "sim/random.hpp"

namespace p2psim::runner {

Slice parse_slice(const std::string& text) {
  const auto bad = [&] { return std::invalid_argument("--shard: expected i/n with 1 <= i <= n, got \"" + text + "\""); };
  const auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) throw bad();
  const std::string a = text.substr(0, slash), b = text.substr(slash + 1);
  if (a.size() > 7 || b.size() > 7 || a.find_first_not_of("0123456789") != std::string::npos ||
      b.find_first_not_of("0123456789") != std::string::npos)
    throw bad();
  Slice s{std::stoi(a), std::stoi(b)};
  if (s.index < 1 || s.count < 1 || s.index > s.count || s.count > 1000000) throw bad();
  return s;
}

std::vector<std::size_t> slice_runs(std::size_t total, const Slice& slice) {
  std::vector<std::size_t> out;
  for (std::size_t i = static_cast<std::size_t>(slice.index - 1); i < total; i += static_cast<std::size_t>(slice.count))
    out.push_back(i);
  return out;
}

int slice_of(std::size_t run, int count) { return static_cast<int>(run % static_cast<std::size_t>(count)) + 1; }

void execute_claimed_runs(const LoadedScenario& scenario, std::uint64_t seed, int replications, std::size_t at_most,
                          const std::function<std::optional<std::size_t>()>& claim, const RunOptions& options,
                          const std::function<void(RunRecord&&)>& done, const decltype(study::RunContext::shards)& shards) {
  const std::size_t total = scenario.points.size() * static_cast<std::size_t>(replications);
  // At most `jobs` threads in all: `outer` runs at once, each lent jobs / outer threads.
  const int jobs = std::max(1, options.jobs);
  const int outer = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(jobs), std::max<std::size_t>(at_most, 1)));
  study::RunContext ctx;
  ctx.threads = std::max(1, jobs / outer);
  ctx.shards = shards;
  std::mutex done_mutex;
  std::size_t finished = 0;
  const auto checked_claim = [&]() -> std::optional<std::size_t> {
    const std::optional<std::size_t> i = claim();
    if (i && *i >= total) throw std::out_of_range("execute_runs: run number out of range");
    return i;
  };
  parallel_drain(outer, checked_claim, [&](std::size_t i) {
    RunRecord rec;
    rec.point = i / static_cast<std::size_t>(replications);
    rec.replication = static_cast<int>(i % static_cast<std::size_t>(replications));
    rec.seed = derive_seed(seed, static_cast<std::uint64_t>(rec.replication));
    rec.result = scenario.points[rec.point].study->run_in(rec.seed, ctx);
    std::lock_guard<std::mutex> lock(done_mutex);
    done(std::move(rec));
    ++finished;
    if (options.progress && (finished == at_most || finished % std::max<std::size_t>(1, at_most / 20) == 0))
      std::fprintf(stderr, "\r  %zu/%zu runs", finished, at_most);
  });
  if (options.progress && finished > 0) std::fprintf(stderr, "\n");
}

void execute_runs(const LoadedScenario& scenario, std::uint64_t seed, int replications,
                  const std::vector<std::size_t>& indices, const RunOptions& options,
                  const std::function<void(RunRecord&&)>& done, const decltype(study::RunContext::shards)& shards) {
  const std::size_t total = scenario.points.size() * static_cast<std::size_t>(replications);
  for (std::size_t i : indices)
    if (i >= total) throw std::out_of_range("execute_runs: run number out of range");
  std::size_t k = 0;
  execute_claimed_runs(
      scenario, seed, replications, indices.size(),
      [&]() -> std::optional<std::size_t> { return k < indices.size() ? std::optional<std::size_t>(indices[k++]) : std::nullopt; },
      options, done, shards);
}

}  // namespace p2psim::runner
