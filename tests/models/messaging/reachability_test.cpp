#include <catch2/catch.hpp>

#include "models/messaging/experiment.hpp"
#include "models/messaging/radio_reachability.hpp"

using namespace p2psim;
using namespace p2psim::messaging;

TEST_CASE("reachability energy: isolated LTE wake-ups add up, shorter intervals cost more", "[messaging][reachability]") {
  energy::RadioSpec lte;
  lte.kind = energy::RadioKind::kLte;
  const RadioReachabilityEnergy model(lte);
  const ReachabilityProfile hb = heartbeat_profile(SimTime::s(60));
  // Exchanges at 60 s, 120 s, ...; 30 s after the last one its tail (~11.6 s LTE tail,
  // Huang et al. MobiSys 2012) is over, so N wake-ups cost N times one wake-up.
  const double one = model.joules(SimTime::s(90), hb);
  const double ten = model.joules(SimTime::s(630), hb);
  CHECK(ten == Approx(10 * one).epsilon(1e-3));
  // An isolated LTE wake-up: promotion 0.26 s at 1.21 W plus an 11.576 s tail at ~1.06 W,
  // about 12.6 J (Huang et al.); the energy model integrates DRX exactly, so only the order
  // of magnitude is checked here.
  CHECK(one > 8.0);
  CHECK(one < 16.0);
  // Every 15 s is still longer than promotion + tail (~12 s): each exchange is an isolated
  // wake-up, so four times the energy of every 60 s. Every 5 s falls inside the tail: the
  // radio never idles and no exchange pays a promotion and a full tail of its own.
  const double hour60 = model.joules(SimTime::h(1), hb);
  const double hour15 = model.joules(SimTime::h(1), heartbeat_profile(SimTime::s(15)));
  const double hour5 = model.joules(SimTime::h(1), heartbeat_profile(SimTime::s(5)));
  CHECK(hour15 == Approx(4 * hour60).epsilon(0.03));
  CHECK(hour5 > hour15);
  CHECK(hour5 < 0.5 * 12 * hour60);
  CHECK(model.joules(SimTime::zero(), hb) == 0.0);
}

TEST_CASE("run_messaging prices the architecture's reachability profile with the chosen radio", "[messaging][reachability]") {
  MessagingSpec s;
  s.users = 40;
  s.workload.duration = SimTime::h(24);
  s.kind = ArchitectureKind::kPureP2p;
  energy::RadioSpec lte;
  s.radio = lte;
  const MessagingResult r = run_messaging(s, 5);
  REQUIRE(r.has_energy);
  const RadioReachabilityEnergy model(lte);
  const SimTime per_day = SimTime::from_seconds(86400.0 * r.user_online_fraction);
  CHECK(r.energy_j_per_user_day == Approx(model.joules(per_day, nat_keepalive_profile(s.p2p.keepalive))));
  CHECK(r.reachability_mw_online == Approx(r.energy_j_per_user_day / per_day.seconds() * 1000));
  s.radio.reset();
  CHECK_FALSE(run_messaging(s, 5).has_energy);
}
