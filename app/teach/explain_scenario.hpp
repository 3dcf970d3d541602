// The `explain:` section of a scenario file (study kind "explain"), read into an
// ExplainSpec. Keys are listed in docs/scenarios.md ("## study: explain").
#pragma once

#include <string>

#include "app/scenario/field.hpp"
#include "app/teach/explain.hpp"

namespace p2psim::teach {

// Reads the `explain` section of `root` (the whole document). Throws
// scenario::ScenarioError (file:line:col) on unknown keys, bad values or unknown presets.
ExplainSpec parse_explain(const scenario::Field& root);

// Loads `path` (a scenario file with study: explain), validates it with the runner and
// returns its spec with the scenario's seed.
ExplainSpec load_explain_file(const std::string& path);

}  // namespace p2psim::teach
