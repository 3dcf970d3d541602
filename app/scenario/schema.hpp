// JSON Schema (draft 2020-12) of scenario files, generated from the loader itself: the
// example scenarios are loaded with a FieldRecorder installed (app/scenario/field.hpp),
// so every key a kind's parser reads is reported with the type, unit, range, choices and
// default written in that parser. One source of truth: a key added to a parser appears
// in the schema on the next generation, with no second edit.
//
// Limits: a key is typed only if some example's parse reaches the accessor that reads it
// (optional sub-sections no example writes are listed by name, from allow_only, but left
// untyped); cross-key rules (shares summing to 1, "0 or at least 1s") are the loader's
// alone. Ranges of unit-carrying values (durations, rates, sizes) are in the description.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace p2psim::scenario {

// The schema of every study kind (`kind` empty), or of one kind. `examples` are scenario
// files (unloadable ones are skipped). Throws std::invalid_argument for an unknown kind.
nlohmann::ordered_json scenario_schema(const std::vector<std::string>& examples, const std::string& kind = {});

// The *.yaml files under `dir`, recursively, sorted.
std::vector<std::string> example_files(const std::string& dir);

}  // namespace p2psim::scenario
