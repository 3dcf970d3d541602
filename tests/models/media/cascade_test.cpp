// Cascaded SFUs across regions, against values computed here from the definitions:
// every stream crosses once to every remote SFU that has a receiver for it.
#include <catch2/catch.hpp>

#include "models/media/group_call.hpp"
#include "models/media/layer_choice.hpp"

using namespace p2psim;
using namespace p2psim::media;
using Catch::Matchers::WithinRel;

namespace {

constexpr double kH = 50;
const double kAudio = 32'000 + 50 * 8 * kH;
const double kVideo = 2'500'000 + 30 * 9 * 8 * kH;
const double b = kAudio + kVideo;

// Six participants, two in each of eu, us, asia; one 720p layer; all-hd; fat pipes.
CallSpec three_regions(bool cascade) {
  CallSpec s;
  s.topology = TopologyKind::kSfu;
  s.group_size = 6;
  s.duration = SimTime::s(30);
  s.media.video.layers = {VideoLayer{720, 2'500'000}};
  AccessProfile a;
  a.uplink_bps = a.downlink_bps = 1e12;
  a.latency = SimTime::ms(5);
  s.access = {a};
  s.regions = {{"eu", 1}, {"us", 1}, {"asia", 1}};
  const SimTime eu_us = SimTime::ms(40), eu_asia = SimTime::ms(100), us_asia = SimTime::ms(80);
  s.region_latency = {SimTime::zero(), eu_us, eu_asia, eu_us, SimTime::zero(), us_asia, eu_asia, us_asia, SimTime::zero()};
  s.region_assignment = {0, 0, 1, 1, 2, 2};
  s.sfu_cascade = cascade;
  return s;
}

}  // namespace

TEST_CASE("cascade: inter-SFU traffic = streams x remote SFUs - per-SFU load", "[media][cascade]") {
  const CallResult r = simulate_group_call(three_regions(true), 1);
  // 6 senders' audio+video, each to 2 remote SFUs.
  CHECK_THAT(r.inter_sfu_bps, WithinRel(6 * 2 * b, 1e-9));
  REQUIRE(r.sfus.size() == 3);
  for (const ServerResult& s : r.sfus) {
    // Out: 2 local receivers x 5 senders + 2 local senders relayed to 2 remote SFUs.
    CHECK_THAT(s.egress_bps, WithinRel(2 * 5 * b + 2 * 2 * b, 1e-9));
    // In: 2 uploads + 4 remote senders relayed in.
    CHECK_THAT(s.ingress_bps, WithinRel(6 * b, 1e-9));
  }
  CHECK_THAT(r.servers[kSfuServer].egress_bps, WithinRel(3 * 14 * b, 1e-9));
  for (const ParticipantResult& p : r.participants) CHECK_THAT(p.downlink_delivered_bps, WithinRel(5 * b, 1e-9));
  CHECK(r.all_full);
  // Latency: access 5 + SFU 10 + forward 1 (+ region latency + forward 1) + SFU 10 + access 5 ms.
  // 6 same-region ordered pairs at 31 ms; 8 eu-us at 72, 8 eu-asia at 132, 8 us-asia at 112.
  CHECK_THAT(r.latency_mean_s, WithinRel((6 * 0.031 + 8 * 0.072 + 8 * 0.132 + 8 * 0.112) / 30, 1e-9));
}

TEST_CASE("without cascade everyone joins the one SFU in the first region", "[media][cascade]") {
  const CallResult r = simulate_group_call(three_regions(false), 1);
  CHECK(r.sfus.empty());
  CHECK(r.inter_sfu_bps == 0);
  CHECK_THAT(r.servers[kSfuServer].egress_bps, WithinRel(6 * 5 * b, 1e-9));
  // Sender region a to receiver region c: 31 ms + lat(a, eu) + lat(eu, c).
  // eu-eu 2 pairs 31; eu->us / us->eu 8 at 71; eu<->asia 8 at 131; us<->asia 8 at 171;
  // us-us 2 at 111; asia-asia 2 at 231.
  const double mean = (2 * 0.031 + 8 * 0.071 + 8 * 0.131 + 8 * 0.171 + 2 * 0.111 + 2 * 0.231) / 30;
  CHECK_THAT(r.latency_mean_s, WithinRel(mean, 1e-9));
}

