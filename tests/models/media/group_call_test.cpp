// Closed forms of the group-call model. Expected values are computed here from the
// definitions (header sizes, packetisation, the topologies' textbook formulas), never
// from the model's own helpers.
#include <catch2/catch.hpp>

#include <cmath>

#include "models/media/group_call.hpp"

using namespace p2psim;
using namespace p2psim::media;
using Catch::Matchers::WithinRel;

namespace {

// Per-packet headers with the defaults: IPv4 20 + UDP 8 + RTP 12 + SRTP tag 10 = 50 B.
constexpr double kHeaders = 20 + 8 + 12 + 10;
// Opus 32 kbit/s in 20 ms frames: 50 packets/s.
const double kAudioWire = 32'000 + 50 * 8 * kHeaders;
// VP8 2500 kbit/s at 30 fps: 10416.7 B per frame -> ceil(/1200) = 9 packets per frame.
const double kVideoWire = 2'500'000 + 30 * 9 * 8 * kHeaders;

CallSpec big_pipes(TopologyKind t, int n) {
  CallSpec s;
  s.topology = t;
  s.group_size = n;
  s.duration = SimTime::s(30);
  s.access = {AccessProfile{"fat", 1, 1e12, 1e12, SimTime::ms(5)}};
  return s;
}

}  // namespace

TEST_CASE("wire rates follow from headers and packetisation", "[media][group_call]") {
  MediaProfile m;
  CHECK(packet_overhead_bytes(m.overhead, LegTransport::kUdp) == 50);
  CHECK(packet_overhead_bytes(m.overhead, LegTransport::kTurnUdp) == 54);
  CHECK(packet_overhead_bytes(m.overhead, LegTransport::kTurnTcp) == 20 + 20 + 4 + 12 + 10);
  // ICE-TCP: IPv4 + TCP + RFC 4571 2-byte length + RTP + SRTP tag.
  CHECK(packet_overhead_bytes(m.overhead, LegTransport::kDirectTcp) == 20 + 20 + 2 + 12 + 10);
  CHECK_THAT(wire_bps(audio_stream(m.audio), m.overhead, LegTransport::kUdp), WithinRel(kAudioWire, 1e-12));
  CHECK_THAT(wire_bps(video_stream(m.video, 2.5e6), m.overhead, LegTransport::kUdp), WithinRel(kVideoWire, 1e-12));
  m.overhead.ip = IpVersion::kV6;
  CHECK(packet_overhead_bytes(m.overhead, LegTransport::kUdp) == 70);
}

TEST_CASE("mesh: per-participant uplink = (N-1) x wire rate", "[media][group_call]") {
  for (int n : {2, 3, 5, 8}) {
    const CallResult r = simulate_group_call(big_pipes(TopologyKind::kMesh, n), 1);
    const double b = kAudioWire + kVideoWire;
    for (const ParticipantResult& p : r.participants) {
      CHECK_THAT(p.uplink_requested_bps, WithinRel((n - 1) * b, 1e-9));
      CHECK_THAT(p.uplink_delivered_bps, WithinRel((n - 1) * b, 1e-9));
      CHECK_THAT(p.downlink_delivered_bps, WithinRel((n - 1) * b, 1e-9));
      CHECK(p.streams_sent == Approx(2 * (n - 1)));
      CHECK(p.all_full);
    }
    CHECK(r.full_rate_fraction == 1.0);
    CHECK(r.servers[kSfuServer].egress_bps == 0);
    // Bytes on the wire: N(N-1) streams of b bit/s for the call's 30 s.
    CHECK_THAT(r.wire_bytes, WithinRel(n * (n - 1) * b * 30 / 8, 1e-9));
    // Latency: access + core + access = 5 + 20 + 5 ms.
    CHECK_THAT(r.latency_mean_s, WithinRel(0.030, 1e-9));
  }
}

