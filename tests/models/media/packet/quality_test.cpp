// Freeze definition (W3C webrtc-stats) and E-model (ITU-T G.107) against hand computation.
#include <catch2/catch.hpp>

#include "models/media/packet/quality.hpp"

using namespace p2psim;
using namespace p2psim::media::packet;

TEST_CASE("freezes: gap >= max(3 avg, avg + 150 ms) over the last 30 frames", "[media][packet][quality]") {
  FreezeCounter f;
  // 31 frames at 30 fps: avg 33.3 ms; threshold max(100, 183.3) = 183.3 ms.
  SimTime t;
  for (int i = 0; i < 31; ++i) {
    f.on_render(t);
    t += SimTime::ns(33'333'333);
  }
  CHECK(f.freezes() == 0);
  // A 180 ms gap is below 183.3 ms: no freeze.
  SimTime last = t - SimTime::ns(33'333'333);
  f.on_render(last + SimTime::ms(180));
  CHECK(f.freezes() == 0);
  // Back to 30 fps for 30 frames, then a 400 ms gap: one freeze of 0.4 s. The window now
  // holds 29 x 33.3 ms + ... recompute: after 30 more regular frames the 180 ms gap has
  // left the window, avg = 33.3 ms.
  last = last + SimTime::ms(180);
  for (int i = 0; i < 30; ++i) {
    last += SimTime::ns(33'333'333);
    f.on_render(last);
  }
  f.on_render(last + SimTime::ms(400));
  CHECK(f.freezes() == 1);
  CHECK(f.total_freeze_s() == Approx(0.4));
  // At 5 fps (200 ms frames) the threshold is max(600, 350) = 600 ms: a 500 ms gap is none.
  FreezeCounter g;
  SimTime u;
  for (int i = 0; i < 31; ++i) {
    g.on_render(u);
    u += SimTime::ms(200);
  }
  g.on_render(u - SimTime::ms(200) + SimTime::ms(500));
  CHECK(g.freezes() == 0);
  g.on_render(u - SimTime::ms(200) + SimTime::ms(500) + SimTime::ms(700));
  CHECK(g.freezes() == 1);
}

TEST_CASE("E-model: delay impairment, effective equipment impairment, MOS", "[media][packet][quality]") {
  // Idd is 0 up to 100 ms.
  CHECK(emodel_idd(0.05) == 0);
  CHECK(emodel_idd(0.1) == 0);
  // Ta = 200 ms: X = 1; Idd = 25 ((2)^(1/6) - 3 (1 + 1/729)^(1/6) + 2)
  //            = 25 (1.122462 - 3 x 1.000229 + 2) = 25 x 0.121776 = 3.0444.
  CHECK(emodel_idd(0.2) == Approx(3.0444).margin(2e-3));
  // Ta = 400 ms: X = 2; (65)^(1/6) = 2.005175; (1 + 64/729)^(1/6) = 1.014123;
  // Idd = 25 (2.005175 - 3.042369 + 2) = 24.070.
  CHECK(emodel_idd(0.4) == Approx(24.070).margin(5e-3));
  const EModelCodec opus{0, 25.1};
  CHECK(emodel_ie_eff(opus, 0, 1) == 0);
  // Ppl 2 %, random: 95 x 2 / (2 + 25.1) = 7.011.
  CHECK(emodel_ie_eff(opus, 2, 1) == Approx(95.0 * 2 / 27.1));
  // Bursty (BurstR 2): 95 x 2 / (1 + 25.1) = 7.280.
  CHECK(emodel_ie_eff(opus, 2, 2) == Approx(95.0 * 2 / 26.1));
  // No impairment: R = 93.2, MOS = 1 + 3.262 + 93.2 x 33.2 x 6.8 x 7e-6 = 4.4093.
  CHECK(emodel_r(opus, 0.05, 0, 1) == Approx(93.2));
  CHECK(emodel_mos(93.2) == Approx(1 + 0.035 * 93.2 + 93.2 * 33.2 * 6.8 * 7e-6));
  CHECK(emodel_mos(93.2) == Approx(4.409).margin(1e-3));
  CHECK(emodel_mos(-3) == 1);
  CHECK(emodel_mos(120) == 4.5);
}

TEST_CASE("E-model with DTX: lost comfort noise impairs no speech", "[media][packet][quality][dtx]") {
  // Speech packets 0-49, five DTX updates 50-54, speech 55-104. Speech 10 and 11 and the
  // update 52 are lost. Played speech reaches the ear after 70 ms, updates after 500 ms.
  AudioStreamQuality a;
  std::vector<std::uint8_t> cn(105, 0);
  for (int k = 50; k <= 54; ++k) cn[k] = 1;
  for (std::uint32_t k = 0; k < 105; ++k) {
    if (k == 10 || k == 11 || k == 52) continue;
    a.on_playout(k, true, cn[k] ? 0.5 : 0.070, cn[k] != 0);
  }
  // Without the DTX pattern every packet is speech: 3 of 105 lost.
  CHECK(a.loss_fraction() == Approx(3.0 / 105));
  // With it: 100 speech packets, 2 lost (one burst of 2): Ppl = 2 %, BurstR = 2 x 0.98.
  CHECK(a.speech_expected(cn) == 100);
  CHECK(a.speech_played(cn) == 98);
  CHECK(a.loss_fraction(cn) == Approx(0.02));
  CHECK(a.burst_ratio(cn) == Approx(1.96));
  // Ta: speech only.
  CHECK(a.mouth_to_ear_s.mean() == Approx(0.070));
  // Ie_eff = 95 x 2 / (2 / 1.96 + 25.1) = 7.2740; R = 93.2 - 0 - 7.2740 = 85.926;
  // MOS = 1 + 0.035 R + R (R - 60)(100 - R) 7e-6 = 4.2269.
  const EModelCodec c;
  CHECK(emodel_ie_eff(c, 100 * a.loss_fraction(cn), a.burst_ratio(cn)) == Approx(7.2740).epsilon(1e-4));
  CHECK(emodel_mos(emodel_r(c, a.mouth_to_ear_s.mean(), 100 * a.loss_fraction(cn), a.burst_ratio(cn))) ==
        Approx(4.2269).epsilon(1e-4));
  // A lost update between two lost speech packets does not split their burst.
  AudioStreamQuality b;
  std::vector<std::uint8_t> cn2 = {0, 0, 1, 0, 0};
  for (std::uint32_t k : {0u, 4u}) b.on_playout(k, true, 0.05, false);
  // Lost: 1 (speech), 2 (CN), 3 (speech): one burst of 2 speech packets among 4.
  CHECK(b.loss_fraction(cn2) == Approx(0.5));
  CHECK(b.burst_ratio(cn2) == Approx(std::max(1.0, 2 * 0.5)));
}
