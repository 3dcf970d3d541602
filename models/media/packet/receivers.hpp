// Receiving ends of the packet mode: a video receiver (frame assembly, decode order,
// jitter buffer, renders, freezes) and an audio receiver (adaptive playout delay, late
// loss, E-model inputs).
//
// Video: a frame is complete when all its packets arrived (retransmissions included).
// Frames decode in order; a delta frame needs its predecessor, a key frame needs
// nothing. A frame still incomplete `abandon_after` after a later frame completed is
// given up: the decode chain is broken until a key frame, and the receiver asks for
// one (PLI, at most once per `pli_interval`). A decoded frame renders at
// max(decode time, capture + minimum transit + jitter delay), never before the previous
// render; the jitter delay is kNoiseStdDevs (2.33) x the standard deviation of the
// frame delay variation (libwebrtc modules/video_coding/timing/jitter_estimator.cc; its
// Kalman frame-size term is left out), plus one RTT once three packets needed a
// retransmission (jitter_estimator.cc: nack_limit 3, RTT multiplier 1 with NACK), so
// that a frame waiting for its RTX does not freeze the picture.
// Audio: playout at capture + minimum transit + target, the target being the 0.95
// quantile of the relative delay in a histogram with forget factor 0.983 (libwebrtc
// modules/audio_coding/neteq/delay_manager.h); a packet arriving after its playout time
// is a late loss. Freezes, delays and E-model inputs are computed by observers
// (call_metrics.hpp, quality.hpp) from the renders and playout outcomes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "models/media/packet/quality.hpp"
#include "sim/stats.hpp"
#include "sim/time.hpp"

namespace p2psim::media::packet {

struct RenderedFrame {
  SimTime capture, render;
  int layer = 0;
};

class VideoReceiver {
 public:
  // Registers one packet of frame (layer, frame) with `count` packets.
  // Returns true if the receiver now wants a key frame (send a PLI).
  // `rtx`: the packet is a retransmission; `rtt`: the receiver's RTT estimate.
  bool on_packet(SimTime now, int layer, std::uint32_t frame, int count, bool key, SimTime capture, bool rtx = false,
                 SimTime rtt = SimTime::zero());
  SimTime abandon_after = SimTime::ms(300);
  SimTime pli_interval = SimTime::ms(300);
  std::vector<RenderedFrame> renders;  // kept only if keep_renders
  bool keep_renders = false;
  std::function<void(SimTime capture, SimTime render)> on_render;  // optional hook
  std::uint64_t frames_decoded = 0, frames_abandoned = 0, plis = 0;
  int last_layer = -1;

 private:
  struct Pending {
    int count = 0, got = 0;
    bool key = false;
    SimTime capture, complete;
  };
  bool try_decode(SimTime now);
  void render(SimTime now, SimTime capture, int layer);
  std::map<std::pair<int, std::uint32_t>, Pending> frames_;  // (layer, frame)
  bool chain_ok_ = false;
  int cur_layer_ = -1;
  std::uint32_t next_frame_ = 0;
  SimTime last_render_, last_pli_ = SimTime::s(-3600);
  bool any_render_ = false;
  double min_transit_s_ = 1e9;
  double var_ = 0, mean_ = 0, prev_transit_ = -1;
  int nacked_ = 0;
  SimTime rtt_;
};

struct AudioPlayout {
  bool played = false;  // false: arrived after its playout time (a late loss)
  double mouth_to_ear_s = 0;  // playout - capture + frame duration (s), when played
};

class AudioReceiver {
 public:
  explicit AudioReceiver(SimTime frame) : frame_(frame) {}
  // Packet `seq` captured at `capture` arrives now: played or late (quality.hpp's
  // AudioStreamQuality turns the outcomes into E-model inputs).
  AudioPlayout on_packet(SimTime now, std::uint32_t seq, SimTime capture);
 private:
  SimTime frame_;
  double target_ms_ = 0;
  std::vector<double> hist_ = std::vector<double>(100, 0.0);  // 20 ms buckets (NetEq)
  double min_transit_ms_ = 1e12;
  std::uint64_t played_ = 0;
};

}  // namespace p2psim::media::packet
