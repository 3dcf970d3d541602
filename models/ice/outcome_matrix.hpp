// The NAT outcome matrix: one simulated ICE session per ordered pair of NAT presets
// (offerer x answerer), with or without a TURN server. Every cell is computed by running
// a PairWorld; nothing is tabled by hand.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/ice/pair_world.hpp"

namespace p2psim::ice {

struct MatrixCell {
  std::string offerer, answerer;  // preset names
  SessionResult result;
};

// Runs every ordered pair of `presets` (names from nat::preset_names()). `base` supplies
// links, ICE and gathering settings; its nat_a / nat_b are replaced per cell. Each cell
// uses seed derive_seed(seed, "a|b").
std::vector<MatrixCell> run_matrix(const std::vector<std::string>& presets, const PairSpec& base, std::uint64_t seed);

}  // namespace p2psim::ice
