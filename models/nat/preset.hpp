// Named NAT presets: the classic NAT "types" as NatConfig values, for scenario files and
// the matrix/discover commands. A preset is a chain of NAT layers, innermost first:
// "none" has no layer (public address), "cgnat" has a home NAT behind a carrier NAT.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/nat/nat.hpp"

namespace p2psim::nat {

struct Preset {
  std::string name;
  std::string description;
  std::vector<NatConfig> layers;  // innermost (home) first; empty = public host
};

// Every preset name, in a stable order:
// none, full-cone, restricted-cone, port-restricted-cone, symmetric, symmetric-sequential,
// linux-masquerade, cgnat, udp-blocked.
const std::vector<std::string>& preset_names();
// The preset with that name, or nullopt.
std::optional<Preset> find_preset(std::string_view name);
// As find_preset, but throws std::invalid_argument listing the valid names.
Preset preset(std::string_view name);

// The behaviour an observer outside sees through a chain of layers: mapping and filtering
// are the most restrictive of the layers (EIM < ADM < APDM; EIF < ADF < APDF).
Mapping effective_mapping(const std::vector<NatConfig>& layers);
Filtering effective_filtering(const std::vector<NatConfig>& layers);

}  // namespace p2psim::nat
