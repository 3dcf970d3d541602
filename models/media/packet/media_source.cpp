#include "models/media/packet/media_source.hpp"

#include <algorithm>
#include <cmath>

namespace p2psim::media::packet {

void VideoEncoder::set_target(SimTime now, double bps) {
  bps = std::max(bps, spec_.min_bps);
  if (!any_) {
    rate_ = bps;  // the first target is the configured start rate
    any_ = true;
    return;
  }
  pending_.push_back({now + spec_.reaction, bps});
}

double VideoEncoder::applied_target(SimTime now) {
  while (!pending_.empty() && pending_.front().first <= now) {
    rate_ = pending_.front().second;
    pending_.pop_front();
  }
  return rate_;
}

EncodedFrame VideoEncoder::encode(SimTime now) {
  EncodedFrame f;
  f.target_bps = applied_target(now);
  const double nominal = f.target_bps / spec_.fps / 8.0;
  const bool periodic = spec_.key_interval > SimTime::zero() && now - last_key_ >= spec_.key_interval;
  double size;
  if (key_requested_ || periodic) {
    f.key = true;
    key_requested_ = false;
    last_key_ = now;
    size = spec_.key_ratio * nominal;
    // The excess is paid back by the next delta frames; at most one key frame's excess is
    // carried (a burst of PLIs costs extra rate, as a real encoder's would).
    debt_bytes_ = std::min(debt_bytes_ + size - nominal, size - nominal);
  } else {
    const double sigma = spec_.noise;
    const double noise = sigma > 0 ? rng_.lognormal(-0.5 * sigma * sigma, sigma) : 1.0;
    const double pay = std::min(debt_bytes_, 0.5 * nominal);
    debt_bytes_ -= pay;
    size = (nominal - pay) * noise;
  }
  f.bytes = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(size)));
  return f;
}

std::int64_t audio_frame_bytes(const AudioSourceSpec& a) {
  return std::max<std::int64_t>(1, std::llround(a.bitrate_bps * a.frame.seconds() / 8.0));
}

bool dtx_sends(const AudioSourceSpec& a, std::int64_t slot) {
  const std::int64_t every = std::max<std::int64_t>(1, a.dtx_interval.count_ns() / a.frame.count_ns());
  return slot % every == 0;
}

}  // namespace p2psim::media::packet
