// The capacity study's operations keys (relays.cost_model, failures, plan, growth) and
// the planner behind `p2psim plan`: expected values by hand (Erlang-B, cost arithmetic).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "app/runner/runner.hpp"
#include "app/scenario/scenario_error.hpp"
#include "app/study/capacity_study.hpp"
#include "metric.hpp"

namespace fs = std::filesystem;
using namespace p2psim;
using p2psim::test::metric;

namespace {

const fs::path kSourceDir = P2PSIM_SOURCE_DIR;

const char* kBase = R"(name: t
study: capacity
population:
  users: 2000
traffic:
  horizon: 1h
  arrivals: {rate: 0.5}
relays:
  sites:
    default: {count: 2}
)";

const study::CapacityScenario& scenario_of(const runner::LoadedScenario& l) {
  return *study::capacity_scenario_of(*l.points.at(0).study);
}

std::string error_of(const std::string& text) {
  try {
    runner::load_scenario_text(text, "x.yaml");
  } catch (const scenario::ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("relays.cost_model: values in YAML or a calibration file", "[app][capacity][cost]") {
  const auto inline_model = runner::load_scenario_text(
      std::string(kBase) + "  cost_model: {cpu_s_per_packet: 1.5e-5, cpu_s_per_byte: 0, cpu_s_per_allocation: 2e-3}\n",
      "x.yaml");
  const auto& m = scenario_of(inline_model).spec.relays.cost_model;
  REQUIRE(m);
  CHECK(m->cpu_s_per_packet == 1.5e-5);
  CHECK(m->cpu_s_per_allocation == 2e-3);
  CHECK(m->framing_bytes == 4);

  const fs::path dir = fs::temp_directory_path() / "p2psim_cost_model_test";
  fs::create_directories(dir);
  std::ofstream(dir / "model.yaml") << "turn_cost_model:\n  cpu_s_per_packet: 7e-6\n  machine: \"test box\"\n"
                                       "  measured:\n    - {name: a, cpu_s: 0.1}\n";
  std::ofstream(dir / "bad.yaml") << "turn_cost_model:\n  cpu_s_per_packet: fast\n";
  std::ofstream(dir / "s.yaml") << kBase << "  cost_model: model.yaml\n";
  const auto from_file = runner::load_scenario((dir / "s.yaml").string());
  const auto& f = scenario_of(from_file).spec.relays.cost_model;
  REQUIRE(f);
  CHECK(f->cpu_s_per_packet == 7e-6);
  CHECK(f->machine == "test box");
  std::ofstream(dir / "s2.yaml") << kBase << "  cost_model: bad.yaml\n";
  try {
    runner::load_scenario((dir / "s2.yaml").string());
    FAIL("no error");
  } catch (const scenario::ScenarioError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("bad.yaml:2:21: turn_cost_model.cpu_s_per_packet: expected"));
  }
  fs::remove_all(dir);
  CHECK_THAT(error_of(std::string(kBase) + "  cost_model: missing.yaml\n"), Catch::Contains("cannot read cost-model file"));
}
