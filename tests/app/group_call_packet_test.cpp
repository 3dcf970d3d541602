// call.model: packet in the group-call study: keys, errors, metrics and series, and
// byte-identical results per seed whatever --jobs.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "app/scenario/scenario_error.hpp"
#include "app/study/study.hpp"
#include "metric.hpp"

using namespace p2psim;
using p2psim::test::metric;
namespace fs = std::filesystem;

namespace {

scenario::Field field_of(const std::string& text) {
  return scenario::Field(YAML::Load(text), "", std::make_shared<const std::string>("x.yaml"));
}

const study::StudyKind& kind() {
  const study::StudyKind* k = study::find_study_kind("group-call");
  REQUIRE(k != nullptr);
  return *k;
}

std::string error_of(const std::string& text) {
  try {
    kind().parse(field_of(text));
  } catch (const scenario::ScenarioError& e) {
    return e.what();
  }
  return "";
}

const std::string kBase =
    "call: {model: packet, topology: sfu, group_size: 3, duration: 5s}\n"
    "access:\n  lte: {uplink: 6Mbps, downlink: 13Mbps, latency: 35ms}\n";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("group-call packet mode: bad keys are errors with their position", "[app][group_call][packet]") {
  CHECK(error_of("packet: {nack: true}\n") == "x.yaml:1:9: packet: the packet section needs call.model: packet");
  CHECK(error_of("call: {model: packets}\n").find("call.model: expected one of flow or packet") != std::string::npos);
  CHECK(error_of(kBase + "packet:\n  links:\n    wifi: {queue: 100ms}\n").find("packet.links.wifi: no access profile") !=
        std::string::npos);
  CHECK(error_of(kBase + "packet:\n  links:\n    lte: {queu: 100ms}\n").find("packet.links.lte.queu: unknown key") !=
        std::string::npos);
  CHECK(error_of(kBase + "packet:\n  links:\n    lte:\n      uplink_trace: [[1s, 2Mbps]]\n")
            .find("the first trace sample must be at 0s") != std::string::npos);
  CHECK(error_of(kBase + "packet:\n  links:\n    lte: {uplink_trace_file: no-such-trace.csv}\n")
            .find("packet.links.lte.uplink_trace_file: cannot read trace file") != std::string::npos);
  CHECK(error_of("call: {model: packet, topology: hybrid}\n").find("not hybrid") != std::string::npos);
  CHECK(error_of(kBase + "packet: {dtx: true}\n").find("packet.dtx: DTX is media.audio.dtx") != std::string::npos);
}

TEST_CASE("group-call packet mode: metrics and time series", "[app][group_call][packet]") {
  const auto st = kind().parse(field_of(kBase +
                                        "packet:\n"
                                        "  links:\n"
                                        "    lte: {queue: 300ms, uplink_loss: 0.01, uplink_burst: 2,\n"
                                        "          uplink_trace: [[0s, 6Mbps], [2s, 1Mbps]]}\n"
                                        "  presence: [{participant: 2, join: 1s}]\n"));
  const study::RunResult r = st->run(1);
  CHECK(metric(r, "group_size") == 3);
  CHECK(metric(r, "loss_before_recovery") > 0);
  CHECK(metric(r, "loss_after_recovery") < metric(r, "loss_before_recovery"));
  CHECK(metric(r, "audio_mos_mean") > 1);
  CHECK(metric(r, "audio_mos_mean") <= 4.5);
  bool has_target = false;
  for (const auto& s : r.series) has_target = has_target || (s.name == "upload_target_bps_p0" && s.t.size() == 5);
  CHECK(has_target);
  // Same seed, same metrics.
  const study::RunResult again = st->run(1);
  REQUIRE(again.metrics.size() == r.metrics.size());
  for (std::size_t k = 0; k < r.metrics.size(); ++k) CHECK(again.metrics[k].value == r.metrics[k].value);
}

TEST_CASE("group-call packet mode: packet.per_stream adds one group of metrics per stream", "[app][group_call][packet]") {
  const study::RunResult off = kind().parse(field_of(kBase))->run(1);
  const study::RunResult on = kind().parse(field_of(kBase + "packet: {per_stream: true}\n"))->run(1);
  // Off by default; on: 3 x 2 (receiver, sender) streams, each with 7 metrics.
  CHECK(on.metrics.size() == off.metrics.size() + 6 * 7);
  CHECK(metric(on, "stream/0/1/video_received_bps") > 0);
  CHECK(metric(on, "stream/2/1/received_fps") > 0);
  CHECK(metric(on, "stream/1/0/freezes") >= 0);
  // The aggregate metrics do not change.
  for (const auto& m : off.metrics) CHECK(metric(on, m.name) == m.value);
}

TEST_CASE("group-call packet mode: the connectivity section relays and fails paths as in flow mode", "[app][group_call][packet][turn]") {
  const study::RunResult direct = kind().parse(field_of(kBase))->run(1);
  const study::RunResult relayed = kind().parse(field_of(kBase + "connectivity: {relayed_fraction: 1}\n"))->run(1);
  const study::RunResult failed = kind().parse(field_of(kBase + "connectivity: {failed_fraction: 1}\n"))->run(1);
  CHECK(metric(direct, "relayed_fraction") == 0);
  CHECK(metric(relayed, "relayed_fraction") == 1);
  CHECK(metric(failed, "failed_fraction") == 1);
  // Every SFU leg through TURN (UDP): 10 ms + 1 ms more each way, ChannelData on the wire.
  CHECK(metric(relayed, "network_delay_mean_s") > metric(direct, "network_delay_mean_s") + 0.015);
  CHECK(metric(relayed, "uplink_delivered_mean_bps") > metric(direct, "uplink_delivered_mean_bps"));
  // Nobody connected: nothing delivered.
  CHECK(metric(failed, "downlink_delivered_mean_bps") == 0);
}

TEST_CASE("group-call packet mode: a trace file relative to the scenario", "[app][group_call][packet]") {
  const fs::path dir = fs::temp_directory_path() / ("p2psim_trace_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "up.csv") << "# t, rate\n0, 2e6\n1.5, 500000\n";
  std::ofstream(dir / "bad.csv") << "0, 2e6\n1, -3\n";
  auto parse = [&](const std::string& trace) {
    return kind().parse(scenario::Field(YAML::Load(kBase + "packet:\n  links:\n    lte: {uplink_trace_file: " + trace + "}\n"),
                                        "", std::make_shared<const std::string>((dir / "s.yaml").string())));
  };
  const auto st = parse("up.csv");
  const study::RunResult r = st->run(1);
  bool seen = false;
  for (const auto& s : r.series)
    if (s.name == "uplink_capacity_bps_p0") {
      seen = true;
      CHECK(s.v.at(0) == 2e6);  // t = 1 s
      CHECK(s.v.at(1) == 5e5);  // t = 2 s
    }
  CHECK(seen);
  try {
    parse("bad.csv");
    FAIL("expected a ScenarioError");
  } catch (const scenario::ScenarioError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("bad.csv: line 2: rate must be in"));
  }
  fs::remove_all(dir);
}

TEST_CASE("packet-mode scenario: byte-identical results with --jobs 1 and 3", "[app][determinism][packet]") {
  const fs::path src(P2PSIM_SOURCE_DIR);
  const char* env = std::getenv("P2PSIM_BIN");
  const std::string bin = env ? env : (src / "build" / "p2psim").string();
  const fs::path dir = fs::temp_directory_path() / ("p2psim_packet_det_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto run = [&](const std::string& jobs, const std::string& out) {
    const std::string cmd = "cd '" + src.string() + "' && '" + bin + "' run scenarios/mesh-vs-sfu-packet.yaml --quiet --jobs " +
                            jobs + " --replications 1 --out '" + (dir / out).string() + "' >/dev/null 2>&1";
    return std::system(cmd.c_str());
  };
  REQUIRE(run("1", "a") == 0);
  REQUIRE(run("3", "b") == 0);
  const std::string a = slurp(dir / "a" / "results.json");
  CHECK(a.size() > 1000);
  CHECK(a == slurp(dir / "b" / "results.json"));
  CHECK(slurp(dir / "a" / "timeseries.csv") == slurp(dir / "b" / "timeseries.csv"));
  fs::remove_all(dir);
}

TEST_CASE("group-call packet mode: the access profiles' layouts decide what is forwarded", "[app][group_call][packet][layout]") {
  // The flow parser's layouts reach the packet mode: a 9-person SFU call on fat links,
  // everyone in gallery view (1080 / 3 = 360 px tiles ask 360p from each of the 8 others)
  // or in audio-only (no video at all). No speaker change within the call.
  auto run = [](const std::string& layout) {
    return kind()
        .parse(field_of("call: {model: packet, topology: sfu, group_size: 9, duration: 20s, speaker_turn_mean: 1h}\n"
                        "access:\n  fibre: {uplink: 1Gbps, downlink: 1Gbps, latency: 10ms, layout: " +
                        layout + "}\n"))
        ->run(1);
  };
  const study::RunResult g = run("gallery");
  CHECK(metric(g, "received_height_mean") == Approx(360));
  CHECK(metric(g, "video_received_mean_bps") == Approx(8 * 500e3).epsilon(0.08));
  const study::RunResult a = run("audio-only");
  CHECK(metric(a, "video_received_mean_bps") == 0);
  CHECK(metric(a, "server_cores") > 0);
}
