#include "models/media/packet/receivers.hpp"

#include <algorithm>
#include <cmath>

namespace p2psim::media::packet {

namespace {
constexpr double kNoiseStdDevs = 2.33;     // jitter_estimator.cc
constexpr int kNackLimit = 3;              // jitter_estimator.cc nack_limit
constexpr double kQuantile = 0.95;         // delay_manager.h Config::quantile
constexpr double kForget = 0.983;          // delay_manager.h Config::forget_factor
constexpr double kBucketMs = 20;           // NetEq histogram bucket (one 20 ms packet)
}  // namespace

bool VideoReceiver::on_packet(SimTime now, int layer, std::uint32_t frame, int count, bool key, SimTime capture, bool rtx,
                              SimTime rtt) {
  if (rtx) ++nacked_;
  rtt_ = rtt;
  Pending& p = frames_[{layer, frame}];
  p.count = count;
  p.key = key;
  p.capture = capture;
  ++p.got;
  if (p.got == p.count) p.complete = now;
  return try_decode(now);
}

void VideoReceiver::render(SimTime now, SimTime capture, int layer) {
  const double transit = (now - capture).seconds();
  min_transit_s_ = std::min(min_transit_s_, transit);
  if (prev_transit_ >= 0) {
    const double d = transit - prev_transit_;
    mean_ = 0.95 * mean_ + 0.05 * d;
    var_ = 0.95 * var_ + 0.05 * (d - mean_) * (d - mean_);
  }
  prev_transit_ = transit;
  const double jitter = kNoiseStdDevs * std::sqrt(var_) + (nacked_ >= kNackLimit ? rtt_.seconds() : 0.0);
  SimTime at = std::max(now, capture + SimTime::from_seconds(min_transit_s_ + jitter));
  if (any_render_) at = std::max(at, last_render_);
  any_render_ = true;
  last_render_ = at;
  ++frames_decoded;
  last_layer = layer;
  if (keep_renders) renders.push_back({capture, at, layer});
  if (on_render) on_render(capture, at);
}

bool VideoReceiver::try_decode(SimTime now) {
  bool want_key = false;
  for (bool progress = true; progress;) {
    progress = false;
    // In-order decode on the current layer.
    if (chain_ok_) {
      auto it = frames_.find({cur_layer_, next_frame_});
      if (it != frames_.end() && it->second.got == it->second.count) {
        render(now, it->second.capture, cur_layer_);
        frames_.erase(it);
        ++next_frame_;
        progress = true;
        continue;
      }
    }
    // A complete key frame newer than the current position restarts (or switches) the chain.
    for (auto it = frames_.begin(); it != frames_.end(); ++it) {
      const Pending& p = it->second;
      if (!p.key || p.got != p.count) continue;
      const bool newer_layer = it->first.first != cur_layer_;
      if (chain_ok_ && !newer_layer && it->first.second < next_frame_) continue;
      if (chain_ok_ && !newer_layer) continue;  // same layer, in order: handled above once reached
      const SimTime cap = p.capture;
      cur_layer_ = it->first.first;
      next_frame_ = it->first.second;
      chain_ok_ = true;
      for (auto jt = frames_.begin(); jt != frames_.end();)
        jt = jt->second.capture < cap && jt->first.first != cur_layer_ ? frames_.erase(jt) : std::next(jt);
      progress = true;
      break;
    }
  }
  // Give up a missing frame once a later frame of the layer completed long enough ago.
  if (chain_ok_) {
    for (const auto& [k, p] : frames_) {
      if (k.first != cur_layer_ || k.second <= next_frame_ || p.got != p.count) continue;
      if (now - p.complete >= abandon_after) {
        chain_ok_ = false;
        ++frames_abandoned;
        break;
      }
    }
  }
  if (!chain_ok_) {
    // Delta frames cannot decode: drop them; keep key frames and incomplete frames.
    for (auto it = frames_.begin(); it != frames_.end();)
      it = (!it->second.key && it->second.got == it->second.count) ? frames_.erase(it) : std::next(it);
    if (now - last_pli_ >= pli_interval) {
      last_pli_ = now;
      ++plis;
      want_key = true;
    }
  }
  // Bound the buffer: frames older than 3 s are gone for good.
  for (auto it = frames_.begin(); it != frames_.end();)
    it = now - it->second.capture > SimTime::s(3) ? frames_.erase(it) : std::next(it);
  return want_key;
}

AudioPlayout AudioReceiver::on_packet(SimTime now, std::uint32_t, SimTime capture) {
  const double transit_ms = (now - capture).milliseconds();
  min_transit_ms_ = std::min(min_transit_ms_, transit_ms);
  const double rel = transit_ms - min_transit_ms_;
  // Histogram with forgetting, then the 0.95 quantile bucket's upper edge.
  for (double& h : hist_) h *= kForget;
  const std::size_t b = std::min<std::size_t>(hist_.size() - 1, static_cast<std::size_t>(rel / kBucketMs));
  hist_[b] += 1 - kForget;
  double total = 0;
  for (double h : hist_) total += h;
  double acc = 0;
  for (std::size_t k = 0; k < hist_.size(); ++k) {
    acc += hist_[k];
    if (acc >= kQuantile * total) {
      target_ms_ = (static_cast<double>(k) + 1) * kBucketMs;
      break;
    }
  }
  const double playout_ms = min_transit_ms_ + target_ms_;
  if (transit_ms > playout_ms + 1e-9 && played_ > 0) return {};
  ++played_;
  return {true, (playout_ms + frame_.milliseconds()) / 1e3};
}

}  // namespace p2psim::media::packet
