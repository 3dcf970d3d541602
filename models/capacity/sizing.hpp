// Fleet sizing: the smallest number of servers whose simulated blocking is at or below a
// target, for a blocking(n) that does not increase with n (the capacity model evaluated
// with common random numbers). Exponential search up from `min_servers`, then bisection,
// so about 2 log2(answer) evaluations; every evaluation is cached and reported.
#pragma once

#include <functional>
#include <vector>

namespace p2psim::capacity {

struct SizingStep {
  int servers = 0;
  double blocking = 0;
};

struct SizingResult {
  bool found = false;          // false: even max_servers misses the target
  int servers = 0;             // the answer (or max_servers when !found)
  double blocking = 0;         // simulated blocking at `servers`
  bool has_below = false;      // servers - 1 >= min_servers was evaluated
  double blocking_below = 0;   // simulated blocking at servers - 1
  std::vector<SizingStep> steps;  // every evaluation, in the order made
};

SizingResult find_min_servers(const std::function<double(int)>& blocking, double target, int min_servers,
                              int max_servers);

}  // namespace p2psim::capacity
