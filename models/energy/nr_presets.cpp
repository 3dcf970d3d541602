#include "models/energy/nr_presets.hpp"

namespace p2psim::energy {

std::string_view nr_preset_name(NrPreset p) {
  switch (p) {
    case NrPreset::kNsaMmwave: return "nsa-mmwave";
    case NrPreset::kNsaLowBand: return "nsa-low-band";
  }
  return "?";
}

namespace {

// What both presets share (artifact = SIGCOMM21-5G/artifact at commit 35aaf28).
LteParams nsa_common(SimTime tail, double alpha_up, double alpha_down, double beta_mw) {
  LteParams p;
  // RRC-Power/README.md: idle end -> 4G start of the three transitions listed for the NSA
  // trace screenmax-5g-loop1-rrc-1.csv: 0.36, 0.32, 0.29 s (mean 0.323 s).
  p.promotion_time = SimTime::ms(323);
  // RRC_CONNECTED span after the last packet drawn in RRC-Probe's Figure 10/25 scripts.
  p.tail_time = tail;
  // No DRX phase (assumption): continuous reception at beta until the tail ends, so the
  // DRX cycle keys are inert; their powers are set to beta too.
  p.inactivity_timer = tail;
  p.short_drx_time = SimTime::zero();
  // Powers are above RRC_IDLE (the authors subtract the idle power): idle costs nothing.
  p.idle_paging_w = 0.0;
  p.idle_base_w = 0.0;
  p.alpha_up_mw_per_mbps = alpha_up;
  p.alpha_down_mw_per_mbps = alpha_down;
  p.beta_mw = beta_mw;
  // Assumption: promotion and tail draw the connected base power (no source gives them).
  p.promotion_w = beta_mw * 1e-3;
  p.drx_on_w = beta_mw * 1e-3;
  p.tail_base_w = beta_mw * 1e-3;
  return p;
}

}  // namespace

LteParams nr_preset(NrPreset p) {
  switch (p) {
    case NrPreset::kNsaMmwave:
      // tail: Figure 10 "Verizon 5G NSA mmWave" RRC_CONNECTED 0-11.2 s.
      // alpha_up: tools/nr_power_fit.py, Figure 11 mmWave uplink fit (9.422 mW per Mb/s).
      // alpha_down, beta: Web-Browsing/scripts/web_utils.py line 146, the authors' 5G
      // (mmWave) model P = 2.062 * throughput + 3352 mW.
      return nsa_common(SimTime::ms(11'200), 9.42, 2.062, 3352.0);
    case NrPreset::kNsaLowBand:
      // tail: Figure 25 "Verizon NSA Low-Band 5G (DSS)" RRC_CONNECTED 0-10.2 s.
      // alpha_up, alpha_down: tools/nr_power_fit.py, Figure 11 NSA low-band fits
      // (29.148 and 13.518 mW per Mb/s). beta: the authors' 4G base 936.1 mW
      // (web_utils.py line 145) plus the NSA low-band downlink intercept above the LTE one
      // in the same Figure 11 session (2925.3 - 2753.6 mW).
      return nsa_common(SimTime::ms(10'200), 29.15, 13.52, 1107.7);
  }
  return {};
}

}  // namespace p2psim::energy
