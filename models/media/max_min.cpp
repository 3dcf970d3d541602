#include "models/media/max_min.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

namespace p2psim::media {

std::uint32_t FlowSet::add(double demand_bps, std::span<const std::uint32_t> links) {
  assert(demand_bps >= 0 && std::isfinite(demand_bps));
  demand_.push_back(demand_bps);
  link_.insert(link_.end(), links.begin(), links.end());
  offset_.push_back(static_cast<std::uint32_t>(link_.size()));
  return static_cast<std::uint32_t>(demand_.size() - 1);
}

void FlowSet::reserve(std::size_t flows, std::size_t links_total) {
  demand_.reserve(flows);
  offset_.reserve(flows + 1);
  link_.reserve(links_total);
}

void FlowSet::clear() {
  demand_.clear();
  offset_.assign(1, 0);
  link_.clear();
}

namespace {
// Writes the flow indices ordered by (demand, index) into `order` (sized F) by counting
// over the distinct demand values; returns false (order unspecified) when there are more
// than kMaxBuckets distinct values.
bool demand_order_by_buckets(const FlowSet& flows, MaxMinWorkspace& ws, std::vector<std::uint32_t>& order) {
  constexpr std::size_t kMaxBuckets = 48;
  const std::size_t F = flows.size();
  std::vector<double>& value = ws.bucket_value;
  std::vector<std::uint32_t>& count = ws.bucket_count;
  std::vector<std::uint32_t>& of = ws.bucket_of;
  value.clear();
  count.clear();
  of.resize(F);
  std::size_t last = 0;  // flows come in runs of equal demand: try the previous bucket first
  for (std::size_t f = 0; f < F; ++f) {
    const double d = flows.demand(f);
    std::size_t b = last;
    if (b >= value.size() || value[b] != d) {
      b = 0;
      while (b < value.size() && value[b] != d) ++b;
      if (b == value.size()) {
        if (value.size() == kMaxBuckets) return false;
        value.push_back(d);
        count.push_back(0);
      }
    }
    ++count[b];
    of[f] = static_cast<std::uint32_t>(b);
    last = b;
  }
  // Buckets by increasing value; start offsets by rank.
  const std::size_t B = value.size();
  std::vector<std::uint32_t>& rank = ws.bucket_rank;
  rank.resize(B);
  std::iota(rank.begin(), rank.end(), 0u);
  std::sort(rank.begin(), rank.end(), [&](std::uint32_t a, std::uint32_t b) { return value[a] < value[b]; });
  std::vector<std::uint32_t>& start = ws.bucket_start;
  start.resize(B);
  std::uint32_t at = 0;
  for (std::uint32_t r : rank) {
    start[r] = at;
    at += count[r];
  }
  for (std::size_t f = 0; f < F; ++f) order[start[of[f]]++] = static_cast<std::uint32_t>(f);
  return true;
}
}  // namespace

MaxMinResult max_min_fair(std::span<const double> capacity, const FlowSet& flows) {
  MaxMinWorkspace ws;
  MaxMinResult r;
  max_min_fair(capacity, flows, ws, r);
  return r;
}

void max_min_fair(std::span<const double> capacity, const FlowSet& flows, MaxMinWorkspace& ws, MaxMinResult& r) {
  const std::size_t L = capacity.size(), F = flows.size();
  r.rate.assign(F, 0.0);
  r.load.assign(L, 0.0);
  r.saturated.assign(L, 0);
  r.bottleneck.assign(F, -1);

  // Fast path: every link can carry the sum of its flows' demands.
  {
    std::vector<double>& sum = ws.sum;
    sum.assign(L, 0.0);
    for (std::size_t f = 0; f < F; ++f)
      for (std::uint32_t l : flows.links(f)) sum[l] += flows.demand(f);
    bool fits = true;
    for (std::size_t l = 0; l < L && fits; ++l)
      fits = !std::isfinite(capacity[l]) || sum[l] < capacity[l] * (1 - 1e-9);
    if (fits) {
      for (std::size_t f = 0; f < F; ++f) r.rate[f] = flows.demand(f);
      r.load = sum;
      return;
    }
  }

  // Link -> flows index (CSR).
  std::vector<std::uint32_t>& lstart = ws.lstart;
  lstart.assign(L + 1, 0);
  for (std::size_t f = 0; f < F; ++f)
    for (std::uint32_t l : flows.links(f)) ++lstart[l + 1];
  for (std::size_t l = 0; l < L; ++l) lstart[l + 1] += lstart[l];
  std::vector<std::uint32_t>& lflows = ws.lflows;
  lflows.resize(lstart[L]);
  {
    std::vector<std::uint32_t>& fill = ws.fill;
    fill.assign(lstart.begin(), lstart.end() - 1);
    for (std::size_t f = 0; f < F; ++f)
      for (std::uint32_t l : flows.links(f)) lflows[fill[l]++] = static_cast<std::uint32_t>(f);
  }

  std::vector<double>& rem = ws.rem;
  rem.assign(capacity.begin(), capacity.end());
  std::vector<std::uint32_t>& active_on = ws.active_on;
  active_on.assign(L, 0);
  std::vector<char>& frozen = ws.frozen;
  frozen.assign(F, 0);
  std::size_t active = 0;
  for (std::size_t f = 0; f < F; ++f) {
    if (flows.demand(f) <= 0) {
      frozen[f] = 1;
      continue;
    }
    ++active;
    for (std::uint32_t l : flows.links(f)) ++active_on[l];
  }
  // Flows by increasing demand: the next demand-limited freeze is at the front.
  std::vector<std::uint32_t>& by_demand = ws.by_demand;
  // Order: (demand, index). A call's flows carry few distinct demands (audio, DTX, the
  // layer rates per transport), so a counting sort over the distinct values gives that
  // order in O(F x distinct); many distinct values fall back to a comparison sort.
  by_demand.resize(F);
  if (!demand_order_by_buckets(flows, ws, by_demand)) {
    std::iota(by_demand.begin(), by_demand.end(), 0u);
    auto by_demand_less = [&](std::uint32_t a, std::uint32_t b) {
      return flows.demand(a) < flows.demand(b) || (flows.demand(a) == flows.demand(b) && a < b);
    };
    if (!std::is_sorted(by_demand.begin(), by_demand.end(), by_demand_less))
      std::sort(by_demand.begin(), by_demand.end(), by_demand_less);
  }
  std::size_t next_demand = 0;

  // Finite links that still carry active flows (compacted as they empty). Unlimited
  // links never constrain anything.
  std::vector<std::uint32_t>& live = ws.live;
  live.clear();
  for (std::uint32_t l = 0; l < L; ++l)
    if (active_on[l] > 0 && std::isfinite(capacity[l])) live.push_back(l);

  double level = 0;  // common rate of every active flow
  auto freeze = [&](std::uint32_t f, double rate) {
    frozen[f] = 1;
    --active;
    r.rate[f] = rate;
    for (std::uint32_t l : flows.links(f)) {
      --active_on[l];
      rem[l] += level - rate;  // rem was charged `level` for this flow
    }
  };

  constexpr double kRelTol = 1e-12;
  while (active > 0) {
    double delta = std::numeric_limits<double>::infinity();
    for (std::uint32_t l : live) delta = std::min(delta, rem[l] / active_on[l]);
    while (next_demand < F && frozen[by_demand[next_demand]]) ++next_demand;
    if (next_demand < F) delta = std::min(delta, flows.demand(by_demand[next_demand]) - level);
    delta = std::max(delta, 0.0);
    level += delta;
    for (std::uint32_t l : live) rem[l] -= delta * active_on[l];

    // Demand-limited flows first: a flow whose demand is reached is not held by a link.
    while (next_demand < F) {
      const std::uint32_t f = by_demand[next_demand];
      if (frozen[f]) { ++next_demand; continue; }
      if (flows.demand(f) > level * (1 + kRelTol)) break;
      freeze(f, flows.demand(f));
      ++next_demand;
    }
    // Links that are now full freeze every active flow crossing them.
    for (std::uint32_t l : live) {
      if (active_on[l] == 0) continue;
      if (rem[l] > kRelTol * 1e3 * capacity[l] + 1e-9) continue;
      r.saturated[l] = 1;
      for (std::uint32_t k = lstart[l]; k < lstart[l + 1]; ++k) {
        const std::uint32_t f = lflows[k];
        if (frozen[f]) continue;
        r.bottleneck[f] = static_cast<std::int32_t>(l);
        freeze(f, level);
      }
    }
    std::erase_if(live, [&](std::uint32_t l) { return active_on[l] == 0; });
  }

  for (std::size_t f = 0; f < F; ++f)
    for (std::uint32_t l : flows.links(f)) r.load[l] += r.rate[f];
  for (std::size_t l = 0; l < L; ++l)
    if (std::isfinite(capacity[l]) && r.load[l] > 0 && r.load[l] >= capacity[l] * (1 - 1e-9)) r.saturated[l] = 1;
}


}  // namespace p2psim::media
