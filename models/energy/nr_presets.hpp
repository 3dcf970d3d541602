// NrPreset: shipped 5G NR parameter sets for LteRadio (`radio: nr`), one per network type
// the authors of Narayanan et al., "A Variegated Look at 5G in the Wild" (SIGCOMM 2021)
// measured with a Monsoon power monitor on a phone. Every value is either read in the
// authors' artifact (github.com/SIGCOMM21-5G/artifact, commit 35aaf28) or derived from its
// measurement data by tools/nr_power_fit.py; values no source gives are assumptions,
// named as such here and in docs/models/energy.md ("5G NR").
//
// Powers are above the phone's RRC_IDLE power (the authors' accounting: "subtract the
// idle power from the total power for each state to get the radio power"), so idle costs
// nothing. There is no DRX phase: the whole RRC_CONNECTED tail is continuous reception
// at beta (an assumption; the tail power of the paper's Table 2 could not be read).
#pragma once

#include <string_view>

#include "models/energy/lte_radio.hpp"

namespace p2psim::energy {

enum class NrPreset {
  kNsaMmwave,   // Verizon NSA mmWave (LTE anchor + 28/39 GHz NR), Minneapolis
  kNsaLowBand,  // Verizon NSA low-band (DSS), Minneapolis
};

// The preset's scenario name ("nsa-mmwave", "nsa-low-band").
std::string_view nr_preset_name(NrPreset p);

// The preset's parameters; they validate().
LteParams nr_preset(NrPreset p);

}  // namespace p2psim::energy
