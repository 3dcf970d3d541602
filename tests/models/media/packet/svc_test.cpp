// SVC in the packet mode against the flow model's definitions (docs/models/media.md
// section 5), computed here: the stream up to spatial layer k carries 1.1 x layer k's rate
// (VP8 ladder 150 / 500 / 2500 kbit/s -> 165 / 550 / 2750 kbit/s); L3T3 keeps 0.4 / 0.6 /
// 1.0 of the rate at fps/4, fps/2, fps (7.5 / 15 / 30 fps at 30 fps).
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "models/media/packet/layer_chooser.hpp"
#include "models/media/packet/packet_call.hpp"

using namespace p2psim;
using namespace p2psim::media;
using namespace p2psim::media::packet;

TEST_CASE("svc temporal pattern and frame sizes follow the rate shares", "[media][packet][svc]") {
  // L3T3: 0 2 1 2 0 2 1 2 ...
  const int expect[8] = {0, 2, 1, 2, 0, 2, 1, 2};
  for (std::uint32_t i = 0; i < 8; ++i) CHECK(svc_temporal_id(i, 3) == expect[i]);
  CHECK(svc_temporal_id(5, 2) == 1);
  CHECK(svc_temporal_id(6, 1) == 0);
  VideoProfile v;
  v.scalability = Scalability::kSvc;
  // T0 frames (1 in 4) carry 0.4 of the rate, T1 (1 in 4) 0.2, T2 (2 in 4) 0.4.
  CHECK(svc_temporal_size_factor(v, 0) == Approx(0.4 * 4));
  CHECK(svc_temporal_size_factor(v, 1) == Approx(0.2 * 4));
  CHECK(svc_temporal_size_factor(v, 2) == Approx(0.4 * 4 / 2));
  CHECK(svc_temporal_layers_kept(v, 7.5) == 1);
  CHECK(svc_temporal_layers_kept(v, 10) == 2);
  CHECK(svc_temporal_layers_kept(v, 15) == 2);
  CHECK(svc_temporal_layers_kept(v, 0) == 3);
}

