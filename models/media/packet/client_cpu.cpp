// Client CPU limits in the packet mode, with the flow model's definitions (device.hpp,
// codec_cost.hpp): a client whose codecs need more reference cores than its device class
// supplies falls behind in proportion, encoding and rendering cores x speed / need of its
// frames (libwebrtc's CPU overuse detection lowers the encoder's frame rate; a decoder
// short of CPU drops frames). Here the need is measured: every video frame the client is
// asked to encode (each simulcast layer, each mesh peer connection) or to render costs
// encode(h, fps) / fps or decode(h, fps) / fps core-seconds, every audio frame its encode
// or decode cost; over each 1 s window the factor becomes min(1, capacity / need) for the
// next window (libwebrtc's OveruseFrameDetector also acts on a measured usage over a
// window), and frames are skipped evenly (a credit of `factor` per frame, a frame passing
// when the credit reaches 1). A skipped encode sends nothing (the stream's frame rate and
// rate drop by the factor, as the flow model scales encoded video); a skipped render is
// not shown (fewer frames, possibly freezes). Audio is never skipped.
#include <algorithm>

#include "models/media/packet/call_driver.hpp"

namespace p2psim::media::packet::detail {

double CallDriver::frame_core_s(bool encode, int height) const {
  const CodecCostModel& c = spec_.call.codec;
  const double fps = spec_.call.media.video.fps;
  return (encode ? c.encode(height, fps) : c.decode(height, fps)) / fps;
}

void CallDriver::cpu_tick() {
  for (ClientCpu& c : cpu_) {
    if (!std::isfinite(c.capacity)) continue;
    c.factor = c.need_s > c.capacity ? c.capacity / c.need_s : 1.0;  // need over a 1 s window = cores
    c.need_s = 0;
  }
  sim_.schedule_after(SimTime::s(1), [this] { cpu_tick(); });
}

// Called once per video tick of participant i; the tick's encodes were costed last time.
bool CallDriver::cpu_admit_encode(int i) {
  if (!cpu_limited(i)) return true;
  ClientCpu& c = cpu_[static_cast<std::size_t>(i)];
  c.need_s += c.tick_encode_s;
  c.encode_credit += c.factor;
  if (c.encode_credit < 1) return false;
  c.encode_credit -= 1;
  return true;
}

bool CallDriver::cpu_admit_render(int j, int height) {
  if (!cpu_limited(j)) return true;
  ClientCpu& c = cpu_[static_cast<std::size_t>(j)];
  c.need_s += frame_core_s(false, height);
  c.render_credit += c.factor;
  if (c.render_credit < 1) return false;
  c.render_credit -= 1;
  return true;
}

}  // namespace p2psim::media::packet::detail
