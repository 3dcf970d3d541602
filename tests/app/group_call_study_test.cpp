#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "app/study/study.hpp"
#include "metric.hpp"

using namespace p2psim;
using p2psim::test::metric;

namespace {

scenario::Field field_of(const std::string& text, const std::string& file = "x.yaml") {
  return scenario::Field(YAML::Load(text), "", std::make_shared<const std::string>(file));
}

const study::StudyKind& kind() {
  const study::StudyKind* k = study::find_study_kind("group-call");
  REQUIRE(k != nullptr);
  return *k;
}


}  // namespace

TEST_CASE("group-call: bad group size names file, line and column", "[app][group_call]") {
  const std::string text =
      "study: group-call\n"
      "call:\n"
      "  topology: mesh\n"
      "  group_size: many\n";
  try {
    kind().parse(field_of(text));
    FAIL("expected a ScenarioError");
  } catch (const scenario::ScenarioError& e) {
    CHECK(e.pos().line == 4);
    CHECK(e.pos().column == 15);
    CHECK(std::string(e.what()) == "x.yaml:4:15: call.group_size: expected an integer in [2, 2000], got \"many\"");
  }
}

TEST_CASE("group-call: unknown keys, bad units and bad topologies are errors", "[app][group_call]") {
  try {
    kind().parse(field_of("access:\n  lte: {uplnk: 6Mbps, downlink: 13Mbps}\n"));
    FAIL("expected a ScenarioError");
  } catch (const scenario::ScenarioError& e) {
    CHECK(e.pos().line == 2);
    CHECK(e.pos().column == 9);
    CHECK(e.path() == "access.lte.uplnk");
    CHECK(e.message() == "unknown key; expected one of: share, uplink, downlink, latency, layout, device");
  }
  try {
    kind().parse(field_of("access:\n  lte:\n    uplink: 6 parsecs\n    downlink: 13Mbps\n"));
    FAIL("expected a ScenarioError");
  } catch (const scenario::ScenarioError& e) {
    CHECK(e.pos().line == 3);
    CHECK(e.pos().column == 13);
    CHECK(e.path() == "access.lte.uplink");
  }
  try {
    kind().parse(field_of("call:\n  topology: star\n"));
    FAIL("expected a ScenarioError");
  } catch (const scenario::ScenarioError& e) {
    CHECK(e.message() == "expected one of mesh, sfu, mcu or hybrid, got \"star\"");
    CHECK(e.pos().line == 2);
    CHECK(e.pos().column == 13);
  }
  try {
    kind().parse(field_of("servers:\n  sfu: {egress: lots}\n"));
    FAIL("expected a ScenarioError");
  } catch (const scenario::ScenarioError& e) {
    CHECK(e.path() == "servers.sfu.egress");
    CHECK(e.pos().line == 2);
  }
}

TEST_CASE("group-call: calls too large to hold in memory are refused at load", "[app][group_call]") {
  try {
    kind().parse(field_of("call:\n  topology: mesh\n  group_size: 2000\n"));
    FAIL("expected a ScenarioError");
  } catch (const scenario::ScenarioError& e) {
    CHECK(e.pos().line == 3);
    CHECK(e.path() == "call.group_size");
    CHECK(e.message().find("7996000 end-to-end streams") != std::string::npos);
  }
  // With last-N the SFU holds N (N-1) audio + N * last_n video streams: 1000 x 999 + 5000 fits.
  CHECK_NOTHROW(kind().parse(field_of("call:\n  topology: sfu\n  group_size: 1000\n  last_n: 5\n")));
}

