#include "models/capacity/sizing.hpp"

#include <algorithm>
#include <map>

namespace p2psim::capacity {

SizingResult find_min_servers(const std::function<double(int)>& blocking, double target, int min_servers,
                              int max_servers) {
  SizingResult r;
  std::map<int, double> cache;
  auto eval = [&](int n) {
    auto it = cache.find(n);
    if (it != cache.end()) return it->second;
    const double b = blocking(n);
    cache.emplace(n, b);
    r.steps.push_back({n, b});
    return b;
  };
  min_servers = std::max(0, min_servers);
  max_servers = std::max(min_servers, max_servers);
  // Exponential search for some n meeting the target.
  int bad = min_servers - 1;  // largest n known to miss the target
  int good = -1;
  for (int n = min_servers;; n = std::min(max_servers, std::max(n + 1, 2 * n))) {
    if (eval(n) <= target) {
      good = n;
      break;
    }
    bad = n;
    if (n == max_servers) break;
  }
  if (good < 0) {
    r.servers = max_servers;
    r.blocking = cache[max_servers];
  } else {
    while (good - bad > 1) {
      const int mid = bad + (good - bad) / 2;
      if (eval(mid) <= target) good = mid;
      else bad = mid;
    }
    r.found = true;
    r.servers = good;
    r.blocking = cache[good];
  }
  if (r.servers - 1 >= min_servers) {
    r.has_below = true;
    r.blocking_below = eval(r.servers - 1);
  }
  return r;
}

}  // namespace p2psim::capacity
