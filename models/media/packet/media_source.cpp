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

int svc_temporal_id(std::uint32_t index, int temporal_layers) {
  const int t = std::clamp(temporal_layers, 1, 3);
  const std::uint32_t period = 1u << (t - 1);
  const std::uint32_t r = index % period;
  if (r == 0) return 0;
  int ctz = 0;
  while (((r >> ctz) & 1u) == 0) ++ctz;
  return t - 1 - ctz;
}

namespace {
// Cumulative rate share of temporal ids 0..tid (temporal_share at fps / 2^(T-1-tid)).
double cumulative_share(const VideoProfile& v, int tid) {
  const int t = std::clamp(v.temporal_layers, 1, 3);
  if (tid >= t - 1) return 1.0;
  double fps = 0;
  return temporal_share(v, v.fps / static_cast<double>(1 << (t - 1 - tid)), fps);
}
}  // namespace

double svc_temporal_size_factor(const VideoProfile& v, int tid) {
  const int t = std::clamp(v.temporal_layers, 1, 3);
  const double period = static_cast<double>(1 << (t - 1));
  const double frames = tid == 0 ? 1.0 : static_cast<double>(1 << (tid - 1));  // frames of this id per period
  const double share = cumulative_share(v, tid) - (tid == 0 ? 0.0 : cumulative_share(v, tid - 1));
  return share * period / frames;
}

int svc_temporal_layers_kept(const VideoProfile& v, double fps) {
  const int t = std::clamp(v.temporal_layers, 1, 3);
  double delivered = v.fps;
  temporal_share(v, fps, delivered);
  int kept = t;
  for (double f = v.fps; kept > 1 && f > delivered * (1 + 1e-9); f /= 2) --kept;
  return kept;
}

void svc_split(std::int64_t bytes, std::span<const double> cumulative_bps, double target_bps, int top,
               std::int64_t mtu, std::span<std::int64_t> layer_bytes, std::span<int> layer_packets) {
  const double total = std::min(cumulative_bps[static_cast<std::size_t>(top)], target_bps);
  std::int64_t before = 0;
  for (int s = 0; s <= top; ++s) {
    const double upto = s == top ? total : std::min(cumulative_bps[static_cast<std::size_t>(s)], target_bps);
    const std::int64_t cum =
        s == top ? bytes : (total > 0 ? static_cast<std::int64_t>(static_cast<double>(bytes) * upto / total) : 0);
    layer_bytes[s] = std::max<std::int64_t>(0, cum - before);
    before = std::max(before, cum);
    layer_packets[s] = static_cast<int>(std::max<std::int64_t>(1, (layer_bytes[s] + mtu - 1) / mtu));
  }
}

std::int64_t audio_frame_bytes(const AudioSourceSpec& a) {
  return std::max<std::int64_t>(1, std::llround(a.bitrate_bps * a.frame.seconds() / 8.0));
}

bool dtx_sends(const AudioSourceSpec& a, std::int64_t slot) {
  const std::int64_t every = std::max<std::int64_t>(1, a.dtx_interval.count_ns() / a.frame.count_ns());
  return slot % every == 0;
}

}  // namespace p2psim::media::packet
