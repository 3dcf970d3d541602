// Layouts and the layer choice, checked against values computed here from their
// definitions (grid geometry, the VP8 720p ladder's heights, header sizes).
#include <catch2/catch.hpp>

#include <vector>

#include "models/media/group_call.hpp"
#include "models/media/layer_choice.hpp"
#include "models/media/layout.hpp"

using namespace p2psim;
using namespace p2psim::media;
using Catch::Matchers::WithinRel;

namespace {

// Wire rates with 50 B of headers per packet (IPv4 + UDP + RTP + SRTP tag):
// audio 32 kbit/s in 50 packets/s; 180p 150 kbit/s = 625 B/frame -> 1 packet/frame;
// 360p 500 kbit/s = 2083 B/frame -> 2 packets; 720p 2500 kbit/s = 10417 B -> 9 packets.
constexpr double kH = 50;
const double kAudio = 32'000 + 50 * 8 * kH;
const double k180 = 150'000 + 30 * 1 * 8 * kH;
const double k360 = 500'000 + 30 * 2 * 8 * kH;
const double k720 = 2'500'000 + 30 * 9 * 8 * kH;

CallSpec fat_call(TopologyKind t, int n, LayoutSpec layout) {
  CallSpec s;
  s.topology = t;
  s.group_size = n;
  s.duration = SimTime::s(60);
  AccessProfile a;
  a.name = "fat";
  a.uplink_bps = a.downlink_bps = 1e12;
  a.latency = SimTime::ms(5);
  a.layout = layout;
  s.access = {a};
  return s;
}

LayoutSpec view(LayoutKind k) {
  LayoutSpec l;
  l.kind = k;
  return l;
}

}  // namespace

TEST_CASE("gallery tile height: ceil(sqrt(tiles)) columns of 16:9 tiles on a 16:9 screen", "[media][layout]") {
  LayoutSpec l = view(LayoutKind::kGallery);  // 1080 px high
  CHECK(gallery_tile_height(l, 1) == 1080);
  CHECK(gallery_tile_height(l, 2) == 540);   // 2 columns, 1 row
  CHECK(gallery_tile_height(l, 4) == 540);   // 2 x 2
  CHECK(gallery_tile_height(l, 9) == 360);   // 3 x 3
  CHECK(gallery_tile_height(l, 10) == 270);  // 4 columns, 3 rows
  CHECK(gallery_tile_height(l, 25) == 216);  // 5 x 5
  l.screen_height = 540;
  CHECK(gallery_tile_height(l, 9) == 180);
}

TEST_CASE("covering layer: the lowest layer at least as tall as the tile", "[media][layout]") {
  const std::vector<VideoLayer> ladder = VideoProfile::vp8_720p_ladder();  // 180, 360, 720
  CHECK(covering_layer(ladder, 120) == 0);
  CHECK(covering_layer(ladder, 180) == 0);
  CHECK(covering_layer(ladder, 216) == 1);
  CHECK(covering_layer(ladder, 360) == 1);
  CHECK(covering_layer(ladder, 540) == 2);
  CHECK(covering_layer(ladder, 1080) == 2);            // nothing covers: the top layer
  CHECK(covering_layer(ladder, kFullSizeTile) == 2);   // all-hd
}

TEST_CASE("a 9-tile gallery asks the 360p layer on a 1080p screen, 180p on a 540 px window", "[media][layout]") {
  const std::vector<VideoLayer> ladder = VideoProfile::vp8_720p_ladder();
  LayoutSpec l = view(LayoutKind::kGallery);
  const std::vector<int> recency = {3, 1, 4, 0, 5, 2, 6, 8, 7};  // 9 participants: 9 tiles with the self view
  std::vector<TileRequest> tiles;
  visible_tiles(l, 0, recency, 0, tiles);
  REQUIRE(tiles.size() == 8);
  for (const TileRequest& t : tiles) CHECK(covering_layer(ladder, t.height) == 1);
  CHECK(tiles[0].sender == 3);
  CHECK(tiles[1].sender == 1);
  l.screen_height = 540;
  visible_tiles(l, 0, recency, 0, tiles);
  for (const TileRequest& t : tiles) CHECK(covering_layer(ladder, t.height) == 0);
  // A retina screen (pixel density 2) doubles the device pixels: 360 -> 720 -> the top layer.
  l.screen_height = 1080;
  l.pixel_density = 2;
  visible_tiles(l, 0, recency, 0, tiles);
  for (const TileRequest& t : tiles) CHECK(covering_layer(ladder, t.height) == 2);
}

TEST_CASE("gallery shows at most max_tiles - 1 remote videos, the most recent speakers", "[media][layout]") {
  LayoutSpec l = view(LayoutKind::kGallery);
  l.max_tiles = 4;
  const std::vector<int> recency = {5, 0, 7, 2, 9, 1, 3, 4, 6, 8};
  std::vector<TileRequest> tiles;
  visible_tiles(l, 0, recency, 0, tiles);
  REQUIRE(tiles.size() == 3);  // 4 tiles, one is the self view
  CHECK(tiles[0].sender == 5);
  CHECK(tiles[1].sender == 7);
  CHECK(tiles[2].sender == 2);
  CHECK(tiles[0].height == 540);  // a 2 x 2 grid
}

