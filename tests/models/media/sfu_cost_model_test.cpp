// The one SFU cost model, against the published measurements it was fitted to and a
// small call whose packets and bytes are counted by hand.
#include <catch2/catch.hpp>

#include "models/media/group_call.hpp"
#include "models/media/sfu_cost_model.hpp"

using namespace p2psim;
using namespace p2psim::media;
using Catch::Matchers::WithinRel;

TEST_CASE("SFU cost model reproduces the LiveKit benchmark it represents", "[media][sfu_cost]") {
  const SfuCostModel m;
  // 400 Mbit/s in + 744 Mbit/s out in 1100 B packets: 130,000 packets/s, 143 MB/s.
  const double bytes = (400e6 + 744e6) / 8, pps = bytes / 1100;
  CHECK_THAT(pps, WithinRel(130'000.0, 1e-12));
  // 85 % of 16 vCPU = 13.6 cores.
  CHECK_THAT(m.cores(pps, bytes), WithinRel(13.6, 0.01));
  // Capacity view: egress per core counting each forwarded packet's share of ingress:
  // (1 + 400/744) x (103 us + 1100 x 1.3 ns) = 160.6 us per 1100 B sent -> 54.8 Mbit/s,
  // the capacity study's former 744 / (16 x 0.85) = 55 Mbit/s.
  CHECK_THAT(m.egress_bps_per_core(kSfuBenchmarkPacketBytes, kSfuBenchmarkFanout), WithinRel(54.8e6, 0.002));
  // Jitsi Videobridge 2014: 12 us per packet -> ~9x more egress per core.
  const double jvb = SfuCostModel::jitsi_2014().egress_bps_per_core(1100, kSfuBenchmarkFanout);
  CHECK(jvb / m.egress_bps_per_core(1100, kSfuBenchmarkFanout) > 7);
}

TEST_CASE("group-call SFU CPU counts packets and bytes in and out", "[media][sfu_cost]") {
  CallSpec s;
  s.topology = TopologyKind::kSfu;
  s.group_size = 3;
  s.media.video.enabled = false;
  s.access = {AccessProfile{}};
  s.access[0].uplink_bps = s.access[0].downlink_bps = 1e9;
  const CallResult r = simulate_group_call(s, 1);
  // 3 uploads + 6 forwarded Opus streams of 50 packets/s; 52 kbit/s each on the wire.
  const double pps = 9 * 50.0, bytes = 9 * 52'000.0 / 8;
  CHECK_THAT(r.servers[kSfuServer].cpu_cores, WithinRel(pps * 103e-6 + bytes * 1.3e-9, 1e-9));
}
