// Quality scores of packet-level media: video freezes (W3C webrtc-stats) and the ITU-T
// G.107 E-model for audio.
//
// Freezes (W3C "Identifiers for WebRTC's Statistics API", RTCInboundRtpStreamStats
// freezeCount / totalFreezesDuration): a rendered frame whose duration (the interval
// since the previous rendered frame) is >= max(3 x avg, avg + 150 ms), where avg is the
// linear average of the durations of the last 30 rendered frames, counts as one freeze
// lasting that duration.
//
// E-model (ITU-T G.107 (06/2015)), with the default values of its Table 2 (which give
// R0 - Is = 93.2) and echo terms left out (Idte, Idle ~ 0 at the default TELR 65 dB):
//   R = 93.2 - Idd - Ie_eff
//   Idd = 0 for Ta <= 100 ms, else 25 {(1 + X^6)^(1/6) - 3 (1 + (X/3)^6)^(1/6) + 2},
//         X = log2(Ta / 100 ms)                          (G.107 s7.4, mA = 100 ms)
//   Ie_eff = Ie + (95 - Ie) Ppl / (Ppl / BurstR + Bpl)   (G.107 s7.5, Ppl in %)
//   MOS = 1 + 0.035 R + R (R - 60)(100 - R) 7e-6 for 0 < R < 100 (Annex B)
// Ta is the mean one-way mouth-to-ear delay.
//
// AudioStreamQuality: the E-model inputs of one received audio stream from its playout
// outcomes (AudioReceiver): loss fraction (lost + late) / expected, expected = highest
// sequence + 1, G.107 s7.5 BurstR of the observed loss pattern, mouth-to-ear samples.
// With DTX the stream also carries comfort-noise updates; given which sequence numbers
// were comfort noise (`cn`, from the sender), only speech packets count: a lost or late
// comfort-noise update impairs no speech (Ppl and BurstR over the speech packets, in
// order), and Ta is the mean mouth-to-ear delay of played speech packets.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "sim/stats.hpp"
#include "sim/time.hpp"

namespace p2psim::media::packet {

class FreezeCounter {
 public:
  // A frame was rendered at `t` (non-decreasing).
  void on_render(SimTime t);
  std::uint64_t freezes() const { return freezes_; }
  double total_freeze_s() const { return total_freeze_s_; }
  std::uint64_t frames() const { return frames_; }

 private:
  std::deque<double> durations_;  // last 30, seconds
  double sum_ = 0;
  SimTime last_;
  std::uint64_t frames_ = 0, freezes_ = 0;
  double total_freeze_s_ = 0;
};

class AudioStreamQuality {
 public:
  // Packet `seq` reached playout: played (with its mouth-to-ear delay) or late.
  void on_playout(std::uint32_t seq, bool played, double mouth_to_ear_s, bool comfort_noise = false);
  std::uint64_t expected() const { return static_cast<std::uint64_t>(highest_ + 1); }
  std::uint64_t played = 0, late = 0;  // all packets
  Samples mouth_to_ear_s;              // played speech packets
  // Speech packets among sequences 0..highest (cn[seq] != 0: comfort noise; shorter or
  // empty cn: speech), and those played.
  std::uint64_t speech_expected(std::span<const std::uint8_t> cn = {}) const;
  std::uint64_t speech_played(std::span<const std::uint8_t> cn = {}) const;
  double loss_fraction(std::span<const std::uint8_t> cn = {}) const;  // speech (lost + late) / speech expected
  double burst_ratio(std::span<const std::uint8_t> cn = {}) const;    // G.107 BurstR over speech packets (1 = random)

 private:
  std::vector<std::uint8_t> got_;  // per seq: 1 played, 0 missing or late
  std::int64_t highest_ = -1;
};

struct EModelCodec {
  double ie = 0;      // equipment impairment factor
  double bpl = 25.1;  // packet-loss robustness factor
};

// Idd of G.107 s7.4 for mean one-way delay ta (seconds).
double emodel_idd(double ta_s);
// Ie_eff of G.107 s7.5; ppl_percent in [0, 100], burst_r >= 1 (1 = random loss).
double emodel_ie_eff(const EModelCodec& c, double ppl_percent, double burst_r);
// R-factor.
double emodel_r(const EModelCodec& c, double ta_s, double ppl_percent, double burst_r);
// MOS-CQE from R (G.107 Annex B).
double emodel_mos(double r);

}  // namespace p2psim::media::packet
