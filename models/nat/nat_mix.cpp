#include "models/nat/nat_mix.hpp"

namespace p2psim::nat {

namespace {

// Sources (docs/models/ice.md, "Population NAT mix"):
//   [Ford05]  Ford, Srisuresh, Kegel, "Peer-to-Peer Communication Across Network Address
//             Translators", USENIX ATC 2005, Table 1: 310 of 380 NATs (82%) support UDP
//             hole punching (endpoint-independent mapping), so 18% do not.
//   [Rich16]  Richter et al., "A Multi-perspective Analysis of Carrier-Grade NAT
//             Deployment", IMC 2016: CGN in > 92% of the cellular and 17-18% of the
//             non-cellular eyeball networks they cover.
//   [Mand17]  Mandalari et al., "Tracking the Big NAT across Europe and the U.S." (2017):
//             10% of the 60+ fixed-line ISPs tested deploy a CGN.
constexpr const char* kAssumed = "p2psim assumption";

std::vector<NamedNatMix> make_mixes() {
  std::vector<NamedNatMix> v;
  v.push_back({"default",
               "mixed fixed and mobile population of the shipped scenarios (22% of sessions relayed, the WebRTC "
               "range)",
               {{"none", 0.05, "p2psim assumption (public address or UPnP/PCP port map)"},
                {"full-cone", 0.05, kAssumed},
                {"restricted-cone", 0.12, kAssumed},
                {"port-restricted-cone", 0.25, kAssumed},
                {"linux-masquerade", 0.20, "p2psim assumption (Linux-based home routers)"},
                {"cgnat", 0.18, "Rich16: CGN in 17-18% of non-cellular, > 92% of cellular networks"},
                {"symmetric", 0.10, "p2psim assumption (below the 18% non-EIM NATs of Ford05)"},
                {"symmetric-sequential", 0.02, kAssumed},
                {"udp-blocked", 0.03, "p2psim assumption (enterprise firewalls)"}}});
  v.push_back({"fixed-broadband",
               "home broadband: NAT behaviour as measured by Ford05 (18% of NATs without endpoint-independent "
               "mapping), CGN at Mand17's 10%",
               {{"none", 0.05, "p2psim assumption (public address or UPnP/PCP port map)"},
                {"full-cone", 0.05, "p2psim assumption (split of Ford05's 82% EIM NATs)"},
                {"restricted-cone", 0.12, "p2psim assumption (split of Ford05's 82% EIM NATs)"},
                {"port-restricted-cone", 0.25, "p2psim assumption (split of Ford05's 82% EIM NATs)"},
                {"linux-masquerade", 0.25, "p2psim assumption (split of Ford05's 82% EIM NATs)"},
                {"cgnat", 0.10, "Mand17: 10% of fixed-line ISPs use CGN (Rich16: 17-18% of networks)"},
                {"symmetric", 0.15, "Ford05: 18% of NATs (x 94% of hosts behind a NAT) not EIM"},
                {"symmetric-sequential", 0.02, "Ford05 (with symmetric)"},
                {"udp-blocked", 0.01, kAssumed}}});
  v.push_back({"mobile-heavy",
               "68% of hosts on cellular networks (CGN on > 92% of them, Rich16), 29% of those behind an "
               "address-and-port-dependent carrier NAT; 32% on broadband or enterprise networks",
               {{"none", 0.03, "p2psim assumption (cellular public addresses, < 8% of networks per Rich16)"},
                {"full-cone", 0.02, kAssumed},
                {"restricted-cone", 0.04, kAssumed},
                {"port-restricted-cone", 0.10, kAssumed},
                {"linux-masquerade", 0.10, kAssumed},
                {"cgnat", 0.45, "Rich16: CGN on > 92% of cellular networks (EIM carriers: p2psim assumption)"},
                {"symmetric", 0.20, "p2psim assumption (APDM carrier NATs; no published share by subscriber)"},
                {"symmetric-sequential", 0.02, kAssumed},
                {"udp-blocked", 0.04, kAssumed}}});
  return v;
}

}  // namespace

const std::vector<NamedNatMix>& named_nat_mixes() {
  static const std::vector<NamedNatMix> all = make_mixes();
  return all;
}

const std::vector<std::string>& nat_mix_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& m : named_nat_mixes()) n.push_back(m.name);
    return n;
  }();
  return names;
}

std::optional<NamedNatMix> find_nat_mix(std::string_view name) {
  for (const auto& m : named_nat_mixes())
    if (m.name == name) return m;
  return std::nullopt;
}

}  // namespace p2psim::nat
