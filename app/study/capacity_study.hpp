// Access to a loaded `study: capacity` scenario for commands that run the model
// themselves (`p2psim plan`): the parsed scenario and one replication of any spec with
// that scenario's connectivity model, exactly as `p2psim run` computes it.
#pragma once

#include <cstdint>

#include "app/study/capacity_spec_parser.hpp"
#include "app/study/study.hpp"
#include "models/capacity/capacity_model.hpp"

namespace p2psim::study {

// The scenario of a capacity study, or nullptr when `s` is another kind.
const CapacityScenario* capacity_scenario_of(const Study& s);

// One replication of `spec` (the scenario's spec or a modified copy) with the connectivity
// model of `sc`; `seed` is the replication's seed (derive_seed(scenario seed, r)).
capacity::CapacityResult run_capacity_replication(const CapacityScenario& sc, const capacity::CapacitySpec& spec,
                                                  std::uint64_t seed);

}  // namespace p2psim::study
