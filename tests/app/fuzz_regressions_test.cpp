// Inputs found by the fuzz targets (fuzz/) or written to probe the same code: every file in
// tests/app/fuzz_regressions/ is loaded as a scenario and must be accepted or rejected
// with a ScenarioError -- never a crash or another exception.
#include <catch2/catch.hpp>

#include <filesystem>

#include "app/runner/runner.hpp"

namespace fs = std::filesystem;
using namespace p2psim;

TEST_CASE("fuzz regressions: the loader accepts or rejects every saved input cleanly", "[app][runner][fuzz]") {
  const fs::path dir = fs::path(P2PSIM_SOURCE_DIR) / "tests" / "app" / "fuzz_regressions";
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    ++n;
    INFO(e.path().filename().string());
    try {
      const auto s = runner::load_scenario(e.path().string());
      CHECK_NOTHROW(s.echo.dump());
    } catch (const scenario::ScenarioError&) {
      SUCCEED();
    }
  }
  CHECK(n >= 3);
}
