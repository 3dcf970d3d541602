#include "app/runner/runner.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "app/scenario/scenario_error.hpp"
#include "sim/random.hpp"
#include "sim/stats.hpp"

namespace p2psim::runner {
namespace {

using scenario::Field;
using scenario::ScenarioError;
using scenario::SourcePos;

constexpr std::size_t kMaxFileBytes = 16u << 20;
constexpr std::size_t kMaxPoints = 100000;
constexpr std::size_t kMaxEchoNodes = 200000;

const std::vector<std::string> kTopLevelKeys = {"name", "description", "study", "seed", "replications", "sweep"};

YAML::Node parse_yaml(const std::string& text, const std::string& file) {
  if (text.find('\0') != std::string::npos)
    throw ScenarioError(SourcePos{file, 0, 0}, "", "not a YAML text file (it contains NUL bytes)");
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    SourcePos pos{file, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.mark.column >= 0 ? e.mark.column + 1 : 0};
    throw ScenarioError(pos, "", "invalid YAML: " + e.msg);
  }
}

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

// Finds the map that holds the last key of `path` in `root`. Returns an undefined node
// when an intermediate key is missing or not a map.
YAML::Node parent_of(YAML::Node root, const std::vector<std::string>& parts) {
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

void assign(YAML::Node root, const std::vector<std::string>& parts, const YAML::Node& value) {
  YAML::Node parent = parent_of(root, parts);
  parent[parts.back()] = value;
}

std::string value_text(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << n;
  return out.c_str();
}

nlohmann::ordered_json to_json(const YAML::Node& n, std::size_t& budget, int depth, const std::string& file) {
  if (budget == 0 || depth > 64)
    throw ScenarioError(SourcePos{file, 0, 0}, "", "document too large or too deeply nested (aliases expand it beyond limits)");
  --budget;
  if (!n.IsDefined() || n.IsNull()) return nullptr;
  if (n.IsSequence()) {
    auto a = nlohmann::ordered_json::array();
    for (const auto& item : n) a.push_back(to_json(item, budget, depth + 1, file));
    return a;
  }
  if (n.IsMap()) {
    auto o = nlohmann::ordered_json::object();
    for (auto it = n.begin(); it != n.end(); ++it) o[value_text(it->first)] = to_json(it->second, budget, depth + 1, file);
    return o;
  }
  const std::string& s = n.Scalar();
  if (s == "true") return true;
  if (s == "false") return false;
  if (!s.empty() && s.size() < 19 && s.find_first_not_of("-0123456789") == std::string::npos && s != "-")
    return std::stoll(s);
  return s;
}

}  // namespace

LoadedScenario load_scenario(const std::string& path, const std::vector<Override>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(SourcePos{path, 0, 0}, "", "cannot open the scenario file");
  std::ostringstream buf;
  char chunk[65536];
  std::size_t total = 0;
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    total += static_cast<std::size_t>(in.gcount());
    if (total > kMaxFileBytes) throw ScenarioError(SourcePos{path, 0, 0}, "", "file larger than 16 MiB");
    buf.write(chunk, in.gcount());
  }
  return load_scenario_text(buf.str(), path, overrides);
}