TEST_CASE("group-call: the default scenario parses and one point runs", "[app][group_call]") {
  std::ifstream in(std::string(P2PSIM_SOURCE_DIR) + "/scenarios/mesh-vs-sfu.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  YAML::Node doc = YAML::Load(ss.str());
  doc["call"]["topology"] = "mesh";
  doc["call"]["group_size"] = "4";
  const auto study = kind().parse(scenario::Field(doc, "", std::make_shared<const std::string>("mesh-vs-sfu.yaml")));
  const study::RunResult a = study->run(1), b = study->run(1);
  REQUIRE(a.metrics.size() == b.metrics.size());
  for (std::size_t i = 0; i < a.metrics.size(); ++i) CHECK(a.metrics[i].value == b.metrics[i].value);
  CHECK(metric(a, "group_size") == 4);
  // Mesh: everyone requests 3 x 720p video up, whatever their access, and 3 x audio: at
  // full rate while the speaker (one of the 4 at any time), at the DTX rate (one 10 B
  // update per 400 ms) otherwise.
  const double audio = 32'000 + 50 * 8 * 50.0, video = 2'500'000 + 270 * 8 * 50.0;
  const double dtx = 2.5 * 8 * (10 + 50.0);
  CHECK(metric(a, "uplink_requested_mean_bps") == Approx(3 * video + 3 * (audio + 3 * dtx) / 4));
  // The phones on LTE (speaker view) and cable laptops are limited by the uplink.
  CHECK(metric(a, "limit_lte_uplink") == 1);
  CHECK(metric(a, "limit_fibre_uplink") == 0);
  // Everyone on LTE (6 Mbit/s up) cannot upload 3 x 2.66 Mbit/s; on fibre they can.
  CHECK(metric(a, "fits_lte") == 0);
  CHECK(metric(a, "fits_fibre") == 1);
}

TEST_CASE("group-call: summary shows per-topology rows and the largest N that fits", "[app][group_call]") {
  study::RunSetSummary s;
  s.scenario_name = "t";
  s.sweep_paths = {"call.topology", "call.group_size"};
  for (const char* t : {"mesh", "sfu"})
    for (int n : {2, 4, 8}) {
      study::PointSummary p;
      p.params = {{"call.topology", t}, {"call.group_size", std::to_string(n)}};
      const bool fits = std::string(t) == "sfu" || n <= 4;
      p.stats = {{"group_size", double(n), 0, 1}, {"uplink_requested_mean_bps", 1e6, 0, 1},
                 {"all_full", fits ? 1.0 : 0.0, 0, 1}, {"fits_lte", fits ? 1.0 : 0.0, 0, 1},
                 {"limit_uplink", fits ? 0.0 : 1.0, 0, 1}, {"limit_client_cpu", fits ? 0.0 : 0.5, 0, 1},
                 {"limit_lte_uplink", fits ? 0.0 : 1.0, 0, 1}};
      s.points.push_back(p);
    }
  std::ostringstream os;
  kind().summarize(s, os);
  const std::string out = os.str();
  INFO(out);
  CHECK(out.find("call.topology=mesh") != std::string::npos);
  // Mesh stops at 4; at 8 the uplink binds (in every replication) and the client CPU
  // (in some) for the mix, the uplink alone for everyone on LTE.
  CHECK(out.find("call.topology=mesh                   4 (uplink+client CPU)  4 (uplink)\n") != std::string::npos);
  CHECK(out.find("call.topology=sfu                                       8+          8+\n") != std::string::npos);
  CHECK(out.find("nan") == std::string::npos);
}

TEST_CASE("group-call: layouts, devices, DTX and SVC keys parse - unknown names are errors", "[app][group_call]") {
  const std::string base =
      "call: {topology: sfu, group_size: 5}\n"
      "access:\n  a: {uplink: 10Mbps, downlink: 20Mbps, layout: big, device: tablet}\n"
      "layouts:\n  big: {view: gallery, max_tiles: 9, screen_height: 720}\n"
      "devices:\n  tablet: {cores: 3, speed: 0.7}\n"
      "media:\n  audio: {dtx: true}\n  video: {scalability: svc}\n";
  const auto st = kind().parse(field_of(base));
  const study::RunResult r = st->run(1);
  CHECK(metric(r, "fits_a") == 1);
  CHECK(metric(r, "client_cores_mean") > 0);
  try {
    kind().parse(field_of("access:\n  a: {uplink: 1Mbps, downlink: 1Mbps, layout: nope}\n"));
    FAIL("expected an error");
  } catch (const scenario::ScenarioError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("x.yaml:2:"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("a layout name"));
  }
  try {
    kind().parse(field_of("layouts:\n  mine: {max_tiles: 4}\n"));
    FAIL("expected an error");
  } catch (const scenario::ScenarioError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("needs its view"));
  }
}

