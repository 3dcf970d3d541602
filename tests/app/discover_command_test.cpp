#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {
// Runs `p2psim discover ARGS`; returns the exit status, stdout in `out`, stderr in `err`.
int discover(const std::string& args, std::string* out, std::string* err) {
  const char* env = std::getenv("P2PSIM_BIN");
  const std::string bin = env ? env : (fs::path(P2PSIM_SOURCE_DIR) / "build" / "p2psim").string();
  const fs::path o = fs::temp_directory_path() / "p2psim_discover_out.txt";
  const fs::path e = fs::temp_directory_path() / "p2psim_discover_err.txt";
  const int rc = std::system(("'" + bin + "' discover " + args + " >'" + o.string() + "' 2>'" + e.string() + "'").c_str());
  auto slurp = [](const fs::path& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  *out = slurp(o);
  *err = slurp(e);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
}  // namespace

TEST_CASE("p2psim discover classifies every preset and reports bad NAT input", "[nat][cli]") {
  std::string out, err;
  CHECK(discover("--all", &out, &err) == 0);
  CHECK(out.find("symmetric") != std::string::npos);
  CHECK(out.find("APDM + APDF") != std::string::npos);
  CHECK(out.find(" NO ") == std::string::npos);
  CHECK(discover("--nat \"{preset: full-cone, filtering: ADF}\"", &out, &err) == 0);
  CHECK(out.find("EIM + ADF") != std::string::npos);
  CHECK(discover("--nat bogus", &out, &err) == 2);
  CHECK(err.find("--nat:1:1") != std::string::npos);
  CHECK(discover("", &out, &err) == 2);
}
