// TURN-relayed and failed paths in packet mode (docs/models/media-packet.md, section 1
// "Paths"), from the connectivity outcome the flow model uses (CallSpec::connectivity),
// against hand computation: wire rates with ChannelData / TCP overhead (the flow model's
// packet_overhead_bytes) and path delays of the relay.
#include <catch2/catch.hpp>

#include "models/media/group_call.hpp"
#include "models/media/packet/packet_call.hpp"

using namespace p2psim;
using namespace p2psim::media;
using namespace p2psim::media::packet;

namespace {
// Audio-only call without a bottleneck: 10 ms access latency, 1 Gbit/s links.
PacketCallSpec audio_call(TopologyKind t, int n) {
  PacketCallSpec s;
  s.call.topology = t;
  s.call.group_size = n;
  s.call.duration = SimTime::s(20);
  s.call.media.video.enabled = false;
  s.call.access = {AccessProfile{"fat", 1, 1e9, 1e9, SimTime::ms(10)}};
  s.call.turn.latency = SimTime::ms(50);
  s.call.turn.processing_delay = SimTime::ms(1);
  return s;
}
// 50 packets/s of 80 B Opus payload plus the path's overhead.
double audio_wire(const PacketCallSpec& s, LegTransport t) {
  return 50.0 * (80 + packet_overhead_bytes(s.call.media.overhead, t)) * 8;
}
}  // namespace

TEST_CASE("packet mode: a relayed mesh pair pays ChannelData and the relay's latency", "[media][packet][turn]") {
  PacketCallSpec s = audio_call(TopologyKind::kMesh, 2);
  // Overheads (IPv4 20 + UDP 8 + RTP/SRTP 22 = 50 B; + ChannelData 4 B, RFC 8656 s12.4).
  REQUIRE(packet_overhead_bytes(s.call.media.overhead, LegTransport::kUdp) == 50);
  REQUIRE(packet_overhead_bytes(s.call.media.overhead, LegTransport::kTurnUdp) == 54);
  const PacketCallResult direct = simulate_packet_call(s, 1);
  s.call.connectivity.peer = {PeerPath::kDirect, PeerPath::kRelayed, PeerPath::kRelayed, PeerPath::kDirect};
  const PacketCallResult relayed = simulate_packet_call(s, 1);
  // Uplink: 50 x 134 B x 8 = 53.6 kbit/s relayed against 50 x 130 B x 8 = 52 kbit/s.
  CHECK(direct.participants[0].uplink_delivered_bps == Approx(audio_wire(s, LegTransport::kUdp)).epsilon(0.005));
  CHECK(relayed.participants[0].uplink_delivered_bps == Approx(audio_wire(s, LegTransport::kTurnUdp)).epsilon(0.005));
  // One-way: 10 + core 20 + 10 = 40 ms direct; 10 + 2 x 50 + 1 + 10 = 121 ms relayed
  // (the flow model's relayed mesh leg), serialisation at 1 Gbit/s negligible.
  CHECK(direct.network_delay_mean_s == Approx(0.040).epsilon(0.01));
  CHECK(relayed.network_delay_mean_s == Approx(0.121).epsilon(0.01));
  CHECK(relayed.audio_loss == 0);
}

TEST_CASE("packet mode: SFU legs through TURN over TCP, and a failed participant", "[media][packet][turn]") {
  PacketCallSpec s = audio_call(TopologyKind::kSfu, 3);
  // Participant 1 reaches the SFU through TURN over TCP (IPv4 20 + TCP 20 + ChannelData 4
  // + 22 = 66 B); participant 2's ICE failed: it is not in the call.
  REQUIRE(packet_overhead_bytes(s.call.media.overhead, LegTransport::kTurnTcp) == 66);
  s.call.connectivity.server = {ServerPath::kDirectUdp, ServerPath::kTurnTcp, ServerPath::kFailed};
  const PacketCallResult r = simulate_packet_call(s, 2);
  CHECK(r.participants[0].uplink_delivered_bps == Approx(audio_wire(s, LegTransport::kUdp)).epsilon(0.005));
  CHECK(r.participants[1].uplink_delivered_bps == Approx(audio_wire(s, LegTransport::kTurnTcp)).epsilon(0.005));
  // Downloads: one stream each (from the other connected participant), on its own path.
  CHECK(r.participants[0].downlink_delivered_bps == Approx(audio_wire(s, LegTransport::kUdp)).epsilon(0.005));
  CHECK(r.participants[1].downlink_delivered_bps == Approx(audio_wire(s, LegTransport::kTurnTcp)).epsilon(0.005));
  CHECK(r.participants[2].uplink_delivered_bps == 0);
  CHECK(r.participants[2].downlink_delivered_bps == 0);
  // Delay 0 -> 1: 10 + sfu 10 (+ 1 forwarding) + sfu 10 + relay 50 + 1 + 10 = 92 ms; 1 -> 0
  // the same; the mean over both directions is 92 ms.
  CHECK(r.network_delay_mean_s == Approx(0.092).epsilon(0.01));
}

TEST_CASE("packet mode: TURN load of a relayed pair by hand", "[media][packet][turn]") {
  // The relayed 2-person audio call: TURN relays 2 x 50 packets/s of SRTP (80 B payload +
  // RTP/SRTP 22 B = 102 B) plus a few start-up probe packets; CPU from the capacity study's
  // TurnCostModel: 5.7e-6 core-s per packet x 100 + one allocation 1.26e-3 core-s / 20 s.
  PacketCallSpec s = audio_call(TopologyKind::kMesh, 2);
  s.call.connectivity.peer = {PeerPath::kDirect, PeerPath::kRelayed, PeerPath::kRelayed, PeerPath::kDirect};
  const PacketCallResult r = simulate_packet_call(s, 1);
  CHECK(r.turn_packets_per_s == Approx(100).epsilon(0.03));
  CHECK(r.turn_bytes_per_s >= 100 * 102 * 0.99);
  CHECK(r.turn_cores == Approx(s.call.turn_cpu.cpu_s_per_packet * 100 + s.call.turn_cpu.cpu_s_per_allocation / 20).epsilon(0.03));
  // Direct: no TURN load.
  s.call.connectivity.peer.clear();
  CHECK(simulate_packet_call(s, 1).turn_cores == 0);
}
