// Loading: scenario file -> one parsed, checked document -> top-level keys, command-line
// overrides and sweep dimensions -> one validated Study per sweep point.
#include <algorithm>

#include "app/runner/runner.hpp"
#include "app/runner/scenario_document.hpp"
#include "app/runner/sweep.hpp"
#include "app/scenario/scenario_error.hpp"

namespace p2psim::runner {

using scenario::Field;
using scenario::ScenarioError;
using scenario::SourcePos;

namespace {

constexpr std::size_t kMaxPoints = 100000;

const std::vector<std::string> kTopLevelKeys = {"name", "description", "study", "seed", "replications", "sweep"};

SourcePos pos_of(const std::string& file, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return SourcePos{file, m.line >= 0 ? m.line + 1 : 0, m.line >= 0 ? m.column + 1 : 0};
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
  return out;
}

// The scenario name names the default output folder results/<name>: one safe path
// component (no "." or "..", no leading '.', which the result-set writer uses for its
// temporary folders).
std::string scenario_name(const Field& f) {
  const std::string name = f.as_identifier();
  if (name.front() == '.') f.fail_expected("a name that does not start with '.' (it names the folder results/<name>)");
  return name;
}

// Checks a sweep path against the document and the other dimensions; `at` reports errors.
void check_sweep_path(const detail::SweepDimension& d, const study::StudyKind& kind, const YAML::Node& doc,
                      const std::vector<detail::SweepDimension>& others, const Field& at) {
  const auto& parts = d.parts;
  const bool own_section = std::find(kind.sections.begin(), kind.sections.end(), parts[0]) != kind.sections.end();
  if (!own_section || std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); }))
    at.fail("a sweep path must name a key inside one of this study's sections (" + join(kind.sections) + ")");
  if (parts.size() < 2 || !detail::parent_of(doc, parts).IsDefined())
    at.fail("sweep path names no key of this scenario (write its parent section in the file)");
  for (const auto& o : others) {
    if (o.path == d.path) at.fail("duplicate sweep path");
    const std::string& a = o.path.size() < d.path.size() ? o.path : d.path;
    const std::string& b = o.path.size() < d.path.size() ? d.path : o.path;
    if (b.compare(0, a.size(), a) == 0 && b[a.size()] == '.')
      at.fail("sweep paths " + a + " and " + b + " overlap (one is inside the other)");
  }
}

std::vector<YAML::Node> sweep_values(const Field& values) {
  const auto items = values.items();
  if (items.empty()) values.fail_expected("a non-empty list of values");
  std::vector<YAML::Node> nodes;
  nodes.reserve(items.size());
  for (const Field& item : items) nodes.push_back(item.node());
  return nodes;
}

}  // namespace

LoadedScenario load_scenario(const std::string& path, const std::vector<Override>& overrides) {
  return load_scenario_text(detail::read_scenario_file(path), path, overrides);
}

