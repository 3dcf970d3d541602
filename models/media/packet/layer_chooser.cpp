#include "models/media/packet/layer_chooser.hpp"

namespace p2psim::media::packet {

TableLayerChooser::TableLayerChooser(const CallSpec& spec) : layers_(spec.media.video.layers) {
  for (const VideoLayer& l : layers_)
    wire_.push_back(wire_bps(video_stream(spec.media.video, l.bitrate_bps), spec.media.overhead, LegTransport::kUdp));
}

int TableLayerChooser::sender_layers(int, double budget) const {
  int n = 0;
  double used = 0;
  for (std::size_t k = 0; k < wire_.size(); ++k) {
    if (k > 0 && used + wire_[k] > budget) break;
    used += wire_[k];
    ++n;
  }
  return n;
}

void TableLayerChooser::receiver_layers(int, std::span<const int> senders, std::span<const int> active,
                                        double budget, std::span<int> out) const {
  for (std::size_t s = 0; s < senders.size(); ++s) {
    out[s] = -1;
    if (active[s] > 0 && wire_[0] <= budget) {
      out[s] = 0;
      budget -= wire_[0];
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t s = 0; s < senders.size(); ++s) {
      if (out[s] < 0 || out[s] + 1 >= active[s]) continue;
      const double inc = wire_[out[s] + 1] - wire_[out[s]];
      if (inc <= budget) {
        budget -= inc;
        ++out[s];
        changed = true;
      }
    }
  }
}

}  // namespace p2psim::media::packet
