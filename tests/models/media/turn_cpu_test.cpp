// TURN server CPU in the group-call flow model: the capacity study's TURN cost model
// (models/turn/turn_cost_model.hpp) over the packets, relayed bytes and allocations of a
// call. Expected values are computed here by hand from the definitions (header sizes,
// packetisation, one allocation per relayed pair or relayed participant).
#include <catch2/catch.hpp>

#include "models/media/group_call.hpp"

using namespace p2psim;
using namespace p2psim::media;
using Catch::Matchers::WithinRel;

namespace {

// Opus 32 kbit/s in 20 ms frames: 50 packets/s. VP8 2500 kbit/s at 30 fps: 10416.7 B per
// frame -> 9 packets per frame, 270 packets/s.
constexpr double kAudioPps = 50, kVideoPps = 270;
// What TURN relays of a packet: the SRTP packet = payload + RTP 12 + SRTP tag 10 bytes.
constexpr double kSrtp = 12 + 10;
constexpr double kAudioBytes = 32'000 / 8.0 + kAudioPps * kSrtp;     // 5,100 B/s
constexpr double kVideoBytes = 2'500'000 / 8.0 + kVideoPps * kSrtp;  // 318,440 B/s
// Wire rates on a TURN/UDP leg: + IPv4 20 + UDP 8 + ChannelData 4 bytes per packet.
constexpr double kTurnHeaders = 20 + 8 + 4 + kSrtp;
constexpr double kAudioTurnWire = 32'000 + kAudioPps * 8 * kTurnHeaders;
constexpr double kVideoTurnWire = 2'500'000 + kVideoPps * 8 * kTurnHeaders;
constexpr double kAudioWire = 32'000 + kAudioPps * 8 * (20 + 8 + kSrtp);
constexpr double kVideoWire = 2'500'000 + kVideoPps * 8 * (20 + 8 + kSrtp);

turn::TurnCostModel test_model() {
  turn::TurnCostModel m;
  m.cpu_s_per_packet = 5e-6;
  m.cpu_s_per_byte = 2e-9;
  m.cpu_s_per_allocation = 1.5e-3;
  return m;
}

// 4-person mesh, audio + 720p video to everyone, pairs {0,1} and {2,3} relayed.
CallSpec relayed_mesh() {
  CallSpec s;
  s.topology = TopologyKind::kMesh;
  s.group_size = 4;
  s.duration = SimTime::s(30);
  s.access = {AccessProfile{"fat", 1, 1e12, 1e12, SimTime::ms(5)}};
  s.turn_cpu = test_model();
  const int n = 4;
  s.connectivity.peer.assign(n * n, PeerPath::kDirect);
  for (auto [a, b] : {std::pair{0, 1}, std::pair{2, 3}}) {
    s.connectivity.peer[a * n + b] = PeerPath::kRelayed;
    s.connectivity.peer[b * n + a] = PeerPath::kRelayed;
  }
  return s;
}

// By hand: 2 pairs x 2 directions x (audio + video) streams through the relay, each
// packet counted once; 2 allocations over the 30 s call.
constexpr double kPackets = 4 * (kAudioPps + kVideoPps);      // 1,280 packets/s
constexpr double kBytes = 4 * (kAudioBytes + kVideoBytes);    // 1,294,160 B/s
constexpr double kCores = kPackets * 5e-6 + kBytes * 2e-9 + 2 * 1.5e-3 / 30;  // 0.00908832

}  // namespace

TEST_CASE("TURN CPU: 4-person mesh with 2 relayed pairs, by hand", "[media][group_call][turn_cpu]") {
  CHECK_THAT(kCores, WithinRel(0.00908832, 1e-12));
  const CallSpec s = relayed_mesh();
  const CallResult r = simulate_group_call(s, 1);
  CHECK_THAT(r.servers[kTurnServer].cpu_cores, WithinRel(kCores, 1e-9));
  CHECK_THAT(r.servers[kTurnServer].cpu_cores_max, WithinRel(kCores, 1e-9));
  CHECK_THAT(r.servers[kTurnServer].ingress_bps, WithinRel(4 * (kAudioTurnWire + kVideoTurnWire), 1e-9));
  CHECK(r.all_full);
  CHECK_FALSE(r.limits.server_cpu);
  // Nothing relayed: no TURN CPU at all (no allocation either).
  CallSpec direct = s;
  direct.connectivity.peer.clear();
  CHECK(simulate_group_call(direct, 1).servers[kTurnServer].cpu_cores == 0);
}

TEST_CASE("TURN CPU: the default cost model is the capacity study's (coturn 4.6.1)", "[media][group_call][turn_cpu]") {
  CallSpec s = relayed_mesh();
  s.turn_cpu = turn::TurnCostModel{};
  const CallResult r = simulate_group_call(s, 1);
  // cpu_s_per_packet 5.7e-6, cpu_s_per_byte 0, cpu_s_per_allocation 1.26e-3.
  CHECK_THAT(r.servers[kTurnServer].cpu_cores, WithinRel(kPackets * 5.7e-6 + 2 * 1.26e-3 / 30, 1e-9));
}

TEST_CASE("TURN CPU: a relayed SFU participant holds one allocation", "[media][group_call][turn_cpu]") {
  CallSpec s;
  s.topology = TopologyKind::kSfu;
  s.group_size = 3;
  s.duration = SimTime::s(20);
  s.access = {AccessProfile{"fat", 1, 1e12, 1e12, SimTime::ms(5)}};
  s.media.video.enabled = false;
  s.turn_cpu = test_model();
  s.connectivity.server = {ServerPath::kTurnTcp, ServerPath::kDirectUdp, ServerPath::kDirectUdp};
  const CallResult r = simulate_group_call(s, 1);
  // Participant 0's audio upload and its two audio downloads cross the relay (over TCP:
  // the relayed SRTP packet is the same as over UDP).
  const double cores = 3 * kAudioPps * 5e-6 + 3 * kAudioBytes * 2e-9 + 1 * 1.5e-3 / 20;
  CHECK_THAT(r.servers[kTurnServer].cpu_cores, WithinRel(cores, 1e-9));
}

TEST_CASE("TURN CPU: a TURN short of CPU throttles what it relays", "[media][group_call][turn_cpu]") {
  CallSpec s = relayed_mesh();
  s.turn.cpu_cores = kCores / 2;
  const CallResult r = simulate_group_call(s, 1);
  CHECK(r.limits.server_cpu);
  CHECK_FALSE(r.limits.server_net);
  CHECK_FALSE(r.all_full);
  // Needed cores are reported unthrottled; relayed flows get half their rate.
  CHECK_THAT(r.servers[kTurnServer].cpu_cores, WithinRel(kCores, 1e-9));
  CHECK_THAT(r.servers[kTurnServer].ingress_bps, WithinRel(2 * (kAudioTurnWire + kVideoTurnWire), 1e-9));
  // Participant 0: half its stream to 1 (relayed), full to 2 and 3 (direct).
  CHECK_THAT(r.participants[0].uplink_delivered_bps,
             WithinRel((kAudioTurnWire + kVideoTurnWire) / 2 + 2 * (kAudioWire + kVideoWire), 1e-9));
  // Of the 24 end-to-end streams, the 8 relayed ones are not at full rate.
  CHECK_THAT(r.full_rate_fraction, WithinRel(16.0 / 24, 1e-12));
  // With enough CPU nothing changes.
  s.turn.cpu_cores = kCores * 1.01;
  const CallResult ok = simulate_group_call(s, 1);
  CHECK(ok.all_full);
  CHECK_FALSE(ok.limits.server_cpu);
}
