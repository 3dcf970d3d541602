// The packet mode's layer choice is the flow model's (layout.hpp + layer_choice.hpp):
// checked against values computed here from those definitions (grid geometry, the VP8
// 720p ladder's heights 180/360/720 and rates 150/500/2500 kbit/s, 50 B of headers per
// packet), first on the chooser alone, then on whole packet-mode calls without a
// bottleneck, where each receiver must end up with exactly the layers its layout asks.
#include <catch2/catch.hpp>

#include <vector>

#include "models/media/packet/layer_chooser.hpp"
#include "models/media/packet/packet_call.hpp"

using namespace p2psim;
using namespace p2psim::media;
using namespace p2psim::media::packet;

namespace {

// Wire rates with 50 B per packet: 180p 150 kbit/s = 625 B/frame -> 1 packet per frame
// at 30 fps; 360p 500 kbit/s = 2083 B -> 2 packets; 720p 2500 kbit/s = 10417 B -> 9.
const double k180 = 150'000 + 30 * 1 * 8 * 50;
const double k360 = 500'000 + 30 * 2 * 8 * 50;
const double k720 = 2'500'000 + 30 * 9 * 8 * 50;

LayoutSpec view(LayoutKind k) {
  LayoutSpec l;
  l.kind = k;
  return l;
}

CallSpec call(TopologyKind t, int n, LayoutSpec layout) {
  CallSpec s;
  s.topology = t;
  s.group_size = n;
  AccessProfile a;
  a.name = "fat";
  a.uplink_bps = a.downlink_bps = 1e9;
  a.latency = SimTime::ms(10);
  a.layout = layout;
  s.access = {a};
  return s;
}

std::vector<int> identity(int n) {
  std::vector<int> v(n);
  for (int i = 0; i < n; ++i) v[i] = i;
  return v;
}

std::vector<int> choose(const LayerChooser& c, int receiver, int n, std::vector<int> active, double budget) {
  std::vector<int> out(n, 7);
  const std::vector<int> rec = identity(n);
  c.receiver_layers(receiver, rec, active, budget, out);
  return out;
}

}  // namespace

TEST_CASE("layout layer chooser: the flow model's wire rates", "[media][packet][layout]") {
  const CallSpec s = call(TopologyKind::kSfu, 3, view(LayoutKind::kAllHd));
  const LayoutLayerChooser c(s, {0, 0, 0});
  CHECK(c.layer_wire_bps(0, 0) == Approx(k180));
  CHECK(c.layer_wire_bps(0, 1) == Approx(k360));
  CHECK(c.layer_wire_bps(0, 2) == Approx(k720));
  // Sender side: bottom-up while the layers fit, the lowest always.
  CHECK(c.sender_layers(0, 0) == 1);
  CHECK(c.sender_layers(0, k180 + k360) == 2);
  CHECK(c.sender_layers(0, k180 + k360 + k720 - 1) == 2);
  CHECK(c.sender_layers(0, k180 + k360 + k720) == 3);
}

TEST_CASE("layout layer chooser: asked layers per layout, no bottleneck", "[media][packet][layout]") {
  const double inf = kUnlimited;
  const std::vector<int> all3(9, 3);
  SECTION("gallery of 9 tiles: 1080 / 3 = 360 px tiles ask 360p from everyone") {
    const CallSpec s = call(TopologyKind::kSfu, 9, view(LayoutKind::kGallery));
    const LayoutLayerChooser c(s, std::vector<int>(9, 0));
    CHECK(choose(c, 0, 9, all3, inf) == std::vector<int>{-1, 1, 1, 1, 1, 1, 1, 1, 1});
  }
  SECTION("gallery capped at 4 tiles: 3 most recent speakers, 1080 / 2 = 540 px asks 720p") {
    LayoutSpec g = view(LayoutKind::kGallery);
    g.max_tiles = 4;
    const CallSpec s = call(TopologyKind::kSfu, 9, g);
    const LayoutLayerChooser c(s, std::vector<int>(9, 0));
    CHECK(choose(c, 0, 9, all3, inf) == std::vector<int>{-1, 2, 2, 2, -1, -1, -1, -1, -1});
    CHECK(choose(c, 2, 9, all3, inf) == std::vector<int>{2, 2, -1, 2, -1, -1, -1, -1, -1});
  }
  SECTION("speaker view: stage 720 px asks 720p, 120 px thumbnails ask 180p") {
    const CallSpec s = call(TopologyKind::kSfu, 9, view(LayoutKind::kSpeaker));
    const LayoutLayerChooser c(s, std::vector<int>(9, 0));
    // Receiver 0 is the current speaker: the previous one (1) is on its stage.
    CHECK(choose(c, 0, 9, all3, inf) == std::vector<int>{-1, 2, 0, 0, 0, 0, 0, 0, 0});
    CHECK(choose(c, 4, 9, all3, inf) == std::vector<int>{2, 0, 0, 0, -1, 0, 0, 0, 0});
    // A sender sending only its lowest layer cannot be raised.
    std::vector<int> act = all3;
    act[1] = 1;
    CHECK(choose(c, 0, 9, act, inf) == std::vector<int>{-1, 0, 0, 0, 0, 0, 0, 0, 0});
  }
  SECTION("audio-only: receives no video, and its camera is off") {
    CallSpec s = call(TopologyKind::kSfu, 4, view(LayoutKind::kSpeaker));
    s.access.push_back(s.access[0]);
    s.access[1].name = "audio";
    s.access[1].layout = view(LayoutKind::kAudioOnly);
    const LayoutLayerChooser c(s, {0, 1, 0, 0});
    CHECK(c.sends_video(0));
    CHECK_FALSE(c.sends_video(1));
    const std::vector<int> act{3, 0, 3, 3};
    CHECK(choose(c, 1, 4, act, inf) == std::vector<int>{-1, -1, -1, -1});
    // Receiver 0's stage tile is participant 1's, camera off: no video from it, the
    // thumbnails still ask 180p (topology/sfu.cpp drops camera-off tiles the same way).
    CHECK(choose(c, 0, 4, act, inf) == std::vector<int>{-1, -1, 0, 0});
  }
  SECTION("last-N applies to the SFU, not to a mesh") {
    CallSpec s = call(TopologyKind::kSfu, 6, view(LayoutKind::kAllHd));
    s.last_n = 3;
    const std::vector<int> act(6, 3);
    const LayoutLayerChooser sfu(s, std::vector<int>(6, 0));
    CHECK(choose(sfu, 5, 6, act, inf) == std::vector<int>{2, 2, 2, -1, -1, -1});
    s.topology = TopologyKind::kMesh;
    const LayoutLayerChooser mesh(s, std::vector<int>(6, 0));
    CHECK(choose(mesh, 5, 6, act, inf) == std::vector<int>{2, 2, 2, 2, 2, -1});
  }
}

