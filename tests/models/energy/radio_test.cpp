// Radio power-state models checked against energies computed by hand from the
// parameters (Huang et al. 2012 / AT&T ARO defaults).
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "models/energy/exchange.hpp"
#include "models/energy/flow_trace.hpp"
#include "models/energy/host_energy.hpp"
#include "models/energy/radio_factory.hpp"
#include "radio_rig.hpp"

using namespace p2psim;
using namespace p2psim::energy;
using p2psim::energy::test::bucket;
using p2psim::energy::test::Rig;
using p2psim::energy::test::state_s;

namespace {

// Energy of an on/off DRX or paging waveform over `len` seconds, summed cycle by cycle
// (on-duration at the start of each cycle), independently of the model's closed form.
double waveform_j(double len, double cycle, double on, double on_w, double base_w) {
  double e = 0, t = 0;
  while (t + cycle <= len + 1e-12) {
    e += on * on_w + (cycle - on) * base_w;
    t += cycle;
  }
  const double r = len - t;
  e += std::min(r, on) * on_w + std::max(0.0, r - on) * base_w;
  return e;
}

// Promotion + continuous reception + short DRX + long DRX for one isolated wake-up whose
// only traffic is one uplink packet of `bytes`.
double lte_wakeup_j(const LteParams& p, std::int64_t bytes) {
  const double tpro = p.promotion_time.seconds(), ti = p.inactivity_timer.seconds();
  const double tshort = p.short_drx_time.seconds(), ttail = p.tail_time.seconds();
  const double promotion = tpro * p.promotion_w;
  const double bits = p.alpha_up_mw_per_mbps * 1e-3 * (static_cast<double>(bytes) * 8 / 1e6);  // W/Mbps x Mbit
  const double cr = ti * p.beta_mw * 1e-3;
  const double sdrx = waveform_j(tshort, p.short_drx_cycle.seconds(), p.drx_on_duration.seconds(), p.drx_on_w,
                                 p.tail_base_w);
  const double ldrx = waveform_j(ttail - ti - tshort, p.long_drx_cycle.seconds(), p.drx_on_duration.seconds(),
                                 p.drx_on_w, p.tail_base_w);
  return promotion + bits + cr + sdrx + ldrx;
}

double idle_paging_j(const LteParams& p, double len) {
  return waveform_j(len, p.idle_paging_cycle.seconds(), p.idle_paging_on.seconds(), p.idle_paging_w, p.idle_base_w);
}

double state_sum(const HostReport& r) {
  double s = 0;
  for (const auto& [name, secs] : r.state_time_s) s += secs;
  return s;
}

}  // namespace

TEST_CASE("An isolated keepalive on LTE costs promotion plus tail", "[energy]") {
  RadioSpec spec;  // LTE defaults
  const LteParams& p = spec.lte;
  Rig rig(spec);
  rig.packet(SimTime::s(30), wire::kBindingIndication, Direction::kUp, Cause::kNatKeepalive);
  const HostReport r = rig.run(SimTime::s(60));

  const double wake = lte_wakeup_j(p, wire::kBindingIndication);
  CHECK(bucket(r, Bucket::kNatKeepalive) == Approx(wake).epsilon(1e-9));
  // The rough figure: 0.26 s x 1.21 W + 11.6 s x 1.06 W ~ 12.6 J (DRX on-durations add ~4%).
  CHECK(wake == Approx(0.26 * 1.21 + 11.576 * 1.06).epsilon(0.05));
  // Idle paging before the packet and after the tail (the paging phase restarts on entry).
  const double back_to_idle = 30.0 + p.promotion_time.seconds() + p.tail_time.seconds();
  const double idle = idle_paging_j(p, 30.0) + idle_paging_j(p, 60.0 - back_to_idle);
  CHECK(bucket(r, Bucket::kIdle) == Approx(idle).epsilon(1e-9));
  CHECK(r.radio_energy_j == Approx(wake + idle).epsilon(1e-9));
  CHECK(bucket(r, Bucket::kData) == 0.0);
  CHECK(bucket(r, Bucket::kTail) == 0.0);
  CHECK(bucket(r, Bucket::kPromotion) == 0.0);
  CHECK(r.promotions == 1);
  CHECK(state_s(r, "promotion") == Approx(0.26));
  CHECK(state_s(r, "continuous_reception") == Approx(0.1));
  CHECK(state_s(r, "short_drx") == Approx(0.02));
  CHECK(state_s(r, "long_drx") == Approx(11.576 - 0.12));
  CHECK(state_sum(r) == Approx(60.0).epsilon(1e-12));
}

