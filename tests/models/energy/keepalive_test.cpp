// Keepalive exchanges: wire sizes derived from the RFC message formats, timers as
// Simulator events, and their cost on LTE as a function of the interval.
#include <catch2/catch.hpp>

#include "models/energy/exchange.hpp"
#include "models/energy/radio_factory.hpp"

using namespace p2psim;
using namespace p2psim::energy;

TEST_CASE("Keepalive wire sizes follow the RFC message formats", "[energy]") {
  // IPv4 20 + UDP 8 + STUN header 20 + FINGERPRINT 8.
  CHECK(wire::kBindingIndication == 20 + 8 + 20 + 8);
  // + USERNAME (4 + 9 padded to 12) + PRIORITY 8 + ICE-CONTROLLING 12 + MESSAGE-INTEGRITY 24 + FINGERPRINT 8.
  CHECK(wire::kConsentRequest == 28 + 20 + 16 + 8 + 12 + 24 + 8);
  // + XOR-MAPPED-ADDRESS (IPv4) 12 + MESSAGE-INTEGRITY 24 + FINGERPRINT 8.
  CHECK(wire::kConsentResponse == 28 + 20 + 12 + 24 + 8);
  // + LIFETIME 8 + USERNAME 24 + REALM 16 + NONCE 20 + MESSAGE-INTEGRITY 24 + FINGERPRINT 8.
  CHECK(wire::kTurnRefreshRequest == 28 + 20 + 8 + 24 + 16 + 20 + 24 + 8);
  CHECK(wire::kTurnRefreshResponse == 28 + 20 + 8 + 24 + 8);
  // IPv4 20 + TCP 32 + TLS 22 + WebSocket 6 (masked) / 2.
  CHECK(wire::kWsPing == 80);
  CHECK(wire::kWsPong == 76);
}

TEST_CASE("Periodic keepalives are Simulator events at their interval", "[energy]") {
  Simulator sim;
  RadioSpec spec;
  HostEnergy host(make_radio(sim, spec));
  ExchangeSpec ks = default_exchange(Cause::kNatKeepalive);
  ks.interval = SimTime::s(30);
  PeriodicExchange ka(sim, host, ks, Rng::stream(1, "ka"));
  ka.start();
  sim.run_until(SimTime::s(300));
  host.finish(SimTime::s(300));
  const HostReport r = host.report();
  CHECK(ka.requests() == 10);  // at 30, 60, ..., 300
  CHECK(r.packets[static_cast<std::size_t>(Cause::kNatKeepalive)] == 10);
  CHECK(r.bytes[static_cast<std::size_t>(Cause::kNatKeepalive)] == 10 * wire::kBindingIndication);
  CHECK(r.promotions == 10);  // 30 s > promotion + tail: every keepalive wakes the radio
}

TEST_CASE("NAT keepalives are suppressed while the host sends", "[energy]") {
  Simulator sim;
  RadioSpec spec;
  HostEnergy host(make_radio(sim, spec));
  ExchangeSpec ks = default_exchange(Cause::kNatKeepalive);  // 15 s, only if idle
  PeriodicExchange ka(sim, host, ks, Rng::stream(1, "ka"));
  ka.start();
  sim.schedule_at(SimTime::s(20), [&] { host.on_flow(sim.now(), 1e6, 1e6); });
  sim.schedule_at(SimTime::s(200), [&] { host.on_flow(sim.now(), 0, 0); });
  sim.run_until(SimTime::s(260));
  host.finish(SimTime::s(260));
  // Sent at 15 s; suppressed during the flow; then 15 s after it ends: 215, 230, 245, 260.
  CHECK(ka.requests() == 5);
}

TEST_CASE("ICE consent checks are randomized within 0.8-1.2 of 5 s", "[energy]") {
  Simulator sim;
  RadioSpec spec;
  spec.kind = RadioKind::kWired;
  HostEnergy host(make_radio(sim, spec));
  PeriodicExchange ka(sim, host, default_exchange(Cause::kIceConsent), Rng::stream(7, "consent"));
  ka.start();
  sim.run_until(SimTime::s(1000));
  CHECK(ka.requests() >= 1000 / 6);
  CHECK(ka.requests() <= 1000 / 4);
}

TEST_CASE("LTE keepalive cost per hour scales with 1/interval once beyond the tail", "[energy]") {
  const LteParams p;
  auto keepalive_j = [&](int interval_s) {
    Simulator sim;
    RadioSpec spec;
    HostEnergy host(make_radio(sim, spec));
    ExchangeSpec ks = default_exchange(Cause::kNatKeepalive);
    ks.interval = SimTime::s(interval_s);
    PeriodicExchange ka(sim, host, ks, Rng::stream(1, "ka"));
    ka.start();
    sim.run_until(SimTime::s(3600));
    host.finish(SimTime::s(3600));
    return host.report().keepalive_j();
  };
  const double e60 = keepalive_j(60), e120 = keepalive_j(120), e10 = keepalive_j(10);
  // 60 keepalives per hour at 60 s, 30 at 120 s: each an isolated wake-up (the last one's
  // tail is cut at the end of the hour).
  CHECK(e60 / e120 == Approx(2.0).epsilon(0.02));
  // At 10 s (< promotion + tail) the radio never returns to idle: one promotion, then
  // the host sits in the tail: ~ tail power for the hour, far less than 360 wake-ups.
  CHECK(e10 < 360 * (0.26 * p.promotion_w + 11.576 * p.tail_base_w));
  CHECK(e10 > (3600 - 10) * p.tail_base_w);
}
