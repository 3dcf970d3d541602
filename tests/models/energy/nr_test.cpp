// The shipped 5G NR presets (models/energy/nr_presets.hpp) checked against energies
// computed by hand from the values in docs/models/energy.md ("5G NR"): the numbers below
// are written out, not read from the presets, so a changed preset fails here.
#include <catch2/catch.hpp>

#include <memory>

#include "models/energy/exchange.hpp"
#include "models/energy/host_energy.hpp"
#include "models/energy/nr_presets.hpp"
#include "models/energy/radio_factory.hpp"
#include "radio_rig.hpp"

using namespace p2psim;
using namespace p2psim::energy;
using p2psim::energy::test::bucket;
using p2psim::energy::test::state_s;

namespace {

RadioSpec nr_spec(NrPreset preset) {
  RadioSpec spec;
  spec.kind = RadioKind::kNr;
  spec.nr = nr_preset(preset);
  return spec;
}

struct NrRig : test::Rig {
  explicit NrRig(NrPreset preset) : test::Rig(nr_spec(preset)) {}
};

}  // namespace

TEST_CASE("5G NR presets hold the values derived from the SIGCOMM 2021 artifact", "[energy][nr]") {
  const LteParams mm = nr_preset(NrPreset::kNsaMmwave);
  CHECK(nr_preset_name(NrPreset::kNsaMmwave) == "nsa-mmwave");
  CHECK(mm.promotion_time == SimTime::ms(323));  // mean of 0.36, 0.32, 0.29 s (RRC-Power/README.md)
  CHECK(mm.tail_time == SimTime::ms(11'200));    // Figure 10, Verizon NSA mmWave
  CHECK(mm.inactivity_timer == mm.tail_time);    // no DRX phase (assumption)
  CHECK(mm.short_drx_time == SimTime::zero());
  CHECK(mm.alpha_up_mw_per_mbps == 9.42);
  CHECK(mm.alpha_down_mw_per_mbps == 2.062);
  CHECK(mm.beta_mw == 3352.0);
  CHECK(mm.promotion_w == Approx(3.352));  // assumption: promotion and tail at beta
  CHECK(mm.tail_base_w == Approx(3.352));
  CHECK(mm.drx_on_w == Approx(3.352));
  CHECK(mm.idle_paging_w == 0.0);
  CHECK(mm.idle_base_w == 0.0);
  CHECK(validate(mm).empty());

  const LteParams lb = nr_preset(NrPreset::kNsaLowBand);
  CHECK(nr_preset_name(NrPreset::kNsaLowBand) == "nsa-low-band");
  CHECK(lb.promotion_time == SimTime::ms(323));
  CHECK(lb.tail_time == SimTime::ms(10'200));  // Figure 25, Verizon NSA low-band (DSS)
  CHECK(lb.inactivity_timer == lb.tail_time);
  CHECK(lb.alpha_up_mw_per_mbps == 29.15);
  CHECK(lb.alpha_down_mw_per_mbps == 13.52);
  CHECK(lb.beta_mw == 1107.7);  // 936.1 + (2925.3 - 2753.6)
  CHECK(lb.promotion_w == Approx(1.1077));
  CHECK(lb.tail_base_w == Approx(1.1077));
  CHECK(validate(lb).empty());
}

TEST_CASE("An isolated keepalive on NSA mmWave costs promotion plus an 11.2 s tail at beta", "[energy][nr]") {
  NrRig rig(NrPreset::kNsaMmwave);
  rig.packet(SimTime::s(30), wire::kBindingIndication, Direction::kUp, Cause::kNatKeepalive);
  const HostReport r = rig.run(SimTime::s(60));
  // 0.323 s x 3.352 W + 9.42 mW/(Mb/s) x 448e-6 Mbit + 11.2 s x 3.352 W
  // = 1.082696 + 0.00000422016 + 37.5424 J.
  const double wake = 38.62510022016;
  CHECK(bucket(r, Bucket::kNatKeepalive) == Approx(wake).epsilon(1e-9));
  CHECK(r.radio_energy_j == Approx(wake).epsilon(1e-9));  // idle costs nothing above the baseline
  CHECK(bucket(r, Bucket::kIdle) == 0.0);
  CHECK(r.promotions == 1);
  CHECK(state_s(r, "promotion") == Approx(0.323));
  CHECK(state_s(r, "continuous_reception") == Approx(11.2));
  CHECK(state_s(r, "short_drx") == 0.0);
  CHECK(state_s(r, "long_drx") == 0.0);
  CHECK(state_s(r, "idle") == Approx(60.0 - 11.523));
}

TEST_CASE("An isolated keepalive on NSA low-band costs promotion plus a 10.2 s tail at beta", "[energy][nr]") {
  NrRig rig(NrPreset::kNsaLowBand);
  rig.packet(SimTime::s(5), wire::kBindingIndication, Direction::kUp, Cause::kNatKeepalive);
  const HostReport r = rig.run(SimTime::s(60));
  // 0.323 s x 1.1077 W + 29.15 mW/(Mb/s) x 448e-6 Mbit + 10.2 s x 1.1077 W
  // = 0.3577871 + 0.0000130592 + 11.29854 J.
  CHECK(r.radio_energy_j == Approx(11.6563401592).epsilon(1e-9));
  CHECK(r.keepalive_j() == Approx(11.6563401592).epsilon(1e-9));
}

TEST_CASE("A data packet then silence on NR: promotion, data bits, then the tail until IDLE", "[energy][nr]") {
  NrRig rig(NrPreset::kNsaMmwave);
  rig.packet(SimTime::s(2), 1200, Direction::kDown, Cause::kData);
  rig.packet(SimTime::s(4), 1200, Direction::kDown, Cause::kData);  // 1.677 s into continuous reception
  const HostReport r = rig.run(SimTime::s(30));
  CHECK(bucket(r, Bucket::kPromotion) == Approx(0.323 * 3.352));
  // Bits: 2 x 2.062 mW/(Mb/s) x 0.0096 Mbit; activity between the packets: 1.677 s x 3.352 W.
  CHECK(bucket(r, Bucket::kData) == Approx(2 * 2.062e-3 * 0.0096 + 1.677 * 3.352).epsilon(1e-9));
  CHECK(bucket(r, Bucket::kTail) == Approx(11.2 * 3.352).epsilon(1e-9));
  CHECK(r.promotions == 1);
}

TEST_CASE("A steady NR transfer draws alpha_up*U + alpha_down*D + beta", "[energy][nr]") {
  SECTION("nsa-mmwave, 2 Mb/s up and 100 Mb/s down") {
    NrRig rig(NrPreset::kNsaMmwave);
    rig.flow(SimTime::s(10), 2e6, 100e6);
    rig.flow(SimTime::s(1010), 0, 0);
    const HostReport r = rig.run(SimTime::s(1100));
    const double p_w = (9.42 * 2 + 2.062 * 100 + 3352) / 1000.0;  // 3.57704 W
    CHECK(LteRadio::data_power_w(*nr_spec(NrPreset::kNsaMmwave).nr, 2e6, 100e6) == Approx(p_w));
    CHECK(bucket(r, Bucket::kData) == Approx(p_w * (1000.0 - 0.323)).epsilon(1e-9));
    CHECK(bucket(r, Bucket::kTail) == Approx(11.2 * 3.352).epsilon(1e-9));
  }
  SECTION("nsa-low-band, 5 Mb/s up and 10 Mb/s down") {
    NrRig rig(NrPreset::kNsaLowBand);
    rig.flow(SimTime::s(10), 5e6, 10e6);
    rig.flow(SimTime::s(610), 0, 0);
    const HostReport r = rig.run(SimTime::s(700));
    const double p_w = (29.15 * 5 + 13.52 * 10 + 1107.7) / 1000.0;  // 1.38865 W
    CHECK(bucket(r, Bucket::kData) == Approx(p_w * (600.0 - 0.323)).epsilon(1e-9));
    CHECK(r.radio_energy_j == Approx(0.323 * 1.1077 + p_w * 599.677 + 10.2 * 1.1077).epsilon(1e-9));
  }
}
