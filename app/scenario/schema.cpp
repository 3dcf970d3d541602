#include "app/scenario/schema.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

#include "app/runner/runner.hpp"
#include "app/scenario/field.hpp"
#include "app/study/study.hpp"

namespace p2psim::scenario {
namespace {

using json = nlohmann::ordered_json;

struct KeyInfo {
  std::vector<std::string> types;  // in first-seen order
  std::string min, max;
  std::vector<std::string> choices;  // enum values
  std::vector<std::string> keys;     // allowed keys of a map
  std::optional<std::string> def;
};
using KeyMap = std::map<std::string, KeyInfo>;

class Recorder : public FieldRecorder {
 public:
  KeyMap keys;
  void use(const FieldUse& u) override {
    static const std::regex index(R"(\[[0-9]+\])");
    const std::string path = std::regex_replace(u.path, index, "[]");
    if (path.rfind("sweep", 0) == 0) return;  // the runner's own section, described by hand
    KeyInfo& k = keys[path];
    if (std::find(k.types.begin(), k.types.end(), u.type) == k.types.end()) k.types.push_back(u.type);
    if (!u.min.empty()) k.min = u.min;
    if (!u.max.empty()) k.max = u.max;
    for (const auto& c : u.choices) {
      auto& list = u.type == "map" ? k.keys : k.choices;
      if (std::find(list.begin(), list.end(), c) == list.end()) list.push_back(c);
    }
    if (u.def && !k.def) k.def = u.def;
  }
};

bool has_type(const KeyInfo& k, const std::string& t) { return std::find(k.types.begin(), k.types.end(), t) != k.types.end(); }

// Adds what `info` records of a key to `k`: new types, choices and sub-keys appended; the
// first range and default seen kept.
void merge_into(KeyInfo& k, const KeyInfo& info) {
  for (const auto& t : info.types)
    if (!has_type(k, t)) k.types.push_back(t);
  if (k.min.empty()) k.min = info.min;
  if (k.max.empty()) k.max = info.max;
  for (const auto& c : info.choices)
    if (std::find(k.choices.begin(), k.choices.end(), c) == k.choices.end()) k.choices.push_back(c);
  for (const auto& c : info.keys)
    if (std::find(k.keys.begin(), k.keys.end(), c) == k.keys.end()) k.keys.push_back(c);
  if (!k.def) k.def = info.def;
}

// Replaces user-named keys (children of an `entries` map that are not fixed keys) by "*".
KeyMap generalize(const KeyMap& in) {
  KeyMap out;
  for (const auto& [path, info] : in) {
    std::string norm, prefix;
    std::size_t start = 0;
    while (start <= path.size()) {
      const std::size_t dot = path.find('.', start);
      std::string seg = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      auto parent = in.find(prefix);
      if (!prefix.empty() && parent != in.end() && has_type(parent->second, "entries")) {
        const auto& fixed = parent->second.keys;
        std::string bare = seg.substr(0, seg.find('['));
        if (std::find(fixed.begin(), fixed.end(), bare) == fixed.end()) seg = std::string("*").append(seg.substr(bare.size()));
      }
      norm += (norm.empty() ? "" : ".") + seg;
      prefix = path.substr(0, dot == std::string::npos ? path.size() : dot);
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    merge_into(out[norm], info);
  }
  return out;
}

const char* kNumber = R"([+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)";

json unit_pattern(const char* units) {
  return {{"type", "string"}, {"pattern", std::string("^\\s*") + kNumber + "\\s*(" + units + ")\\s*$"}};
}

json default_value(const std::string& type, const std::string& d) {
  if (type == "integer") return std::strtoll(d.c_str(), nullptr, 10);
  if (type == "number") return std::strtod(d.c_str(), nullptr);
  if (type == "boolean") return d == "true";
  return d;
}

std::string unit_text(const std::string& type) {
  if (type == "duration") return "a duration (ns, us, ms, s, min, h)";
  if (type == "rate") return "a data rate (bps, kbps, Mbps, Gbps, Tbps)";
  if (type == "size") return "a size (B, kB, KB, KiB, MB, MiB, GB, GiB)";
  if (type == "identifier") return "a name of letters, digits, '_', '-' or '.'";
  if (type == "enum") return "one of the listed values";
  if (type == "string") return "text";
  return std::string("a") + (type == "integer" ? "n " : " ") + type;
}

json scalar_schema(const std::string& type, const KeyInfo& k) {
  json s;
  if (type == "integer" || type == "number") {
    s["type"] = type;
    if (!k.min.empty()) s["minimum"] = default_value(type, k.min);
    if (!k.max.empty()) s["maximum"] = default_value(type, k.max);
  } else if (type == "boolean") {
    s["type"] = "boolean";
  } else if (type == "string") {
    s["type"] = json::array({"string", "number", "boolean"});
    s["minLength"] = 1;
  } else if (type == "identifier") {
    s["type"] = json::array({"string", "integer"});
    s["pattern"] = "^[A-Za-z0-9_.-]{1,128}$";
  } else if (type == "enum") {
    s["enum"] = k.choices;
  } else {
    // Units as patterns; a bare 0 is accepted too, as the loader does.
    const char* units = type == "duration" ? "ns|us|ms|s|min|h"
                        : type == "rate"   ? "bps|kbps|Mbps|Gbps|Tbps"
                                           : "B|kB|KB|KiB|MB|MiB|GB|GiB";
    s["anyOf"] = json::array({unit_pattern(units), json{{"const", 0}}});
  }
  return s;
}

json node_schema(const KeyMap& keys, const std::string& path);

json object_schema(const KeyMap& keys, const std::string& path, const KeyInfo& k) {
  json o{{"type", "object"}};
  const std::string pre = path.empty() ? "" : path + ".";
  if (has_type(k, "map")) {
    json props = json::object();
    for (const auto& name : k.keys) props[name] = node_schema(keys, pre + name);
    o["properties"] = props;
    o["additionalProperties"] = false;
  } else {
    o["additionalProperties"] = node_schema(keys, pre + "*");
  }
  return o;
}

json node_schema(const KeyMap& keys, const std::string& path) {
  const auto it = keys.find(path);
  if (it == keys.end()) return json{{"description", "not read by any example scenario: see docs/scenarios.md"}};
  const KeyInfo& k = it->second;
  std::vector<json> alts;
  std::string desc;
  for (const auto& t : k.types) {
    // Text checked against a list (record_choices): the list says more than "text".
    if ((t == "string" || t == "identifier") && has_type(k, "enum")) continue;
    if (t == "map" || t == "entries") {
      if (t == "entries" && has_type(k, "map")) continue;
      if (t == "map" || !has_type(k, "map")) alts.push_back(object_schema(keys, path, k));
      desc += std::string(desc.empty() ? "" : "; or ") + (t == "map" ? "a mapping" : "a mapping of names to values");
    } else if (t == "sequence") {
      alts.push_back(json{{"type", "array"}, {"items", node_schema(keys, path + "[]")}});
      desc += std::string(desc.empty() ? "" : "; or ") + "a list";
    } else {
      alts.push_back(scalar_schema(t, k));
      std::string d = unit_text(t);
      if (!k.min.empty() && !k.max.empty()) d += " in [" + k.min + ", " + k.max + "]";
      else if (!k.min.empty()) d += " >= " + k.min;
      else if (!k.max.empty()) d += " <= " + k.max;
      desc += (desc.empty() ? "" : "; or ") + d;
    }
  }
  json s = alts.size() == 1 ? alts[0] : json{{"anyOf", alts}};
  if (k.def) {
    const std::string t = k.types.empty() ? "string" : k.types.front();
    s["default"] = default_value(t, *k.def);
    desc += "; default " + *k.def;
  }
  s["description"] = desc;
  return s;
}

json kind_schema(const study::StudyKind& kind, const KeyMap& raw, bool seen) {
  const KeyMap keys = generalize(raw);
  json props = json::object();
  props["name"] = {{"type", json::array({"string", "integer"})},
                   {"pattern", "^[A-Za-z0-9_.-]{1,128}$"},
                   {"description", "identifier; results go to results/<name>/"}};
  props["description"] = {{"type", json::array({"string", "number", "boolean"})}, {"description", "free text"}};
  props["study"] = {{"const", kind.name}, {"description", kind.description}};
  props["seed"] = {{"type", "integer"}, {"minimum", 0}, {"default", 1}, {"description", "unsigned 64-bit scenario seed; default 1"}};
  props["replications"] = {{"type", "integer"}, {"minimum", 1}, {"maximum", 100000}, {"default", 1},
                           {"description", "runs per sweep point; default 1"}};
  std::string sections;
  for (const auto& s : kind.sections) {
    if (!sections.empty()) sections += '|';
    sections += std::regex_replace(s, std::regex("[.-]"), "\\$&");
  }
  props["sweep"] = {{"type", "object"},
                    {"description", "dotted key path inside one of this study's sections -> non-empty list of values; "
                                    "the run set is the cartesian product"},
                    {"propertyNames", {{"pattern", "^(" + sections + ")\\.[^.]+(\\.[^.]+)*$"}}},
                    {"additionalProperties", {{"type", "array"}, {"minItems", 1}}}};
  for (const auto& s : kind.sections) {
    props[s] = node_schema(keys, s);
    if (!seen) props[s] = json{{"description", "no example scenario of this kind: see docs/scenarios.md"}};
  }
  return json{{"type", "object"},
              {"title", "p2psim scenario, study: " + kind.name},
              {"required", json::array({"name", "study"})},
              {"properties", props},
              {"additionalProperties", false}};
}

}  // namespace

std::vector<std::string> example_files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ".yaml") out.push_back(it->path().string());
  std::sort(out.begin(), out.end());
  return out;
}

