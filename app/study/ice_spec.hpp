// Parsing of the ICE-related scenario sections shared by the nat-matrix, nat-population
// and rustdesk study kinds (documented in docs/scenarios.md, "ICE and NAT sections").
#pragma once

#include <string>
#include <vector>

#include "app/scenario/field.hpp"
#include "models/ice/ice_session.hpp"
#include "models/ice/population.hpp"

namespace p2psim::study {

// `ice:` section -> session settings (all keys optional).
void parse_ice_section(const scenario::Field& ice, ice::SessionConfig& cfg);
// The studies' defaults where the model's differ: trickle ICE and libwebrtc nomination,
// as WebRTC browsers behave (docs/models/ice.md).
void browser_ice_defaults(ice::SessionConfig& cfg);
// A NAT preset name at `f` -> layers; error at `f` listing the presets.
std::vector<nat::NatConfig> parse_preset(const scenario::Field& f, std::string* name = nullptr);
// Preset `name` (e.g. a map key); an unknown name is an error reported at `at`.
std::vector<nat::NatConfig> preset_layers(const scenario::Field& at, const std::string& name);
// A `nat_mix` of the ICE studies (nat-population, rustdesk, group-call
// `connectivity.nat_mix`): a named mix of models/nat/nat_mix.hpp (`mobile-heavy`, or
// `{preset: mobile-heavy}`), or a map preset -> weight (> 0, normalised on use). An
// unknown name is an error at `f` listing the named mixes.
std::vector<ice::NatShare> parse_ice_nat_mix(const scenario::Field& f);
// With port-block allocation at a carrier NAT (the `cgnat` preset), the
// `population.cgn_subscribers` hosts sharing one carrier must fit the blocks of its one
// external address; otherwise an error at that key (or at `nat_mix` when it is defaulted).
void check_carrier_blocks(const scenario::Field& root, const ice::PopulationSpec& p);
// "full-cone" -> "full_cone" (metric names).
std::string metric_name(const std::string& preset);

}  // namespace p2psim::study
