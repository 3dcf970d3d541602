#include "models/energy/radio_factory.hpp"

#include <cassert>

namespace p2psim::energy {

std::string_view radio_kind_name(RadioKind k) {
  switch (k) {
    case RadioKind::kLte: return "lte";
    case RadioKind::kUmts: return "umts";
    case RadioKind::kWifi: return "wifi";
    case RadioKind::kNr: return "nr";
    case RadioKind::kWired: return "wired";
  }
  return "?";
}

std::unique_ptr<Radio> make_radio(Simulator& sim, const RadioSpec& spec) {
  switch (spec.kind) {
    case RadioKind::kLte: return std::make_unique<LteRadio>(sim, spec.lte, "lte");
    case RadioKind::kUmts: return std::make_unique<UmtsRadio>(sim, spec.umts);
    case RadioKind::kWifi: return std::make_unique<WifiRadio>(sim, spec.wifi);
    case RadioKind::kNr:
      assert(spec.nr.has_value());
      return std::make_unique<LteRadio>(sim, *spec.nr, "nr");
    case RadioKind::kWired: return std::make_unique<WiredRadio>(sim);
  }
  return nullptr;
}

}  // namespace p2psim::energy
