// Media sources of the packet mode: an Opus audio source and a statistical video
// encoder, both producing frames that the transport packetises.
//
// Audio (RFC 7587): one Opus frame per RTP packet every `frame` (20 ms), payload
// bitrate x frame / 8 bytes. With DTX (RFC 6716 s2.1.9: one frame every 400 ms;
// RFC 7587 s3.1.3 for RTP) a participant who is not
// speaking sends one comfort-noise frame every 400 ms instead (dtx_frame_bytes).
//
// Video: the statistical model of RFC 8593 s4 ("Video Traffic Models for RTP Congestion
// Control Evaluations"): the encoder follows the target rate requested `reaction` earlier
// (its rate-control reaction delay); frames come at a constant fps; a delta frame has the
// nominal size target / fps / 8 times a mean-one log-normal noise (sigma = noise); a key
// frame (every key_interval if > 0, and on request: PLI, a new receiver) is key_ratio
// times the nominal size, and the excess is paid back by the following delta frames
// (each shrunk by at most half its size; at most one key frame's excess is carried), so
// the long-run rate equals the target when key frames are rarer than the payback. The
// defaults are listed with their sources in docs/models/media-packet.md.
#pragma once

#include <cstdint>
#include <deque>
#include <span>

#include "models/media/media_profile.hpp"
#include "sim/random.hpp"
#include "sim/time.hpp"

namespace p2psim::media::packet {

struct VideoEncoderSpec {
  double fps = 30;                         // frames/s (libwebrtc camera capture default)
  SimTime reaction = SimTime::ms(200);     // rate-control reaction delay (RFC 8593 s4: tau_v)
  double key_ratio = 5;                    // key frame size / nominal frame size
  SimTime key_interval = SimTime::zero();  // periodic key frames; 0 = only on request (libwebrtc default)
  double noise = 0.1;                      // sigma of the log-normal frame-size noise
  double min_bps = 30'000;                 // the encoder never goes below this (libwebrtc kDefaultMinVideoBitrateBps)
};

struct EncodedFrame {
  std::int64_t bytes = 0;
  bool key = false;
  double target_bps = 0;  // rate the encoder used for this frame
};

class VideoEncoder {
 public:
  VideoEncoder() = default;
  VideoEncoder(const VideoEncoderSpec& s, Rng rng) : spec_(s), rng_(rng) {}
  // Requests a new target rate (bit/s) at `now`; the encoder applies it `reaction` later.
  void set_target(SimTime now, double bps);
  // The next key frame is forced (PLI / FIR / first frame of a new receiver).
  void request_key_frame() { key_requested_ = true; }
  // Encodes the frame captured at `now`.
  EncodedFrame encode(SimTime now);
  double applied_target(SimTime now);

 private:
  VideoEncoderSpec spec_;
  Rng rng_;
  std::deque<std::pair<SimTime, double>> pending_;  // (apply at, rate)
  double rate_ = 0;
  double debt_bytes_ = 0;
  bool key_requested_ = true;  // the first frame is a key frame
  SimTime last_key_;
  bool any_ = false;
};

struct AudioSourceSpec {
  double bitrate_bps = 32'000;         // Opus payload rate (models/media/media_profile.hpp AudioProfile)
  SimTime frame = SimTime::ms(20);     // ptime
  bool dtx = false;                    // Opus DTX while not speaking
  SimTime dtx_interval = SimTime::ms(400);  // RFC 6716 s2.1.9
  std::int64_t dtx_frame_bytes = 3;    // B; a comfort-noise / silence Opus frame (RFC 6716 s3.2.1: 1-byte TOC + ~2 B)
};

// SVC (VP9 / AV1 L3T3) in the packet mode: one encoder codes every frame once, carrying
// the spatial layers 0..top; the SFU drops spatial and temporal layers per receiver.
// The rates are the flow model's definitions (models/media/media_profile.hpp, used, not
// copied): the stream up to spatial layer k carries (1 + svc_overhead) x layer k's rate;
// keeping the lowest t of T temporal layers keeps temporal_share() of it at fps / 2^(T-t).
//
// Temporal structure (the L1T3 / L3T3 pattern of libwebrtc's ScalabilityStructureL3T3):
// frame i after a key frame has temporal id 0 if i % 2^(T-1) == 0, else T-1-ctz(i),
// i.e. 0 2 1 2 0 2 1 2 ... for T = 3. Frame sizes follow the rate shares: a frame of
// temporal id t is svc_temporal_size_factor(v, t) x the nominal frame size, so the frames
// of temporal ids <= t carry temporal_share of the rate (T = 3: 1.6, 0.8, 0.8).
inline constexpr int kSvcMaxSpatial = 4;  // spatial layers the packet mode's SVC stream carries at most
int svc_temporal_id(std::uint32_t index_since_key, int temporal_layers);
double svc_temporal_size_factor(const VideoProfile& v, int tid);
// Temporal layers (1..T) a receiver asking `fps` keeps (0 = full rate): temporal_share's
// choice. Precondition: v.scalability is SVC.
int svc_temporal_layers_kept(const VideoProfile& v, double fps);
// Splits one SVC frame of `bytes` carrying spatial layers 0..top into per-layer bytes and
// packets. cumulative_bps[s]: the stream's payload rate up to layer s; the encoder's
// target is shared bottom-up (libwebrtc's SvcRateAllocator fills the lower layers first):
// layer s gets min(C_s, target) - min(C_{s-1}, target) of it, and the frame's bytes in
// that proportion (cumulative rounding, so the bytes add up). Packets per layer:
// ceil(bytes / mtu), at least 1. Preconditions: top < kSvcMaxSpatial, top <
// cumulative_bps.size(), the outputs hold top + 1 entries.
void svc_split(std::int64_t bytes, std::span<const double> cumulative_bps, double target_bps, int top,
               std::int64_t mtu, std::span<std::int64_t> layer_bytes, std::span<int> layer_packets);

// Payload bytes of one audio frame when speaking, and whether a frame is sent at `k`-th
// frame slot when silent (DTX).
std::int64_t audio_frame_bytes(const AudioSourceSpec& a);
bool dtx_sends(const AudioSourceSpec& a, std::int64_t slot);

}  // namespace p2psim::media::packet
