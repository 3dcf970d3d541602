// The scenario file as one parsed YAML document: reading it from disk (a regular file of
// at most 16 MiB, never a FIFO or device), parsing exactly one document, checking the
// whole tree once (valid UTF-8 in every scalar, no duplicate key in any mapping, bounded
// size after alias expansion), and turning nodes into JSON that keeps each scalar's own
// type (the input echo and the swept values in results.json).
// Internal to the runner's loader; every failure is a scenario::ScenarioError.
#pragma once

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace p2psim::runner::detail {

inline constexpr std::size_t kMaxFileBytes = 16u << 20;
inline constexpr std::size_t kMaxEchoNodes = 200000;

// The bytes of the scenario file. Refuses what is not a regular file (opened with
// O_NONBLOCK, so a FIFO with no writer is refused at once instead of waiting), a path
// that is not valid UTF-8, and files larger than kMaxFileBytes.
std::string read_scenario_file(const std::string& path);

// Parses `text` as exactly one YAML document (a second document is an error at its
// position). An empty document yields a null node.
YAML::Node parse_document(const std::string& text, const std::string& file);

// Walks the whole tree once: every scalar (keys too) must be valid UTF-8 and no mapping
// may hold a key twice (the error names both positions). Aliases are walked where they
// are used, within a budget of kMaxEchoNodes nodes.
void check_document(const YAML::Node& doc, const std::string& file);

bool valid_utf8(std::string_view s);

// JSON for a scalar that keeps the scenario's own text: a plain scalar becomes a JSON
// number only when the number's JSON text is exactly the scalar (so 7 and 0.25 are
// numbers, '007', 007, 1e3 and 2024-01 stay strings), true/false become booleans, null
// stays null; quoted scalars are always strings.
nlohmann::ordered_json scalar_json(const YAML::Node& n);
// The whole subtree, within the node budget (throws "too large" beyond it).
nlohmann::ordered_json node_json(const YAML::Node& n, const std::string& file);

// The scalar as written, or a one-line flow rendering of a mapping or sequence.
std::string value_text(const YAML::Node& n);

}  // namespace p2psim::runner::detail
