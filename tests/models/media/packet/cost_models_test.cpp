// The packet mode's CPU metrics use the flow model's cost models (codec_cost.hpp for
// clients and the MCU, sfu_cost_model.hpp for the SFU) on what the packet mode actually
// encodes, decodes, receives and sends. Expected values are computed here from those
// definitions for the steady state of a call without a bottleneck; the packet mode's
// call means include the first seconds of ramp-up (fewer layers), so they may be up to
// 10 % lower, never higher (beyond the encoder's packet-count noise).
#include <catch2/catch.hpp>

#include <cmath>

#include "models/media/group_call.hpp"
#include "models/media/packet/packet_call.hpp"

using namespace p2psim;
using namespace p2psim::media;
using namespace p2psim::media::packet;

namespace {
PacketCallSpec fat_sfu(int n) {
  PacketCallSpec p;
  p.call.topology = TopologyKind::kSfu;
  p.call.group_size = n;
  p.call.duration = SimTime::s(60);
  p.call.access = {AccessProfile{"fat", 1, 1e9, 1e9, SimTime::ms(10)}};
  return p;
}
}  // namespace

TEST_CASE("packet mode client CPU follows the codec cost model", "[media][packet][cpu]") {
  // 3-person SFU, all-hd: each client encodes 180p + 360p + 720p at 30 fps:
  //   0.26 x ((180/720)^2 + (360/720)^2 + 1) = 0.26 x 1.3125 = 0.34125 cores,
  // decodes 2 x 720p30 = 2 x 0.074 = 0.148, and Opus 0.005 + 2 x 0.002 = 0.009.
  const double expected = 0.34125 + 0.148 + 0.009;
  const PacketCallResult r = simulate_packet_call(fat_sfu(3), 1);
  for (const PacketParticipantResult& q : r.participants) {
    CHECK(q.client_cores <= expected * 1.001);
    CHECK(q.client_cores >= expected * 0.90);
    CHECK(std::isinf(q.device_capacity));  // default device: unlimited
  }
}

TEST_CASE("packet mode SFU CPU follows the SFU cost model", "[media][packet][cpu]") {
  // 3-person SFU, all-hd, 50 B of headers per packet. Per sender in: audio 50 packets/s
  // (32 + 20 kbit/s wire), video 30 x (1 + 2 + 9) = 360 packets/s (180p 625 B, 360p 2083 B,
  // 720p 10417 B per frame at a 1200 B MTU payload); wire 52k + 162k + 524k + 2608k bit/s.
  // Out per receiver: 2 x (audio 50 + 720p 270) packets/s, 2 x (52k + 2608k) bit/s.
  const double pps = 3 * (50 + 360) + 3 * 2 * (50 + 270);
  const double bytes = (3 * (52e3 + 162e3 + 524e3 + 2608e3) + 3 * 2 * (52e3 + 2608e3)) / 8;
  const SfuCostModel cost;
  const double cores = pps * cost.packet_cost_s + bytes * cost.srtp_byte_cost_s;
  REQUIRE(cores == Approx(3150 * 103e-6 + 3.24975e6 * 1.3e-9));
  const PacketCallResult r = simulate_packet_call(fat_sfu(3), 1);
  CHECK(r.server_packets_per_s == Approx(pps).epsilon(0.10));
  CHECK(r.server_bytes_per_s == Approx(bytes).epsilon(0.10));
  CHECK(r.server_cores == Approx(cores).epsilon(0.10));
  CHECK(r.server_cores == Approx(cost.cores(r.server_packets_per_s, r.server_bytes_per_s)));
}

