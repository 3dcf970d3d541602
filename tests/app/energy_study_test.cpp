// Study kind "energy": parsing, bad input with file:line:col, metrics, and every energy
// scenario file in scenarios/ at every sweep point (loaded through the runner).
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <memory>
#include <sstream>
#include <string>

#include "app/runner/runner.hpp"
#include "app/study/study.hpp"
#include "metric.hpp"

using namespace p2psim;
using p2psim::test::metric;
using namespace p2psim::study;

namespace {

const StudyKind& kind() {
  const StudyKind* k = find_study_kind("energy");
  REQUIRE(k != nullptr);
  return *k;
}

std::unique_ptr<Study> parse_text(const std::string& text, const std::string& file = "test.yaml") {
  YAML::Node root = YAML::Load(text);
  scenario::Field f(root, "", std::make_shared<const std::string>(file));
  return kind().parse(f);
}


}  // namespace

TEST_CASE("energy kind is registered with its sections", "[energy]") {
  const StudyKind& k = kind();
  CHECK(k.sections == std::vector<std::string>{"run", "host", "keepalives", "traffic", "call"});
}

TEST_CASE("energy study: an idle LTE host with a 60 s keepalive", "[energy]") {
  auto s = parse_text(R"(
study: energy
run: {duration: 1h}
host: {radio: lte, battery_wh: 15}
keepalives:
  nat: {kind: nat_keepalive, interval: 60s}
)");
  const RunResult r = s->run(1);
  // 60 isolated wake-ups of ~12.7 J each, plus idle paging (~20 mW).
  CHECK(metric(r, "promotions") == 60);
  CHECK(metric(r, "energy_nat_keepalive_j") / 60 == Approx(12.7).epsilon(0.02));
  CHECK(metric(r, "avg_power_mw") == Approx(metric(r, "energy_j") / 3.6));
  CHECK(metric(r, "battery_drain_pct_per_hour") == Approx(metric(r, "energy_j") / 3600 / 15 * 100));
  const double states = metric(r, "time_idle_s") + metric(r, "time_promotion_s") +
                        metric(r, "time_continuous_reception_s") + metric(r, "time_short_drx_s") +
                        metric(r, "time_long_drx_s");
  CHECK(states == Approx(3600.0));
  // Deterministic in the seed.
  const RunResult again = s->run(1);
  for (std::size_t i = 0; i < r.metrics.size(); ++i) CHECK(r.metrics[i].value == again.metrics[i].value);
}

TEST_CASE("energy study: mesh uploads N-1 streams, SFU one (group-call model rates)", "[energy]") {
  auto run = [](const std::string& topo) {
    return parse_text("study: energy\nrun: {duration: 5min}\nhost: {radio: lte}\n"
                      "call: {topology: " + topo + ", participants: 5, audio_bitrate: 32kbps,\n"
                      "       video_layers: [{height: 360, bitrate: 500kbps}]}\n")
        ->run(1);
  };
  const RunResult mesh = run("mesh"), sfu = run("sfu");
  // Wire rate of one participant's media (media model, IPv4/UDP/RTP/SRTP = 50 B per packet):
  // audio 32 kb/s in 20 ms frames: 50 pkt/s -> 32k + 50*8*50 = 52 kb/s;
  // video 500 kb/s at 30 fps, 1200 B payload: 2083 B frames -> 2 pkts -> 60 pkt/s -> 524 kb/s.
  const double stream = 52e3 + 524e3;
  CHECK(metric(mesh, "call_up_bps") == Approx(4 * stream));
  CHECK(metric(sfu, "call_up_bps") == Approx(stream));
  CHECK(metric(mesh, "call_down_bps") == Approx(4 * stream));
  CHECK(metric(sfu, "call_down_bps") == Approx(4 * stream));
  // The extra uplink costs alpha_u x 3 streams for the whole call (less the promotion).
  const double extra = 438.39e-3 * 3 * stream * 1e-6 * (300 - 0.26);
  CHECK(metric(mesh, "energy_data_j") - metric(sfu, "energy_data_j") == Approx(extra).epsilon(1e-6));
  CHECK(metric(mesh, "battery_drain_pct_per_hour_max") == Approx(metric(mesh, "battery_drain_pct_per_hour")));
}

