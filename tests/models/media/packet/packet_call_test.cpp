// Validation of the packet-mode group call (docs/models/media-packet.md "Validation"):
//  - no bottleneck, no loss: long-run video rates equal the flow model's (mesh, SFU);
//  - RFC 8867 s5.1 variable available capacity, one flow: pass criteria from RFC 8868
//    metrics (utilisation per phase, queue delay after a step down, ramp-up time);
//  - RFC 8867 s5.4-style competing flows of one algorithm on one bottleneck and s5.5-style
//    RTT fairness: Jain's fairness index and utilisation (the RFC's own s5.2 and s5.4
//    timelines are in rmcat_multiflow_test.cpp);
//  - determinism per seed.
// Expected values come from the RFC's test definitions and the flow model, never from
// the packet mode's own output.
#include <catch2/catch.hpp>

#include <cmath>

#include "models/media/group_call.hpp"
#include "models/media/packet/packet_call.hpp"

using namespace p2psim;
using namespace p2psim::media;
using namespace p2psim::media::packet;

namespace {

const PacketSeries& series(const PacketCallResult& r, const std::string& name) {
  for (const auto& s : r.series)
    if (s.name == name) return s;
  FAIL("no series " << name);
  return r.series.front();
}

double mean_between(const PacketSeries& s, double from, double to) {
  double sum = 0;
  int n = 0;
  for (std::size_t k = 0; k < s.t.size(); ++k)
    if (s.t[k] > from && s.t[k] <= to) {
      sum += s.v[k];
      ++n;
    }
  return n ? sum / n : 0;
}

double max_between(const PacketSeries& s, double from, double to) {
  double m = 0;
  for (std::size_t k = 0; k < s.t.size(); ++k)
    if (s.t[k] > from && s.t[k] <= to) m = std::max(m, s.v[k]);
  return m;
}

PacketCallSpec fat(TopologyKind t, int n) {
  PacketCallSpec s;
  s.call.topology = t;
  s.call.group_size = n;
  s.call.duration = SimTime::s(40);
  s.call.access = {AccessProfile{"fat", 1, 1e9, 1e9, SimTime::ms(10)}};
  return s;
}

}  // namespace

TEST_CASE("no bottleneck, no loss: long-run video rates equal the flow model's", "[media][packet][validation]") {
  for (TopologyKind t : {TopologyKind::kMesh, TopologyKind::kSfu, TopologyKind::kMcu}) {
    const int n = 3;
    // MCU: one mixed audio and one mixed video stream per receiver.
    const int streams = t == TopologyKind::kMcu ? 1 : n - 1;
    const PacketCallSpec s = fat(t, n);
    const CallResult flow = simulate_group_call(s.call, 1);
    // Flow: each receiver gets (N-1) top-layer streams at full rate. Video payload per
    // receiver = downlink wire - audio wire, scaled by payload / wire of the top layer.
    const MediaProfile& m = s.call.media;
    const double audio_wire = wire_bps(audio_stream(m.audio), m.overhead, LegTransport::kUdp);
    const double top = m.video.top().bitrate_bps;
    const double top_wire = wire_bps(video_stream(m.video, top), m.overhead, LegTransport::kUdp);
    const double flow_video = (flow.participants[0].downlink_delivered_bps - streams * audio_wire) * top / top_wire;
    REQUIRE(flow_video == Approx(streams * top).epsilon(1e-9));
    const PacketCallResult r = simulate_packet_call(s, 1);
    const double got = mean_between(series(r, "video_received_bps"), 20, 40);
    INFO(to_string(t) << ": packet " << got << " flow " << flow_video);
    // Within the encoder's noise: log-normal sigma 0.1 per frame averages to < 1 % over
    // 20 s; key frames are paid back. Allow 5 %.
    CHECK(got == Approx(flow_video).epsilon(0.05));
    CHECK(r.loss_before_recovery == 0);
    CHECK(r.freezes_per_min == 0);
  }
}

