// Codec cost model: CPU cores one video or audio encode/decode needs, for clients (mesh,
// SFU and MCU participants) and for the MCU alike. Shared by every mode of the
// group-call model; independent of any solver.
//
// Cost is in reference cores (one core of the machine the figures were measured on; a
// device's `speed` converts, see device.hpp). Real-time video coding cost scales with
// pixels per second (libvpx's encode time is roughly linear in the number of
// macroblocks coded per second):
//   encode(h, fps) = encode_720p30 * (h / 720)^2 * fps / 30
//   decode(h, fps) = decode_720p30 * (h / 720)^2 * fps / 30
// A simulcast sender encodes each layer it sends (sum over layers); an SVC sender
// encodes every spatial layer of its one stream (the same sum: libvpx's VP9 SVC encoder
// codes each spatial layer in turn). Defaults and sources: docs/models/media.md.
#pragma once

#include <span>

#include "models/media/media_profile.hpp"

namespace p2psim::media {

struct CodecCostModel {
  double encode_720p30 = 0.26;   // cores per 720p30 VP8 real-time encode (vpxenc --rt --cpu-used=-6, measured)
  double decode_720p30 = 0.074;  // cores per 720p30 VP8 decode (vpxdec, measured)
  double audio_encode = 0.005;   // cores per Opus encode
  double audio_decode = 0.002;   // cores per Opus decode

  // (h / 720)^2 * fps / 30. Preconditions: h > 0, fps > 0.
  static double scale(int height, double fps) {
    const double r = static_cast<double>(height) / 720.0;
    return r * r * fps / 30.0;
  }
  double encode(int height, double fps) const { return encode_720p30 * scale(height, fps); }
  double decode(int height, double fps) const { return decode_720p30 * scale(height, fps); }
  // Encoding the `count` lowest layers of a ladder (simulcast or SVC spatial layers).
  // Precondition: 0 <= count <= layers.size().
  double encode_layers(std::span<const VideoLayer> layers, int count, double fps) const {
    double c = 0;
    for (int k = 0; k < count; ++k) c += encode(layers[static_cast<std::size_t>(k)].height, fps);
    return c;
  }
};

}  // namespace p2psim::media