TEST_CASE("energy study: a call with a start and a duration, then the tail", "[energy]") {
  const RunResult r = parse_text("study: energy\nrun: {duration: 10min}\nhost: {radio: lte}\n"
                                 "call: {topology: sfu, participants: 3, start: 1min, duration: 2min}\n")
                          ->run(1);
  CHECK(metric(r, "promotions") == 1);
  // Continuous reception: the call (less the promotion) plus the 100 ms inactivity timer.
  CHECK(metric(r, "time_continuous_reception_s") == Approx(120 - 0.26 + 0.1));
  CHECK(metric(r, "time_long_drx_s") == Approx(11.576 - 0.12));
  CHECK(metric(r, "energy_tail_j") > 11.0);
}

TEST_CASE("energy study: bad input names file:line:col", "[energy]") {
  try {
    parse_text("study: energy\nhost:\n  radio: lte\n  antenna: 2\n", "bad.yaml");
    FAIL("no error");
  } catch (const scenario::ScenarioError& e) {
    CHECK(std::string(e.what()).find("bad.yaml:4:3") != std::string::npos);
    CHECK(std::string(e.what()).find("antenna") != std::string::npos);
  }
  try {
    parse_text("study: energy\nhost:\n  radio: nr\n", "nr.yaml");
    FAIL("no error");
  } catch (const scenario::ScenarioError& e) {
    CHECK(std::string(e.what()).find("nr.yaml:3:") != std::string::npos);
    CHECK(std::string(e.what()).find("preset: nsa-mmwave") != std::string::npos);
  }
  try {
    parse_text("study: energy\nkeepalives:\n  k: {kind: pigeon}\n", "kind.yaml");
    FAIL("no error");
  } catch (const scenario::ScenarioError& e) {
    CHECK(std::string(e.what()).find("kind.yaml:3:") != std::string::npos);
  }
  try {
    parse_text("study: energy\nhost:\n  lte: {tail_time: 50ms}\n", "lte.yaml");
    FAIL("no error");
  } catch (const scenario::ScenarioError& e) {
    CHECK(std::string(e.what()).find("tail_time") != std::string::npos);
  }
}

TEST_CASE("energy study: nr runs with a complete user-supplied parameter set", "[energy]") {
  auto s = parse_text(R"(
study: energy
run: {duration: 10min}
host:
  radio: nr
  nr: {promotion_time: 300ms, inactivity_timer: 100ms, short_drx_time: 20ms, tail_time: 10s,
       short_drx_cycle: 20ms, long_drx_cycle: 40ms, drx_on_duration: 2ms, idle_paging_cycle: 1280ms,
       idle_paging_on: 43ms, promotion_w: 1.5, drx_on_w: 2.0, tail_base_w: 1.2, idle_paging_w: 0.6,
       idle_base_w: 0, alpha_up_mw_per_mbps: 100, alpha_down_mw_per_mbps: 10, beta_mw: 1500}
keepalives:
  hb: {kind: heartbeat, interval: 60s}
)");
  const RunResult r = s->run(3);
  CHECK(metric(r, "promotions") == 10);
}

