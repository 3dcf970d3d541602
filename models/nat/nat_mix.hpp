// Named NAT mixes: populations of hosts described as shares of NAT presets
// (models/nat/preset.hpp), one definition each, used by every study that draws hosts'
// NATs (nat-population, rustdesk, group-call `connectivity.nat_mix`, capacity
// `access.<p>.nat`). Each row says where its share comes from; the table and its sources
// are in docs/models/ice.md, "Population NAT mix".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace p2psim::nat {

struct NatMixRow {
  std::string preset;  // a name of nat::preset_names()
  double share = 0;    // fraction of hosts; the rows of a mix sum to 1
  std::string basis;   // the measurement it comes from, or "p2psim assumption"
};

struct NamedNatMix {
  std::string name;
  std::string description;
  std::vector<NatMixRow> rows;  // in the order of nat::preset_names()
};

// Every named mix, in a stable order: default, fixed-broadband, mobile-heavy.
const std::vector<NamedNatMix>& named_nat_mixes();
// Their names, in that order.
const std::vector<std::string>& nat_mix_names();
// The mix with that name, or nullopt.
std::optional<NamedNatMix> find_nat_mix(std::string_view name);

}  // namespace p2psim::nat