TEST_CASE("A data wake-up on LTE is split into promotion, data and tail", "[energy]") {
  RadioSpec spec;
  const LteParams& p = spec.lte;
  Rig rig(spec);
  rig.packet(SimTime::s(5), 1000, Direction::kUp, Cause::kData);
  rig.packet(SimTime::s(5) + SimTime::ms(300), 1500, Direction::kDown, Cause::kData);  // 40 ms into CR
  const HostReport r = rig.run(SimTime::s(30));
  CHECK(bucket(r, Bucket::kPromotion) == Approx(0.26 * p.promotion_w));
  const double bits = (p.alpha_up_mw_per_mbps * 1000 * 8e-6 + p.alpha_down_mw_per_mbps * 1500 * 8e-6) * 1e-3;
  CHECK(bucket(r, Bucket::kData) == Approx(bits + 0.04 * p.beta_mw * 1e-3).epsilon(1e-9));
  const double tail = lte_wakeup_j(p, 0) - 0.26 * p.promotion_w;
  CHECK(bucket(r, Bucket::kTail) == Approx(tail).epsilon(1e-9));
}

TEST_CASE("Two keepalives closer than the LTE tail cost less than two isolated ones", "[energy]") {
  RadioSpec spec;
  const LteParams& p = spec.lte;
  auto run = [&](SimTime second) {
    Rig rig(spec);
    rig.packet(SimTime::s(10), wire::kBindingIndication, Direction::kUp, Cause::kNatKeepalive);
    rig.packet(second, wire::kBindingIndication, Direction::kUp, Cause::kNatKeepalive);
    return rig.run(SimTime::s(100));
  };
  const HostReport close = run(SimTime::s(15));
  const HostReport apart = run(SimTime::s(50));
  const double one = lte_wakeup_j(p, wire::kBindingIndication);
  CHECK(apart.keepalive_j() == Approx(2 * one).epsilon(1e-9));
  CHECK(apart.promotions == 2);
  CHECK(close.promotions == 1);
  CHECK(close.keepalive_j() < apart.keepalive_j());
  // The close pair: one promotion, tail cut short at 15 s (4.74 s of it), then a full tail.
  const double first_part = p.promotion_time.seconds() * p.promotion_w +
                            p.alpha_up_mw_per_mbps * 1e-3 * (wire::kBindingIndication * 8 / 1e6) +
                            p.inactivity_timer.seconds() * p.beta_mw * 1e-3 +
                            waveform_j(0.02, 0.02, 0.002, p.drx_on_w, p.tail_base_w) +
                            waveform_j(15.0 - 10.26 - 0.12, 0.04, 0.002, p.drx_on_w, p.tail_base_w);
  const double second_part = one - p.promotion_time.seconds() * p.promotion_w;
  CHECK(close.keepalive_j() == Approx(first_part + second_part).epsilon(1e-9));
}

TEST_CASE("A long continuous LTE flow draws alpha_u*U + alpha_d*D + beta", "[energy]") {
  RadioSpec spec;
  const LteParams& p = spec.lte;
  Rig rig(spec);
  const double up = 2e6, down = 5e6;
  rig.flow(SimTime::s(10), up, down);
  rig.flow(SimTime::s(1010), 0, 0);
  const HostReport r = rig.run(SimTime::s(1100));
  const double power_w = (438.39 * 2 + 51.97 * 5 + 1288.04) / 1000.0;  // P = au*U + ad*D + b in W
  CHECK(LteRadio::data_power_w(p, up, down) == Approx(power_w));
  const double flowing = 1000.0 - p.promotion_time.seconds();
  CHECK(bucket(r, Bucket::kData) == Approx(power_w * flowing).epsilon(1e-9));
  CHECK(state_s(r, "continuous_reception") == Approx(flowing + p.inactivity_timer.seconds()));
  // Over the flow the mean power tends to P (promotion is 0.026% of the time).
  const double flow_window = bucket(r, Bucket::kData) + bucket(r, Bucket::kPromotion);
  CHECK(flow_window / 1000.0 == Approx(power_w).epsilon(0.001));
}

