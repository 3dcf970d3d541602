// Whole-program tests: every scenario file loads and runs; the CLI's exit status and
// output files on good and bad input; byte-identical results for a seed.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/runner/runner.hpp"

namespace fs = std::filesystem;
using namespace p2psim;

namespace {

const fs::path kSource = P2PSIM_SOURCE_DIR;

// A scratch directory unique to this process: test runs may execute concurrently.
fs::path scratch(const std::string& name) {
  return fs::temp_directory_path() / ("p2psim_" + name + "_" + std::to_string(::getpid()));
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string p2psim_bin() {
  const char* env = std::getenv("P2PSIM_BIN");
  return env ? env : (kSource / "build" / "p2psim").string();
}

// Runs the p2psim binary with `args`; returns its exit status, stderr in `err`.
int run_cli(const std::string& args, std::string* err = nullptr) {
  const fs::path err_file = scratch("cli_stderr.txt");
  const std::string cmd = "cd '" + kSource.string() + "' && '" + p2psim_bin() + "' " + args + " >/dev/null 2>'" +
                          err_file.string() + "'";
  const int rc = std::system(cmd.c_str());
  if (err) *err = slurp(err_file);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::vector<fs::path> scenario_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(kSource / "scenarios"))
    if (e.is_regular_file() && e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("every file in scenarios/ loads and runs", "[app][scenarios]") {
  for (const fs::path& file : scenario_files()) {
    DYNAMIC_SECTION(fs::relative(file, kSource).string()) {
      const auto loaded = runner::load_scenario(file.string());
      REQUIRE(!loaded.points.empty());
      runner::RunOptions opt;
      opt.replications = 1;
      opt.jobs = 2;
      const auto result = runner::run_scenario(loaded, opt);
      REQUIRE(result.runs.size() == loaded.points.size());
      for (const auto& run : result.runs) CHECK(!run.result.metrics.empty());
    }
  }
}

TEST_CASE("a bad scenario exits with status 2, names file:line:column and writes nothing", "[app][cli]") {
  const fs::path dir = scratch("cli_bad");
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path bad = dir / "bad.yaml";
  std::ofstream(bad) << "name: bad\nstudy: nonsense\n";
  std::string err;
  CHECK(run_cli("run '" + bad.string() + "' --out '" + (dir / "out").string() + "'", &err) == 2);
  CHECK_THAT(err, Catch::Contains(bad.string() + ":2:8: study: expected a study kind"));
  CHECK_FALSE(fs::exists(dir / "out"));
  std::ofstream(bad, std::ios::binary) << std::string("\0\1\2garbage", 10);
  CHECK(run_cli("run '" + bad.string() + "' --out '" + (dir / "out").string() + "'", &err) == 2);
  CHECK_THAT(err, Catch::Contains("not a YAML text file"));
  CHECK(run_cli("run '" + (dir / "missing.yaml").string() + "'", &err) == 2);
  CHECK_THAT(err, Catch::Contains("cannot open"));
  CHECK(run_cli("run", &err) == 2);
  CHECK(run_cli("frobnicate", &err) == 2);
  CHECK_FALSE(fs::exists(dir / "out"));
  fs::remove_all(dir);
}

TEST_CASE("the default scenario gives byte-identical results.json twice and with another --jobs", "[app][determinism]") {
  const fs::path dir = scratch("determinism");
  fs::remove_all(dir);
  const std::string scenario = "scenarios/mesh-vs-sfu.yaml";
  REQUIRE(run_cli("run " + scenario + " --quiet --jobs 1 --out '" + (dir / "a").string() + "'") == 0);
  REQUIRE(run_cli("run " + scenario + " --quiet --jobs 1 --out '" + (dir / "b").string() + "'") == 0);
  REQUIRE(run_cli("run " + scenario + " --quiet --jobs 3 --out '" + (dir / "c").string() + "'") == 0);
  const std::string a = slurp(dir / "a" / "results.json");
  CHECK(a.size() > 1000);
  CHECK(a == slurp(dir / "b" / "results.json"));
  CHECK(a == slurp(dir / "c" / "results.json"));
  CHECK(slurp(dir / "a" / "results.csv") == slurp(dir / "c" / "results.csv"));
  fs::remove_all(dir);
}
