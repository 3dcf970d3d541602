// Scenario parsers for NAT configurations, NAT mixes and STUN/TURN server settings.
// Keys are documented in docs/scenarios.md under "NAT and server keys".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/scenario/field.hpp"
#include "models/nat/nat_mix.hpp"
#include "models/nat/preset.hpp"
#include "models/stun/server.hpp"
#include "models/turn/server.hpp"

namespace p2psim::scenario {

// A NAT: either a preset name (`symmetric`) or a map
//   { preset: <name>, mapping: ..., filtering: ..., ports: ..., ..., carrier: <nat> }
// whose keys override the preset's innermost layer and whose `carrier` (itself a NAT)
// adds layers outside it. Returns the layers, innermost first, named after the preset
// (or "custom" when overridden).
nat::Preset parse_nat_config(const Field& f);

// A named NAT mix (models/nat/nat_mix.hpp) where a mix is read: `f` a scalar name
// (`mobile-heavy`) or a map `{preset: <name>}` and no other key. Returns nullopt for any
// other map or a sequence (the caller's explicit forms). A scalar that names no mix, or a
// `preset` beside other keys, is an error at `f` naming the mixes and `alternatives` (what
// else the caller accepts). Records the names for the schema whatever the form.
std::optional<nat::NamedNatMix> parse_named_nat_mix(const Field& f, std::string_view alternatives);

struct NatMixEntry {
  nat::Preset nat;
  double share = 0;  // fraction of the population, shares sum to 1
};
// A NAT mix: a named mix of models/nat/nat_mix.hpp (`mobile-heavy` or
// `{preset: mobile-heavy}`), a map { <preset name>: <share>, ... } with shares in [0, 1]
// summing to 1 (within 1e-6), or a sequence of { nat: <nat>, share: <share> } for custom NATs.
std::vector<NatMixEntry> parse_nat_mix(const Field& f);

// STUN server: { port, alt_port, rfc5780 (bool: add an alternate address), tcp }.
// Returns the config and whether RFC 5780 (an alternate address) was requested; the
// alternate address itself is allocated by whoever builds the network.
struct StunServerSpec {
  stun::ServerConfig config;
  bool rfc5780 = true;
};
StunServerSpec parse_stun_server(const Field& f);

// TURN server: { port, tls_port, tcp, lifetime, max_lifetime, permission_lifetime,
// channel_lifetime, relay_addresses, max_allocations, max_allocations_per_client,
// capacity, allocation_rate, max_allocation_rate, auth }.
turn::ServerConfig parse_turn_server(const Field& f);

}  // namespace p2psim::scenario
