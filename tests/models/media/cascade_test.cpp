// Cascaded SFUs across regions, against values computed here from the definitions:
// every stream crosses once to every remote SFU that has a receiver for it.
#include <catch2/catch.hpp>

#include "models/media/group_call.hpp"

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
