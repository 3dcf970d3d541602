#include "app/scenario/video_layers_section.hpp"

namespace p2psim::scenario {

std::vector<media::VideoLayer> parse_video_layers(const Field& layers) {
  std::vector<media::VideoLayer> out;
  double last = 0;
  for (const Field& item : layers.items()) {
    item.allow_only({"height", "bitrate"});
    media::VideoLayer layer;
    layer.height = static_cast<int>(item.require("height").as_int(16, 4320));
    const Field br = item.require("bitrate");
    layer.bitrate_bps = br.as_rate(1e3, 1e9);
    if (layer.bitrate_bps <= last) br.fail("layers must be listed lowest bitrate first");
    last = layer.bitrate_bps;
    out.push_back(layer);
  }
  if (out.empty()) layers.fail_expected("at least one layer");
  return out;
}

}  // namespace p2psim::scenario
