// p2psim explain on a scenario with a sweep: every point is told, a flag that sets the
// swept key replaces the sweep, --point picks one, --out writes them all for `report`.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/app/cli_tools_support.hpp"

using namespace p2psim::testing;

TEST_CASE("explain FILE with a sweep narrates each point", "[explain][cli][sweep]") {
  if (!have_p2psim()) {
    WARN("p2psim binary not found: skipping");
    return;
  }
  std::string out, err;
  // 02-symmetric sweeps explain.b.nat over four presets.
  REQUIRE(run_p2psim("explain scenarios/course/02-symmetric.yaml -q", &out, &err) == 0);
  CHECK(count_of(out, "OUTCOME:") == 4);
  CHECK(out.find("=== point 1 of 4: explain.b.nat=full-cone ===") != std::string::npos);
  CHECK(out.find("=== point 4 of 4: explain.b.nat=symmetric ===") != std::string::npos);
  // A flag that sets the swept key replaces the sweep: one story, no header.
  REQUIRE(run_p2psim("explain scenarios/course/02-symmetric.yaml --b restricted-cone -q", &out) == 0);
  CHECK(count_of(out, "OUTCOME:") == 1);
  CHECK(out.find("=== point") == std::string::npos);
  // --point K tells one point.
  REQUIRE(run_p2psim("explain scenarios/course/02-symmetric.yaml --point 4 -q", &out) == 0);
  CHECK(count_of(out, "OUTCOME:") == 1);
  CHECK(out.find("OUTCOME: FAILED") != std::string::npos);  // symmetric vs symmetric, no TURN
  CHECK(run_p2psim("explain scenarios/course/02-symmetric.yaml --point 5 -q", &out, &err) == 2);
  // One diagram file cannot hold four points.
  CHECK(run_p2psim("explain scenarios/course/02-symmetric.yaml --mermaid /dev/null", &out, &err) == 2);
  CHECK(err.find("sweeps 4 points") != std::string::npos);
}

TEST_CASE("explain --out writes every point's story, diagram and pcap", "[explain][cli][sweep]") {
  if (!have_p2psim()) {
    WARN("p2psim binary not found: skipping");
    return;
  }
  const auto dir = scratch_dir("explain_out");
  REQUIRE(run_p2psim("explain scenarios/course/02-symmetric.yaml -q --out '" + dir.string() + "'") == 0);
  const auto j = nlohmann::json::parse(slurp(dir / "explain.json"));
  REQUIRE(j["points"].size() == 4);
  for (std::size_t k = 0; k < 4; ++k) {
    const auto& p = j["points"][k];
    CHECK(p["params"].contains("explain.b.nat"));
    CHECK(p["mermaid"].get<std::string>().rfind("sequenceDiagram", 0) == 0);
    CHECK(!p["narrative"].empty());
    const std::string stem = "explain-" + std::to_string(k + 1);
    CHECK(slurp(dir / (stem + ".mmd")) == p["mermaid"].get<std::string>());
    // A pcap file starts with the libpcap magic number (microsecond or nanosecond, either byte order).
    const std::string pcap = slurp(dir / (stem + ".pcap"));
    REQUIRE(pcap.size() >= 24);
    const std::string magic = pcap.substr(0, 4);
    CHECK((magic == "\xd4\xc3\xb2\xa1" || magic == "\xa1\xb2\xc3\xd4" || magic == "\x4d\x3c\xb2\xa1" ||
           magic == "\xa1\xb2\x3c\x4d"));
  }
  CHECK(count_of(slurp(dir / "story.txt"), "=== point") == 4);
  std::filesystem::remove_all(dir);
}
