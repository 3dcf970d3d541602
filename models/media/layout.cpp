#include "models/media/layout.hpp"

#include <algorithm>
#include <cmath>

namespace p2psim::media {

const char* to_string(LayoutKind k) {
  switch (k) {
    case LayoutKind::kAllHd: return "all-hd";
    case LayoutKind::kSpeaker: return "speaker";
    case LayoutKind::kGallery: return "gallery";
    case LayoutKind::kAudioOnly: return "audio-only";
  }
  return "?";
}

int gallery_tile_height(const LayoutSpec& l, int tiles) {
  tiles = std::max(tiles, 1);
  int c = 1;
  while (c * c < tiles) ++c;  // ceil(sqrt(tiles)) without floating point
  const int r = (tiles + c - 1) / c;
  return l.screen_height / std::max(c, r);
}

namespace {
int device_px(const LayoutSpec& l, int layout_px) {
  return static_cast<int>(std::ceil(static_cast<double>(layout_px) * l.pixel_density - 1e-9));
}
}  // namespace

void visible_tiles(const LayoutSpec& l, int receiver, std::span<const int> recency, int last_n,
                   std::vector<TileRequest>& out) {
  out.clear();
  const int n = static_cast<int>(recency.size());
  if (n < 2 || l.kind == LayoutKind::kAudioOnly) return;
  int cap = n - 1;
  if (last_n > 0) cap = std::min(cap, last_n);
  switch (l.kind) {
    case LayoutKind::kAllHd:
      for (int s : recency) {
        if (s == receiver) continue;
        if (static_cast<int>(out.size()) >= cap) break;
        out.push_back(TileRequest{s, kFullSizeTile, 0, false});
      }
      return;
    case LayoutKind::kSpeaker: {
      bool stage = true;
      for (int s : recency) {
        if (s == receiver) continue;
        if (static_cast<int>(out.size()) >= cap) break;
        if (stage) out.push_back(TileRequest{s, device_px(l, l.stage_height), 0, true});
        else out.push_back(TileRequest{s, device_px(l, l.thumbnail_height), l.thumbnail_fps, false});
        stage = false;
      }
      return;
    }
    case LayoutKind::kGallery: {
      const int tiles = std::min(n, std::max(l.max_tiles, 1));  // self view included
      cap = std::min(cap, tiles - 1);
      const int h = device_px(l, gallery_tile_height(l, tiles));
      for (int s : recency) {
        if (s == receiver) continue;
        if (static_cast<int>(out.size()) >= cap) break;
        out.push_back(TileRequest{s, h, 0, false});
      }
      return;
    }
    case LayoutKind::kAudioOnly: return;
  }
}

}  // namespace p2psim::media