LoadedScenario load_scenario_text(const std::string& text, const std::string& file, const std::vector<Override>& overrides,
                                  const std::vector<study::StudyKind>* kinds) {
  if (kinds == nullptr) kinds = &study::study_kinds();
  auto file_ptr = std::make_shared<const std::string>(file);
  YAML::Node doc = detail::parse_document(text, file);
  if (!doc.IsDefined() || doc.IsNull()) {
    // yaml-cpp yields no document for some malformed text too (e.g. a leading ',').
    std::size_t i = 0;
    int line = 1;
    while (i < text.size()) {
      const std::size_t end = std::min(text.find('\n', i), text.size());
      const std::size_t first = text.find_first_not_of(" \t\r", i);
      if (first < end && text[first] != '#' && text.compare(first, 3, "---") != 0 && text.compare(first, 3, "...") != 0)
        throw ScenarioError(SourcePos{file, line, static_cast<int>(first - i) + 1}, "",
                            "invalid YAML: no document could be read from here");
      i = end + 1;
      ++line;
    }
    throw ScenarioError(SourcePos{file, 1, 1}, "", "the scenario is empty");
  }
  detail::check_document(doc, file);
  Field root(doc, "", file_ptr);
  root.expect_map();

  // --set replaces or adds a key before anything is validated; --sweep is applied below.
  std::vector<const Override*> sets, sweeps;
  for (const Override& o : overrides) {
    const auto parts = detail::split_path(o.path);
    const std::string flag = o.kind == Override::Kind::kSet ? "--set" : "--sweep";
    if (parts[0] == "sweep")
      throw ScenarioError(SourcePos{file, 0, 0}, o.path, "cannot be changed from the command line (" + flag + ")");
    if (!detail::parent_of(doc, parts).IsDefined())
      throw ScenarioError(SourcePos{file, 0, 0}, o.path, flag + " names no key of this scenario (its parent is missing)");
    for (const Override* prev : o.kind == Override::Kind::kSet ? sets : sweeps)
      if (prev->path == o.path) throw ScenarioError(SourcePos{file, 0, 0}, o.path, "given twice with " + flag);
    if (!detail::valid_utf8(o.value))
      throw ScenarioError(SourcePos{file, 0, 0}, o.path, flag + " value is not valid UTF-8");
    (o.kind == Override::Kind::kSet ? sets : sweeps).push_back(&o);
  }
  for (const Override* o : sets)
    for (const Override* w : sweeps)
      if (o->path == w->path)
        throw ScenarioError(SourcePos{file, 0, 0}, o->path, "given with both --set and --sweep; use one");
  for (const Override* o : sets) {
    const auto parts = detail::split_path(o->path);
    YAML::Node parent = detail::parent_of(doc, parts);
    parent[parts.back()] = YAML::Node(o->value);
  }

  LoadedScenario s;
  s.file = file;
  const Field study_field = root.require("study");
  const std::string study_name = study_field.as_identifier();
  for (const auto& k : *kinds)
    if (k.name == study_name) s.kind = &k;
  if (s.kind == nullptr) {
    std::vector<std::string> names;
    for (const auto& k : *kinds) names.push_back(k.name);
    study_field.fail_expected("a study kind (one of: " + join(names) + ")");
  }
  std::vector<std::string> allowed = kTopLevelKeys;
  allowed.insert(allowed.end(), s.kind->sections.begin(), s.kind->sections.end());
  root.allow_only(allowed);
  s.name = scenario_name(root.require("name"));
  s.description = root.get_string("description", "");
  s.seed = static_cast<std::uint64_t>(root.get_int("seed", 1, 0, INT64_MAX));
  s.replications = static_cast<int>(root.get_int("replications", 1, 1, 100000));

  // Sweep dimensions: the file's, in the order written, then the command line's changes.
  std::vector<detail::SweepDimension> dims;
  if (auto sweep = root.get("sweep")) {
    sweep->expect_map();
    for (auto it = sweep->node().begin(); it != sweep->node().end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) Field(key, "sweep", file_ptr).fail_expected("a plain key");
      detail::SweepDimension d;
      d.path = key.Scalar();
      d.parts = detail::split_path(d.path);
      d.pos = pos_of(file, key);
      const Field values(it->second, "sweep." + d.path, file_ptr);
      check_sweep_path(d, *s.kind, doc, dims, Field(it->second, "sweep." + d.path, file_ptr));
      d.values = sweep_values(values);
      dims.push_back(std::move(d));
    }
  }
  for (const Override* o : sets) {
    for (const auto& d : dims)
      if (o->path.size() > d.path.size() && o->path.compare(0, d.path.size(), d.path) == 0 && o->path[d.path.size()] == '.')
        throw ScenarioError(d.pos, o->path, "--set names a key inside the swept key " + d.path +
                                                ", whose sweep values replace it; use --sweep " + d.path + "=[...]");
    auto it = std::find_if(dims.begin(), dims.end(), [&](const auto& d) { return d.path == o->path; });
    if (it == dims.end()) continue;
    s.notes.push_back("--set " + o->path + "=" + o->value + " replaces the scenario's sweep of " + o->path + " (" +
                      std::to_string(it->values.size()) + " values)");
    dims.erase(it);
  }
  for (const Override* o : sweeps) {
    YAML::Node list;
    try {
      list = YAML::Load(o->value);
    } catch (const YAML::Exception& e) {
      throw ScenarioError(SourcePos{file, 0, 0}, o->path, "--sweep expects [a, b, ...]: " + e.msg);
    }
    const Field values(list, o->path, file_ptr);
    if (!list.IsSequence()) values.fail_expected("--sweep " + o->path + "=[a, b, ...]");
    detail::SweepDimension d;
    d.path = o->path;
    d.parts = detail::split_path(d.path);
    d.pos = SourcePos{file, 0, 0};
    d.values = sweep_values(values);
    auto it = std::find_if(dims.begin(), dims.end(), [&](const auto& x) { return x.path == o->path; });
    if (it != dims.end()) {
      s.notes.push_back("--sweep " + o->path + " replaces the scenario's sweep of it (" + std::to_string(it->values.size()) +
                        " values -> " + std::to_string(d.values.size()) + ")");
      it->values = std::move(d.values);
      continue;
    }
    check_sweep_path(d, *s.kind, doc, dims, values);
    dims.push_back(std::move(d));
  }
  std::size_t points = 1;
  for (auto& d : dims) {
    points *= d.values.size();
    if (points > kMaxPoints)
      throw ScenarioError(d.pos, "sweep." + d.path, "the sweep has more than 100000 points");
    d.parent = detail::parent_of(doc, d.parts);
    s.sweep_paths.push_back(d.path);
    s.sweep_sizes.push_back(d.values.size());
  }

  s.echo = detail::node_json(doc, file);

  // Validate every point up front, so a bad value fails before anything runs.
  s.points = detail::expand_points(doc, dims, *s.kind, file_ptr);
  return s;
}

}  // namespace p2psim::runner