TEST_CASE("layout layer chooser: the estimate limits the asks as the allocator does", "[media][packet][layout]") {
  const CallSpec s = call(TopologyKind::kSfu, 9, view(LayoutKind::kSpeaker));
  const LayoutLayerChooser c(s, std::vector<int>(9, 0));
  const std::vector<int> all3(9, 3);
  // Every visible sender first gets 180p (8 x k180), then the stage is raised while the
  // increments fit: to 360p (k360 - k180) but not 720p (k720 - k360 more).
  const double budget = 8 * k180 + (k360 - k180) + (k720 - k360) / 2;
  CHECK(choose(c, 0, 9, all3, budget) == std::vector<int>{-1, 1, 0, 0, 0, 0, 0, 0, 0});
  CHECK(choose(c, 0, 9, all3, 8 * k180 + (k720 - k180)) == std::vector<int>{-1, 2, 0, 0, 0, 0, 0, 0, 0});
  // Below 3 x 180p only the three highest-priority senders get video.
  CHECK(choose(c, 0, 9, all3, 3.5 * k180) == std::vector<int>{-1, 0, 0, 0, -1, -1, -1, -1, -1});
}

namespace {
PacketCallSpec fat_packet(TopologyKind t, int n, LayoutSpec layout) {
  PacketCallSpec p;
  p.call = call(t, n, layout);
  p.call.duration = SimTime::s(40);
  p.call.speaker_turn_mean = SimTime::h(10);  // no speaker change: a fixed stage
  return p;
}
}  // namespace

TEST_CASE("packet mode without a bottleneck forwards the layers each layout asks", "[media][packet][layout][validation]") {
  // Expected per receiver (flow-model definitions): gallery of 9 -> 8 x 360p at 500 kbit/s
  // = 4.0 Mbit/s of video payload, every tile 360 px high; speaker view of 9 -> one 720p
  // stage (2.5 Mbit/s) + 7 thumbnails at 180p (150 kbit/s) = 3.55 Mbit/s, mean height
  // (720 + 7 x 180) / 8 = 247.5 px. Rates within 5 % (encoder noise and the ramp-up
  // of the first seconds are in the call mean); heights exact (the final layers).
  struct Case {
    LayoutKind kind;
    double video_bps, height;
  };
  for (const Case& k : {Case{LayoutKind::kGallery, 8 * 500e3, 360}, Case{LayoutKind::kSpeaker, 2.5e6 + 7 * 150e3, 247.5}}) {
    const PacketCallResult r = simulate_packet_call(fat_packet(TopologyKind::kSfu, 9, view(k.kind)), 3);
    for (std::size_t j = 0; j < r.participants.size(); ++j) {
      INFO(to_string(k.kind) << " receiver " << j);
      CHECK(r.participants[j].height == Approx(k.height));
      CHECK(r.participants[j].video_received_bps == Approx(k.video_bps).epsilon(0.05));
    }
    CHECK(r.freezes_per_min == 0);
  }
}

TEST_CASE("packet mesh sends video only to peers whose layout shows it", "[media][packet][layout][validation]") {
  // Gallery of 4 tiles in a 6-person mesh: each receiver shows its 3 most recent
  // speakers, each at the top layer (mesh sends one encoding): 3 x 2.5 Mbit/s.
  LayoutSpec g = view(LayoutKind::kGallery);
  g.max_tiles = 4;
  const PacketCallResult r = simulate_packet_call(fat_packet(TopologyKind::kMesh, 6, g), 3);
  for (std::size_t j = 0; j < r.participants.size(); ++j) {
    INFO("receiver " << j);
    CHECK(r.participants[j].video_received_bps == Approx(3 * 2.5e6).epsilon(0.05));
  }
}