LoadedScenario load_scenario_text(const std::string& text, const std::string& file, const std::vector<Override>& overrides,
                                  const std::vector<study::StudyKind>* kinds) {
  if (kinds == nullptr) kinds = &study::study_kinds();
  auto file_ptr = std::make_shared<const std::string>(file);
  YAML::Node doc = parse_yaml(text, file);
  if (!doc.IsDefined() || doc.IsNull()) throw ScenarioError(SourcePos{file, 1, 1}, "", "the scenario is empty");
  Field root(doc, "", file_ptr);
  root.expect_map();

  // Overrides (--set) replace or add a key before anything is validated.
  for (const Override& o : overrides) {
    const auto parts = split_path(o.path);
    if (parts.size() == 1 && (parts[0] == "sweep"))
      throw ScenarioError(SourcePos{file, 0, 0}, o.path, "cannot be set from the command line");
    if (!parent_of(doc, parts).IsDefined())
      throw ScenarioError(SourcePos{file, 0, 0}, o.path, "--set names no key of this scenario (its parent is missing)");
    assign(doc, parts, YAML::Node(o.value));
  }

  LoadedScenario s;
  s.file = file;
  const Field study_field = root.require("study");
  const std::string study_name = study_field.as_identifier();
  for (const auto& k : *kinds)
    if (k.name == study_name) s.kind = &k;
  if (s.kind == nullptr) {
    std::string names;
    for (const auto& k : *kinds) names += (names.empty() ? "" : ", ") + k.name;
    study_field.fail_expected("a study kind (one of: " + names + ")");
  }
  std::vector<std::string> allowed = kTopLevelKeys;
  allowed.insert(allowed.end(), s.kind->sections.begin(), s.kind->sections.end());
  root.allow_only(allowed);
  s.name = root.require("name").as_identifier();
  s.description = root.get_string("description", "");
  s.seed = static_cast<std::uint64_t>(root.get_int("seed", 1, 0, INT64_MAX));
  s.replications = static_cast<int>(root.get_int("replications", 1, 1, 100000));

  // Sweep: the cartesian product of the listed values, in the order written.
  std::vector<std::vector<std::string>> sweep_parts;
  std::vector<std::vector<YAML::Node>> sweep_values;
  if (auto sweep = root.get("sweep")) {
    sweep->expect_map();
    std::size_t points = 1;
    for (auto& [path, values] : sweep->entries()) {
      const auto parts = split_path(path);
      Field key_field(values.node(), "sweep." + path, file_ptr);
      const bool own_section = std::find(s.kind->sections.begin(), s.kind->sections.end(), parts[0]) != s.kind->sections.end();
      if (!own_section || std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); }))
        key_field.fail("a sweep path must name a key inside one of this study's sections (" +
                       [&] { std::string n; for (auto& x : s.kind->sections) n += (n.empty() ? "" : ", ") + x; return n; }() + ")");
      if (parts.size() < 2 || !parent_of(doc, parts).IsDefined())
        key_field.fail("sweep path names no key of this scenario (write its parent section in the file)");
      if (std::find(s.sweep_paths.begin(), s.sweep_paths.end(), path) != s.sweep_paths.end()) key_field.fail("duplicate sweep path");
      const auto items = values.items();
      if (items.empty()) values.fail_expected("a non-empty list of values");
      points *= items.size();
      if (points > kMaxPoints) values.fail("the sweep has more than 100000 points");
      s.sweep_paths.push_back(path);
      sweep_parts.push_back(parts);
      std::vector<YAML::Node> nodes;
      for (const Field& item : items) nodes.push_back(item.node());
      sweep_values.push_back(std::move(nodes));
    }
  }

  {
    std::size_t budget = kMaxEchoNodes;
    s.echo = to_json(doc, budget, 0, file);
  }

  // Validate every point up front, so a bad value fails before anything runs. Each point
  // re-parses the text so that every node keeps its own line and column.
  std::vector<std::size_t> idx(sweep_values.size(), 0);
  auto advance = [&] {  // odometer over the sweep dimensions, the last one fastest
    for (std::size_t d = idx.size(); d-- > 0;) {
      if (++idx[d] < sweep_values[d].size()) return true;
      idx[d] = 0;
    }
    return false;
  };
  do {
    YAML::Node point_doc = parse_yaml(text, file);
    for (const Override& o : overrides) assign(point_doc, split_path(o.path), YAML::Node(o.value));
    SweepPoint p;
    for (std::size_t d = 0; d < idx.size(); ++d) {
      const YAML::Node& v = sweep_values[d][idx[d]];
      assign(point_doc, sweep_parts[d], v);
      p.params.emplace_back(s.sweep_paths[d], value_text(v));
    }
    p.study = s.kind->parse(Field(point_doc, "", file_ptr));
    s.points.push_back(std::move(p));
  } while (advance());
  return s;
}

RunSetResult run_scenario(const LoadedScenario& scenario, const RunOptions& options) {
  const std::uint64_t seed = options.seed.value_or(scenario.seed);
  const int replications = options.replications.value_or(scenario.replications);
  const std::size_t total = scenario.points.size() * static_cast<std::size_t>(replications);
  std::vector<RunRecord> runs(total);
  std::vector<std::size_t> all(total);
  for (std::size_t i = 0; i < total; ++i) all[i] = i;
  execute_runs(scenario, seed, replications, all, options, [&](RunRecord&& rec) {
    const std::size_t i = rec.point * static_cast<std::size_t>(replications) + static_cast<std::size_t>(rec.replication);
    runs[i] = std::move(rec);
  });
  return assemble_run_set(scenario, seed, replications, std::move(runs));
}

RunSetResult assemble_run_set(const LoadedScenario& scenario, std::uint64_t seed, int replications,
                              std::vector<RunRecord> runs) {
  if (runs.size() != scenario.points.size() * static_cast<std::size_t>(replications))
    throw std::logic_error("assemble_run_set: the run set is incomplete");
  RunSetResult r;
  r.scenario = &scenario;
  r.seed = seed;
  r.replications = replications;
  r.runs = std::move(runs);
  // Aggregate per sweep point: mean and 95% CI of each metric across replications.
  r.summary.scenario_name = scenario.name;
  r.summary.sweep_paths = scenario.sweep_paths;
  for (std::size_t p = 0; p < scenario.points.size(); ++p) {
    study::PointSummary ps;
    ps.params = scenario.points[p].params;
    const std::size_t first = p * static_cast<std::size_t>(r.replications);
    for (const auto& m : r.runs[first].result.metrics) {
      std::vector<double> xs;
      for (int k = 0; k < r.replications; ++k)
        for (const auto& mm : r.runs[first + static_cast<std::size_t>(k)].result.metrics)
          if (mm.name == m.name) {
            xs.push_back(mm.value);
            break;
          }
      const Interval ci = mean_ci95(xs);
      ps.stats.push_back({m.name, ci.mean, ci.half_width, ci.n});
    }
    r.summary.points.push_back(std::move(ps));
  }
  return r;
}

}  // namespace p2psim::runner