TEST_CASE("A rate change mid-flow integrates each rate exactly", "[energy]") {
  RadioSpec spec;
  const LteParams& p = spec.lte;
  Rig rig(spec);
  rig.flow(SimTime::s(1), 1e6, 0);
  rig.flow(SimTime::s(11), 0, 4e6);
  rig.flow(SimTime::s(21), 0, 0);
  const HostReport r = rig.run(SimTime::s(40));
  const double e = LteRadio::data_power_w(p, 1e6, 0) * (10.0 - 0.26) + LteRadio::data_power_w(p, 0, 4e6) * 10.0;
  CHECK(bucket(r, Bucket::kData) == Approx(e).epsilon(1e-9));
}

TEST_CASE("UMTS inactivity timers and promotions", "[energy]") {
  RadioSpec spec;
  spec.kind = RadioKind::kUmts;
  const UmtsParams& p = spec.umts;
  SECTION("IDLE -> DCH promotion, DCH 4 s, FACH 10 s, IDLE") {
    Rig rig(spec);
    rig.packet(SimTime::s(10), 1000, Direction::kUp, Cause::kData);
    const HostReport r = rig.run(SimTime::s(60));
    CHECK(state_s(r, "promotion_idle_dch") == Approx(2.0));
    CHECK(state_s(r, "dch") == Approx(4.0));
    CHECK(state_s(r, "fach") == Approx(10.0));
    CHECK(state_s(r, "idle") == Approx(60.0 - 16.0));
    CHECK(bucket(r, Bucket::kPromotion) == Approx(2.0 * 0.65));
    CHECK(bucket(r, Bucket::kTail) == Approx(4.0 * 1.30 + 10.0 * 0.30));
    CHECK(r.radio_energy_j == Approx(2.0 * p.idle_dch_promotion_w + 4.0 * p.dch_w + 10.0 * p.fach_w));
    CHECK(state_sum(r) == Approx(60.0).epsilon(1e-12));
  }
  SECTION("a small packet in FACH is served in FACH and restarts the FACH timer") {
    Rig rig(spec);
    rig.packet(SimTime::s(10), 1000, Direction::kUp, Cause::kData);
    rig.packet(SimTime::s(19), 100, Direction::kUp, Cause::kHeartbeat);  // 3 s into FACH, 100 B <= 543 B
    const HostReport r = rig.run(SimTime::s(60));
    CHECK(r.promotions == 1);
    CHECK(state_s(r, "fach") == Approx(3.0 + 10.0));
    CHECK(bucket(r, Bucket::kHeartbeat) == Approx(10.0 * p.fach_w));
  }
  SECTION("a packet above the RLC threshold in FACH promotes FACH -> DCH") {
    Rig rig(spec);
    rig.packet(SimTime::s(10), 1000, Direction::kUp, Cause::kData);
    rig.packet(SimTime::s(19), 600, Direction::kUp, Cause::kData);  // 600 B > 543 B
    const HostReport r = rig.run(SimTime::s(60));
    CHECK(r.promotions == 2);
    CHECK(state_s(r, "promotion_fach_dch") == Approx(1.5));
    CHECK(state_s(r, "dch") == Approx(8.0));
    CHECK(state_s(r, "fach") == Approx(3.0 + 10.0));
    CHECK(bucket(r, Bucket::kPromotion) == Approx(2.0 * 0.65 + 1.5 * 0.80));
  }
  SECTION("a packet in DCH restarts the DCH timer") {
    Rig rig(spec);
    rig.packet(SimTime::s(10), 1000, Direction::kUp, Cause::kData);
    rig.packet(SimTime::s(15), 1000, Direction::kDown, Cause::kData);  // 3 s into DCH
    const HostReport r = rig.run(SimTime::s(60));
    CHECK(state_s(r, "dch") == Approx(3.0 + 4.0));
    CHECK(bucket(r, Bucket::kData) == Approx(3.0 * 1.30));
  }
}

