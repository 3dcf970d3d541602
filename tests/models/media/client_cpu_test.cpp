// Client CPU: the codec cost model and what each topology charges a client, against
// values computed here from the definitions (codec defaults: 720p30 VP8 encode 0.26,
// decode 0.074 cores; Opus encode 0.005, decode 0.002; cost ~ pixels x frame rate).
#include <catch2/catch.hpp>

#include "models/media/codec_cost.hpp"
#include "models/media/group_call.hpp"

using namespace p2psim;
using namespace p2psim::media;
using Catch::Matchers::WithinRel;

namespace {

constexpr double E = 0.26, D = 0.074, AE = 0.005, AD = 0.002;
constexpr double kH = 50;
const double kAudio = 32'000 + 50 * 8 * kH;
const double k720 = 2'500'000 + 30 * 9 * 8 * kH;

CallSpec call(TopologyKind t, int n, LayoutKind layout, DeviceClass device) {
  CallSpec s;
  s.topology = t;
  s.group_size = n;
  s.duration = SimTime::s(60);
  AccessProfile a;
  a.name = "fat";
  a.uplink_bps = a.downlink_bps = 1e12;
  a.layout.kind = layout;
  a.device = device;
  s.access = {a};
  return s;
}

}  // namespace

TEST_CASE("codec cost scales with pixels and frame rate", "[media][cpu]") {
  const CodecCostModel c;
  CHECK_THAT(c.encode(720, 30), WithinRel(E, 1e-12));
  CHECK_THAT(c.encode(360, 15), WithinRel(E * 0.25 * 0.5, 1e-12));
  CHECK_THAT(c.decode(180, 30), WithinRel(D / 16, 1e-12));
  CHECK_THAT(c.encode_layers(VideoProfile::vp8_720p_ladder(), 3, 30), WithinRel(E * (1.0 / 16 + 0.25 + 1), 1e-12));
  CHECK_THAT(c.encode_layers(VideoProfile::vp8_720p_ladder(), 1, 30), WithinRel(E / 16, 1e-12));
}

TEST_CASE("mesh client CPU = (N-1) encodes + (N-1) decodes", "[media][cpu]") {
  for (int n : {2, 4, 6}) {
    const CallResult r = simulate_group_call(call(TopologyKind::kMesh, n, LayoutKind::kAllHd, DeviceClass{}), 1);
    for (const ParticipantResult& p : r.participants) {
      CHECK_THAT(p.client_cores, WithinRel((n - 1) * (E + AE) + (n - 1) * (D + AD), 1e-9));
      CHECK_FALSE(p.cpu_short);
    }
    CHECK_FALSE(r.limits.any());
  }
}

TEST_CASE("a laptop (2 cores) runs a 6-person mesh, degrades in proportion at 7 and does not fit", "[media][cpu]") {
  const DeviceClass laptop = DeviceClass::laptop();
  REQUIRE(laptop.capacity() == 2.0);
  const CallResult six = simulate_group_call(call(TopologyKind::kMesh, 6, LayoutKind::kAllHd, laptop), 1);
  CHECK(six.all_full);  // 5 x 0.341 = 1.705 cores
  const int n = 7;
  const CallResult r = simulate_group_call(call(TopologyKind::kMesh, n, LayoutKind::kAllHd, laptop), 1);
  const double need = (n - 1) * (E + AE + D + AD);  // 2.046 cores
  const double f = 2.0 / need;
  for (const ParticipantResult& p : r.participants) {
    CHECK(p.cpu_short);
    // Video encodes run at f of their rate; audio is untouched.
    CHECK_THAT(p.uplink_delivered_bps, WithinRel((n - 1) * (kAudio + f * k720), 1e-9));
    CHECK_THAT(p.trace.front().cores, WithinRel(2.0, 1e-9));
  }
  CHECK_FALSE(r.all_full);
  CHECK(r.limits.client_cpu);
  CHECK_FALSE(r.limits.uplink);
}

TEST_CASE("SFU client CPU: simulcast layers encoded once, each visible tile decoded at its layer", "[media][cpu]") {
  const int n = 10;
  const CallResult r = simulate_group_call(call(TopologyKind::kSfu, n, LayoutKind::kSpeaker, DeviceClass{}), 4);
  // Encode 180p + 360p + 720p, decode one 720p stage and 8 thumbnails at 180p, 9 Opus.
  const double need = E * (1.0 / 16 + 0.25 + 1) + AE + D + (n - 2) * D / 16 + (n - 1) * AD;
  for (const ParticipantResult& p : r.participants) CHECK_THAT(p.client_cores, WithinRel(need, 1e-9));
}

TEST_CASE("MCU client CPU: one encode and one mix decode", "[media][cpu]") {
  const CallResult r = simulate_group_call(call(TopologyKind::kMcu, 8, LayoutKind::kAllHd, DeviceClass{}), 1);
  for (const ParticipantResult& p : r.participants) CHECK_THAT(p.client_cores, WithinRel(E + AE + D + AD, 1e-9));
}

TEST_CASE("a phone (2 cores at half speed) cannot carry a 4-person 720p mesh", "[media][cpu]") {
  const CallResult r = simulate_group_call(call(TopologyKind::kMesh, 4, LayoutKind::kAllHd, DeviceClass::phone()), 1);
  // 3 x 0.341 = 1.023 reference cores > 2 x 0.5.
  CHECK(r.limits.client_cpu);
  CHECK_FALSE(r.all_full);
  const CallResult sfu = simulate_group_call(call(TopologyKind::kSfu, 4, LayoutKind::kSpeaker, DeviceClass::phone()), 1);
  CHECK(sfu.all_full);
}
