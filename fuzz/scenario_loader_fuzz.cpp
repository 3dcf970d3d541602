// libFuzzer target: the scenario loader (app/runner). Any bytes are a scenario file; the
// loader must either accept them or throw scenario::ScenarioError -- never crash, hang,
// leak or throw anything else (an escaping exception aborts, which libFuzzer reports).
// Build and run: fuzz/run.sh (README, "Fuzzing").
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/runner/runner.hpp"
#include "app/scenario/scenario_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto loaded = p2psim::runner::load_scenario_text(text, "fuzz.yaml");
    // What results.json would hold must serialise (valid UTF-8 everywhere).
    (void)loaded.echo.dump();
    for (const auto& p : loaded.points)
      for (const auto& v : p.values) (void)v.dump();
  } catch (const p2psim::scenario::ScenarioError&) {
  }
  return 0;
}
