// Layout: what one receiver displays, hence which remote videos it asks for and at what
// size. Shared by every mode of the group-call model (flow level here; a packet-level
// mode uses the same definitions). Independent of any solver.
//
// Kinds (the choice of a participant's client, e.g. phones use speaker view):
//   all-hd     every remote video visible at full size (the old worst case: every
//              receiver asks every sender's top layer);
//   speaker    one stage tile (the current dominant speaker; the previous one for the
//              speaker itself) of stage_height, every other remote video as a thumbnail
//              of thumbnail_height (Jitsi Meet's stage view with its filmstrip);
//   gallery    a grid of min(N, max_tiles) tiles, the local self view included; the
//              max_tiles - 1 most recent speakers are visible; tile height from the count
//              (gallery_tile_height);
//   audio-only no video received (and none sent: the client's camera is off).
// Heights are in layout pixels; pixel_density turns them into device pixels, which the
// layer choice compares with the layers' heights (LiveKit adaptive stream multiplies the
// element size by the screen's pixel density).
// Defaults and their sources: docs/models/media.md, section "Layouts".
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace p2psim::media {

enum class LayoutKind : std::uint8_t { kAllHd, kSpeaker, kGallery, kAudioOnly };
const char* to_string(LayoutKind k);

struct LayoutSpec {
  LayoutKind kind = LayoutKind::kAllHd;
  int stage_height = 720;       // px; Jitsi Meet VIDEO_QUALITY_LEVELS.HIGH for the large video
  int thumbnail_height = 120;   // px; Jitsi Meet filmstrip thumbnail height (FILM_STRIP_MAX_HEIGHT)
  int screen_height = 1080;     // px; height of the gallery grid (a 1080p screen)
  int max_tiles = 25;           // gallery: tiles on screen, self view included (5 x 5)
  double pixel_density = 1.0;   // device px per layout px
  double thumbnail_fps = 0;     // frames/s a thumbnail asks (SVC temporal layers); 0 = full rate
};

// A tile of `height` device pixels that is always satisfied by the top layer.
inline constexpr int kFullSizeTile = std::numeric_limits<int>::max();

// One visible remote video: which sender, the tile's height in device pixels, and whether
// it is the stage (speaker view) tile.
struct TileRequest {
  int sender = -1;
  int height = kFullSizeTile;
  double fps = 0;  // asked frame rate; 0 = full rate
  bool stage = false;
};

// Grid tile height in layout px for `tiles` tiles (>= 1) on a 16:9 screen of
// screen_height: c = ceil(sqrt(tiles)) columns, r = ceil(tiles / c) rows of 16:9 tiles,
// height = screen_height / max(c, r) (= screen_height / c, since c >= r).
int gallery_tile_height(const LayoutSpec& l, int tiles);

// Visible remote videos for `receiver`, in priority order (stage first, then speaker
// recency). `recency`: every participant once, most recent speaker first. last_n > 0
// caps the number of visible remote videos (Jitsi's last-N); 0 = no cap.
// Preconditions: receiver appears in recency; recency.size() >= 2 or the result is empty.
void visible_tiles(const LayoutSpec& l, int receiver, std::span<const int> recency, int last_n,
                   std::vector<TileRequest>& out);

// Whether a participant on this layout sends video at all (audio-only: camera off).
inline bool sends_video(const LayoutSpec& l) { return l.kind != LayoutKind::kAudioOnly; }

}  // namespace p2psim::media
