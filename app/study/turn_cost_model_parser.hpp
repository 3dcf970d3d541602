// Reads a TURN cost model (models/turn/turn_cost_model.hpp) from a scenario key: either a
// map of values or the name of a file written by tools/calibrate-turn (relative to the
// scenario file's directory). The one parser of both keys that take it: the capacity
// study's `relays.cost_model` and the group-call study's `servers.turn.cost_model`
// (docs/scenarios.md).
#pragma once

#include "app/scenario/field.hpp"
#include "models/turn/turn_cost_model.hpp"

namespace p2psim::study {

// Throws scenario::ScenarioError (at the key, or at the line of the cost-model file).
turn::TurnCostModel parse_turn_cost_model(const scenario::Field& f);

}  // namespace p2psim::study
