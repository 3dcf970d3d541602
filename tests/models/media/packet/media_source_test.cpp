// The statistical video encoder (RFC 8593 s4 style) and the Opus source against their
// definitions: long-run rate equals the target, key frames key_ratio x nominal, the
// reaction delay, DTX frame spacing.
#include <catch2/catch.hpp>

#include "models/media/packet/media_source.hpp"

using namespace p2psim;
using namespace p2psim::media::packet;

TEST_CASE("video encoder: key frames, long-run rate, reaction delay", "[media][packet][encoder]") {
  VideoEncoderSpec s;
  s.key_interval = SimTime::s(2);
  VideoEncoder e(s, Rng(9));
  e.set_target(SimTime::zero(), 1e6);
  const SimTime frame = SimTime::from_seconds(1.0 / 30);
  double bytes = 0;
  int keys = 0;
  SimTime t;
  for (int k = 0; k < 300; ++k, t += frame) {  // 10 s
    const EncodedFrame f = e.encode(t);
    if (k == 0) {
      CHECK(f.key);
      CHECK(f.bytes == std::llround(5 * 1e6 / 30 / 8));  // key_ratio x nominal = 20833 B
    }
    keys += f.key;
    bytes += static_cast<double>(f.bytes);
  }
  CHECK(keys == 5);  // at 0, 2, 4, 6, 8 s
  // Long-run rate = target: noise has mean one (sigma 0.1 over 295 delta frames: < 1 %);
  // key-frame excess is paid back within ~8 frames.
  CHECK(bytes * 8 / 10 == Approx(1e6).epsilon(0.02));
  // Reaction delay: a new target at t applies from t + 200 ms.
  e.set_target(t, 500e3);
  CHECK(e.applied_target(t + SimTime::ms(199)) == 1e6);
  CHECK(e.applied_target(t + SimTime::ms(200)) == 500e3);
  // On-demand key frame.
  e.request_key_frame();
  CHECK(e.encode(t + SimTime::ms(300)).key);
}

TEST_CASE("Opus source: frame bytes and DTX spacing", "[media][packet][encoder]") {
  AudioSourceSpec a;
  CHECK(audio_frame_bytes(a) == 80);  // 32 kbit/s x 20 ms / 8
  // DTX: one frame every 400 ms = every 20th 20-ms slot.
  int sent = 0;
  for (int k = 0; k < 100; ++k) sent += dtx_sends(a, k);
  CHECK(sent == 5);
}