TEST_CASE("Wi-Fi PSM: active, 0.25 s tail, standby", "[energy]") {
  RadioSpec spec;
  spec.kind = RadioKind::kWifi;
  const WifiParams& p = spec.wifi;
  Rig rig(spec);
  rig.packet(SimTime::s(1), 1000, Direction::kUp, Cause::kData);
  rig.packet(SimTime::s(1) + SimTime::ms(100), 1000, Direction::kDown, Cause::kData);
  const HostReport r = rig.run(SimTime::s(10));
  CHECK(state_s(r, "active") == Approx(0.1));
  CHECK(state_s(r, "tail") == Approx(0.25));
  CHECK(state_s(r, "idle") == Approx(10.0 - 0.35));
  const double bits = (p.alpha_up_mw_per_mbps + p.alpha_down_mw_per_mbps) * 1000 * 8e-6 * 1e-3;
  CHECK(r.radio_energy_j == Approx(0.35 * p.active_w + 9.65 * p.idle_w + bits).epsilon(1e-9));
}

TEST_CASE("A wired host costs nothing", "[energy]") {
  RadioSpec spec;
  spec.kind = RadioKind::kWired;
  Rig rig(spec);
  rig.packet(SimTime::s(1), 1200, Direction::kUp, Cause::kData);
  rig.flow(SimTime::s(2), 3e6, 3e6);
  rig.flow(SimTime::s(20), 0, 0);
  const HostReport r = rig.run(SimTime::s(30));
  CHECK(r.energy_j == 0.0);
  CHECK(r.avg_power_mw == 0.0);
  CHECK(r.battery_drain_pct_per_hour == 0.0);
  CHECK(state_sum(r) == Approx(30.0));
}

TEST_CASE("Time in states sums to the run length for every radio", "[energy]") {
  for (RadioKind k : {RadioKind::kLte, RadioKind::kUmts, RadioKind::kWifi, RadioKind::kWired}) {
    RadioSpec spec;
    spec.kind = k;
    Rig rig(spec);
    Rng rng(42);
    SimTime t = SimTime::zero();
    for (int i = 0; i < 200; ++i) {
      t += SimTime::from_seconds(rng.exponential(3.0));
      rig.packet(t, 60 + static_cast<std::int64_t>(rng.below(1400)), rng.bernoulli(0.5) ? Direction::kUp : Direction::kDown,
                 static_cast<Cause>(rng.below(kCauseCount)));
    }
    rig.flow(SimTime::s(100), 1e6, 2e6);
    rig.flow(SimTime::s(130), 0, 0);
    const SimTime end = t + SimTime::s(5);  // ends mid-tail for most radios
    const HostReport r = rig.run(end);
    INFO(radio_kind_name(k));
    CHECK(state_sum(r) == Approx(end.seconds()).epsilon(1e-12));
    double buckets = 0;
    for (double b : r.bucket_j) buckets += b;
    CHECK(buckets == Approx(r.radio_energy_j));
  }
}

TEST_CASE("Battery drain and average power follow from the energy", "[energy]") {
  Simulator sim;
  RadioSpec spec;
  HostEnergy host(make_radio(sim, spec), CpuParams{0.5, 0.25}, 10.0);
  sim.schedule_at(SimTime::s(100), [&] { host.set_streams(sim.now(), 2, 3); });  // 2 x 0.5 + 3 x 0.25 W
  sim.schedule_at(SimTime::s(200), [&] { host.set_streams(sim.now(), 0, 0); });
  sim.run_until(SimTime::s(3600));
  host.finish(SimTime::s(3600));
  const HostReport r = host.report();
  CHECK(r.cpu_energy_j == Approx(100.0 * 1.75));
  CHECK(r.energy_j == Approx(r.radio_energy_j + r.cpu_energy_j));
  CHECK(r.avg_power_mw == Approx(r.energy_j / 3600.0 * 1000.0));
  CHECK(r.battery_drain_pct_per_hour == Approx(r.energy_j / 3600.0 / 10.0 * 100.0));
}

