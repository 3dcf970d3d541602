#include "models/media/layer_choice.hpp"

#include <algorithm>

namespace p2psim::media {

int covering_layer(std::span<const VideoLayer> layers, int tile_height) {
  for (std::size_t k = 0; k < layers.size(); ++k)
    if (layers[k].height >= tile_height) return static_cast<int>(k);
  return static_cast<int>(layers.size()) - 1;
}

double allocate_layers(double budget, std::span<const double> layer_wire, std::span<const LayerAsk> asks,
                       std::span<int> sel) {
  std::fill(sel.begin(), sel.end(), -1);
  for (std::size_t s = 0; s < asks.size(); ++s) {
    if (asks[s].available <= 0) continue;
    const double w0 = layer_wire[0] * asks[s].rate_scale;
    if (w0 <= budget) {
      sel[s] = 0;
      budget -= w0;
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t s = 0; s < asks.size(); ++s) {
      const int top = std::min(asks[s].asked, asks[s].available - 1);
      if (sel[s] < 0 || sel[s] >= top) continue;
      const double inc = (layer_wire[sel[s] + 1] - layer_wire[sel[s]]) * asks[s].rate_scale;
      if (inc <= budget) {
        budget -= inc;
        ++sel[s];
        changed = true;
      }
    }
  }
  return budget;
}

PacketStream svc_relay_stream(std::span<const PacketStream> cumulative, std::span<const double> keep) {
  PacketStream out;
  PacketStream below;
  for (std::size_t s = 0; s < keep.size(); ++s) {
    out.payload_bps += keep[s] * (cumulative[s].payload_bps - below.payload_bps);
    out.packets_per_s += keep[s] * (cumulative[s].packets_per_s - below.packets_per_s);
    below = cumulative[s];
  }
  return out;
}

}  // namespace p2psim::media
