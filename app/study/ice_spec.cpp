#include "app/study/ice_spec.hpp"

#include "app/scenario/nat_section.hpp"
#include "models/nat/preset.hpp"

namespace p2psim::study {

void parse_ice_section(const scenario::Field& ice, ice::SessionConfig& cfg) {
  ice.allow_only({"ta", "nomination_wait", "max_pairs", "check_max_sends", "keepalive_interval", "consent_interval",
                  "consent_timeout", "predict_ports", "predict_delta", "sdp_base_bytes", "candidate_line_bytes",
                  "relay_policy", "relay_fallback_after", "trickle", "mdns_host_candidates", "nomination", "renomination"});
  ice::IceConfig& c = cfg.ice;
  c.checks.ta = ice.get_time("ta", c.checks.ta, SimTime::ms(5), SimTime::s(1));
  c.nomination_wait = ice.get_time("nomination_wait", c.nomination_wait, SimTime::zero(), SimTime::s(60));
  c.checks.max_pairs = static_cast<std::size_t>(ice.get_int("max_pairs", 100, 1, 1000));
  c.checks.max_sends = static_cast<int>(ice.get_int("check_max_sends", c.checks.max_sends, 1, 20));
  c.keepalive_interval = ice.get_time("keepalive_interval", c.keepalive_interval, SimTime::zero(), SimTime::h(1));
  if (c.keepalive_interval > SimTime::zero() && c.keepalive_interval < SimTime::s(15))
    ice.require("keepalive_interval").fail_expected("0 (off) or at least 15s (RFC 8445 section 11)");
  c.consent_interval = ice.get_time("consent_interval", c.consent_interval, SimTime::zero(), SimTime::min(10));
  c.consent_timeout = ice.get_time("consent_timeout", c.consent_timeout, SimTime::s(1), SimTime::min(10));
  c.predict_ports = static_cast<int>(ice.get_int("predict_ports", 0, 0, 64));
  c.predict_delta = static_cast<int>(ice.get_int("predict_delta", 1, -16, 16));
  cfg.sdp_base_bytes = ice.get_size("sdp_base_bytes", cfg.sdp_base_bytes, 0, 1 << 20);
  cfg.candidate_line_bytes = ice.get_size("candidate_line_bytes", cfg.candidate_line_bytes, 1, 4096);
  cfg.relay_policy = ice.get_enum<ice::RelayPolicy>(
      "relay_policy", cfg.relay_policy, {{"always", ice::RelayPolicy::kAlways}, {"on-failure", ice::RelayPolicy::kOnFailure}});
  cfg.relay_fallback_after = ice.get_time("relay_fallback_after", cfg.relay_fallback_after, SimTime::zero(), SimTime::min(10));
  cfg.trickle = ice.get_bool("trickle", cfg.trickle);
  c.mdns_host_candidates = ice.get_bool("mdns_host_candidates", c.mdns_host_candidates);
  c.nomination.mode = ice.get_enum<ice::NominationMode>(
      "nomination", c.nomination.mode, {{"libwebrtc", ice::NominationMode::kLibwebrtc}, {"regular", ice::NominationMode::kRegular}});
  c.nomination.renomination = ice.get_bool("renomination", c.nomination.renomination);
  if (c.nomination.renomination && c.nomination.mode != ice::NominationMode::kLibwebrtc)
    ice.require("renomination").fail_expected("false with nomination: regular (renomination is libwebrtc's)");
}

void browser_ice_defaults(ice::SessionConfig& cfg) {
  cfg.trickle = true;                                          // RFC 8838; browsers trickle
  cfg.ice.nomination.mode = ice::NominationMode::kLibwebrtc;   // Chrome's (libwebrtc) nomination
  cfg.ice.mdns_host_candidates = true;                         // browsers' default (models/ice/mdns.hpp)
}

std::vector<nat::NatConfig> preset_layers(const scenario::Field& at, const std::string& name) {
  auto p = nat::find_preset(name);
  if (!p) {
    std::string msg = "unknown NAT preset \"" + name + "\"; expected one of:";
    for (const auto& x : nat::preset_names()) msg += " " + x;
    at.fail(msg);
  }
  return p->layers;
}

std::vector<nat::NatConfig> parse_preset(const scenario::Field& f, std::string* name) {
  const std::string n = f.as_string();
  if (name) *name = n;
  return preset_layers(f, n);
}

std::vector<ice::NatShare> parse_ice_nat_mix(const scenario::Field& f) {
  std::vector<ice::NatShare> mix;
  if (const auto m = scenario::parse_named_nat_mix(f, "a map preset -> weight")) {
    for (const nat::NatMixRow& r : m->rows) mix.push_back({r.preset, nat::preset(r.preset).layers, r.share});
    return mix;
  }
  f.expect_map();
  for (const auto& [name, w] : f.entries()) {
    ice::NatShare share;
    share.name = name;
    share.layers = preset_layers(w, name);
    share.weight = w.as_double(1e-9, 1e9);
    mix.push_back(share);
  }
  if (mix.empty()) f.fail_expected("at least one preset: weight entry");
  return mix;
}

void check_carrier_blocks(const scenario::Field& root, const ice::PopulationSpec& p) {
  for (const ice::NatShare& share : p.mix)
    for (std::size_t l = 1; l < share.layers.size(); ++l) {
      const nat::NatConfig& c = share.layers[l];
      if (c.port_block_size == 0) continue;
      const std::int64_t blocks = (std::int64_t{c.port_max} - c.port_min + 1) / c.port_block_size;
      if (p.cgn_subscribers <= blocks) continue;
      const auto pop = root.get("population");
      const scenario::Field at =
          pop && pop->has("cgn_subscribers") ? pop->require("cgn_subscribers") : root.require("nat_mix");
      at.fail("cgn_subscribers (" + std::to_string(p.cgn_subscribers) + ") exceeds the " + std::to_string(blocks) +
              " port blocks of " + std::to_string(c.port_block_size) + " ports one carrier NAT address of \"" +
              share.name + "\" holds");
    }
}

std::string metric_name(const std::string& preset) {
  std::string s = preset;
  for (char& c : s)
    if (c == '-') c = '_';
  return s;
}

}  // namespace p2psim::study
