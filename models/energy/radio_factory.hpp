// RadioSpec: which radio a host has and its parameters, as plain data (the study parses
// YAML into it); make_radio builds the model.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "models/energy/lte_radio.hpp"
#include "models/energy/umts_radio.hpp"
#include "models/energy/wifi_radio.hpp"

namespace p2psim::energy {

enum class RadioKind { kLte, kUmts, kWifi, kNr, kWired };

struct RadioSpec {
  RadioKind kind = RadioKind::kLte;
  LteParams lte;
  UmtsParams umts;
  WifiParams wifi;
  // 5G NR: a preset (nr_presets.hpp) with overrides, or a full user-supplied set; there is
  // no single default network type, so the scenario must choose (docs/models/energy.md).
  std::optional<LteParams> nr;
};

std::string_view radio_kind_name(RadioKind k);

// Precondition: the parameters of the chosen kind validate; for kNr, `nr` is set.
std::unique_ptr<Radio> make_radio(Simulator& sim, const RadioSpec& spec);

}  // namespace p2psim::energy
