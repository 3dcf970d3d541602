// Max-min fair sharing of link capacities among flows, by progressive filling
// (Bertsekas & Gallager, Data Networks, 2nd ed., s6.5.2).
//
// Every unfrozen flow's rate rises at the same pace from 0. A flow freezes when it reaches
// its demand, or when a link it crosses becomes full (that link is then "saturated" and
// is the flow's bottleneck). The result is the unique max-min fair allocation: no flow's
// rate can grow without lowering the rate of a flow that has an equal or smaller rate.
//
// Capacities may be +infinity (an unconstrained link). A flow must have a finite demand
// (demands are the media rates; every flow is demand-limited at worst).
// Cost: O(total path length + rounds * links), where rounds is at most the number of
// distinct freeze levels (links and demands tie in groups in practice).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

namespace p2psim::media {

// Flows with demands over sets of links, stored compactly (one array of link ids).
class FlowSet {
 public:
  // Adds a flow; returns its index. Preconditions: demand >= 0 and finite; link ids are
  // valid indices into the capacity vector passed to max_min_fair; no duplicate ids.
  std::uint32_t add(double demand_bps, std::span<const std::uint32_t> links);
  std::uint32_t add(double demand_bps, std::initializer_list<std::uint32_t> links) {
    return add(demand_bps, std::span<const std::uint32_t>(links.begin(), links.size()));
  }
  std::size_t size() const { return demand_.size(); }
  double demand(std::size_t f) const { return demand_[f]; }
  std::span<const std::uint32_t> links(std::size_t f) const {
    return {link_.data() + offset_[f], link_.data() + offset_[f + 1]};
  }
  void reserve(std::size_t flows, std::size_t links_total);
  void clear();

 private:
  std::vector<double> demand_;
  std::vector<std::uint32_t> offset_{0};
  std::vector<std::uint32_t> link_;
};

struct MaxMinResult {
  std::vector<double> rate;          // per flow, bit/s
  std::vector<double> load;          // per link, sum of the rates of its flows
  std::vector<char> saturated;       // per link: full, with at least one flow frozen by it
  std::vector<std::int32_t> bottleneck;  // per flow: the saturated link that froze it, -1 if demand-limited
};

MaxMinResult max_min_fair(std::span<const double> capacity, const FlowSet& flows);

// Scratch buffers of max_min_fair, kept between calls so that repeated allocations (one
// per replan of every call) reuse memory instead of asking the kernel for fresh pages.
struct MaxMinWorkspace {
  std::vector<std::uint32_t> lstart, lflows, fill, active_on, by_demand, live;
  std::vector<double> rem, sum, bucket_value;
  std::vector<std::uint32_t> bucket_count, bucket_of, bucket_rank, bucket_start;
  std::vector<char> frozen;
};

// Same result, written into `out` (its vectors are reused), with scratch space in `ws`.
// Fast path: when no finite link is offered more than its capacity, every flow gets its
// demand and nothing is saturated (the progressive filling would reach the same).
void max_min_fair(std::span<const double> capacity, const FlowSet& flows, MaxMinWorkspace& ws, MaxMinResult& out);

}  // namespace p2psim::media
