// Parses a simulcast ladder written as a list of {height, bitrate} maps, lowest bitrate
// first (e.g. `[{height: 180, bitrate: 150kbps}, {height: 720, bitrate: 2500kbps}]`).
// Shared by every study that takes a video profile.
#pragma once

#include <vector>

#include "app/scenario/field.hpp"
#include "models/media/media_profile.hpp"

namespace p2psim::scenario {

// Errors: not a list, unknown keys, height outside [16, 4320], bitrate outside
// [1kbps, 1Gbps], bitrates not increasing, or an empty list.
std::vector<media::VideoLayer> parse_video_layers(const Field& layers);

}  // namespace p2psim::scenario