TEST_CASE("group-call: regions need every pair's latency - cascading needs two regions", "[app][group_call]") {
  const auto ok = kind().parse(field_of(
      "call: {group_size: 6}\nregions:\n  a: {latency: {b: 40ms, c: 90ms}}\n  b: {latency: {c: 70ms}}\n  c: {}\n"
      "servers:\n  sfu: {cascade: true}\n"));
  const study::RunResult r = ok->run(1);
  CHECK(metric(r, "inter_sfu_bps") > 0);
  try {
    kind().parse(field_of("regions:\n  a: {latency: {b: 40ms}}\n  b: {}\n  c: {}\n"));
    FAIL("expected an error");
  } catch (const scenario::ScenarioError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("no latency between regions a and c"));
  }
  try {
    kind().parse(field_of("servers:\n  sfu: {cascade: true}\n"));
    FAIL("expected an error");
  } catch (const scenario::ScenarioError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("x.yaml:2:"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("at least two regions"));
  }
}

TEST_CASE("group-call: default scenario - a 50-person SFU call in speaker view fits LTE phones, mesh stops on the uplink",
          "[app][group_call]") {
  std::ifstream in(std::string(P2PSIM_SOURCE_DIR) + "/scenarios/mesh-vs-sfu.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  auto run = [&](const char* topology, int n) {
    YAML::Node doc = YAML::Load(ss.str());
    doc["call"]["topology"] = topology;
    doc["call"]["group_size"] = std::to_string(n);
    return kind().parse(scenario::Field(doc, "", std::make_shared<const std::string>("mesh-vs-sfu.yaml")))->run(1);
  };
  // SFU, N = 50, everyone on LTE in speaker view: down = one 720p stage (2.61 Mbit/s) + 48
  // thumbnails at 180p (0.162 each) + audio (one speaker at 52 kbit/s, 48 DTX at 1.2) =
  // 10.5 Mbit/s < 13; up = audio + 3 layers = 3.3 < 6; phone CPU = 3 layer encodes 0.341
  // + 0.005 + stage decode 0.074 + 48 x 0.0046 + 49 x 0.002 = 0.74 < 2 x 0.5 cores.
  const study::RunResult sfu = run("sfu", 50);
  CHECK(metric(sfu, "fits_lte") == 1);
  // Mesh, N = 5 on cable (10 Mbit/s up): 4 x 2.63 Mbit/s of 720p do not fit; on fibre
  // desktops (4 cores) 4 x 0.341 cores do.
  const study::RunResult mesh = run("mesh", 5);
  CHECK(metric(mesh, "fits_cable") == 0);
  CHECK(metric(mesh, "limit_cable_uplink") == 1);
  CHECK(metric(mesh, "limit_cable_client_cpu") == 0);
  CHECK(metric(mesh, "fits_fibre") == 1);
}

