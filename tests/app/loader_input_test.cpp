// Inputs that validate must run: what the loader refuses up front (with file:line:column)
// so that it never fails after the simulation, and what it keeps exactly as written.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/runner/runner.hpp"

using namespace p2psim;
namespace fs = std::filesystem;

namespace {

std::string error_of(const std::string& text, const std::vector<runner::Override>& o = {}) {
  try {
    runner::load_scenario_text(text, "x.yaml", o);
  } catch (const scenario::ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

std::string file_error_of(const std::string& path) {
  try {
    runner::load_scenario(path);
  } catch (const scenario::ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

const std::string kMatrix = "name: m\nstudy: nat-matrix\nmatrix: {}\n";

}  // namespace

TEST_CASE("the scenario name is one safe path component", "[app][runner][errors]") {
  CHECK(error_of("name: ..\nstudy: nat-matrix\nmatrix: {}\n") ==
        "x.yaml:1:7: name: expected a name that does not start with '.' (it names the folder results/<name>), got \"..\"");
  CHECK_THAT(error_of("name: .hidden\nstudy: nat-matrix\nmatrix: {}\n"), Catch::Contains("does not start with '.'"));
  CHECK_THAT(error_of("name: a/b\nstudy: nat-matrix\nmatrix: {}\n"), Catch::Contains("name: expected a name of letters"));
  CHECK(error_of("name: ok.v2\nstudy: nat-matrix\nmatrix: {}\n") == "no error");
}

TEST_CASE("non-UTF-8 text is refused at load time with its position", "[app][runner][errors]") {
  CHECK(error_of("name: m\ndescription: caf\xe9\nstudy: nat-matrix\nmatrix: {}\n") ==
        "x.yaml:2:14: description: expected UTF-8 text, got invalid UTF-8 bytes");
  CHECK(error_of("name: m\nstudy: nat-matrix\n\xff: 1\n") == "x.yaml:3:1: expected UTF-8 text, got invalid UTF-8 bytes");
  CHECK(error_of("name: m\ndescription: \"\xc0\xaf overlong\"\nstudy: nat-matrix\nmatrix: {}\n") ==
        "x.yaml:2:14: description: expected UTF-8 text, got invalid UTF-8 bytes");
  CHECK(error_of("name: m\ndescription: caf\xc3\xa9 \xe2\x9c\x93\nstudy: nat-matrix\nmatrix: {}\n") == "no error");
  CHECK_THAT(error_of(kMatrix, {{"description", "\xfe"}}), Catch::Contains("--set value is not valid UTF-8"));
  const fs::path bad = fs::temp_directory_path() / ("p2psim_\xff_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(bad) << kMatrix;
  CHECK(file_error_of(bad.string()) == "<scenario path>: the scenario path is not valid UTF-8");
  fs::remove(bad);
}

TEST_CASE("duplicate keys anywhere, including name-keyed maps, are errors naming both positions", "[app][runner][errors]") {
  // A group-call scenario whose access map names one profile twice (lines 5 and 6).
  const std::string text =
      "name: g\nstudy: group-call\ncall: {topology: sfu, group_size: 4}\naccess:\n"
      "  fibre: {share: 0.5, uplink: 100Mbps, downlink: 300Mbps, latency: 5ms}\n"
      "  fibre: {share: 0.5, uplink: 100Mbps, downlink: 300Mbps, latency: 5ms}\n";
  CHECK_THAT(error_of(text), Catch::EndsWith(": access.fibre: duplicate key (first at line 5, column 3)") &&
                                 Catch::StartsWith("x.yaml:6:3:"));
  CHECK(error_of("name: p\nstudy: nat-population\nnat_mix:\n  none: 0.5\n  cgnat: 0.25\n  none: 0.25\n") ==
        "x.yaml:6:3: nat_mix.none: duplicate key (first at line 4, column 3)");
  CHECK(error_of("name: p\nstudy: nat-matrix\nname: q\nmatrix: {}\n") == "x.yaml:3:1: name: duplicate key (first at line 1, column 1)");
}

TEST_CASE("scalars are echoed as written and never crash the echo", "[app][runner]") {
  const auto s = runner::load_scenario_text(
      "name: m\ndescription: '--5'\nstudy: nat-matrix\nseed: 7\nmatrix: {}\n", "x.yaml");
  CHECK(s.description == "--5");
  CHECK(s.echo["description"] == "--5");
  CHECK(s.echo["seed"] == 7);
  const auto t = runner::load_scenario_text("name: m\ndescription: '007'\nstudy: nat-matrix\nmatrix: {}\n", "x.yaml");
  CHECK(t.echo["description"] == "007");
  const auto u = runner::load_scenario_text("name: m\ndescription: 2024-01\nstudy: nat-matrix\nmatrix: {}\n", "x.yaml");
  CHECK(u.echo["description"] == "2024-01");
  const auto v = runner::load_scenario_text("name: m\ndescription: 1e3\nstudy: nat-matrix\nmatrix: {}\n", "x.yaml");
  CHECK(v.echo["description"] == "1e3");
  const auto w = runner::load_scenario_text("name: m\ndescription: 0.25\nstudy: nat-matrix\nmatrix: {}\n", "x.yaml");
  CHECK(w.echo["description"] == 0.25);
  const auto x = runner::load_scenario_text("name: m\ndescription: \"true\"\nstudy: nat-matrix\nmatrix: {}\n", "x.yaml");
  CHECK(x.echo["description"] == "true");
}

TEST_CASE("a second YAML document is an error, and a scenario must be a regular file", "[app][runner][errors]") {
  CHECK(error_of(kMatrix + "---\nname: other\n") ==
        "x.yaml:4:1: a second YAML document (after ---); a scenario file holds exactly one");
  CHECK_THAT(error_of(kMatrix + "...\n---\n"), Catch::Contains("a second YAML document"));
  CHECK(error_of("---\n" + kMatrix) == "no error");
  // yaml-cpp 0.7's LoadAll loops forever on these (found by fuzz_scenario_loader).
  CHECK(error_of(",a: b\n") == "x.yaml:1:1: invalid YAML: no document could be read from here");
  CHECK(error_of(kMatrix + "---\n,\n") == "x.yaml:4:1: a second YAML document (after ---); a scenario file holds exactly one");
  const fs::path fifo = fs::temp_directory_path() / ("p2psim_fifo_" + std::to_string(::getpid()) + ".yaml");
  fs::remove(fifo);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(file_error_of(fifo.string()) == fifo.string() + ": not a regular file (a scenario is read from a regular file only)");
  fs::remove(fifo);
  CHECK(file_error_of("/dev/null") == "/dev/null: not a regular file (a scenario is read from a regular file only)");
  CHECK_THAT(file_error_of(fs::temp_directory_path().string()), Catch::Contains("not a regular file"));
}