TEST_CASE("SFU: egress = N(N-1)b and ingress = Nb with one layer", "[media][group_call]") {
  for (int n : {3, 6, 11}) {
    CallSpec s = big_pipes(TopologyKind::kSfu, n);
    s.media.audio.enabled = false;
    s.media.video.layers = {VideoLayer{720, 2'500'000}};
    const CallResult r = simulate_group_call(s, 7);
    const double b = kVideoWire;
    CHECK_THAT(r.servers[kSfuServer].egress_bps, WithinRel(n * (n - 1) * b, 1e-9));
    CHECK_THAT(r.servers[kSfuServer].ingress_bps, WithinRel(n * b, 1e-9));
    for (const ParticipantResult& p : r.participants) {
      CHECK_THAT(p.uplink_delivered_bps, WithinRel(b, 1e-9));
      CHECK_THAT(p.downlink_delivered_bps, WithinRel((n - 1) * b, 1e-9));
    }
    // Latency: access 5 + server 10 + forward 1 + server 10 + access 5 ms.
    CHECK_THAT(r.latency_mean_s, WithinRel(0.031, 1e-9));
    CHECK(r.all_full);
  }
}

TEST_CASE("SFU: simulcast upload carries every layer, a thin downlink gets a lower layer", "[media][group_call]") {
  const int n = 4;
  CallSpec s = big_pipes(TopologyKind::kSfu, n);
  s.media.audio.enabled = false;
  auto wire = [](double bps) {  // 30 fps, ceil(frame / 1200 B) packets per frame
    const double packets = std::ceil(bps / 30 / 8 / 1200);
    return bps + 30 * packets * 8 * kHeaders;
  };
  const double ladder = wire(150e3) + wire(500e3) + wire(2.5e6);
  // Participant 0 can take three 500 kbit/s layers but not one 2.5 Mbit/s layer more.
  s.access.push_back(AccessProfile{"thin", 1, 1e12, 3 * wire(500e3) + 1000, SimTime::ms(5)});
  s.access_assignment = {1, 0, 0, 0};
  const CallResult r = simulate_group_call(s, 3);
  for (const ParticipantResult& p : r.participants) CHECK_THAT(p.uplink_delivered_bps, WithinRel(ladder, 1e-9));
  CHECK_THAT(r.participants[0].downlink_delivered_bps, WithinRel(3 * wire(500e3), 1e-9));
  CHECK_THAT(r.participants[0].downlink_requested_bps, WithinRel(3 * wire(2.5e6), 1e-9));
  CHECK_FALSE(r.participants[0].all_full);
  CHECK(r.participants[0].full_rate_fraction == 0.0);
  CHECK(r.participants[1].all_full);
}

TEST_CASE("SFU last-N: video only from the N most recent speakers, audio from all", "[media][group_call]") {
  const int n = 7, last_n = 2;
  CallSpec s = big_pipes(TopologyKind::kSfu, n);
  s.last_n = last_n;
  s.media.video.layers = {VideoLayer{720, 2'500'000}};
  const CallResult r = simulate_group_call(s, 11);
  for (const ParticipantResult& p : r.participants) {
    CHECK(p.streams_received == Approx((n - 1) + last_n));
    CHECK_THAT(p.downlink_delivered_bps, WithinRel((n - 1) * kAudioWire + last_n * kVideoWire, 1e-9));
  }
  CHECK(r.replans > 1);  // speaker changes were simulated
}

TEST_CASE("SFU audio last-N: audio only from the K most recent speakers", "[media][group_call]") {
  const int n = 50, k = 3;
  CallSpec s = big_pipes(TopologyKind::kSfu, n);
  s.media.video.enabled = false;
  s.audio_last_n = k;
  const CallResult r = simulate_group_call(s, 4);
  // Egress: every receiver gets K audio streams: N K a (not N (N-1) a).
  CHECK_THAT(r.servers[kSfuServer].egress_bps, WithinRel(n * k * kAudioWire, 1e-9));
  CHECK_THAT(r.servers[kSfuServer].ingress_bps, WithinRel(n * kAudioWire, 1e-9));
  CHECK(r.replans > 1);
}