TEST_CASE("group-call: servers.turn.cost_model is the capacity study's TURN cost model", "[app][group_call][turn_cpu]") {
  // A 2-person mesh, audio only, relayed: 2 streams x 50 packets/s through the relay,
  // each 4,000 B/s of Opus + 50 x (12 RTP + 10 SRTP tag) B; one allocation over 60 s.
  const std::string base =
      "call: {topology: mesh, group_size: 2, duration: 60s}\n"
      "media:\n  video: {enabled: false}\n"
      "connectivity: {relayed_fraction: 1}\n";
  const double pps = 2 * 50, bytes = 2 * (32'000 / 8.0 + 50 * 22.0);
  {
    const auto st = kind().parse(field_of(
        base + "servers:\n  turn: {cost_model: {cpu_s_per_packet: 1e-5, cpu_s_per_byte: 1e-9, cpu_s_per_allocation: 0.6}}\n"));
    const study::RunResult r = st->run(1);
    CHECK(metric(r, "turn_cpu_cores") == Approx(pps * 1e-5 + bytes * 1e-9 + 0.6 / 60));
    CHECK(metric(r, "turn_cpu_cores_max") == Approx(pps * 1e-5 + bytes * 1e-9 + 0.6 / 60));
    CHECK(metric(r, "limit_server_cpu") == 0);
  }
  {
    // Default: the coturn 4.6.1 calibration, as in the capacity study.
    const study::RunResult r = kind().parse(field_of(base))->run(1);
    CHECK(metric(r, "turn_cpu_cores") == Approx(pps * 5.7e-6 + 1.26e-3 / 60));
  }
  {
    // The calibration file the capacity scenarios use, relative to the scenario's directory.
    const std::string file = std::string(P2PSIM_SOURCE_DIR) + "/scenarios/x.yaml";
    const study::RunResult r =
        kind().parse(field_of(base + "servers:\n  turn: {cost_model: cost-models/coturn-4.6.1.yml}\n", file))->run(1);
    CHECK(metric(r, "turn_cpu_cores") == Approx(pps * 5.695e-6 + 0.001258 / 60));
  }
  {
    // A TURN with too few cores (0.005 of the 100 x 1e-4 + 1.26e-3 / 60 it needs)
    // throttles the relayed streams to about half and reports server CPU.
    const study::RunResult r = kind().parse(field_of(base + "servers:\n  turn: {cpu_cores: 0.005, cost_model: {cpu_s_per_packet: 1e-4}}\n"))->run(1);
    CHECK(metric(r, "limit_server_cpu") == 1);
    CHECK(metric(r, "all_full") == 0);
    const double need = pps * 1e-4 + 1.26e-3 / 60;
    CHECK(metric(r, "turn_ingress_bps") == Approx(0.005 / need * 2 * (32'000 + 50 * 8 * 54.0)));
  }
  try {
    kind().parse(field_of(base + "servers:\n  turn:\n    cost_model: {cpu_s_per_packet: fast}\n"));
    FAIL("expected a ScenarioError");
  } catch (const scenario::ScenarioError& e) {
    CHECK(e.path() == "servers.turn.cost_model.cpu_s_per_packet");
  }
  try {
    kind().parse(field_of(base + "servers:\n  turn:\n    cost_model: {cpu_per_packet: 1e-5}\n"));
    FAIL("expected a ScenarioError");
  } catch (const scenario::ScenarioError& e) {
    CHECK(e.path() == "servers.turn.cost_model.cpu_per_packet");
  }
}

TEST_CASE("group-call: UDP-blocked participants reach an ICE-TCP SFU without TURN", "[app][group_call][ice_tcp]") {
  auto run = [](const std::string& topology, const std::string& extra) {
    const auto study = kind().parse(field_of("call: {topology: " + topology +
                                             ", group_size: 4}\n"
                                             "connectivity: {nat_mix: {udp-blocked: 1}" +
                                             extra + "}\n"));
    return study->run(1);
  };
  // SFU as deployed (connectivity.sfu_ice_tcp default true): every participant's firewall
  // blocks UDP and allows TCP to 443, so each connects over ICE-TCP; the TURN server
  // carries nothing.
  const study::RunResult tcp = run("sfu", "");
  CHECK(metric(tcp, "turn_ingress_bps") == 0);
  CHECK(metric(tcp, "turn_egress_bps") == 0);
  CHECK(metric(tcp, "failed_fraction") == 0);
  CHECK(metric(tcp, "server_ingress_bps") > 0);
  // Without the SFU's TCP candidate they go TURN over TCP as before: the relay carries
  // every upload and every download.
  const study::RunResult turn = run("sfu", ", sfu_ice_tcp: false");
  CHECK(metric(turn, "turn_ingress_bps") > 0);
  CHECK(metric(turn, "turn_egress_bps") > 0);
  CHECK(metric(turn, "failed_fraction") == 0);
  // Mesh calls do not involve the SFU: identical results either way.
  const study::RunResult m1 = run("mesh", ""), m2 = run("mesh", ", sfu_ice_tcp: false");
  REQUIRE(m1.metrics.size() == m2.metrics.size());
  for (std::size_t i = 0; i < m1.metrics.size(); ++i) CHECK(m1.metrics[i].value == m2.metrics[i].value);
  CHECK(metric(m1, "turn_ingress_bps") > 0);
  // A bad value is an error at its position.
  try {
    kind().parse(field_of("connectivity:\n  sfu_ice_tcp: maybe\n"));
    FAIL("expected a ScenarioError");
  } catch (const scenario::ScenarioError& e) {
    CHECK(e.path() == "connectivity.sfu_ice_tcp");
    CHECK(e.pos().line == 2);
  }
}
