#include "app/scenario/field.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

#include "sim/units.hpp"

namespace p2psim::scenario {

ScenarioError::ScenarioError(SourcePos pos, std::string path, std::string message)
    : std::runtime_error([&] {
        std::ostringstream os;
        os << pos.file;
        if (pos.line > 0) os << ':' << pos.line << ':' << pos.column;
        os << ": ";
        if (!path.empty()) os << path << ": ";
        os << message;
        return os.str();
      }()),
      pos_(std::move(pos)),
      path_(std::move(path)),
      message_(std::move(message)) {}

namespace {
thread_local FieldRecorder* g_recorder = nullptr;

std::string num_text(double v) {
  std::ostringstream os;
  os.precision(12);
  os << v;
  return os.str();
}
}  // namespace

FieldRecorder* set_field_recorder(FieldRecorder* r) {
  FieldRecorder* old = g_recorder;
  g_recorder = r;
  return old;
}
FieldRecorder* field_recorder() { return g_recorder; }

void Field::note(std::string_view key, std::string type, std::string min, std::string max, std::vector<std::string> choices,
                 std::optional<std::string> def) const {
  if (!g_recorder) return;
  FieldUse u;
  u.path = key.empty() ? path_ : (path_.empty() ? std::string(key) : path_ + "." + std::string(key));
  u.type = std::move(type);
  u.min = std::move(min);
  u.max = std::move(max);
  u.choices = std::move(choices);
  u.def = std::move(def);
  g_recorder->use(u);
}

Field::Field(YAML::Node node, std::string path, std::shared_ptr<const std::string> file)
    : node_(std::move(node)), path_(std::move(path)), file_(std::move(file)) {}

SourcePos Field::pos() const {
  SourcePos p;
  p.file = file_ ? *file_ : std::string("<scenario>");
  if (node_.IsDefined()) {
    const YAML::Mark m = node_.Mark();
    if (m.line >= 0) {
      p.line = m.line + 1;
      p.column = m.column + 1;
    }
  }
  return p;
}

std::string Field::text() const {
  if (!node_.IsDefined() || node_.IsNull()) return "null";
  if (node_.IsMap()) return "a mapping";
  if (node_.IsSequence()) return "a sequence";
  std::string s = node_.Scalar();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) out += '?';
    else out += c;
  }
  return out + "\"";
}

void Field::fail_expected(std::string_view expected) const {
  throw ScenarioError(pos(), path_, "expected " + std::string(expected) + ", got " + text());
}

void Field::fail(std::string_view message) const { throw ScenarioError(pos(), path_, std::string(message)); }

Field Field::child(const YAML::Node& n, std::string_view key) const {
  return Field(n, path_.empty() ? std::string(key) : path_ + "." + std::string(key), file_);
}

void Field::expect_map() const {
  if (!node_.IsMap()) fail_expected("a mapping");
}

void Field::allow_only(std::initializer_list<std::string_view> keys) const {
  std::vector<std::string> v(keys.begin(), keys.end());
  allow_only(v);
}

void Field::allow_only(const std::vector<std::string>& keys) const {
  if (g_recorder) note({}, "map", {}, {}, keys);
  expect_map();
  std::set<std::string> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const YAML::Node k = it->first;  // a copy: it->first lives in a temporary
    if (!k.IsScalar()) Field(k, path_, file_).fail_expected("a plain key");
    const std::string& name = k.Scalar();
    Field kf(k, path_.empty() ? name : path_ + "." + name, file_);
    if (std::find(keys.begin(), keys.end(), name) == keys.end()) {
      std::string allowed;
      for (const auto& a : keys) allowed += (allowed.empty() ? "" : ", ") + a;
      kf.fail("unknown key; expected one of: " + allowed);
    }
    if (!seen.insert(name).second) kf.fail("duplicate key");
  }
}

bool Field::has(std::string_view key) const { return get(key).has_value(); }

