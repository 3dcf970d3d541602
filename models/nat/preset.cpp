#include "models/nat/preset.hpp"

#include <algorithm>
#include <stdexcept>

namespace p2psim::nat {

namespace {

NatConfig cone(Filtering f) {
  NatConfig c;
  c.mapping = Mapping::endpoint_independent;
  c.filtering = f;
  c.ports = PortAssignment::preserve;
  return c;
}

std::vector<Preset> make_presets() {
  std::vector<Preset> v;
  v.push_back({"none", "public address, no NAT", {}});
  v.push_back({"full-cone", "EIM + EIF, port preserving (RFC 3489 full cone)",
               {cone(Filtering::endpoint_independent)}});
  v.push_back({"restricted-cone", "EIM + ADF, port preserving (RFC 3489 restricted cone)",
               {cone(Filtering::address_dependent)}});
  v.push_back({"port-restricted-cone", "EIM + APDF, port preserving (RFC 3489 port-restricted cone)",
               {cone(Filtering::address_port_dependent)}});
  {
    NatConfig c;
    c.mapping = Mapping::address_port_dependent;
    c.filtering = Filtering::address_port_dependent;
    c.ports = PortAssignment::random;
    v.push_back({"symmetric", "APDM + APDF, random ports (RFC 3489 symmetric; Linux MASQUERADE --random-fully)", {c}});
    c.ports = PortAssignment::sequential;
    c.port_delta = 1;
    v.push_back({"symmetric-sequential", "APDM + APDF, sequential ports (+1): predictable symmetric NAT", {c}});
  }
  {
    NatConfig c = cone(Filtering::address_port_dependent);
    c.fallback = PreserveFallback::linux_scan;  // nf_nat_l4proto_unique_tuple (nf_nat_core.c)
    c.port_reuse_per_destination = true;        // conntrack keys by 5-tuple (nf_nat_used_tuple)
    c.udp_unreplied_timeout = SimTime::s(30);   // nf_conntrack_udp_timeout
    c.udp_timeout = SimTime::s(120);            // nf_conntrack_udp_timeout_stream
    c.udp_stream_after = SimTime::s(2);         // stream_ts = jiffies + 2 * HZ (nf_conntrack_proto_udp.c)
    c.tcp_timeout = SimTime::s(432000);         // nf_conntrack_tcp_timeout_established (5 days)
    c.inbound_refresh = true;                   // conntrack refreshes on every packet
    c.hairpinning = false;                      // MASQUERADE (POSTROUTING) alone does not hairpin
    c.inbound_creates_entry = false;            // inbound_firewall: drop (a home router's DROP policy)
    v.push_back({"linux-masquerade",
                 "Linux iptables MASQUERADE: EIM + APDF, port preserving, a colliding 5-tuple gets another port "
                 "(random start, upward scan), conntrack timers 30 s unreplied / 120 s once assured (reply seen "
                 "and a packet more than 2 s after the first), no hairpinning, unsolicited inbound dropped",
                 {c}});
  }
  {
    NatConfig home = cone(Filtering::address_port_dependent);
    NatConfig carrier;
    carrier.mapping = Mapping::endpoint_independent;         // RFC 6888 REQ-1 -> RFC 4787 REQ-1
    carrier.filtering = Filtering::address_port_dependent;
    carrier.ports = PortAssignment::random;                  // RFC 6056 port randomisation
    carrier.hairpinning = true;                              // RFC 6888 REQ-9 (RFC 4787 REQ-9)
    carrier.port_block_size = 128;          // RFC 7422 port blocks; Juniper secured-port-block-allocation default
    carrier.max_blocks_per_subscriber = 8;  // RFC 6888 REQ-4 quota; Juniper max-blocks-per-address default
    v.push_back({"cgnat",
                 "home NAT (EIM + APDF, port preserving) behind a carrier-grade NAT (EIM + APDF, hairpinning, one "
                 "external address shared by its subscribers, each given blocks of 128 random-chosen ports, at "
                 "most 8 blocks = 1,024 ports per subscriber)",
                 {home, carrier}});
  }
  {
    NatConfig c = cone(Filtering::address_port_dependent);
    c.block_outbound_udp = true;
    c.allowed_tcp_port = 443;
    v.push_back({"udp-blocked", "EIM + APDF NAT whose firewall blocks outbound UDP and allows TCP to port 443 only",
                 {c}});
  }
  return v;
}

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = make_presets();
  return all;
}

}  // namespace

const std::vector<std::string>& preset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& p : presets()) n.push_back(p.name);
    return n;
  }();
  return names;
}

std::optional<Preset> find_preset(std::string_view name) {
  for (const auto& p : presets())
    if (p.name == name) return p;
  return std::nullopt;
}

Preset preset(std::string_view name) {
  if (auto p = find_preset(name)) return *p;
  std::string msg = "unknown NAT preset \"" + std::string(name) + "\"; expected one of:";
  for (const auto& n : preset_names()) msg += " " + n;
  throw std::invalid_argument(msg);
}

Mapping effective_mapping(const std::vector<NatConfig>& layers) {
  Mapping m = Mapping::endpoint_independent;
  for (const auto& c : layers) m = std::max(m, c.mapping);
  return m;
}

Filtering effective_filtering(const std::vector<NatConfig>& layers) {
  Filtering f = Filtering::endpoint_independent;
  for (const auto& c : layers) f = std::max(f, c.filtering);
  return f;
}

}  // namespace p2psim::nat