// SVC across the cascade, from the definitions (dtx_svc_test.cpp): the stream up to
// spatial layer k is 1.1 x layer k's rate; 720p 2.75 Mbit/s in 10 packets a frame, 360p
// 550 kbit/s in 2, 180p 165 kbit/s in 1, at 30 fps.
namespace {
const double kSvc720 = 2'750'000 + 30 * 10 * 8 * kH;
const double kSvc360 = 550'000 + 30 * 2 * 8 * kH;
}  // namespace

TEST_CASE("svc relay carries each spatial layer at the largest temporal share kept behind it", "[media][cascade][svc]") {
  const std::vector<PacketStream> cumulative = {{165'000, 30}, {550'000, 60}, {2'750'000, 300}};
  // Receiver A: 180p at full rate; receiver B: 720p at 15 fps (0.6 of the rate).
  // Layer 0 at 1.0, layers 1 and 2 at 0.6.
  const std::vector<double> keep = {1.0, 0.6, 0.6};
  const PacketStream r = svc_relay_stream(cumulative, keep);
  CHECK_THAT(r.payload_bps, WithinRel(165'000 + 0.6 * 385'000 + 0.6 * 2'200'000, 1e-12));
  CHECK_THAT(r.packets_per_s, WithinRel(30 + 0.6 * 30 + 0.6 * 240, 1e-12));
  // One receiver of layer k at share t: exactly t x cumulative[k].
  const std::vector<double> one = {0.4, 0.4};
  CHECK_THAT(svc_relay_stream(cumulative, one).payload_bps, WithinRel(0.4 * 550'000, 1e-12));
  CHECK(svc_relay_stream(cumulative, std::vector<double>{0, 0, 0}).payload_bps == 0);
}

TEST_CASE("cascade with svc: one relay per stream and remote SFU, up to the highest layer asked there",
          "[media][cascade][svc]") {
  // eu: p0; us: p1 (gallery on a 1080 px screen: 3 tiles of 540 px ask 720p) and p2
  // (gallery on a 720 px screen: 360 px tiles ask 360p).
  CallSpec s;
  s.topology = TopologyKind::kSfu;
  s.group_size = 3;
  s.duration = SimTime::s(30);
  s.media.video.scalability = Scalability::kSvc;
  AccessProfile big;
  big.uplink_bps = big.downlink_bps = 1e12;
  big.layout.kind = LayoutKind::kGallery;
  AccessProfile small = big;
  small.layout.screen_height = 720;
  s.access = {big, small};
  s.access_assignment = {0, 0, 1};
  s.regions = {{"eu", 1}, {"us", 1}};
  s.region_latency = {SimTime::zero(), SimTime::ms(40), SimTime::ms(40), SimTime::zero()};
  s.region_assignment = {0, 1, 1};
  s.sfu_cascade = true;
  const CallResult r = simulate_group_call(s, 1);
  // p0's stream to us: 720p and 360p asked there, one relay of the stream up to 720p;
  // p1's and p2's streams to eu: 720p (p0). Each with its audio.
  CHECK_THAT(r.inter_sfu_bps, WithinRel(3 * (kAudio + kSvc720), 1e-9));
  REQUIRE(r.sfus.size() == 2);
  // eu SFU out: p0 gets 2 x 720p, relays p0's stream; us SFU out: p1 2 x 720p, p2 2 x 360p,
  // relays p1's and p2's streams.
  CHECK_THAT(r.sfus[0].egress_bps, WithinRel(3 * (kAudio + kSvc720), 1e-9));
  CHECK_THAT(r.sfus[1].egress_bps, WithinRel(4 * (kAudio + kSvc720) + 2 * (kAudio + kSvc360), 1e-9));
  CHECK(r.all_full);
}
