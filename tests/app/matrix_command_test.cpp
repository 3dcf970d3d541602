// p2psim matrix: --help names every CSV column that --csv writes, in order.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {
int run_matrix(const std::string& args, std::string* out) {
  const char* env = std::getenv("P2PSIM_BIN");
  const std::string bin = env ? env : (fs::path(P2PSIM_SOURCE_DIR) / "build" / "p2psim").string();
  const fs::path o = fs::temp_directory_path() / "p2psim_matrix_out.txt";
  const int rc = std::system(("'" + bin + "' matrix " + args + " >'" + o.string() + "' 2>/dev/null").c_str());
  std::ifstream in(o);
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
}  // namespace

TEST_CASE("matrix --help names the CSV columns matrix --csv writes", "[nat][cli]") {
  std::string help, csv;
  REQUIRE(run_matrix("--help", &help) == 0);
  REQUIRE(run_matrix("--csv --turn off --presets none,full-cone", &csv) == 0);
  const std::string header = csv.substr(0, csv.find('\n'));
  CHECK(header == "turn,offerer,answerer,outcome,setup_s,local_type,remote_type,control_packets,control_bytes");
  // Help text may be wrapped by CLI11; compare with whitespace removed.
  std::string flat;
  for (char c : help)
    if (c != ' ' && c != '\n') flat += c;
  CHECK(flat.find(header) != std::string::npos);
  // 2 presets -> 4 ordered pairs, plus the header.
  int lines = 0;
  for (char c : csv) lines += c == '\n';
  CHECK(lines == 5);
}
