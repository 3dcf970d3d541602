// Reads the sections of a `study: capacity` scenario into capacity::CapacitySpec.
// Keys, units and defaults: docs/scenarios.md, "## study: capacity".
#pragma once

#include <memory>

#include "app/scenario/field.hpp"
#include "models/capacity/capacity_spec.hpp"
#include "models/capacity/connectivity.hpp"

namespace p2psim::study {

// Longest time series a capacity run may keep (samples per series: horizon / interval + 1).
inline constexpr std::int64_t kMaxSeriesSamples = 1'000'000;

struct CapacityScenario {
  capacity::CapacitySpec spec;
  std::unique_ptr<capacity::Connectivity> connectivity;  // the interim model; null when use_ice
  bool use_ice = true;  // connectivity.model: ice (default; an IceConnectivity per run)
};

// Reads the sections regions, population, traffic, relays, sfus, connectivity, report of
// `root`. Throws scenario::ScenarioError on bad input.
CapacityScenario parse_capacity(const scenario::Field& root);

// The default hourly call profile (local time, relative weights): illustrative, see
// docs/models/capacity.md.
const std::array<double, 24>& default_hourly_profile();

}  // namespace p2psim::study
