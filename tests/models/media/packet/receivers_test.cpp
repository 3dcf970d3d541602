// Receivers against hand computation: audio loss fraction and G.107 BurstR of a known
// loss pattern; video decode order, a lost frame breaking the chain until a key frame.
#include <catch2/catch.hpp>

#include "models/media/packet/quality.hpp"
#include "models/media/packet/receivers.hpp"

using namespace p2psim;
using namespace p2psim::media::packet;

TEST_CASE("audio receiver: loss fraction and BurstR of a known pattern", "[media][packet][receivers]") {
  // The receiver decides playout; AudioStreamQuality (quality.hpp) scores the outcomes.
  AudioReceiver rx(SimTime::ms(20));
  AudioStreamQuality a;
  // 100 frames at a constant 30 ms transit; frames 10-13 and 50-53 never arrive.
  for (std::uint32_t k = 0; k < 100; ++k) {
    if ((k >= 10 && k <= 13) || (k >= 50 && k <= 53)) continue;
    const SimTime capture = SimTime::ms(20) * k;
    const AudioPlayout out = rx.on_packet(capture + SimTime::ms(30), k, capture);
    a.on_playout(k, out.played, out.mouth_to_ear_s);
  }
  CHECK(a.expected() == 100);
  CHECK(a.late == 0);
  CHECK(a.loss_fraction() == Approx(0.08));
  // Two bursts of 4: mean burst 4; under random loss at 8 % the mean burst is
  // 1 / (1 - 0.08); BurstR = 4 x 0.92 = 3.68.
  CHECK(a.burst_ratio() == Approx(4 * 0.92));
  // Mouth to ear = transit 30 ms + playout target (first 20-ms bucket) 20 ms + frame 20 ms.
  CHECK(a.mouth_to_ear_s.mean() == Approx(0.070));
}

TEST_CASE("video receiver: in-order decode, a lost frame breaks the chain until a key frame", "[media][packet][receivers]") {
  VideoReceiver v;
  const SimTime f = SimTime::ns(33'333'333);
  auto send = [&](std::uint32_t frame, bool key, SimTime at) {
    return v.on_packet(at, 0, frame, 1, key, f * frame);
  };
  SimTime t = SimTime::ms(50);
  send(0, true, t);
  for (std::uint32_t k = 1; k < 10; ++k) send(k, false, t + f * k);
  CHECK(v.frames_decoded == 10);
  // Frame 10 is lost; frames 11.. complete. After 300 ms the receiver gives frame 10 up
  // and asks for a key frame (PLI) exactly once per 300 ms.
  int plis = 0;
  for (std::uint32_t k = 11; k < 30; ++k) plis += send(k, false, t + f * k);
  CHECK(v.frames_decoded == 10);
  CHECK(v.frames_abandoned == 1);
  CHECK(plis >= 1);
  CHECK(plis <= 3);
  // A key frame restarts decoding.
  send(30, true, t + f * 30);
  send(31, false, t + f * 31);
  CHECK(v.frames_decoded == 12);
}
