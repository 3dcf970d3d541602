#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "app/scenario/field.hpp"
#include "app/study/study.hpp"

using namespace p2psim;

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

// Sets a dotted path in a YAML document (what the runner does for a sweep value).
void set_path(YAML::Node root, const std::string& path, const YAML::Node& value) {
  YAML::Node n = root;
  std::stringstream ss(path);
  std::string part;
  std::vector<std::string> parts;
  while (std::getline(ss, part, '.')) parts.push_back(part);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node child = n[parts[i]];
    n.reset(child);
  }
  n[parts.back()] = value;
}

double metric(const study::RunResult& r, const std::string& name) {
  for (const auto& m : r.metrics)
    if (m.name == name) return m.value;
  FAIL("no metric " << name);
  return 0;
}
}  // namespace

TEST_CASE("every messaging scenario loads and runs at each sweep point", "[messaging][app]") {
  for (const char* file : {"scenarios/messaging-architectures.yaml", "scenarios/federation-fanout.yaml",
                           "scenarios/messaging-churn.yaml"}) {
    const std::string path = std::string(P2PSIM_SOURCE_DIR) + "/" + file;
    const YAML::Node doc = YAML::LoadFile(path);
    REQUIRE(doc["study"].as<std::string>() == "messaging");
    std::vector<std::pair<std::string, std::vector<YAML::Node>>> sweep;
    for (const auto& kv : doc["sweep"]) {
      std::vector<YAML::Node> values;
      for (const auto& v : kv.second) values.push_back(v);
      sweep.push_back({kv.first.as<std::string>(), values});
    }
    // Cartesian product of the sweep values.
    std::function<void(std::size_t, YAML::Node)> walk = [&](std::size_t i, YAML::Node d) {
      if (i == sweep.size()) {
        auto s = kind().parse(scenario::Field(d, "", std::make_shared<const std::string>(path)));
        const study::RunResult r = s->run(1);
        const double ratio = metric(r, "delivery_ratio");
        INFO(file);
        CHECK(ratio >= 0.0);
        CHECK(ratio <= 1.0);
        CHECK(metric(r, "messages") > 0);
        CHECK(std::isfinite(metric(r, "delay_p95_s")));
        // Deterministic in the seed.
        CHECK(s->run(1).metrics.size() == r.metrics.size());
        CHECK(metric(s->run(1), "delivery_ratio") == ratio);
        return;
      }
      for (const YAML::Node& v : sweep[i].second) {
        YAML::Node copy = YAML::Clone(d);
        set_path(copy, sweep[i].first, v);
        walk(i + 1, copy);
      }
    };
    walk(0, YAML::Clone(doc));
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
