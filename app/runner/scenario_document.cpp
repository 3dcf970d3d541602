#include "app/runner/scenario_document.hpp"

#include <yaml-cpp/eventhandler.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <unordered_map>

#include "app/scenario/scenario_error.hpp"

namespace p2psim::runner::detail {

using scenario::ScenarioError;
using scenario::SourcePos;

namespace {

SourcePos pos_of(const std::string& file, const YAML::Mark& m) {
  return SourcePos{file, m.line >= 0 ? m.line + 1 : 0, m.line >= 0 ? m.column + 1 : 0};
}

struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

}  // namespace

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
    else return false;
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points beyond U+10FFFF are invalid.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return false;
    i += len;
  }
  return true;
}

std::string read_scenario_file(const std::string& path) {
  if (!valid_utf8(path))
    throw ScenarioError(SourcePos{"<scenario path>", 0, 0}, "", "the scenario path is not valid UTF-8");
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    throw ScenarioError(SourcePos{path, 0, 0}, "", std::string("cannot open the scenario file: ") + std::strerror(errno));
  FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    throw ScenarioError(SourcePos{path, 0, 0}, "", "not a regular file (a scenario is read from a regular file only)");
  if (static_cast<std::size_t>(st.st_size) > kMaxFileBytes)
    throw ScenarioError(SourcePos{path, 0, 0}, "", "file larger than 16 MiB");
  std::string text;
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw ScenarioError(SourcePos{path, 0, 0}, "", std::string("cannot read the scenario file: ") + std::strerror(errno));
    }
    if (n == 0) break;
    text.append(chunk, static_cast<std::size_t>(n));
    if (text.size() > kMaxFileBytes) throw ScenarioError(SourcePos{path, 0, 0}, "", "file larger than 16 MiB");
  }
  return text;
}

namespace {

// Records where each document starts; builds nothing.
struct DocumentStarts : YAML::EventHandler {
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& m) override { starts.push_back(m); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

YAML::Node parse_document(const std::string& text, const std::string& file) {
  if (text.find('\0') != std::string::npos)
    throw ScenarioError(SourcePos{file, 0, 0}, "", "not a YAML text file (it contains NUL bytes)");
  try {
    // YAML::LoadAll is not used: yaml-cpp 0.7 loops forever (allocating) in it on some
    // malformed input (e.g. a line starting with ','; yaml-cpp issue 1040, fixed upstream
    // by PR 1319). The first document is loaded alone; a second one is looked for only when
    // a line starts with a document marker, and the parser is asked for at most two.
    YAML::Node doc = YAML::Load(text);
    if (text.find("\n---") != std::string::npos || text.find("\n...") != std::string::npos) {
      std::istringstream in(text);
      YAML::Parser parser(in);
      DocumentStarts h;
      if (parser.HandleNextDocument(h) && parser.HandleNextDocument(h) && h.starts.size() >= 2)
        throw ScenarioError(pos_of(file, h.starts[1]), "", "a second YAML document (after ---); a scenario file holds exactly one");
    }
    return doc;
  } catch (const YAML::Exception& e) {
    throw ScenarioError(pos_of(file, e.mark), "", "invalid YAML: " + e.msg);
  }
}

namespace {

[[noreturn]] void too_large(const std::string& file) {
  throw ScenarioError(SourcePos{file, 0, 0}, "", "document too large or too deeply nested (aliases expand it beyond limits)");
}

std::string child_path(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

void check_scalar(const YAML::Node& n, const std::string& path, const std::string& file) {
  if (!valid_utf8(n.Scalar())) throw ScenarioError(pos_of(file, n.Mark()), path, "expected UTF-8 text, got invalid UTF-8 bytes");
}

void check_node(const YAML::Node& n, const std::string& path, std::size_t& budget, int depth, const std::string& file) {
  if (budget == 0 || depth > 64) too_large(file);
  --budget;
  if (n.IsScalar()) {
    check_scalar(n, path, file);
  } else if (n.IsSequence()) {
    std::size_t i = 0;
    for (const auto& item : n) check_node(item, path + "[" + std::to_string(i++) + "]", budget, depth + 1, file);
  } else if (n.IsMap()) {
    std::unordered_map<std::string, YAML::Mark> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const YAML::Node key = it->first;
      std::string name;
      if (key.IsScalar()) {
        check_scalar(key, path, file);
        name = key.Scalar();
      } else {
        check_node(key, path, budget, depth + 1, file);
        name = value_text(key);
      }
      const std::string p = child_path(path, name);
      const auto [at, inserted] = seen.emplace(name, key.Mark());
      if (!inserted) {
        std::ostringstream msg;
        msg << "duplicate key (first at line " << at->second.line + 1 << ", column " << at->second.column + 1 << ")";
        throw ScenarioError(pos_of(file, key.Mark()), p, msg.str());
      }
      check_node(it->second, p, budget, depth + 1, file);
    }
  }
}

nlohmann::ordered_json to_json(const YAML::Node& n, std::size_t& budget, int depth, const std::string& file) {
  if (budget == 0 || depth > 64) too_large(file);
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
  return scalar_json(n);
}

}  // namespace

void check_document(const YAML::Node& doc, const std::string& file) {
  std::size_t budget = kMaxEchoNodes;
  check_node(doc, "", budget, 0, file);
}

nlohmann::ordered_json scalar_json(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return nullptr;
  if (!n.IsScalar()) return value_text(n);
  const std::string& s = n.Scalar();
  const std::string& tag = n.Tag();
  if (!(tag.empty() || tag == "?")) return s;  // quoted ("!") or explicitly tagged: text as written
  if (s == "true") return true;
  if (s == "false") return false;
  if (s.empty() || s.size() > 40) return s;
  std::int64_t i = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (ec == std::errc() && end == s.data() + s.size()) {
    if (std::to_string(i) == s) return i;
    return s;
  }
  char* dend = nullptr;
  errno = 0;
  const double d = std::strtod(s.c_str(), &dend);
  if (dend == s.c_str() + s.size() && errno == 0 && std::isfinite(d) && nlohmann::ordered_json(d).dump() == s) return d;
  return s;
}

nlohmann::ordered_json node_json(const YAML::Node& n, const std::string& file) {
  std::size_t budget = kMaxEchoNodes;
  return to_json(n, budget, 0, file);
}

std::string value_text(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << n;
  return out.c_str();
}

}  // namespace p2psim::runner::detail
