#include <catch2/catch.hpp>

#include <cmath>

#include "models/messaging/availability.hpp"
#include "models/messaging/timeline.hpp"

using namespace p2psim;
using namespace p2psim::messaging;

TEST_CASE("timeline answers up / next_up / intervals, merging touching ones", "[messaging]") {
  Timeline t;
  t.add(SimTime::h(1), SimTime::h(2));
  t.add(SimTime::h(2), SimTime::h(3));  // merged
  t.add(SimTime::h(5), SimTime::h(6));
  REQUIRE(t.intervals().size() == 2);
  CHECK_FALSE(t.up(SimTime::zero()));
  CHECK(t.up(SimTime::h(1)));
  CHECK(t.up(SimTime::min(179)));
  CHECK_FALSE(t.up(SimTime::h(3)));  // half-open
  CHECK(t.next_up(SimTime::zero()) == SimTime::h(1));
  CHECK(t.next_up(SimTime::h(4)) == SimTime::h(5));
  CHECK(t.next_up(SimTime::h(6)) == kNever);
  CHECK(t.online_time(SimTime::zero(), SimTime::h(10)) == SimTime::h(3));

  Timeline u;
  u.add(SimTime::min(150), SimTime::h(4));
  u.add(SimTime::min(330), SimTime::h(7));
  CHECK(next_common_up(t, u, SimTime::zero()) == SimTime::min(150));
  CHECK(next_common_up(t, u, SimTime::h(3)) == SimTime::min(330));
  CHECK(next_common_up(Timeline::always_up(), t, SimTime::h(4)) == SimTime::h(5));

  // Polls at session start and every 20 min: the other side is up from 5h40.
  Timeline other;
  other.add(SimTime::min(340), SimTime::h(9));
  auto nu = [&](SimTime x) { return other.next_up(x); };
  CHECK(next_poll_hit(t, SimTime::min(20), nu, SimTime::zero()) == SimTime::min(340));
  Timeline other2;
  other2.add(SimTime::min(345), SimTime::h(9));
  auto nu2 = [&](SimTime x) { return other2.next_up(x); };
  CHECK(next_poll_hit(t, SimTime::min(20), nu2, SimTime::zero()) == kNever);  // next poll 6h00 is past the session
}

TEST_CASE("session laws have the configured median", "[messaging]") {
  for (SessionLaw law : {SessionLaw::kExponential, SessionLaw::kWeibull, SessionLaw::kLognormal}) {
    SessionDistribution d{law, SimTime::h(2), 0.61, 1.3};
    Rng rng(17);
    int below = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) below += d.draw_seconds(rng) <= 7200.0 ? 1 : 0;
    CHECK(static_cast<double>(below) / n == Approx(0.5).margin(0.005));
  }
}

TEST_CASE("default user online law reproduces the IPFS quantiles it was fitted to", "[messaging]") {
  // Trautwein et al. (SIGCOMM 2022): 50% of DHT-server sessions <= ~2 h, 80% <= 8 h.
  // Weibull CDF F(x) = 1 - exp(-(x / lambda)^k) with the default k and median.
  const AvailabilitySpec a;
  const double k = a.online.shape, med = a.online.median.seconds();
  const double lambda = med / std::pow(std::log(2.0), 1.0 / k);
  auto cdf = [&](double x) { return 1 - std::exp(-std::pow(x / lambda, k)); };
  CHECK(cdf(7200) == Approx(0.5).margin(1e-9));
  CHECK(cdf(8 * 3600) == Approx(0.8).margin(0.01));
}

TEST_CASE("long-run online fraction matches the renewal-reward theorem", "[messaging]") {
  // Fraction online = E[on] / (E[on] + E[off]) for any alternating renewal process.
  struct Case {
    SessionDistribution on, off;
    double mean_on, mean_off;  // seconds, from the laws' closed forms
  };
  const double ln2 = std::log(2.0);
  auto weib_mean = [&](double med, double k) { return med / std::pow(ln2, 1 / k) * std::tgamma(1 + 1 / k); };
  auto logn_mean = [](double med, double s) { return med * std::exp(s * s / 2); };
  const Case cases[] = {
      {{SessionLaw::kExponential, SimTime::h(1), 1, 1}, {SessionLaw::kExponential, SimTime::h(3), 1, 1}, 3600 / ln2, 3 * 3600 / ln2},
      {{SessionLaw::kWeibull, SimTime::h(2), 0.61, 1}, {SessionLaw::kWeibull, SimTime::h(4), 0.61, 1},
       weib_mean(7200, 0.61), weib_mean(14400, 0.61)},
      {{SessionLaw::kLognormal, SimTime::h(1), 1, 1.2}, {SessionLaw::kWeibull, SimTime::h(2), 1.5, 1},
       logn_mean(3600, 1.2), weib_mean(7200, 1.5)},
  };
  for (const Case& c : cases) {
    AvailabilitySpec spec;
    spec.online = c.on;
    spec.offline = c.off;
    double online = 0, total = 0;
    for (int i = 0; i < 20; ++i) {
      Rng rng = Rng::stream(5, "entity/" + std::to_string(i));
      const Timeline tl = generate_timeline(spec, rng, SimTime::h(20000));
      online += tl.online_time(SimTime::zero(), SimTime::h(20000)).seconds();
      total += 20000 * 3600.0;
    }
    CHECK(online / total == Approx(c.mean_on / (c.mean_on + c.mean_off)).margin(0.01));
  }
}

TEST_CASE("diurnal pattern puts more users online around the peak hour", "[messaging]") {
  AvailabilitySpec spec;
  spec.online = {SessionLaw::kExponential, SimTime::h(1), 1, 1};
  spec.offline = {SessionLaw::kExponential, SimTime::h(1), 1, 1};
  spec.diurnal.amplitude = 0.8;
  spec.diurnal.peak = SimTime::h(20);
  int at_peak = 0, at_trough = 0;
  for (int i = 0; i < 400; ++i) {
    Rng rng = Rng::stream(9, "u/" + std::to_string(i));
    const Timeline tl = generate_timeline(spec, rng, SimTime::h(24 * 30));
    for (int d = 1; d < 30; ++d) {
      at_peak += tl.up(SimTime::h(24 * d + 20)) ? 1 : 0;
      at_trough += tl.up(SimTime::h(24 * d + 8)) ? 1 : 0;
    }
  }
  CHECK(at_peak > at_trough * 1.5);
  CHECK(spec.diurnal.factor(SimTime::h(20)) == Approx(1.8).epsilon(1e-12));
  CHECK(spec.diurnal.factor(SimTime::h(8)) == Approx(0.2).epsilon(1e-9));
}