TEST_CASE("energy study: radio nr with a preset loads, overrides one key, rejects an unknown preset", "[energy][nr]") {
  // An hour of NAT keepalives every 60 s on NSA mmWave: requests at 60, 120, ..., 3600 s,
  // the last one cut by the end; each full wake-up is 0.323 s x 3.352 W + 448 bit x
  // 9.42 mW/(Mb/s) + 11.2 s x 3.352 W = 38.62510022016 J (docs/models/energy.md).
  auto s = parse_text(R"(
study: energy
run: {duration: 1h}
host:
  radio: nr
  nr: {preset: nsa-mmwave}
keepalives:
  nat: {kind: nat_keepalive, interval: 60s}
)");
  const RunResult r = s->run(1);
  CHECK(metric(r, "promotions") == 60);
  CHECK(metric(r, "energy_keepalive_j") == Approx(59 * 38.62510022016 + 9.42e-3 * 448e-6).epsilon(1e-9));

  // A preset key overridden: the low-band tail cut to 5 s (inactivity_timer follows it:
  // still no DRX phase) -> (0.323 + 5) s x 1.1077 W + bits.
  auto o = parse_text(R"(
study: energy
run: {duration: 1h}
host:
  radio: nr
  nr: {preset: nsa-low-band, tail_time: 5s}
keepalives:
  nat: {kind: nat_keepalive, interval: 60s}
)");
  const RunResult ro = o->run(1);
  CHECK(metric(ro, "energy_keepalive_j") ==
        Approx(59 * (5.323 * 1.1077 + 29.15e-3 * 448e-6) + 29.15e-3 * 448e-6).epsilon(1e-9));

  try {
    parse_text("study: energy\nhost:\n  radio: nr\n  nr: {preset: nsa-5g}\n", "preset.yaml");
    FAIL("no error");
  } catch (const scenario::ScenarioError& e) {
    const std::string m = e.what();
    CHECK(m.find("preset.yaml:4:16") != std::string::npos);
    CHECK(m.find("host.nr.preset") != std::string::npos);
    CHECK(m.find("nsa-low-band") != std::string::npos);
  }
  try {  // a preset's override is still checked against the LTE state machine's constraints
    parse_text("study: energy\nhost:\n  radio: nr\n  nr: {preset: nsa-mmwave, inactivity_timer: 20s}\n", "c.yaml");
    FAIL("no error");
  } catch (const scenario::ScenarioError& e) {
    CHECK(std::string(e.what()).find("inactivity_timer + short_drx_time") != std::string::npos);
  }
}

TEST_CASE("energy scenario files load and run at every sweep point", "[energy]") {
  for (const char* name : {"keepalive-interval", "keepalive-5g", "battery-mesh-vs-sfu", "persistent-vs-push"}) {
    INFO(name);
    const std::string path = std::string(P2PSIM_SOURCE_DIR) + "/scenarios/" + name + ".yaml";
    const runner::LoadedScenario sc = runner::load_scenario(path);
    CHECK(sc.kind->name == "energy");
    CHECK(sc.points.size() > 1);
    for (const runner::SweepPoint& p : sc.points) {
      const RunResult r = p.study->run(1);
      CHECK(metric(r, "energy_j") > 0);
    }
  }
}

TEST_CASE("keepalive-interval: shorter intervals cost more on LTE and UMTS", "[energy]") {
  auto power = [](const std::string& radio, const std::string& interval) {
    return metric(parse_text("study: energy\nrun: {duration: 1h}\nhost: {radio: " + radio +
                             "}\nkeepalives:\n  nat: {kind: nat_keepalive, interval: " + interval + "}\n")
                      ->run(1),
                  "avg_power_mw");
  };
  for (const char* radio : {"lte", "umts"}) {
    double prev = 1e18;
    for (const char* iv : {"15s", "25s", "30s", "60s", "120s", "300s"}) {
      const double p = power(radio, iv);
      INFO(radio << " " << iv);
      CHECK(p < prev);
      prev = p;
    }
  }
}

TEST_CASE("energy study: battery follows client CPU (codec cost model x W per busy phone core)", "[energy]") {
  auto run = [](const std::string& topo) {
    return parse_text("study: energy\nrun: {duration: 5min}\nhost: {radio: lte}\n"
                      "call: {topology: " + topo + ", participants: 5, audio_bitrate: 32kbps,\n"
                      "       video_layers: [{height: 360, bitrate: 500kbps}]}\n")
        ->run(1);
  };
  // Codec cost (reference cores): 360p30 encode 0.26/4, decode 0.074/4; Opus 0.005 / 0.002.
  // A phone core runs at half the reference speed; a busy core costs 1.17 W.
  const double enc = 0.26 / 4 + 0.005, dec = 0.074 / 4 + 0.002;
  const double mesh_cores = 4 * (enc + dec), sfu_cores = enc + 4 * dec;
  const RunResult mesh = run("mesh"), sfu = run("sfu");
  CHECK(metric(mesh, "call_client_cores") == Approx(mesh_cores));
  CHECK(metric(mesh, "cpu_energy_j") == Approx(300 * 1.17 * mesh_cores / 0.5));
  CHECK(metric(sfu, "cpu_energy_j") == Approx(300 * 1.17 * sfu_cores / 0.5));
  CHECK(metric(mesh, "energy_j") - metric(sfu, "energy_j") >
        metric(mesh, "energy_data_j") - metric(sfu, "energy_data_j"));
}
