// Google Congestion Control parts against hand computation: the trendline slope of a
// constant delay ramp, overuse/underuse detection, the AIMD decrease to beta x
// acknowledged rate, the loss-based decrease x (1 - loss/2).
#include <catch2/catch.hpp>

#include <vector>

#include "models/media/packet/gcc.hpp"

using namespace p2psim;
using namespace p2psim::media::packet;

TEST_CASE("trendline: the slope of a delay ramp, overuse, underuse and normal", "[media][packet][gcc]") {
  // One packet per 10 ms group; arrivals 11 ms apart: the delay grows 1 ms per group.
  // An exponential moving average of a ramp has the ramp's slope once the start-up
  // transient (0.9^k) has died out, so the fitted slope is 1 ms / 11 ms of arrival time.
  TrendlineDetector up, flat, down;
  for (int k = 0; k < 400; ++k) {
    up.on_packet(SimTime::ms(10) * k, SimTime::ms(50) + SimTime::ms(11) * k, 1200);
    flat.on_packet(SimTime::ms(10) * k, SimTime::ms(50) + SimTime::ms(10) * k, 1200);
    down.on_packet(SimTime::ms(10) * k, SimTime::ms(2000) + SimTime::ms(9) * k, 1200);
  }
  CHECK(up.last_trend() == Approx(1.0 / 11).epsilon(1e-6));
  CHECK(up.state() == BandwidthUsage::kOverusing);
  CHECK(flat.last_trend() == Approx(0).margin(1e-12));
  CHECK(flat.state() == BandwidthUsage::kNormal);
  CHECK(down.last_trend() == Approx(-1.0 / 9).epsilon(1e-6));
  CHECK(down.state() == BandwidthUsage::kUnderusing);
  // Adaptive threshold: in [6, 600] ms; with a zero trend it decays towards 6 ms at
  // k_down = 0.039 per ms: 12.5 -> 6 + 6.5 (1 - 0.039 x 10)^n after n 10-ms updates.
  CHECK(flat.threshold_ms() == Approx(6.0).margin(1e-6));
}

namespace {
// Feeds a GCC instance `seconds` of 1200-B packets sent at `send_bps` through a bottleneck
// of `cap_bps` (FIFO, no loss), with feedback every 100 ms and a fixed RTT.
void drive(GccController& g, double send_bps, double cap_bps, double seconds, std::vector<double>* targets = nullptr) {
  const SimTime gap = SimTime::from_seconds(1200 * 8 / send_bps);
  const SimTime tx = SimTime::from_seconds(1200 * 8 / cap_bps);
  SimTime busy;
  std::vector<PacketResult> fb;
  SimTime next_fb = SimTime::ms(100);
  std::uint64_t tw = 0;
  for (SimTime t; t.seconds() < seconds; t += gap) {
    if (t >= next_fb) {
      g.on_feedback(next_fb, fb, SimTime::ms(100));
      if (targets) targets->push_back(g.target_bps());
      fb.clear();
      next_fb += SimTime::ms(100);
    }
    busy = std::max(busy, t) + tx;
    PacketResult r;
    r.tw_seq = tw++;
    r.sent = t;
    r.bytes = 1200;
    r.received = true;
    r.arrival = busy + SimTime::ms(20);
    if (r.arrival < next_fb) fb.push_back(r);
    // Packets arriving after the report time wait for the next report (kept simple:
    // they are reported then).
    else fb.push_back(r);
  }
}
}  // namespace

TEST_CASE("AIMD: overuse decreases to beta x acknowledged rate", "[media][packet][gcc]") {
  ControllerSpec s;
  s.start_bps = 1e6;
  s.max_bps = 5e6;
  s.probing = false;
  GccController g(s);
  std::vector<double> targets;
  drive(g, 1e6, 0.5e6, 3.0, &targets);
  // First decrease: 0.85 x the acknowledged rate, which is the 500 kbit/s bottleneck.
  double first = 0;
  for (double t : targets)
    if (t < 0.9e6) {
      first = t;
      break;
    }
  REQUIRE(first > 0);
  CHECK(first == Approx(0.85 * 0.5e6).epsilon(0.08));
}

TEST_CASE("loss-based control: loss above 10 % scales the target by (1 - loss / 2)", "[media][packet][gcc]") {
  ControllerSpec s;
  s.start_bps = 1e6;
  s.probing = false;
  GccController g(s);
  std::vector<PacketResult> fb;
  for (int k = 0; k < 100; ++k) {
    PacketResult r;
    r.tw_seq = k;
    r.sent = SimTime::ms(1) * k;
    r.bytes = 1200;
    r.received = k % 5 != 0;  // 20 % loss
    r.arrival = r.sent + SimTime::ms(30);
    fb.push_back(r);
  }
  g.on_feedback(SimTime::ms(130), fb, SimTime::ms(60));
  CHECK(g.target_bps() == Approx(1e6 * (1 - 0.5 * 0.2)));
  // Loss below 2 %: no decrease.
  GccController h(s);
  for (auto& r : fb) r.received = true;
  h.on_feedback(SimTime::ms(130), fb, SimTime::ms(60));
  CHECK(h.target_bps() >= 1e6);
}

TEST_CASE("start-up probing asks for clusters at 3x and 6x the start rate", "[media][packet][gcc]") {
  ControllerSpec s;
  s.start_bps = 300e3;
  s.max_bps = 10e6;
  GccController g(s);
  auto a = g.take_probe(SimTime::zero());
  auto b = g.take_probe(SimTime::zero());
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->bps == 900e3);
  CHECK(b->bps == 1.8e6);
  CHECK(a->min_bytes == static_cast<std::int64_t>(900e3 * 0.015 / 8));  // 15 ms at the probe rate
  CHECK_FALSE(g.take_probe(SimTime::zero()));
}
