#include "app/runner/sweep.hpp"

#include "app/runner/scenario_document.hpp"
#include "app/scenario/scenario_error.hpp"

namespace p2psim::runner::detail {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : path) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

YAML::Node parent_of(const YAML::Node& root, const std::vector<std::string>& parts) {
  // Node::operator= would overwrite the referenced node in the document; reset() rebinds.
  YAML::Node cur;
  cur.reset(root);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (!cur.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    YAML::Node next;
    bool found = false;
    for (auto it = cur.begin(); it != cur.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == parts[i]) {
        next.reset(it->second);
        found = true;
        break;
      }
    }
    if (!found) return YAML::Node(YAML::NodeType::Undefined);
    cur.reset(next);
  }
  return cur.IsMap() ? cur : YAML::Node(YAML::NodeType::Undefined);
}

void set_in_place(YAML::Node& parent, const std::string& key, const YAML::Node& value) {
  for (auto it = parent.begin(); it != parent.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      YAML::Node slot = it->second;  // a handle to the map's value node
      slot = value;                  // re-points that node at `value`'s data
      return;
    }
  }
  parent[key] = value;
}

namespace {

bool concerns(const std::string& error_path, const std::string& sweep_path) {
  return error_path == sweep_path ||
         (error_path.size() > sweep_path.size() && error_path.compare(0, sweep_path.size(), sweep_path) == 0 &&
          (error_path[sweep_path.size()] == '.' || error_path[sweep_path.size()] == '['));
}

}  // namespace

std::vector<SweepPoint> expand_points(const YAML::Node& doc, std::vector<SweepDimension>& dims,
                                      const study::StudyKind& kind, const std::shared_ptr<const std::string>& file) {
  std::size_t total = 1;
  for (const auto& d : dims) total *= d.values.size();
  std::vector<SweepPoint> points;
  points.reserve(total);
  std::vector<std::size_t> idx(dims.size(), 0);
  auto advance = [&] {  // odometer over the sweep dimensions, the last one fastest
    for (std::size_t d = idx.size(); d-- > 0;) {
      if (++idx[d] < dims[d].values.size()) return true;
      idx[d] = 0;
    }
    return false;
  };
  do {
    SweepPoint p;
    for (std::size_t d = 0; d < dims.size(); ++d) {
      const YAML::Node& v = dims[d].values[idx[d]];
      set_in_place(dims[d].parent, dims[d].parts.back(), v);
      p.params.emplace_back(dims[d].path, value_text(v));
      p.values.push_back(v.IsScalar() || v.IsNull() ? scalar_json(v) : node_json(v, *file));
    }
    try {
      p.study = kind.parse(scenario::Field(doc, "", file));
    } catch (const scenario::ScenarioError& e) {
      if (e.pos().line > 0) throw;
      for (const auto& d : dims)
        if (concerns(e.path(), d.path)) throw scenario::ScenarioError(d.pos, e.path(), e.message());
      throw;
    }
    points.push_back(std::move(p));
  } while (advance());
  return points;
}

}  // namespace p2psim::runner::detail
