// Opus DTX and SVC, against rates computed here from the definitions: DTX sends one
// comfort-noise update of 10 B every 400 ms; SVC up to spatial layer k carries 1.1 x
// layer k's simulcast rate; L3T3 keeps 0.4 / 0.6 / 1.0 of the rate at fps/4, /2, /1.
#include <catch2/catch.hpp>

#include "models/media/group_call.hpp"

using namespace p2psim;
using namespace p2psim::media;
using Catch::Matchers::WithinRel;

namespace {

constexpr double kH = 50;
const double kAudio = 32'000 + 50 * 8 * kH;
// DTX: 2.5 packets/s of 10 B payload: 200 bit/s + 2.5 x 8 x 50 B headers.
const double kDtx = 2.5 * 8 * 10 + 2.5 * 8 * kH;
// SVC: 720p 2.75 Mbit/s = 11458 B/frame -> 10 packets; 360p 550 kbit/s = 2292 B -> 2;
// 180p 165 kbit/s = 688 B -> 1.
const double kSvc720 = 2'750'000 + 30 * 10 * 8 * kH;
const double kSvc360 = 550'000 + 30 * 2 * 8 * kH;
const double kSvc180 = 165'000 + 30 * 1 * 8 * kH;

CallSpec call(TopologyKind t, int n, LayoutKind layout) {
  CallSpec s;
  s.topology = t;
  s.group_size = n;
  s.duration = SimTime::s(60);
  AccessProfile a;
  a.name = "fat";
  a.uplink_bps = a.downlink_bps = 1e12;
  a.layout.kind = layout;
  s.access = {a};
  return s;
}

double mean_down(const CallResult& r) {
  double s = 0;
  for (const ParticipantResult& p : r.participants) s += p.downlink_delivered_bps;
  return s / static_cast<double>(r.participants.size());
}
double mean_up(const CallResult& r) {
  double s = 0;
  for (const ParticipantResult& p : r.participants) s += p.uplink_delivered_bps;
  return s / static_cast<double>(r.participants.size());
}

}  // namespace

TEST_CASE("DTX: a silent sender emits 2.5 comfort-noise packets/s", "[media][dtx]") {
  AudioProfile a;
  a.dtx = true;
  const PacketStream s = audio_dtx_stream(a);
  CHECK_THAT(s.packets_per_s, WithinRel(2.5, 1e-12));
  CHECK_THAT(s.wire_bps(50), WithinRel(kDtx, 1e-12));
}

TEST_CASE("DTX in an SFU audio meeting: one speaker at full rate, N-1 at the DTX rate", "[media][dtx]") {
  const int n = 5;
  CallSpec s = call(TopologyKind::kSfu, n, LayoutKind::kAllHd);
  s.media.video.enabled = false;
  s.media.audio.dtx = true;
  const CallResult r = simulate_group_call(s, 9);
  // At every instant: the speaker's 4 receivers get 1 full + 3 DTX, the speaker 4 DTX.
  CHECK_THAT(mean_down(r), WithinRel(((n - 1) * (kAudio + (n - 2) * kDtx) + (n - 1) * kDtx) / n, 1e-9));
  CHECK_THAT(mean_up(r), WithinRel((kAudio + (n - 1) * kDtx) / n, 1e-9));
  CHECK_THAT(r.servers[kSfuServer].egress_bps, WithinRel((n - 1) * kAudio + (n - 1) * (n - 1) * kDtx, 1e-9));
  CHECK(r.all_full);
  // Without DTX: N (N-1) full streams.
  s.media.audio.dtx = false;
  CHECK_THAT(simulate_group_call(s, 9).servers[kSfuServer].egress_bps, WithinRel(n * (n - 1) * kAudio, 1e-9));
}

TEST_CASE("DTX in a mesh: the speaker uploads N-1 full streams, the others N-1 DTX streams", "[media][dtx]") {
  const int n = 4;
  CallSpec s = call(TopologyKind::kMesh, n, LayoutKind::kAllHd);
  s.media.video.enabled = false;
  s.media.audio.dtx = true;
  const CallResult r = simulate_group_call(s, 2);
  CHECK_THAT(mean_up(r), WithinRel(((n - 1) * kAudio + (n - 1) * (n - 1) * kDtx) / n, 1e-9));
}

TEST_CASE("SVC: one upload, per-receiver egress at the asked spatial layer", "[media][svc]") {
  const int n = 9;
  CallSpec s = call(TopologyKind::kSfu, n, LayoutKind::kGallery);
  s.media.video.scalability = Scalability::kSvc;
  const CallResult r = simulate_group_call(s, 3);
  for (const ParticipantResult& p : r.participants) {
    CHECK_THAT(p.uplink_delivered_bps, WithinRel(kAudio + kSvc720, 1e-9));
    CHECK_THAT(p.downlink_delivered_bps, WithinRel((n - 1) * (kAudio + kSvc360), 1e-9));
  }
  CHECK(r.all_full);

  CallSpec sp = call(TopologyKind::kSfu, 5, LayoutKind::kSpeaker);
  sp.media.video.scalability = Scalability::kSvc;
  const CallResult q = simulate_group_call(sp, 3);
  for (const ParticipantResult& p : q.participants)
    CHECK_THAT(p.downlink_delivered_bps, WithinRel(4 * kAudio + kSvc720 + 3 * kSvc180, 1e-9));
}

TEST_CASE("SVC temporal layers: 15 fps thumbnails keep 0.6 of the rate and halve the decode", "[media][svc]") {
  CallSpec s = call(TopologyKind::kSfu, 5, LayoutKind::kSpeaker);
  s.media.video.scalability = Scalability::kSvc;
  s.access[0].layout.thumbnail_fps = 15;
  const CallResult r = simulate_group_call(s, 3);
  const double decode = 0.074 + 3 * 0.074 / 16 * 0.5 + 4 * 0.002;
  const double encode = 0.26 * (1.0 / 16 + 0.25 + 1) + 0.005;
  for (const ParticipantResult& p : r.participants) {
    CHECK_THAT(p.downlink_delivered_bps, WithinRel(4 * kAudio + kSvc720 + 3 * 0.6 * kSvc180, 1e-9));
    CHECK_THAT(p.client_cores, WithinRel(decode + encode, 1e-9));
  }
  CHECK(r.all_full);
}