std::optional<Field> Field::get(std::string_view key) const {
  expect_map();
  for (auto it = node_.begin(); it != node_.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return child(it->second, key);
  return std::nullopt;
}

Field Field::require(std::string_view key) const {
  auto f = get(key);
  if (!f) fail("missing required key \"" + std::string(key) + "\"");
  return *f;
}

std::vector<std::pair<std::string, Field>> Field::entries() const {
  if (g_recorder) note({}, "entries");
  expect_map();
  std::vector<std::pair<std::string, Field>> out;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (!it->first.IsScalar()) Field(it->first, path_, file_).fail_expected("a plain key");
    out.emplace_back(it->first.Scalar(), child(it->second, it->first.Scalar()));
  }
  return out;
}

void Field::expect_sequence() const {
  if (!node_.IsSequence()) fail_expected("a sequence");
}

std::vector<Field> Field::items() const {
  if (g_recorder) note({}, "sequence");
  expect_sequence();
  std::vector<Field> out;
  std::size_t i = 0;
  for (auto it = node_.begin(); it != node_.end(); ++it, ++i)
    out.emplace_back(*it, path_ + "[" + std::to_string(i) + "]", file_);
  return out;
}

const std::string& Field::scalar_or_fail(std::string_view expected) const {
  if (!node_.IsScalar() || node_.Scalar().empty()) fail_expected(expected);
  return node_.Scalar();
}

namespace {
std::string range_text(const char* what, double min, double max, bool integral) {
  std::ostringstream os;
  os.precision(12);
  os << what;
  const bool has_min = integral ? min > -9.2e18 : std::isfinite(min) && min > -1e300;
  const bool has_max = integral ? max < 9.2e18 : std::isfinite(max) && max < 1e300;
  if (has_min && has_max) os << " in [" << min << ", " << max << "]";
  else if (has_min) os << " >= " << min;
  else if (has_max) os << " <= " << max;
  return os.str();
}
}  // namespace

namespace {
// Range texts for schema recording ("" = unbounded).
std::string int_bound(std::int64_t v, bool is_min) {
  return (is_min ? v > INT64_MIN : v < INT64_MAX) ? std::to_string(v) : std::string();
}
std::string double_bound(double v) { return std::isfinite(v) && std::fabs(v) < 1e300 ? num_text(v) : std::string(); }
std::string time_bound(SimTime v, bool is_min) {
  return (is_min ? v > SimTime::zero() : v < SimTime::max()) ? to_string(v) : std::string();
}
std::string rate_bound(double v, bool is_min) { return (is_min ? v > 0 : v < 1e15) ? format_rate(v) : std::string(); }
std::string size_bound(std::int64_t v, bool is_min) {
  return (is_min ? v > 0 : v < INT64_MAX) ? std::to_string(v) + "B" : std::string();
}
}  // namespace

std::int64_t Field::as_int(std::int64_t min, std::int64_t max) const {
  if (g_recorder) note({}, "integer", int_bound(min, true), int_bound(max, false));
  std::ostringstream os;
  os << "an integer";
  if (min > INT64_MIN && max < INT64_MAX) os << " in [" << min << ", " << max << "]";
  else if (min > INT64_MIN) os << " >= " << min;
  else if (max < INT64_MAX) os << " <= " << max;
  const std::string expected = os.str();
  const std::string& s = scalar_or_fail(expected);
  std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size() || s.size() - i > 18 ||
      !std::all_of(s.begin() + static_cast<long>(i), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    fail_expected(expected);
  const long long v = std::strtoll(s.c_str(), nullptr, 10);
  if (v < min || v > max) fail_expected(expected);
  return v;
}

double Field::as_double(double min, double max) const {
  if (g_recorder) note({}, "number", double_bound(min), double_bound(max));
  const std::string expected = range_text("a number", min, max, false);
  const std::string& s = scalar_or_fail(expected);
  if (s.size() > 64) fail_expected(expected);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v) ||
      std::any_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) && c != 'e' && c != 'E'; }))
    fail_expected(expected);
  if (v < min || v > max) fail_expected(expected);
  return v;
}

bool Field::as_bool() const {
  if (g_recorder) note({}, "boolean");
  if (node_.IsScalar()) {
    if (node_.Scalar() == "true") return true;
    if (node_.Scalar() == "false") return false;
  }
  fail_expected("true or false");
}

std::string Field::as_string() const {
  if (g_recorder) note({}, "string");
  return scalar_or_fail("a non-empty string");
}