TEST_CASE("packet and flow modes give the same CPU for the same call", "[media][packet][cpu][validation]") {
  // 9-person SFU in speaker view, no bottleneck, no speaker change. By hand, per client:
  // encode 180p + 360p + 720p = 0.34125; decode the 720p stage 0.074 and 7 thumbnails at
  // 180p 7 x 0.074 / 16 = 0.032375; Opus 0.005 + 8 x 0.002 = 0.021: 0.468625 cores.
  PacketCallSpec p = fat_sfu(9);
  p.call.access[0].layout.kind = LayoutKind::kSpeaker;
  p.call.speaker_turn_mean = SimTime::h(10);
  const double client = 0.34125 + 0.074 + 7 * 0.074 / 16 + 0.021;
  const CallResult flow = simulate_group_call(p.call, 1);
  const PacketCallResult packet = simulate_packet_call(p, 1);
  for (std::size_t j = 0; j < flow.participants.size(); ++j) {
    INFO("participant " << j);
    REQUIRE(flow.participants[j].client_cores == Approx(client));
    CHECK(packet.participants[j].client_cores == Approx(client).epsilon(0.05));
  }
  // SFU: the flow model's plan and the packet mode's measured packets, one cost model.
  CHECK(packet.server_cores == Approx(flow.servers[kSfuServer].cpu_cores).epsilon(0.05));
}

TEST_CASE("packet mode: a client short of CPU encodes and renders in proportion", "[media][packet][cpu]") {
  // 2-person mesh without a bottleneck, video at the top layer (720p, 30 fps). Participant
  // 0's device supplies half of what its codecs need (the flow model's definition,
  // device.hpp): need = encode(720, 30) + decode(720, 30) + audio encode + decode reference
  // cores (codec_cost.hpp). It then encodes and renders 30 x 0.5 = 15 frames/s, so its
  // peer receives 15 fps at half the top rate; participant 1 (unlimited) is unaffected in
  // what it encodes.
  PacketCallSpec s;
  s.call.topology = TopologyKind::kMesh;
  s.call.group_size = 2;
  s.call.duration = SimTime::s(30);
  const CodecCostModel& c = s.call.codec;
  const double need = c.encode(720, 30) + c.decode(720, 30) + c.audio_encode + c.audio_decode;
  AccessProfile slow{"slow", 1, 1e9, 1e9, SimTime::ms(10)};
  slow.device = DeviceClass{"half", 1, need / 2};
  s.call.access = {slow, AccessProfile{"fat", 1, 1e9, 1e9, SimTime::ms(10)}};
  s.call.access_assignment = {0, 1};
  // Measured after the start-up ramp (GCC reaches the 720p rate within a few seconds;
  // before that the codecs need less and nothing is skipped): 10-30 s.
  struct Window final : PacketCallObserver {
    double renders[2] = {0, 0}, video_bytes[2] = {0, 0};
    void on_render(int j, int, SimTime, SimTime t) override {
      if (t >= SimTime::s(10)) renders[j] += 1;
    }
    void on_media_received(int j, const PacketEvent& p, SimTime, SimTime t) override {
      if (t >= SimTime::s(10) && p.kind == packet::MediaKind::kVideo) video_bytes[j] += static_cast<double>(p.payload);
    }
  } w;
  PacketCallObserver* obs[] = {&w};
  const PacketCallResult r = simulate_packet_call(s, 5, nullptr, obs);
  const double top = s.call.media.video.top().bitrate_bps;
  CHECK(w.renders[1] / 20 == Approx(15).epsilon(0.05));  // what 1 shows of 0's video
  CHECK(w.renders[0] / 20 == Approx(15).epsilon(0.05));  // what 0 shows of 1's 30 fps
  CHECK(8 * w.video_bytes[1] / 20 == Approx(top / 2).epsilon(0.1));  // 0 encodes half its frames
  CHECK(8 * w.video_bytes[0] / 20 == Approx(top).epsilon(0.1));      // 1 still sends 30 fps
  // The work done stays within the device (plus the unthrottled first seconds).
  CHECK(r.participants[0].client_cores <= need / 2 * 1.15);
  // Participant 1 encodes 30 fps but decodes only the 15 fps participant 0 sends (over the
  // whole call, the ramp at lower resolutions keeps it below that).
  CHECK(r.participants[1].client_cores <= c.encode(720, 30) + c.decode(720, 30) / 2 + c.audio_encode + c.audio_decode);
}
