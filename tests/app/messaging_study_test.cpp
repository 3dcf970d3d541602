#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <memory>
#include <string>

#include "app/runner/runner.hpp"
#include "app/scenario/field.hpp"
#include "app/study/study.hpp"
#include "metric.hpp"

using namespace p2psim;
using p2psim::test::metric;

namespace {
const study::StudyKind& kind() {
  const study::StudyKind* k = study::find_study_kind("messaging");
  REQUIRE(k != nullptr);
  return *k;
}

std::unique_ptr<study::Study> parse_text(const std::string& text) {
  YAML::Node root = YAML::Load(text);
  return kind().parse(scenario::Field(root, "", std::make_shared<const std::string>("test.yaml")));
}

}  // namespace

TEST_CASE("every messaging scenario loads and runs at each sweep point, deterministically", "[messaging][app]") {
  for (const char* file : {"scenarios/messaging-architectures.yaml", "scenarios/federation-fanout.yaml",
                           "scenarios/messaging-churn.yaml"}) {
    INFO(file);
    const auto loaded = runner::load_scenario(std::string(P2PSIM_SOURCE_DIR) + "/" + file);
    REQUIRE(loaded.kind->name == "messaging");
    REQUIRE(loaded.points.size() >= 5);
    for (const auto& point : loaded.points) {
      const study::RunResult r = point.study->run(1);
      const double ratio = metric(r, "delivery_ratio");
      CHECK(ratio > 0.0);
      CHECK(ratio <= 1.0);
      CHECK(metric(r, "delivered_by_end_ratio") >= ratio);
      CHECK(metric(r, "messages") > 0);
      CHECK(metric(r, "delay_p50_s") <= metric(r, "delay_p95_s"));
      CHECK(metric(r, "delay_p95_s") <= metric(r, "delay_p99_s"));
      CHECK(metric(point.study->run(1), "delivery_ratio") == ratio);  // deterministic in the seed
    }
  }
}

TEST_CASE("federation study reports S-1 server copies per event", "[messaging][app]") {
  for (int s : {1, 3, 6}) {
    auto st = parse_text(R"(
messaging: {users: 36}
availability: {servers: {always_up: true}}
workload: {room_size: 12, duration: 12h}
architecture: {kind: federation, federation: {servers: )" + std::to_string(s) + "}}\n");
    CHECK(metric(st->run(2), "server_copies_per_message") == Approx(s - 1));
  }
}

TEST_CASE("messaging study rejects bad input with file:line:col", "[messaging][app]") {
  auto message = [](const std::string& text) {
    try {
      parse_text(text);
    } catch (const scenario::ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(message("architecture: {kind: p2p}\nworkload:\n  rooms: 3\n"),
             Catch::Contains("test.yaml:3:3: workload.rooms: unknown key"));
  CHECK_THAT(message("architecture:\n  kind: mesh\n"), Catch::Contains("test.yaml:2:9: architecture.kind"));
  CHECK_THAT(message("architecture: {kind: relay, relay: {relays: 5, degree: 6}}\n"),
             Catch::Contains("architecture.relay.degree: degree must be less than relays"));
  CHECK_THAT(message("availability:\n  users:\n    online: {distribution: exponential, shape: 2}\narchitecture: {kind: p2p}\n"),
             Catch::Contains("test.yaml:3:41: availability.users.online.shape: unknown key"));
  CHECK_THAT(message("messaging: {users: 4}\nworkload: {room_size: 8}\narchitecture: {kind: dht}\n"),
             Catch::Contains("workload.room_size: room_size must not exceed"));
  CHECK_THAT(message("workload: {duration: 10}\narchitecture: {kind: dht}\n"),
             Catch::Contains("test.yaml:1:22: workload.duration"));
  CHECK_THAT(message("messaging: {users: 10}\n"), Catch::Contains("architecture"));
}
