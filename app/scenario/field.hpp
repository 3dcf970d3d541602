// Field: one node of a scenario file, with its key path and source position.
//
// This is the only way scenario sections are read. Every accessor validates type, unit
// and range, and every failure throws ScenarioError naming file:line:column, the key path
// and what was expected, e.g.
//   scenarios/x.yaml:12:5: call.group_size: expected an integer in [2, 100000], got "many"
// Section parsers call allow_only() first so that unknown keys are errors, never ignored.
//
//   void parse_call(const Field& call, CallSpec& spec) {
//     call.allow_only({"topology", "group_size"});
//     spec.group_size = call.get_int("group_size", 4, 2, 100000);
//     spec.topology = call.get_enum<Topology>("topology", Topology::kSfu,
//                                             {{"mesh", Topology::kMesh}, {"sfu", Topology::kSfu}});
//   }
#pragma once

#include <yaml-cpp/yaml.h>

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/scenario/scenario_error.hpp"
#include "sim/time.hpp"

namespace p2psim::scenario {

// --- schema recording (used by `p2psim schema`, app/scenario/schema.hpp). While a
// FieldRecorder is installed on the calling thread, every accessor below reports the key
// it reads: its type, range, choices and default, exactly as the parser states them.
struct FieldUse {
  std::string path;  // dotted key path (sequence items as "[<index>]")
  // integer, number, boolean, string, identifier, duration, rate, size, enum,
  // map (fixed keys in `choices`), entries (user-named keys), sequence
  std::string type;
  std::string min, max;              // in the key's unit, as a scenario would write it; "" = unbounded
  std::vector<std::string> choices;  // enum values, or a map's allowed keys
  std::optional<std::string> def;    // default as a scenario would write it
};
class FieldRecorder {
 public:
  virtual ~FieldRecorder() = default;
  virtual void use(const FieldUse& u) = 0;
};
// Installs `r` for this thread (nullptr: none) and returns the previous one.
FieldRecorder* set_field_recorder(FieldRecorder* r);
FieldRecorder* field_recorder();

class Field {
 public:
  Field(YAML::Node node, std::string path, std::shared_ptr<const std::string> file);
  Field(const Field&) = default;
  // YAML::Node's own operator= overwrites the node it refers to; a Field rebinds instead.
  Field& operator=(const Field& o) {
    node_.reset(o.node_);
    path_ = o.path_;
    file_ = o.file_;
    return *this;
  }

  const std::string& path() const { return path_; }
  const YAML::Node& node() const { return node_; }
  SourcePos pos() const;
  bool is_map() const { return node_.IsMap(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }
  bool is_null() const { return !node_.IsDefined() || node_.IsNull(); }
  // The scalar text as written, or a short rendering of a map/sequence for messages.
  std::string text() const;

  // Throws ScenarioError at this node: "<path>: expected <expected>, got <text>".
  [[noreturn]] void fail_expected(std::string_view expected) const;
  // Throws ScenarioError at this node with a free-form message.
  [[noreturn]] void fail(std::string_view message) const;

  // --- maps
  // Precondition for the following: is_map() (else a ScenarioError "expected a mapping").
  void expect_map() const;
  // Every key must be one of `keys`; otherwise an error at the unknown key that lists
  // the allowed ones. Also rejects duplicate keys.
  void allow_only(std::initializer_list<std::string_view> keys) const;
  void allow_only(const std::vector<std::string>& keys) const;
  bool has(std::string_view key) const;
  std::optional<Field> get(std::string_view key) const;
  Field require(std::string_view key) const;  // error at the map if missing
  // Key/value pairs in document order.
  std::vector<std::pair<std::string, Field>> entries() const;

  // --- sequences
  void expect_sequence() const;
  std::vector<Field> items() const;

  // --- scalars (this node)
  std::int64_t as_int(std::int64_t min, std::int64_t max) const;
  double as_double(double min, double max) const;
  bool as_bool() const;
  std::string as_string() const;                       // any non-empty scalar
  std::string as_identifier() const;                   // [A-Za-z0-9_.-]+
  SimTime as_time(SimTime min, SimTime max) const;     // "20ms"
  double as_rate(double min_bps, double max_bps) const;  // "5Mbps" -> bit/s
  std::int64_t as_size(std::int64_t min, std::int64_t max) const;  // "1200B" -> bytes
  template <class E>
  E as_enum(std::initializer_list<std::pair<std::string_view, E>> choices) const;
  // Schema recording only: this scalar, read as text, must be one of `names` (e.g. NAT
  // preset names, checked by the caller). No effect while nothing records.
  void record_choices(const std::vector<std::string>& names) const {
    if (field_recorder()) note({}, "enum", {}, {}, names);
  }

  // --- optional keys of this map with defaults (the default is not range-checked)
  std::int64_t get_int(std::string_view key, std::int64_t def, std::int64_t min, std::int64_t max) const;
  double get_double(std::string_view key, double def, double min, double max) const;
  bool get_bool(std::string_view key, bool def) const;
  std::string get_string(std::string_view key, std::string def) const;
  SimTime get_time(std::string_view key, SimTime def, SimTime min, SimTime max) const;
  double get_rate(std::string_view key, double def, double min_bps, double max_bps) const;
  std::int64_t get_size(std::string_view key, std::int64_t def, std::int64_t min, std::int64_t max) const;
  template <class E>
  E get_enum(std::string_view key, E def, std::initializer_list<std::pair<std::string_view, E>> choices) const;

 private:
  Field child(const YAML::Node& n, std::string_view key) const;
  const std::string& scalar_or_fail(std::string_view expected) const;
  [[noreturn]] void fail_choice(const std::vector<std::string_view>& names) const;
  // Schema recording: reports this node (key empty) or its child `key` to the recorder.
  void note(std::string_view key, std::string type, std::string min = {}, std::string max = {},
            std::vector<std::string> choices = {}, std::optional<std::string> def = std::nullopt) const;

  YAML::Node node_;
  std::string path_;
  std::shared_ptr<const std::string> file_;
};

template <class E>
E Field::as_enum(std::initializer_list<std::pair<std::string_view, E>> choices) const {
  if (field_recorder()) {
    std::vector<std::string> all;
    for (const auto& c : choices) all.emplace_back(c.first);
    note({}, "enum", {}, {}, all);
  }
  std::vector<std::string_view> names;
  if (node_.IsScalar()) {
    const std::string& s = node_.Scalar();
    for (const auto& [name, value] : choices)
      if (s == name) return value;
  }
  for (const auto& c : choices) names.push_back(c.first);
  fail_choice(names);
}

template <class E>
E Field::get_enum(std::string_view key, E def, std::initializer_list<std::pair<std::string_view, E>> choices) const {
  if (field_recorder()) {
    std::vector<std::string> all;
    std::optional<std::string> d;
    for (const auto& c : choices) {
      all.emplace_back(c.first);
      if constexpr (std::equality_comparable<E>)  // E may be a struct without ==: then no default is named
        if (c.second == def && !d) d = std::string(c.first);
    }
    note(key, "enum", {}, {}, all, d);
  }
  auto f = get(key);
  return f ? f->as_enum(choices) : def;
}

}  // namespace p2psim::scenario