TEST_CASE("RFC 8867 s5.1: variable available capacity, single flow", "[media][packet][validation][rmcat]") {
  // RFC 8867 s5.1: bottleneck 1.0 Mbit/s at 0 s, 2.5 at 40 s, 0.6 at 60 s, 1.0 at 80 s,
  // 100 s; one-way propagation 50 ms; drop-tail queue 300 ms; no loss. One video flow.
  PacketCallSpec s;
  s.call.topology = TopologyKind::kMesh;
  s.call.group_size = 2;
  s.call.duration = SimTime::s(100);
  s.call.core_latency = SimTime::zero();
  s.call.media.audio.enabled = false;
  s.call.access = {AccessProfile{"bottleneck", 1, 1e6, 1e9, SimTime::ms(25)}};
  PacketAccessSpec pa;
  pa.uplink_schedule = {{SimTime::s(0), 1.0e6}, {SimTime::s(40), 2.5e6}, {SimTime::s(60), 0.6e6}, {SimTime::s(80), 1.0e6}};
  pa.queue_time = SimTime::ms(300);
  s.access = {pa};
  const PacketCallResult r = simulate_packet_call(s, 7);
  const PacketSeries& target = series(r, "upload_target_bps_p0");
  const PacketSeries& queue = series(r, "uplink_queue_delay_ms_p0");
  // Pass criteria (RFC 8868 s2 metrics: media rate vs capacity, queueing delay, time to
  // converge), stated in docs/models/media-packet.md:
  //  (a) in each phase, after 10 s of settling, the mean rate is between 50 % and 110 %
  //      of the capacity (utilisation without sustained overshoot);
  CHECK(mean_between(target, 10, 40) >= 0.5e6);
  CHECK(mean_between(target, 10, 40) <= 1.1e6);
  CHECK(mean_between(target, 50, 60) >= 0.5 * 2.5e6);
  CHECK(mean_between(target, 50, 60) <= 1.1 * 2.5e6);
  CHECK(mean_between(target, 70, 80) >= 0.5 * 0.6e6);
  CHECK(mean_between(target, 70, 80) <= 1.1 * 0.6e6);
  CHECK(mean_between(target, 90, 100) >= 0.5e6);
  CHECK(mean_between(target, 90, 100) <= 1.1e6);
  //  (b) after the step down at 60 s the estimate is below 110 % of the new capacity
  //      within 5 s, and the queue has drained (< 100 ms) by 70 s;
  CHECK(max_between(target, 65, 80) <= 1.1 * 0.6e6);
  CHECK(max_between(queue, 70, 80) < 100);
  //  (c) after the step up at 40 s the rate exceeds the old capacity (1 Mbit/s) within 10 s.
  CHECK(max_between(target, 40, 50) > 1.0e6);
}

TEST_CASE("RFC 8867 s5.4-style: competing flows share a bottleneck fairly", "[media][packet][validation][rmcat]") {
  // A 4-person mesh: participant 0's 3 Mbit/s uplink carries three peer connections, each
  // with its own GCC; alone each would use 2.5 Mbit/s. Fair share: 1 Mbit/s each.
  PacketCallSpec s;
  s.call.topology = TopologyKind::kMesh;
  s.call.group_size = 4;
  s.call.duration = SimTime::s(90);
  s.call.media.audio.enabled = false;
  s.call.access = {AccessProfile{"fat", 1, 1e9, 1e9, SimTime::ms(20)}, AccessProfile{"thin", 1, 3e6, 1e9, SimTime::ms(20)}};
  s.call.access_assignment = {1, 0, 0, 0};
  PacketAccessSpec pa;
  pa.queue_time = SimTime::ms(300);
  s.access = {pa, pa};
  const PacketCallResult r = simulate_packet_call(s, 3);
  // Per-flow rates: participants 1..3 each receive one stream from 0 and two from the
  // others (2.5 Mbit/s each): rate from 0 = received - 2 x 2.5 Mbit/s, approximately;
  // use the upload estimate of participant 0 instead, split by flow via its total.
  const PacketSeries& target = series(r, "upload_target_bps_p0");
  const double total = mean_between(target, 45, 90);
  // (a) utilisation: the three flows together use 60-110 % of the bottleneck.
  CHECK(total >= 0.6 * 3e6);
  CHECK(total <= 1.1 * 3e6);
  // (b) fairness: Jain's index over the three receivers' video rates from participant 0.
  double sum = 0, sq = 0;
  for (int j = 1; j <= 3; ++j) {
    const double from0 = r.participants[j].video_received_bps - 2 * 2.5e6;
    sum += from0;
    sq += from0 * from0;
  }
  const double jain = sum * sum / (3 * sq);
  INFO("Jain index " << jain);
  CHECK(jain >= 0.9);
}