TEST_CASE("MCU: downlink is one mixed stream whatever N", "[media][group_call]") {
  for (int n : {3, 10, 40}) {
    const CallResult r = simulate_group_call(big_pipes(TopologyKind::kMcu, n), 5);
    for (const ParticipantResult& p : r.participants) {
      CHECK_THAT(p.downlink_delivered_bps, WithinRel(kAudioWire + kVideoWire, 1e-9));
      CHECK_THAT(p.uplink_delivered_bps, WithinRel(kAudioWire + kVideoWire, 1e-9));
      CHECK(p.streams_received == Approx(2));
    }
    // CPU: N video decodes and N encodes at 720p30, N audio decodes and N audio encodes.
    // Codec cost defaults (docs/models/media.md): 0.074 + 0.26 cores per 720p30 decode +
    // encode, 0.002 + 0.005 per Opus decode + encode.
    const double cores = n * (0.074 + 0.26 + 0.002 + 0.005);
    CHECK_THAT(r.servers[kMcuServer].cpu_cores, WithinRel(cores, 1e-9));
    CHECK_THAT(r.servers[kMcuServer].egress_bps, WithinRel(n * (kAudioWire + kVideoWire), 1e-9));
  }
}

TEST_CASE("hybrid: peer-to-peer at exactly two, SFU beyond", "[media][group_call]") {
  const CallResult two = simulate_group_call(big_pipes(TopologyKind::kHybrid, 2), 1);
  CHECK(two.servers[kSfuServer].ingress_bps == 0);
  CHECK_THAT(two.participants[0].uplink_delivered_bps, WithinRel(kAudioWire + kVideoWire, 1e-9));
  const CallResult three = simulate_group_call(big_pipes(TopologyKind::kHybrid, 3), 1);
  CHECK(three.servers[kSfuServer].ingress_bps > 0);
}

TEST_CASE("mesh: a saturated uplink is shared equally among the peers", "[media][group_call]") {
  const int n = 5;
  CallSpec s = big_pipes(TopologyKind::kMesh, n);
  s.media.video.enabled = false;
  const double cap = 2 * kAudioWire;  // room for 2 of the 4 audio streams
  s.access.push_back(AccessProfile{"thin", 1, cap, 1e12, SimTime::ms(5)});
  s.access_assignment = {1, 0, 0, 0, 0};
  const CallResult r = simulate_group_call(s, 1);
  CHECK_THAT(r.participants[0].uplink_delivered_bps, WithinRel(cap, 1e-9));
  CHECK_THAT(r.participants[0].uplink_requested_bps, WithinRel((n - 1) * kAudioWire, 1e-9));
  CHECK(r.participants[0].uplink_saturated);
  // Each peer receives cap / (N-1) from participant 0 and full audio from the others.
  for (int j = 1; j < n; ++j)
    CHECK_THAT(r.participants[j].downlink_delivered_bps, WithinRel(cap / (n - 1) + (n - 2) * kAudioWire, 1e-9));
  CHECK_THAT(r.full_rate_fraction, WithinRel((n * (n - 1) - (n - 1)) / double(n * (n - 1)), 1e-12));
}

