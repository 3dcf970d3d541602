// IceConnectivity: capacity::Connectivity answered by the packet-level ICE model
// (models/ice: gathering through STUN and TURN, offer/answer through signalling,
// connectivity checks and nomination over RFC 4787 NATs).
//
// For each distinct query (the two NAT behaviours and the three round-trip times) the
// first call runs one ice::PairWorld session with links sized to those round trips and
// caches its outcome and setup time; later calls are lookups. So connection set-up is
// simulated packet by packet once per kind of pair, and a day of calls stays flow level.
// The cache is per object: create one per run (Study::run), not shared across threads.
#pragma once

#include <cstdint>
#include <map>
#include <tuple>

#include "models/capacity/connectivity.hpp"

namespace p2psim::capacity {

class IceConnectivity final : public Connectivity {
 public:
  // `seed`: the run's seed (each pair kind gets derive_seed(seed, key)); `turn`: whether
  // a TURN server is offered to ICE (without one, pairs that need a relay fail).
  explicit IceConnectivity(std::uint64_t seed, bool turn = true) : seed_(seed), turn_(turn) {}
  PairOutcome connect(const PairQuery& q, Rng& rng) const override;
  std::size_t sessions_simulated() const { return cache_.size(); }

 private:
  using Key = std::tuple<int, int, bool, int, int, bool, std::int64_t, std::int64_t, std::int64_t>;
  std::uint64_t seed_;
  bool turn_;
  mutable std::map<Key, PairOutcome> cache_;
};

}  // namespace p2psim::capacity