TEST_CASE("packet mode is deterministic per seed", "[media][packet]") {
  PacketCallSpec s = fat(TopologyKind::kSfu, 4);
  s.call.duration = SimTime::s(10);
  s.access = {PacketAccessSpec{}};
  s.access[0].uplink_loss = net::LossSpec::from_rate_and_burst(0.02, 2);
  const PacketCallResult a = simulate_packet_call(s, 5), b = simulate_packet_call(s, 5);
  CHECK(a.events == b.events);
  CHECK(a.video_delay_mean_s == b.video_delay_mean_s);
  CHECK(a.loss_before_recovery == b.loss_before_recovery);
  CHECK(a.series[0].v == b.series[0].v);
  CHECK(a.loss_before_recovery > 0);
  const PacketCallResult c = simulate_packet_call(s, 6);
  CHECK(c.events != a.events);
}

TEST_CASE("a participant joining mid-call receives and is received within seconds", "[media][packet]") {
  PacketCallSpec s = fat(TopologyKind::kSfu, 4);
  s.call.duration = SimTime::s(20);
  s.presence = {{3, SimTime::s(8), SimTime::max()}};
  const PacketCallResult r = simulate_packet_call(s, 2);
  // Present 12 s: it decodes near 30 fps from each sender (key frames on join).
  CHECK(r.participants[3].fps > 25);
  CHECK(r.participants[3].video_received_bps > 0.5 * 3 * 2.5e6);
  CHECK(r.participants[0].fps > 25);
}

TEST_CASE("observers see renders, targets and queueing", "[media][packet]") {
  struct Counter final : PacketCallObserver {
    std::uint64_t renders = 0, targets = 0, queued = 0;
    bool ordered = true;
    void on_render(int, int, SimTime capture, SimTime render) override {
      ++renders;
      ordered = ordered && render >= capture;
    }
    void on_target(int, int, SimTime, double) override { ++targets; }
    void on_queue(int, bool, std::int64_t, SimTime, SimTime) override { ++queued; }
  } c;
  PacketCallSpec s = fat(TopologyKind::kMesh, 3);
  s.call.duration = SimTime::s(5);
  PacketCallObserver* obs[] = {&c};
  const PacketCallResult r = simulate_packet_call(s, 4, nullptr, obs);
  // 6 streams at ~30 fps for ~5 s; feedback every 100 ms on 6 transports.
  CHECK(c.renders > 6 * 30 * 4);
  CHECK(c.ordered);
  CHECK(c.targets >= 6 * 40);
  CHECK(c.queued > c.renders);
  // Observing does not change the run.
  CHECK(simulate_packet_call(s, 4).events == r.events);
}

TEST_CASE("RFC 8867 s5.5-style: flows with different RTTs share a bottleneck", "[media][packet][validation][rmcat]") {
  // RFC 8867 s5.5 (round-trip-time fairness): flows of one algorithm whose paths differ only
  // in propagation delay share a bottleneck. Here participant 0's 3 Mbit/s uplink carries
  // three peer connections to receivers 10, 50 and 100 ms further away (one-way).
  PacketCallSpec s;
  s.call.topology = TopologyKind::kMesh;
  s.call.group_size = 4;
  s.call.duration = SimTime::s(120);
  s.call.core_latency = SimTime::zero();
  s.call.media.audio.enabled = false;
  s.call.access = {AccessProfile{"thin", 1, 3e6, 1e9, SimTime::ms(10)}, AccessProfile{"near", 1, 1e9, 1e9, SimTime::ms(10)},
                   AccessProfile{"mid", 1, 1e9, 1e9, SimTime::ms(50)}, AccessProfile{"far", 1, 1e9, 1e9, SimTime::ms(100)}};
  s.call.access_assignment = {0, 1, 2, 3};
  PacketAccessSpec pa;
  pa.queue_time = SimTime::ms(300);
  s.access = {pa, pa, pa, pa};
  const PacketCallResult r = simulate_packet_call(s, 3);
  double sum = 0, sq = 0;
  for (int j = 1; j <= 3; ++j) {
    const double from0 = r.participants[j].video_received_bps - 2 * 2.5e6;
    sum += from0;
    sq += from0 * from0;
  }
  const double jain = sum * sum / (3 * sq);
  INFO("Jain index " << jain << ", total " << sum);
  // Pass: Jain's index >= 0.8 (RTT unfairness is expected to some degree) and the three
  // flows use at least 60 % of the bottleneck over the whole call.
  CHECK(jain >= 0.8);
  CHECK(sum >= 0.6 * 3e6);
}