std::string Field::as_identifier() const {
  if (g_recorder) note({}, "identifier");
  const char* expected = "a name of letters, digits, '_', '-' or '.'";
  const std::string& s = scalar_or_fail(expected);
  if (s.size() > 128 || !std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
      }))
    fail_expected(expected);
  return s;
}

SimTime Field::as_time(SimTime min, SimTime max) const {
  if (g_recorder) note({}, "duration", time_bound(min, true), time_bound(max, false));
  std::string expected = "a duration with a unit (ns, us, ms, s, min, h)";
  if (min > SimTime::zero() || max < SimTime::max()) {
    expected += " in [" + to_string(min) + ", " + (max == SimTime::max() ? std::string("inf") : to_string(max)) + "]";
  }
  const std::string& s = scalar_or_fail(expected);
  auto t = parse_time(s);
  if (!t || *t < min || *t > max) fail_expected(expected);
  return *t;
}

double Field::as_rate(double min_bps, double max_bps) const {
  if (g_recorder) note({}, "rate", rate_bound(min_bps, true), rate_bound(max_bps, false));
  std::string expected = "a data rate with a unit (bps, kbps, Mbps, Gbps)";
  if (min_bps > 0 || max_bps < 1e15) expected += " in [" + format_rate(min_bps) + ", " + format_rate(max_bps) + "]";
  const std::string& s = scalar_or_fail(expected);
  auto r = parse_rate(s);
  if (!r || *r < min_bps || *r > max_bps) fail_expected(expected);
  return *r;
}

std::int64_t Field::as_size(std::int64_t min, std::int64_t max) const {
  if (g_recorder) note({}, "size", size_bound(min, true), size_bound(max, false));
  std::string expected = "a size with a unit (B, kB, KiB, MB, MiB, GB, GiB)";
  if (min > 0 || max < INT64_MAX) expected += " in [" + std::to_string(min) + "B, " + std::to_string(max) + "B]";
  const std::string& s = scalar_or_fail(expected);
  auto b = parse_size(s);
  if (!b || *b < min || *b > max) fail_expected(expected);
  return *b;
}

void Field::fail_choice(const std::vector<std::string_view>& names) const {
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) list += i + 1 == names.size() ? " or " : ", ";
    list += names[i];
  }
  fail_expected("one of " + list);
}

std::int64_t Field::get_int(std::string_view key, std::int64_t def, std::int64_t min, std::int64_t max) const {
  if (g_recorder) note(key, "integer", int_bound(min, true), int_bound(max, false), {}, std::to_string(def));
  auto f = get(key);
  return f ? f->as_int(min, max) : def;
}
double Field::get_double(std::string_view key, double def, double min, double max) const {
  if (g_recorder) note(key, "number", double_bound(min), double_bound(max), {}, num_text(def));
  auto f = get(key);
  return f ? f->as_double(min, max) : def;
}
bool Field::get_bool(std::string_view key, bool def) const {
  if (g_recorder) note(key, "boolean", {}, {}, {}, def ? "true" : "false");
  auto f = get(key);
  return f ? f->as_bool() : def;
}
std::string Field::get_string(std::string_view key, std::string def) const {
  if (g_recorder) note(key, "string", {}, {}, {}, def);
  auto f = get(key);
  return f ? f->as_string() : def;
}
SimTime Field::get_time(std::string_view key, SimTime def, SimTime min, SimTime max) const {
  if (g_recorder) note(key, "duration", time_bound(min, true), time_bound(max, false), {}, to_string(def));
  auto f = get(key);
  return f ? f->as_time(min, max) : def;
}
double Field::get_rate(std::string_view key, double def, double min_bps, double max_bps) const {
  if (g_recorder) note(key, "rate", rate_bound(min_bps, true), rate_bound(max_bps, false), {}, format_rate(def));
  auto f = get(key);
  return f ? f->as_rate(min_bps, max_bps) : def;
}
std::int64_t Field::get_size(std::string_view key, std::int64_t def, std::int64_t min, std::int64_t max) const {
  if (g_recorder) note(key, "size", size_bound(min, true), size_bound(max, false), {}, std::to_string(def) + "B");
  auto f = get(key);
  return f ? f->as_size(min, max) : def;
}

}  // namespace p2psim::scenario
