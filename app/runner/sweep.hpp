// Sweep points from one parsed document, in time linear in the number of points.
//
// The file is parsed once. A sweep dimension remembers the mapping that holds its key
// (inside that one document) and the value nodes listed for it (also inside it, so they
// keep their line and column). For each point the key's value node is re-pointed at the
// point's value in place, and the study kind parses the document as it then stands. No
// node is copied between documents, so yaml-cpp never merges one document's node memory
// into another's (which is what made re-parsing the file per point quadratic).
// Internal to the runner's loader.
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <vector>

#include "app/runner/runner.hpp"
#include "app/scenario/field.hpp"

namespace p2psim::runner::detail {

std::vector<std::string> split_path(const std::string& path);

// The mapping that holds the last key of `parts` in `root`; an undefined node when an
// intermediate key is missing or not a mapping. Never modifies the document.
YAML::Node parent_of(const YAML::Node& root, const std::vector<std::string>& parts);

// Makes `parent[key]` refer to `value` (adding the key when absent), without copying
// nodes between documents when `value` lives in the same document.
void set_in_place(YAML::Node& parent, const std::string& key, const YAML::Node& value);

struct SweepDimension {
  std::string path;                // "call.group_size"
  std::vector<std::string> parts;  // {"call", "group_size"}
  YAML::Node parent;               // the mapping holding the key, in the document
  std::vector<YAML::Node> values;  // in the order written
  scenario::SourcePos pos;         // the sweep key (or the command line) for messages
};

// Builds every point of the cartesian product (last dimension fastest), parsing each with
// `kind`. Errors without a position that concern a swept key are reported at that
// key's entry under `sweep:`. Leaves the document holding the last point's values.
std::vector<SweepPoint> expand_points(const YAML::Node& doc, std::vector<SweepDimension>& dims,
                                      const study::StudyKind& kind, const std::shared_ptr<const std::string>& file);

}  // namespace p2psim::runner::detail