TEST_CASE("UMTS: a small burst in DCH does not restart the DCH timer", "[energy]") {
  RadioSpec spec;
  spec.kind = RadioKind::kUmts;
  const UmtsParams& p = spec.umts;
  Rig rig(spec);
  rig.packet(SimTime::s(10), 1000, Direction::kUp, Cause::kData);
  // 2 s into DCH (DCH from 12 s): 116 B < 320 B, alone in its 300 ms window.
  rig.packet(SimTime::s(14), wire::kConsentRequest, Direction::kUp, Cause::kIceConsent);
  rig.packet(SimTime::s(14) + SimTime::ms(50), wire::kConsentResponse, Direction::kDown, Cause::kIceConsent);
  // Two packets 100 ms apart summing to 400 B >= 320 B: the second restarts the timer.
  rig.packet(SimTime::s(15), 200, Direction::kUp, Cause::kData);
  rig.packet(SimTime::s(15) + SimTime::ms(100), 200, Direction::kUp, Cause::kData);
  const HostReport r = rig.run(SimTime::s(60));
  CHECK(state_s(r, "dch") == Approx(3.1 + p.dch_fach_timer.seconds()));
  CHECK(bucket(r, Bucket::kIceConsent) == 0.0);  // its bits are free in UMTS and it prolonged nothing
  CHECK(bucket(r, Bucket::kData) == Approx(3.1 * p.dch_w));
}

TEST_CASE("An hour of LTE keepalives at 120 s: 29 full wake-ups and one cut by the end", "[energy]") {
  Simulator sim;
  RadioSpec spec;
  const LteParams& p = spec.lte;
  HostEnergy host(make_radio(sim, spec));
  ExchangeSpec ks = default_exchange(Cause::kNatKeepalive);
  ks.interval = SimTime::s(120);
  PeriodicExchange ka(sim, host, ks, Rng::stream(1, "ka"));
  ka.start();
  sim.run_until(SimTime::h(1));
  host.finish(SimTime::h(1));
  const HostReport r = host.report();
  const double bits = p.alpha_up_mw_per_mbps * 1e-3 * (wire::kBindingIndication * 8 / 1e6);
  // Requests at 120, 240, ..., 3600 s; the last one starts its promotion at the end of the run.
  CHECK(ka.requests() == 30);
  CHECK(r.keepalive_j() == Approx(29 * lte_wakeup_j(p, wire::kBindingIndication) + bits).epsilon(1e-9));
  // Idle: 30 stretches of paging, each restarting its phase.
  const double gap = 120.0 - p.promotion_time.seconds() - p.tail_time.seconds();
  CHECK(bucket(r, Bucket::kIdle) == Approx(idle_paging_j(p, 120.0) + 29 * idle_paging_j(p, gap)).epsilon(1e-9));
}

TEST_CASE("A rate trace (as the group-call model produces) drives the radio and CPU", "[energy]") {
  Simulator sim;
  RadioSpec spec;
  const LteParams& p = spec.lte;
  HostEnergy host(make_radio(sim, spec), CpuParams{0.2, 0.1});
  FlowTrace trace(sim, host,
                  {{SimTime::s(10), 1e6, 3e6, 3, 3},    // a 4-party mesh: 3 encodes, 3 decodes
                   {SimTime::s(70), 0.5e6, 3e6, 1, -1}, // switches to one encode
                   {SimTime::s(130), 0, 0, 0, 0}});
  trace.start();
  sim.run_until(SimTime::s(200));
  host.finish(SimTime::s(200));
  const HostReport r = host.report();
  const double data = LteRadio::data_power_w(p, 1e6, 3e6) * (60 - 0.26) + LteRadio::data_power_w(p, 0.5e6, 3e6) * 60;
  CHECK(r.bucket_j[static_cast<std::size_t>(Bucket::kData)] == Approx(data).epsilon(1e-9));
  CHECK(r.cpu_energy_j == Approx(60 * (3 * 0.2 + 3 * 0.1) + 60 * (1 * 0.2 + 3 * 0.1)));
  CHECK(r.promotions == 1);
}
