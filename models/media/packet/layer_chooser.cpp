#include "models/media/packet/layer_chooser.hpp"

#include <algorithm>

namespace p2psim::media::packet {

LayoutLayerChooser::LayoutLayerChooser(const CallSpec& spec, std::vector<int> profile)
    : video_(spec.media.video),
      layers_(spec.media.video.layers),
      last_n_(spec.topology == TopologyKind::kSfu ? spec.last_n : 0) {
  // SVC only through an SFU (mesh and MCU receive one adaptive encoding).
  if (spec.topology != TopologyKind::kSfu) video_.scalability = Scalability::kSimulcast;
  const double scale = svc() ? 1.0 + video_.svc_overhead : 1.0;
  for (const VideoLayer& l : layers_) {
    payload_.push_back(l.bitrate_bps * scale);
    wire_.push_back(wire_bps(video_stream(video_, payload_.back()), spec.media.overhead, LegTransport::kUdp));
  }
  for (int p : profile) layout_.push_back(&spec.access[static_cast<std::size_t>(p)].layout);
}

bool LayoutLayerChooser::sends_video(int sender) const {
  return !layers_.empty() && media::sends_video(layout(sender));
}

int LayoutLayerChooser::sender_layers(int, double budget) const {
  if (svc()) {  // one stream up to the highest spatial layer that fits (the lowest always)
    int top = 0;
    for (std::size_t k = 1; k < wire_.size(); ++k)
      if (wire_[k] <= budget) top = static_cast<int>(k);
    return wire_.empty() ? 0 : top + 1;
  }
  int n = 0;
  double used = 0;
  for (std::size_t k = 0; k < wire_.size(); ++k) {
    if (k > 0 && used + wire_[k] > budget) break;
    used += wire_[k];
    ++n;
  }
  return n;
}

void LayoutLayerChooser::receiver_layers(int receiver, std::span<const int> recency, std::span<const int> active,
                                         double budget, std::span<int> out) const {
  std::fill(out.begin(), out.end(), -1);
  if (layers_.empty()) return;
  visible_tiles(layout(receiver), receiver, recency, last_n_, tiles_);
  // A tile of a participant with its camera off shows no video (as topology/sfu.cpp).
  std::erase_if(tiles_, [&](const TileRequest& t) { return !sends_video(t.sender); });
  asks_.resize(tiles_.size());
  for (std::size_t s = 0; s < tiles_.size(); ++s) {
    // Simulcast: whole layers (rate_scale 1); SVC: the temporal layers the tile keeps.
    double fps = 0;
    const double scale = svc() ? temporal_share(video_, tiles_[s].fps, fps) : 1.0;
    asks_[s] = LayerAsk{covering_layer(layers_, tiles_[s].height), active[static_cast<std::size_t>(tiles_[s].sender)], scale};
  }
  sel_.resize(tiles_.size());
  allocate_layers(budget, wire_, asks_, sel_);
  for (std::size_t s = 0; s < tiles_.size(); ++s) out[static_cast<std::size_t>(tiles_[s].sender)] = sel_[s];
}

void LayoutLayerChooser::receiver_fps(int receiver, std::span<const int> recency, std::span<double> out) const {
  std::fill(out.begin(), out.end(), 0.0);
  if (layers_.empty()) return;
  visible_tiles(layout(receiver), receiver, recency, last_n_, tiles_);
  for (const TileRequest& t : tiles_) out[static_cast<std::size_t>(t.sender)] = t.fps;
}

}  // namespace p2psim::media::packet