json scenario_schema(const std::vector<std::string>& examples, const std::string& only) {
  if (!only.empty() && !study::find_study_kind(only)) {
    std::string names;
    for (const auto& k : study::study_kinds()) names += (names.empty() ? "" : ", ") + k.name;
    throw std::invalid_argument("unknown study kind \"" + only + "\" (one of " + names + ")");
  }
  std::map<std::string, KeyMap> per_kind;
  for (const auto& file : examples) {
    Recorder rec;
    FieldRecorder* old = set_field_recorder(&rec);
    try {
      const runner::LoadedScenario s = runner::load_scenario(file);
      set_field_recorder(old);
      KeyMap& km = per_kind[s.kind->name];
      for (const auto& [path, info] : rec.keys) {
        if (path.empty()) continue;  // the top level: described by hand
        merge_into(km[path], info);
      }
    } catch (const std::exception&) {
      set_field_recorder(old);  // not a loadable example: skipped
    }
  }
  const char* draft = "https://json-schema.org/draft/2020-12/schema";
  if (!only.empty()) {
    json s = kind_schema(*study::find_study_kind(only), per_kind[only], per_kind.count(only) > 0);
    json out{{"$schema", draft}};
    for (auto it = s.begin(); it != s.end(); ++it) out[it.key()] = it.value();
    return out;
  }
  json names = json::array();
  json all_of = json::array();
  json defs = json::object();
  for (const auto& k : study::study_kinds()) {
    names.push_back(k.name);
    defs[k.name] = kind_schema(k, per_kind[k.name], per_kind.count(k.name) > 0);
    all_of.push_back({{"if", {{"properties", {{"study", {{"const", k.name}}}}}, {"required", json::array({"study"})}}},
                      {"then", {{"$ref", "#/$defs/" + k.name}}}});
  }
  return json{{"$schema", draft},
              {"title", "p2psim scenario file"},
              {"description", "Generated by `p2psim schema` from the loader's own field definitions; keys documented in "
                              "docs/scenarios.md."},
              {"type", "object"},
              {"required", json::array({"name", "study"})},
              {"properties", {{"study", {{"enum", names}, {"description", "which study kind reads the file"}}}}},
              {"allOf", all_of},
              {"$defs", defs}};
}

}  // namespace p2psim::scenario
