// The run set of a scenario as numbered runs, and slices of it.
//
// Run i of a scenario with R replications is (point i / R, replication i % R); there are
// points x R runs. A Slice "i/n" (1 <= i <= n) is the i-th of n disjoint slices that
// together cover every run: the runs whose number is congruent to i - 1 modulo n, so that
// consecutive runs (replications of one point, usually of similar cost) spread evenly.
// Batch-scheduler arrays (`run --shard i/n`) use it; MPI ranks draw runs from a counter instead.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace p2psim::runner {

struct Slice {
  int index = 1;  // 1-based
  int count = 1;
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// Parses "i/n" with 1 <= i <= n <= 1000000; throws std::invalid_argument naming the text.
Slice parse_slice(const std::string& text);

// The run numbers of `slice` among `total` runs, ascending.
std::vector<std::size_t> slice_runs(std::size_t total, const Slice& slice);

// The slice a run number belongs to among `count` slices (1-based).
int slice_of(std::size_t run, int count);

}  // namespace p2psim::runner