TEST_CASE("speaker view: one stage tile and N-2 thumbnails", "[media][layout]") {
  const std::vector<VideoLayer> ladder = VideoProfile::vp8_720p_ladder();
  const LayoutSpec l = view(LayoutKind::kSpeaker);  // stage 720 px, thumbnails 120 px
  const std::vector<int> recency = {4, 2, 0, 1, 3, 5};
  std::vector<TileRequest> tiles;
  visible_tiles(l, 2, recency, 0, tiles);
  // N = 6: the stage (participant 4) plus N - 2 = 4 thumbnails (0, 1, 3, 5).
  REQUIRE(tiles.size() == 5);
  CHECK(tiles[0].sender == 4);
  CHECK(tiles[0].stage);
  CHECK(covering_layer(ladder, tiles[0].height) == 2);
  for (std::size_t k = 1; k < tiles.size(); ++k) {
    CHECK_FALSE(tiles[k].stage);
    CHECK(covering_layer(ladder, tiles[k].height) == 0);
  }
  // The speaker sees the previous speaker on stage.
  visible_tiles(l, 4, recency, 0, tiles);
  REQUIRE(tiles.size() == 5);
  CHECK(tiles[0].sender == 2);
  // last_n caps visible videos (stage included).
  visible_tiles(l, 2, recency, 2, tiles);
  CHECK(tiles.size() == 2);
  visible_tiles(view(LayoutKind::kAudioOnly), 2, recency, 0, tiles);
  CHECK(tiles.empty());
}

TEST_CASE("allocator: lowest layers first in priority order, then one step up per round, never above the ask",
          "[media][layout]") {
  const std::vector<double> wire = {k180, k360, k720};
  // Three senders asking 720p, 180p, 360p; all send three layers.
  const std::vector<LayerAsk> asks = {{2, 3, 1.0}, {0, 3, 1.0}, {1, 3, 1.0}};
  std::vector<int> sel(3);
  // Unlimited budget: exactly the asks.
  allocate_layers(1e12, wire, asks, sel);
  CHECK(sel == std::vector<int>{2, 0, 1});
  // Budget for three 180p layers plus one 360p increment: the first sender in priority
  // order (the stage) takes the increment; its next increment (720p) does not fit.
  const double budget = 3 * k180 + (k360 - k180) + 1000;
  const double left = allocate_layers(budget, wire, asks, sel);
  CHECK(sel == std::vector<int>{1, 0, 0});
  CHECK_THAT(left, WithinRel(1000.0, 1e-9));
  // A sender that sends only its lowest layer caps what can be forwarded.
  const std::vector<LayerAsk> thin = {{2, 1, 1.0}};
  std::vector<int> one(1);
  allocate_layers(1e12, wire, thin, one);
  CHECK(one[0] == 0);
  // Nothing fits: not forwarded.
  allocate_layers(k180 / 2, wire, thin, one);
  CHECK(one[0] == -1);
}

TEST_CASE("SFU speaker view: each receiver gets one 720p stage and N-2 180p thumbnails", "[media][layout]") {
  const int n = 10;
  const CallResult r = simulate_group_call(fat_call(TopologyKind::kSfu, n, view(LayoutKind::kSpeaker)), 3);
  CHECK(r.replans > 1);  // the stage follows the speaker
  for (const ParticipantResult& p : r.participants) {
    CHECK_THAT(p.downlink_delivered_bps, WithinRel((n - 1) * kAudio + k720 + (n - 2) * k180, 1e-9));
    CHECK_THAT(p.uplink_delivered_bps, WithinRel(kAudio + k180 + k360 + k720, 1e-9));
    CHECK(p.all_full);
  }
  CHECK_THAT(r.servers[kSfuServer].egress_bps, WithinRel(n * ((n - 1) * kAudio + k720 + (n - 2) * k180), 1e-9));
}

TEST_CASE("SFU gallery of 9: every receiver gets 8 videos at 360p", "[media][layout]") {
  const int n = 9;
  const CallResult r = simulate_group_call(fat_call(TopologyKind::kSfu, n, view(LayoutKind::kGallery)), 3);
  for (const ParticipantResult& p : r.participants)
    CHECK_THAT(p.downlink_delivered_bps, WithinRel((n - 1) * (kAudio + k360), 1e-9));
  CHECK(r.all_full);
}

TEST_CASE("audio-only participants send and receive no video - mesh sends video only to viewers", "[media][layout]") {
  const int n = 4;
  CallSpec s = fat_call(TopologyKind::kMesh, n, view(LayoutKind::kAllHd));
  AccessProfile audio = s.access[0];
  audio.name = "audio";
  audio.layout = view(LayoutKind::kAudioOnly);
  s.access.push_back(audio);
  s.access_assignment = {1, 0, 0, 0};
  const CallResult r = simulate_group_call(s, 1);
  // Participant 0: 3 audio streams up and down, no video.
  CHECK_THAT(r.participants[0].uplink_delivered_bps, WithinRel(3 * kAudio, 1e-9));
  CHECK_THAT(r.participants[0].downlink_delivered_bps, WithinRel(3 * kAudio, 1e-9));
  // The others: audio to 3 peers, video to the 2 peers that show video.
  for (int i = 1; i < n; ++i) CHECK_THAT(r.participants[i].uplink_delivered_bps, WithinRel(3 * kAudio + 2 * k720, 1e-9));
  CHECK(r.all_full);
}

TEST_CASE("all-hd keeps the old closed forms: SFU downlink (N-1)(a + v_top)", "[media][layout]") {
  const int n = 7;
  const CallResult r = simulate_group_call(fat_call(TopologyKind::kSfu, n, view(LayoutKind::kAllHd)), 2);
  for (const ParticipantResult& p : r.participants)
    CHECK_THAT(p.downlink_delivered_bps, WithinRel((n - 1) * (kAudio + k720), 1e-9));
  CHECK_THAT(r.servers[kSfuServer].egress_bps, WithinRel(n * (n - 1) * (kAudio + k720), 1e-9));
}