TEST_CASE("an SFU egress bottleneck is shared by the receivers' controllers", "[media][packet][validation]") {
  // 4-person SFU, each receiver wants 3 x 2.5 Mbit/s; the SFU's egress is 6 Mbit/s. The
  // four downlink GCCs share that one queue. Pass: together they never exceed it (a
  // definition), use at least half of it, and share it with Jain's index >= 0.8. Utilisation
  // is limited by the simulcast ladder's granularity (150 / 500 / 2500 kbit/s) with the
  // allocator's hysteresis, and by key-frame bursts at layer switches
  // (docs/models/media-packet.md).
  PacketCallSpec s = fat(TopologyKind::kSfu, 4);
  s.call.duration = SimTime::s(60);
  s.call.sfu.egress_bps = 6e6;
  const PacketCallResult r = simulate_packet_call(s, 8);
  double down = 0, sq = 0;
  for (const auto& q : r.participants) {
    down += q.downlink_delivered_bps;
    sq += q.downlink_delivered_bps * q.downlink_delivered_bps;
  }
  const double jain = down * down / (4 * sq);
  INFO("sum " << down << " Jain " << jain);
  CHECK(down <= 1.02 * 6e6);
  CHECK(down >= 0.5 * 6e6);
  CHECK(jain >= 0.8);
}

TEST_CASE("per-stream results add up to the participant's and follow the flow model", "[media][packet]") {
  // 3-person mesh without a bottleneck: every stream carries the top layer (2.5 Mbit/s of
  // payload, the flow model's rate) at 30 fps and 720p; a receiver's streams add up to its
  // own received video (both present the whole call).
  PacketCallSpec s = fat(TopologyKind::kMesh, 3);
  s.call.duration = SimTime::s(20);
  CHECK(simulate_packet_call(s, 4).streams.empty());  // off by default
  s.per_stream = true;
  const PacketCallResult r = simulate_packet_call(s, 4);
  REQUIRE(r.streams.size() == 6);
  const double top = s.call.media.video.top().bitrate_bps;
  for (int j = 0; j < 3; ++j) {
    double sum = 0;
    for (const PacketStreamResult& x : r.streams) {
      if (x.receiver != j) continue;
      CHECK(x.sender != j);
      sum += x.video_received_bps;
      // Start-up ramp (~2 s of 20) below the top rate: within 15 %.
      CHECK(x.video_received_bps == Approx(top).epsilon(0.15));
      CHECK(x.fps == Approx(30).epsilon(0.05));
      CHECK(x.height == Approx(s.call.media.video.top().height).epsilon(0.15));
      CHECK(x.freezes == 0);
      CHECK(x.video_delay_p95_s > 0);
      CHECK(x.network_delay_p95_s >= 0.020);  // 10 ms access latency each side at least
    }
    CHECK(sum == Approx(r.participants[j].video_received_bps).epsilon(1e-9));
  }
}

TEST_CASE("DTX in packet mode: the flow model's comfort-noise stream, scored on speech only", "[media][packet][dtx]") {
  // 2-person audio-only mesh with DTX (media.audio.dtx, the flow model's definition):
  // participant 0 speaks the whole call (no speaker change), participant 1 is silent and
  // sends one 10-byte update every 400 ms. Uplink wire rates by hand from the flow
  // model's streams: speech 50 x (80 + 50) B x 8 = 52 kbit/s, DTX 2.5 x (10 + 50) B x 8 =
  // 1.2 kbit/s.
  PacketCallSpec s = fat(TopologyKind::kMesh, 2);
  s.call.duration = SimTime::s(20);
  s.call.speaker_turn_mean = SimTime::h(10);
  s.call.media.video.enabled = false;
  s.call.media.audio.dtx = true;
  const MediaProfile& m = s.call.media;
  const double speech = wire_bps(audio_stream(m.audio), m.overhead, LegTransport::kUdp);
  const double dtx = wire_bps(audio_dtx_stream(m.audio), m.overhead, LegTransport::kUdp);
  REQUIRE(speech == Approx(52'000));
  REQUIRE(dtx == Approx(1'200));
  const PacketCallResult r = simulate_packet_call(s, 3);
  CHECK(r.participants[0].uplink_delivered_bps == Approx(speech).epsilon(0.01));
  CHECK(r.participants[1].uplink_delivered_bps == Approx(dtx).epsilon(0.03));
  // No loss: only the speech stream is scored (the silent stream has no speech), with
  // Ppl = 0 and Ta < 100 ms: R = 93.2, MOS 4.409 (G.107 Annex B, by hand).
  CHECK(r.audio_loss == 0);
  CHECK(r.participants[1].audio_mos == Approx(4.409).epsilon(1e-3));
  CHECK(r.participants[0].audio_mos == 0);
  CHECK(r.audio_mos_mean == Approx(4.409).epsilon(1e-3));
}