TEST_CASE("svc frame split: the target fills the lower spatial layers first", "[media][packet][svc]") {
  const std::vector<double> cumulative = {165'000, 550'000, 2'750'000};
  std::int64_t bytes[3];
  int packets[3];
  // Full target: 11,458 B split 165 : 385 : 2200 of 2750.
  svc_split(11'458, cumulative, 2'750'000, 2, 1200, bytes, packets);
  CHECK(bytes[0] == 11'458 * 165 / 2750);
  CHECK(bytes[0] + bytes[1] == 11'458 * 550 / 2750);
  CHECK(bytes[0] + bytes[1] + bytes[2] == 11'458);
  CHECK(packets[0] == 1);
  CHECK(packets[1] == 2);  // 1604 B
  CHECK(packets[2] == 8);  // 9167 B
  // Target 1 Mbit/s: layer 0 keeps its 165 kbit/s, layer 1 its 385, layer 2 the rest (450).
  svc_split(1000, cumulative, 1'000'000, 2, 1200, bytes, packets);
  CHECK(bytes[0] == 165);
  CHECK(bytes[1] == 385);
  CHECK(bytes[2] == 450);
}

TEST_CASE("layout layer chooser with svc: cumulative stream rates, one stream up to what fits", "[media][packet][svc]") {
  CallSpec s;
  s.topology = TopologyKind::kSfu;
  s.group_size = 3;
  s.media.video.scalability = Scalability::kSvc;
  AccessProfile a;
  a.layout.kind = LayoutKind::kSpeaker;
  a.layout.thumbnail_fps = 7.5;
  s.access = {a};
  const LayoutLayerChooser c(s, {0, 0, 0});
  CHECK(c.svc());
  // 165 kbit/s in 1 packet a frame, 550 in 2, 2750 in 10; 50 B of headers a packet.
  CHECK(c.layer_wire_bps(0, 0) == Approx(165'000 + 30 * 1 * 8 * 50));
  CHECK(c.layer_wire_bps(0, 1) == Approx(550'000 + 30 * 2 * 8 * 50));
  CHECK(c.layer_wire_bps(0, 2) == Approx(2'750'000 + 30 * 10 * 8 * 50));
  // 700 kbit/s fits the stream up to 360p (574 kbit/s), not 720p: 2 spatial layers.
  CHECK(c.sender_layers(0, 700'000) == 2);
  CHECK(c.sender_layers(0, 100'000) == 1);
  // Receiver 1: stage 0 (720p), thumbnail 2 asking 7.5 fps.
  std::vector<double> fps(3, -1);
  c.receiver_fps(1, std::vector<int>{0, 1, 2}, fps);
  CHECK(fps[0] == 0);
  CHECK(fps[2] == 7.5);
  // A budget of 165 kbit/s x 0.4 + 720p: the thumbnail at 0.4 of 180p fits beside the stage.
  std::vector<int> out(3);
  c.receiver_layers(1, std::vector<int>{0, 1, 2}, std::vector<int>{3, 3, 3},
                    c.layer_wire_bps(0, 2) + 0.4 * c.layer_wire_bps(0, 0) + 1, out);
  CHECK(out[0] == 2);
  CHECK(out[2] == 0);
}

TEST_CASE("packet svc: a thumbnail of an L3T3 sender gets the frame rate and bitrate of its temporal layers",
          "[media][packet][svc][validation]") {
  // Participant 0 speaks all along with its camera off (audio-only), so 1 and 2 (speaker
  // view, 120 px thumbnails -> the 180p layer) each receive exactly one video: the other's
  // thumbnail. At thumbnail_fps 7.5 the SFU keeps T0 only: 7.5 fps and 0.4 x 165 kbit/s
  // = 66 kbit/s of payload; at 15 fps T0 + T1: 15 fps and 0.6 x 165 = 99 kbit/s. Rates
  // within 5 % (encoder noise, key frames, the first seconds), frame rates within 2 %.
  struct Renders final : PacketCallObserver {
    std::map<std::pair<int, int>, int> n;
    void on_render(int receiver, int sender, SimTime capture, SimTime) override {
      if (capture >= SimTime::s(5)) ++n[{receiver, sender}];
    }
  };
  for (double thumb_fps : {7.5, 15.0}) {
    PacketCallSpec p;
    p.call.topology = TopologyKind::kSfu;
    p.call.group_size = 3;
    p.call.duration = SimTime::s(45);
    p.call.speaker_turn_mean = SimTime::h(10);  // participant 0 stays the dominant speaker
    p.call.media.video.scalability = Scalability::kSvc;
    AccessProfile view{"view", 1, 1e9, 1e9, SimTime::ms(10)};
    view.layout.kind = LayoutKind::kSpeaker;
    view.layout.thumbnail_fps = thumb_fps;
    AccessProfile voice = view;
    voice.name = "voice";
    voice.layout.kind = LayoutKind::kAudioOnly;
    p.call.access = {voice, view};
    p.call.access_assignment = {0, 1, 1};
    Renders obs;
    PacketCallObserver* o[] = {&obs};
    const PacketCallResult r = simulate_packet_call(p, 5, nullptr, o);
    const double share = thumb_fps == 7.5 ? 0.4 : 0.6;
    for (int j : {1, 2}) {
      INFO("thumbnail fps " << thumb_fps << ", receiver " << j);
      CHECK(r.participants[j].video_received_bps == Approx(share * 165'000).epsilon(0.05));
      CHECK(obs.n[{j, 3 - j}] / 40.0 == Approx(thumb_fps).epsilon(0.02));
      CHECK(r.participants[j].height == 180);
    }
    CHECK(r.participants[0].video_received_bps == 0);
    CHECK(r.freezes_per_min == 0);
  }
}

TEST_CASE("packet svc in speaker view: the stage at 720p, thumbnails at 180p and 15 fps, one upload each",
          "[media][packet][svc][validation]") {
  // Flow-model definitions (dtx_svc_test.cpp): each receiver of a 5-person speaker view
  // gets the stage at 2.75 Mbit/s and 3 thumbnails at 0.6 x 165 kbit/s of payload; mean
  // height (720 + 3 x 180) / 4 = 315 px. Each sender uploads one stream, at most the
  // stream up to 720p: 2.75 Mbit/s of video payload (not 165 + 550 + 2750 as simulcast).
  PacketCallSpec p;
  p.call.topology = TopologyKind::kSfu;
  p.call.group_size = 5;
  p.call.duration = SimTime::s(40);
  p.call.speaker_turn_mean = SimTime::h(10);
  p.call.media.video.scalability = Scalability::kSvc;
  AccessProfile view{"view", 1, 1e9, 1e9, SimTime::ms(10)};
  view.layout.kind = LayoutKind::kSpeaker;
  view.layout.thumbnail_fps = 15;
  p.call.access = {view};
  const PacketCallResult r = simulate_packet_call(p, 7);
  for (std::size_t j = 0; j < r.participants.size(); ++j) {
    INFO("receiver " << j);
    CHECK(r.participants[j].video_received_bps == Approx(2.75e6 + 3 * 0.6 * 165e3).epsilon(0.05));
    CHECK(r.participants[j].height == Approx(315));
    // Uplink wire: audio 32 kbit/s + 50 x 50 B x 8; video at most 2.75 Mbit/s + 10 packets a frame.
    CHECK(r.participants[j].uplink_delivered_bps < 1.05 * (32e3 + 50 * 400 + 2.75e6 + 300 * 400));
  }
  CHECK(r.freezes_per_min == 0);
}
