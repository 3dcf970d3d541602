#include "app/scenario/nat_section.hpp"

#include <cmath>

namespace p2psim::scenario {

namespace {

nat::Mapping parse_mapping(const Field& f) {
  return f.as_enum<nat::Mapping>({{"endpoint-independent", nat::Mapping::endpoint_independent},
                                  {"EIM", nat::Mapping::endpoint_independent},
                                  {"address-dependent", nat::Mapping::address_dependent},
                                  {"ADM", nat::Mapping::address_dependent},
                                  {"address-port-dependent", nat::Mapping::address_port_dependent},
                                  {"APDM", nat::Mapping::address_port_dependent}});
}

nat::Filtering parse_filtering(const Field& f) {
  return f.as_enum<nat::Filtering>({{"endpoint-independent", nat::Filtering::endpoint_independent},
                                    {"EIF", nat::Filtering::endpoint_independent},
                                    {"address-dependent", nat::Filtering::address_dependent},
                                    {"ADF", nat::Filtering::address_dependent},
                                    {"address-port-dependent", nat::Filtering::address_port_dependent},
                                    {"APDF", nat::Filtering::address_port_dependent}});
}

nat::Preset preset_of(const Field& f) {
  f.record_choices(nat::preset_names());
  const std::string name = f.as_string();
  auto p = nat::find_preset(name);
  if (!p) {
    std::string names;
    for (const auto& n : nat::preset_names()) names += (names.empty() ? "" : ", ") + n;
    f.fail_expected("a NAT preset (one of " + names + ")");
  }
  return *p;
}

}  // namespace

nat::Preset parse_nat_config(const Field& f) {
  if (f.is_scalar()) return preset_of(f);
  f.expect_map();
  f.allow_only({"preset", "mapping", "filtering", "ports", "port_fallback", "port_delta", "port_min", "port_max",
                "port_parity", "port_reuse_per_destination", "udp_timeout", "udp_unreplied_timeout", "tcp_timeout",
                "inbound_refresh", "hairpinning", "block_outbound_udp", "allowed_tcp_port", "max_mappings",
                "udp_stream_after", "inbound_firewall", "port_block_size", "max_blocks_per_subscriber",
                "carrier"});
  nat::Preset p = f.has("preset") ? preset_of(f.require("preset")) : *nat::find_preset("port-restricted-cone");
  const bool overridden = f.entries().size() > (f.has("preset") ? 1u : 0u) + (f.has("carrier") ? 1u : 0u);
  if (p.layers.empty()) {
    if (overridden) f.fail("NAT keys need a NAT: preset \"none\" has no layer to configure");
  } else {
    nat::NatConfig& c = p.layers.front();
    if (auto v = f.get("mapping")) c.mapping = parse_mapping(*v);
    if (auto v = f.get("filtering")) c.filtering = parse_filtering(*v);
    c.ports = f.get_enum<nat::PortAssignment>("ports", c.ports,
                                              {{"preserve", nat::PortAssignment::preserve},
                                               {"sequential", nat::PortAssignment::sequential},
                                               {"random", nat::PortAssignment::random}});
    c.fallback = f.get_enum<nat::PreserveFallback>(
        "port_fallback", c.fallback,
        {{"random", nat::PreserveFallback::random},
         {"sequential", nat::PreserveFallback::sequential},
         {"linux", nat::PreserveFallback::linux_scan}});
    c.port_delta = static_cast<std::uint16_t>(f.get_int("port_delta", c.port_delta, 1, 1000));
    c.port_min = static_cast<std::uint16_t>(f.get_int("port_min", c.port_min, 1, 65535));
    c.port_max = static_cast<std::uint16_t>(f.get_int("port_max", c.port_max, 1, 65535));
    if (c.port_min > c.port_max) (f.has("port_max") ? f.require("port_max") : f).fail("port_min must be <= port_max");
    c.port_parity = f.get_bool("port_parity", c.port_parity);
    c.port_reuse_per_destination = f.get_bool("port_reuse_per_destination", c.port_reuse_per_destination);
    c.udp_timeout = f.get_time("udp_timeout", c.udp_timeout, SimTime::s(1), SimTime::h(24));
    c.udp_unreplied_timeout = f.get_time("udp_unreplied_timeout", c.udp_unreplied_timeout, SimTime::s(1), SimTime::h(24));
    c.tcp_timeout = f.get_time("tcp_timeout", c.tcp_timeout, SimTime::s(1), SimTime::h(24 * 30));
    c.inbound_refresh = f.get_bool("inbound_refresh", c.inbound_refresh);
    c.hairpinning = f.get_bool("hairpinning", c.hairpinning);
    c.block_outbound_udp = f.get_bool("block_outbound_udp", c.block_outbound_udp);
    c.allowed_tcp_port = static_cast<std::uint16_t>(f.get_int("allowed_tcp_port", c.allowed_tcp_port, 0, 65535));
    c.max_mappings = static_cast<std::uint32_t>(f.get_int("max_mappings", c.max_mappings, 0, 1'000'000'000));
    c.port_block_size = static_cast<std::uint16_t>(f.get_int("port_block_size", c.port_block_size, 0, 32768));
    c.max_blocks_per_subscriber =
        static_cast<std::uint16_t>(f.get_int("max_blocks_per_subscriber", c.max_blocks_per_subscriber, 0, 512));
    c.udp_stream_after = f.get_time("udp_stream_after", c.udp_stream_after, SimTime::zero(), SimTime::s(60));
    c.inbound_creates_entry = f.get_enum<bool>("inbound_firewall", c.inbound_creates_entry,
                                               {{"drop", false}, {"none", true}});
    if (c.inbound_creates_entry && !c.port_reuse_per_destination)
      f.require("inbound_firewall")
          .fail("inbound_firewall: none models Linux conntrack and needs port_reuse_per_destination: true "
                "(preset linux-masquerade)");
  }
  if (overridden) {
    p.name = "custom";
    p.description = "custom NAT (" + std::string(nat::short_name(p.layers.front().mapping)) + " + " +
                    nat::short_name(p.layers.front().filtering) + ")";
  }
  if (auto carrier = f.get("carrier")) {
    const nat::Preset outer = parse_nat_config(*carrier);
    if (outer.layers.empty()) carrier->fail("carrier must be a NAT, not \"none\"");
    if (p.layers.empty()) carrier->fail("a carrier NAT needs an inner NAT (preset \"none\" has none)");
    p.layers.insert(p.layers.end(), outer.layers.begin(), outer.layers.end());
    p.name += "+" + outer.name;
  }
  return p;
}

std::optional<nat::NamedNatMix> parse_named_nat_mix(const Field& f, std::string_view alternatives) {
  f.record_choices(nat::nat_mix_names());
  const bool by_preset = f.is_map() && f.has("preset");
  if (!f.is_scalar() && !by_preset) return std::nullopt;
  // {preset: <name>} is checked by hand, not by allow_only, so that the schema keeps
  // describing the caller's explicit map as a map of names.
  if (by_preset)
    for (const auto& [key, value] : f.entries())
      if (key != "preset") value.fail("\"preset\" names a NAT mix and excludes other keys");
  const Field at = by_preset ? f.require("preset") : f;
  at.record_choices(nat::nat_mix_names());
  auto m = at.is_scalar() ? nat::find_nat_mix(at.as_string()) : std::nullopt;
  if (!m) {
    std::string names;
    for (const auto& n : nat::nat_mix_names()) names += (names.empty() ? "" : ", ") + n;
    at.fail_expected("a named NAT mix (one of " + names + ") or " + std::string(alternatives));
  }
  return m;
}

std::vector<NatMixEntry> parse_nat_mix(const Field& f) {
  std::vector<NatMixEntry> mix;
  double total = 0;
  if (const auto m = parse_named_nat_mix(f, "a map preset -> share or a list of {nat, share}")) {
    for (const nat::NatMixRow& r : m->rows) mix.push_back({nat::preset(r.preset), r.share});
    return mix;
  }
  if (f.is_sequence()) {
    for (const Field& item : f.items()) {
      item.expect_map();
      item.allow_only({"nat", "share"});
      NatMixEntry e;
      e.nat = parse_nat_config(item.require("nat"));
      e.share = item.require("share").as_double(0, 1);
      total += e.share;
      mix.push_back(std::move(e));
    }
  } else {
    f.expect_map();
    for (const auto& [name, value] : f.entries()) {
      NatMixEntry e;
      auto p = nat::find_preset(name);
      if (!p) {
        std::string names;
        for (const auto& n : nat::preset_names()) names += (names.empty() ? "" : ", ") + n;
        value.fail("unknown NAT preset \"" + name + "\" (expected one of " + names + ")");
      }
      e.nat = *p;
      e.share = value.as_double(0, 1);
      total += e.share;
      mix.push_back(std::move(e));
    }
  }
  if (mix.empty()) f.fail_expected("at least one NAT with its share");
  if (std::abs(total - 1.0) > 1e-6) f.fail("NAT shares must sum to 1, got " + std::to_string(total));
  return mix;
}

StunServerSpec parse_stun_server(const Field& f) {
  f.expect_map();
  f.allow_only({"port", "alt_port", "rfc5780", "tcp"});
  StunServerSpec s;
  s.config.port = static_cast<std::uint16_t>(f.get_int("port", s.config.port, 1, 65535));
  s.config.alt_port = static_cast<std::uint16_t>(f.get_int("alt_port", s.config.alt_port, 1, 65535));
  s.rfc5780 = f.get_bool("rfc5780", s.rfc5780);
  s.config.tcp = f.get_bool("tcp", s.config.tcp);
  if (s.rfc5780 && s.config.alt_port == s.config.port) f.require("alt_port").fail("alt_port must differ from port");
  return s;
}

turn::ServerConfig parse_turn_server(const Field& f) {
  f.expect_map();
  f.allow_only({"port", "tls_port", "tcp", "lifetime", "max_lifetime", "permission_lifetime", "channel_lifetime",
                "relay_addresses", "max_allocations", "max_allocations_per_client", "capacity", "allocation_rate",
                "max_allocation_rate", "auth"});
  turn::ServerConfig c;
  c.port = static_cast<std::uint16_t>(f.get_int("port", c.port, 1, 65535));
  c.tls_port = static_cast<std::uint16_t>(f.get_int("tls_port", c.tls_port, 0, 65535));
  c.tcp = f.get_bool("tcp", c.tcp);
  c.default_lifetime = f.get_time("lifetime", c.default_lifetime, SimTime::s(1), SimTime::h(24));
  c.max_lifetime = f.get_time("max_lifetime", c.max_lifetime, SimTime::s(1), SimTime::h(24));
  if (c.max_lifetime < c.default_lifetime) f.fail("max_lifetime must be >= lifetime");
  c.permission_lifetime = f.get_time("permission_lifetime", c.permission_lifetime, SimTime::s(1), SimTime::h(24));
  c.channel_lifetime = f.get_time("channel_lifetime", c.channel_lifetime, SimTime::s(1), SimTime::h(24));
  if (auto v = f.get("relay_addresses")) {
    for (const Field& a : v->items()) {
      auto ip = net::Ipv4::parse(a.as_string());
      if (!ip) a.fail_expected("an IPv4 address");
      c.relay_addresses.push_back(*ip);
    }
  }
  c.max_allocations = static_cast<std::uint32_t>(f.get_int("max_allocations", 0, 0, 1'000'000'000));
  c.max_allocations_per_client = static_cast<std::uint32_t>(f.get_int("max_allocations_per_client", 0, 0, 1'000'000));
  c.capacity_bps = f.get_rate("capacity", 0, 0, 1e15);
  c.allocation_bps = f.get_rate("allocation_rate", 0, 0, 1e15);
  c.max_allocation_bps = f.get_rate("max_allocation_rate", 0, 0, 1e15);
  c.require_auth = f.get_bool("auth", c.require_auth);
  return c;
}

}  // namespace p2psim::scenario