TEST_CASE("connectivity: relayed pairs pay ChannelData and load TURN, failed pairs count", "[media][group_call]") {
  const int n = 3;
  CallSpec s = big_pipes(TopologyKind::kMesh, n);
  s.media.video.enabled = false;
  s.connectivity.peer.assign(n * n, PeerPath::kDirect);
  s.connectivity.peer[0 * n + 1] = PeerPath::kRelayed;
  s.connectivity.peer[2 * n + 0] = PeerPath::kFailed;
  const CallResult r = simulate_group_call(s, 1);
  const double relayed = 32'000 + 50 * 8 * (kHeaders + 4);
  CHECK_THAT(r.servers[kTurnServer].ingress_bps, WithinRel(relayed, 1e-9));
  CHECK_THAT(r.servers[kTurnServer].egress_bps, WithinRel(relayed, 1e-9));
  CHECK_THAT(r.participants[0].uplink_delivered_bps, WithinRel(relayed + kAudioWire, 1e-9));
  CHECK_THAT(r.participants[2].uplink_delivered_bps, WithinRel(kAudioWire, 1e-9));
  CHECK_THAT(r.failed_fraction, WithinRel(1.0 / 6, 1e-12));
  CHECK_FALSE(r.all_full);

  CallSpec t = big_pipes(TopologyKind::kSfu, n);
  t.media.video.enabled = false;
  t.connectivity.server = {ServerPath::kTurnTcp, ServerPath::kDirectUdp, ServerPath::kDirectUdp};
  const CallResult q = simulate_group_call(t, 1);
  const double tcp = 32'000 + 50 * 8 * (20 + 20 + 4 + 12 + 10);
  // Participant 0's upload and its two downloads cross the relay.
  CHECK_THAT(q.servers[kTurnServer].ingress_bps, WithinRel(3 * tcp, 1e-9));
  CHECK_THAT(q.participants[0].uplink_delivered_bps, WithinRel(tcp, 1e-9));

  // ICE-TCP straight to the SFU: RFC 4571 framing on participant 0's legs, no TURN load.
  t.connectivity.server = {ServerPath::kDirectTcp, ServerPath::kDirectUdp, ServerPath::kDirectUdp};
  const CallResult d = simulate_group_call(t, 1);
  const double ice_tcp = 32'000 + 50 * 8 * (20 + 20 + 2 + 12 + 10);
  CHECK(d.servers[kTurnServer].ingress_bps == 0);
  CHECK(d.servers[kTurnServer].egress_bps == 0);
  CHECK_THAT(d.participants[0].uplink_delivered_bps, WithinRel(ice_tcp, 1e-9));
  // It receives the other two speakers' audio over its TCP leg.
  CHECK_THAT(d.participants[0].downlink_delivered_bps, WithinRel(2 * ice_tcp, 1e-9));
  CHECK_THAT(d.participants[1].uplink_delivered_bps, WithinRel(32'000 + 50 * 8 * 50.0, 1e-9));
}

TEST_CASE("server CPU shortage throttles what the server emits", "[media][group_call]") {
  const int n = 4;
  CallSpec s = big_pipes(TopologyKind::kMcu, n);
  s.media.audio.enabled = false;
  const double need = n * (0.074 + 0.26);  // 720p30 decode + encode per participant
  s.mcu.cpu_cores = need / 2;
  const CallResult r = simulate_group_call(s, 1);
  for (const ParticipantResult& p : r.participants) CHECK_THAT(p.downlink_delivered_bps, WithinRel(kVideoWire / 2, 1e-9));
  CHECK_FALSE(r.all_full);
}

TEST_CASE("a seed gives identical results, the trace feeds other models", "[media][group_call]") {
  CallSpec s;
  s.group_size = 9;
  s.last_n = 3;
  s.access = {AccessProfile{"a", 2, 6e6, 13e6, SimTime::ms(30)}, AccessProfile{"b", 1, 50e6, 200e6, SimTime::ms(8)}};
  const CallResult x = simulate_group_call(s, 42), y = simulate_group_call(s, 42);
  REQUIRE(x.participants.size() == 9);
  for (std::size_t i = 0; i < x.participants.size(); ++i) {
    CHECK(x.participants[i].downlink_delivered_bps == y.participants[i].downlink_delivered_bps);
    CHECK(x.participants[i].profile == y.participants[i].profile);
    // The time mean of the trace is the reported mean.
    const auto& tr = x.participants[i].trace;
    double area = 0;
    for (std::size_t k = 0; k < tr.size(); ++k) {
      const SimTime end = k + 1 < tr.size() ? tr[k + 1].t : s.duration;
      area += tr[k].downlink_bps * (end - tr[k].t).seconds();
    }
    CHECK_THAT(area / s.duration.seconds(), WithinRel(x.participants[i].downlink_delivered_bps, 1e-9));
  }
  CHECK(x.wire_bytes == y.wire_bytes);
}

TEST_CASE("observers see every interval of the call, back to back", "[media][group_call]") {
  struct Recorder final : CallObserver {
    SimTime covered, last_end;
    int intervals = 0;
    bool contiguous = true;
    void on_interval(SimTime from, SimTime to, const Allocation& a) override {
      contiguous = contiguous && from == last_end;
      covered += to - from;
      last_end = to;
      ++intervals;
      // Link loads never exceed capacities.
      for (std::size_t l = 0; l < a.link_load.size(); ++l) CHECK(a.link_load[l] <= a.link_capacity[l] * (1 + 1e-9));
    }
  } rec;
  CallSpec s;
  s.group_size = 6;
  s.access = {AccessProfile{"lte", 1, 6e6, 13e6, SimTime::ms(35)}};
  CallObserver* obs[] = {&rec};
  const CallResult r = simulate_group_call(s, 9, obs);
  CHECK(rec.contiguous);
  CHECK(rec.covered == s.duration);
  CHECK(rec.intervals == r.replans);
}
