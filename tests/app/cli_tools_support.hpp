// Helpers for the tests of the tool commands (explain --out, plot, report, schema):
// running the p2psim binary and reading files.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace p2psim::testing {

inline std::filesystem::path source_dir() { return P2PSIM_SOURCE_DIR; }

inline std::string p2psim_bin() {
  const char* env = std::getenv("P2PSIM_BIN");
  return env ? env : (source_dir() / "build" / "p2psim").string();
}

inline bool have_p2psim() {
  std::string cmd = "'";
  cmd.append(p2psim_bin()).append("' --version >/dev/null 2>&1");
  return std::system(cmd.c_str()) == 0;
}

inline bool have_program(const std::string& name) {
  return std::system(("command -v '" + name + "' >/dev/null 2>&1").c_str()) == 0;
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh, empty scratch directory under the system temp dir.
inline std::filesystem::path scratch_dir(const std::string& name) {
  const auto d = std::filesystem::temp_directory_path() / ("p2psim_tools_" + name);
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

// Runs `p2psim ARGS` in the source dir; stdout to `out`, stderr to `err` (when given).
inline int run_p2psim(const std::string& args, std::string* out = nullptr, std::string* err = nullptr) {
  const auto d = std::filesystem::temp_directory_path();
  const auto o = d / "p2psim_tools_stdout.txt", e = d / "p2psim_tools_stderr.txt";
  const std::string cmd = "cd '" + source_dir().string() + "' && '" + p2psim_bin() + "' " + args + " >'" + o.string() +
                          "' 2>'" + e.string() + "'";
  const int rc = std::system(cmd.c_str());
  if (out) *out = slurp(o);
  if (err) *err = slurp(e);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace p2psim::testing
