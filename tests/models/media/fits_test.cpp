// "Fits" and the binding constraint: which limit keeps a call from giving every receiver
// what its layout asks. Capacities are chosen here from hand-computed wire rates.
#include <catch2/catch.hpp>

#include "models/media/group_call.hpp"

using namespace p2psim;
using namespace p2psim::media;

namespace {

constexpr double kH = 50;
const double kAudio = 32'000 + 50 * 8 * kH;
const double k180 = 150'000 + 30 * 1 * 8 * kH;
const double k360 = 500'000 + 30 * 2 * 8 * kH;
const double k720 = 2'500'000 + 30 * 9 * 8 * kH;

CallSpec call(TopologyKind t, int n, LayoutKind layout, double up, double down) {
  CallSpec s;
  s.topology = t;
  s.group_size = n;
  s.duration = SimTime::s(60);
  AccessProfile a;
  a.name = "p";
  a.uplink_bps = up;
  a.downlink_bps = down;
  a.layout.kind = layout;
  s.access = {a};
  return s;
}

}  // namespace

TEST_CASE("mesh on LTE (6 Mbit/s up): 3 peers' 720p streams do not fit the uplink", "[media][fits]") {
  // 3 x (a + v) = 7.98 Mbit/s > 6; 2 x (a + v) = 5.32 fits.
  const CallResult three = simulate_group_call(call(TopologyKind::kMesh, 3, LayoutKind::kAllHd, 6e6, 13e6), 1);
  CHECK(three.all_full);
  CHECK_FALSE(three.limits.any());
  const CallResult four = simulate_group_call(call(TopologyKind::kMesh, 4, LayoutKind::kAllHd, 6e6, 13e6), 1);
  CHECK_FALSE(four.all_full);
  CHECK(four.limits.uplink);
  CHECK_FALSE(four.limits.downlink);
  CHECK_FALSE(four.limits.client_cpu);
}

TEST_CASE("SFU speaker view: a downlink short of the asked layers binds on the downlink", "[media][fits]") {
  const int n = 6;
  // Asked: 5 audio + one 720p stage + 4 thumbnails at 180p.
  const double asked = (n - 1) * kAudio + k720 + (n - 2) * k180;
  const CallResult ok = simulate_group_call(call(TopologyKind::kSfu, n, LayoutKind::kSpeaker, 1e9, asked + 1000), 1);
  CHECK(ok.all_full);
  const CallResult thin = simulate_group_call(call(TopologyKind::kSfu, n, LayoutKind::kSpeaker, 1e9, asked - 1000), 1);
  CHECK_FALSE(thin.all_full);
  CHECK(thin.limits.downlink);
  CHECK_FALSE(thin.limits.uplink);
}

TEST_CASE("SFU: a sender whose uplink cannot carry the 720p layer binds on the uplink", "[media][fits]") {
  // Uplink for audio + 180p + 360p but not 720p: stage viewers ask 720p.
  const CallResult r =
      simulate_group_call(call(TopologyKind::kSfu, 4, LayoutKind::kSpeaker, kAudio + k180 + k360 + 1000, 1e9), 1);
  CHECK_FALSE(r.all_full);
  CHECK(r.limits.uplink);
  CHECK_FALSE(r.limits.downlink);
  // In a 9-tile gallery nobody asks above 360p: the same uplink fits.
  const CallResult g =
      simulate_group_call(call(TopologyKind::kSfu, 9, LayoutKind::kGallery, kAudio + k180 + k360 + 1000, 1e9), 1);
  CHECK(g.all_full);
}

TEST_CASE("SFU short of cores binds on the server CPU", "[media][fits]") {
  CallSpec s = call(TopologyKind::kSfu, 5, LayoutKind::kSpeaker, 1e9, 1e9);
  s.sfu.cpu_cores = 0.01;
  const CallResult r = simulate_group_call(s, 1);
  CHECK_FALSE(r.all_full);
  CHECK(r.limits.server_cpu);
}

TEST_CASE("group_call_fit: the one-allocation shortcut of a symmetric call equals the whole simulation",
          "[media][fits]") {
  // A symmetric call's speaker states are relabellings of each other, so all-full and the
  // limits of the first interval are those of the call. Checked against the full run over
  // topologies, layouts, DTX on and off, and capacities on both sides of fitting.
  int checked = 0, short_calls = 0;
  for (TopologyKind t : {TopologyKind::kMesh, TopologyKind::kSfu, TopologyKind::kMcu, TopologyKind::kHybrid})
    for (LayoutKind layout : {LayoutKind::kSpeaker, LayoutKind::kGallery, LayoutKind::kAllHd})
      for (double up : {3e6, 6e6, 100e6})
        for (int n : {2, 3, 5, 9, 14})
          for (bool dtx : {false, true}) {
            CallSpec s = call(t, n, layout, up, 13e6);
            s.media.audio.dtx = dtx;
            s.access[0].layout.max_tiles = 4;
            s.access[0].device.cores = 2;
            s.access[0].device.speed = 0.5;
            REQUIRE(call_is_symmetric(s));
            for (std::uint64_t seed : {1u, 2u, 3u}) {
              const CallResult full = simulate_group_call(s, seed);
              const CallFit fit = group_call_fit(s, seed);
              INFO(to_string(t) << " n=" << n << " up=" << up << " dtx=" << dtx << " seed=" << seed);
              CHECK(fit.all_full == full.all_full);
              CHECK(fit.limits.uplink == full.limits.uplink);
              CHECK(fit.limits.downlink == full.limits.downlink);
              CHECK(fit.limits.client_cpu == full.limits.client_cpu);
              CHECK(fit.limits.server_cpu == full.limits.server_cpu);
              CHECK(fit.limits.server_net == full.limits.server_net);
              ++checked;
              short_calls += full.all_full ? 0 : 1;
            }
          }
  CHECK(short_calls > 0);           // the sample covers calls that do not fit
  CHECK(short_calls < checked);     // and calls that do
}

TEST_CASE("group_call_fit: calls that are not symmetric take the whole simulation", "[media][fits]") {
  CallSpec s = call(TopologyKind::kSfu, 4, LayoutKind::kSpeaker, 6e6, 13e6);
  AccessProfile b = s.access[0];
  b.name = "q";
  b.downlink_bps = 1e6;
  s.access.push_back(b);
  CHECK_FALSE(call_is_symmetric(s));
  s.access_assignment = {0, 0, 0, 0};
  CHECK(call_is_symmetric(s));
  s.access_assignment = {0, 1, 0, 0};
  CHECK_FALSE(call_is_symmetric(s));
  const CallResult full = simulate_group_call(s, 7);
  const CallFit fit = group_call_fit(s, 7);
  CHECK(fit.all_full == full.all_full);
  CHECK(fit.limits.downlink == full.limits.downlink);
  s.access_assignment = {0, 0, 0, 0};
  s.connectivity.server.assign(4, ServerPath::kDirectUdp);
  CHECK_FALSE(call_is_symmetric(s));
}
