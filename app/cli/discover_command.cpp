// p2psim discover: RFC 5780 NAT behaviour discovery against a chosen NAT preset (or a
// mapping/filtering configuration), run on the packet network, with its classification.
#include <iostream>
#include <memory>
#include <string>

#include "app/cli/commands.hpp"
#include "models/nat/preset.hpp"
#include "models/stun/discovery.hpp"

namespace p2psim::cli {

namespace {
struct DiscoverArgs {
  std::string preset = "port-restricted-cone";
  std::string mapping, filtering;
  std::uint64_t seed = 1;
};

nat::Mapping parse_mapping(const std::string& s) {
  if (s == "eim" || s == "endpoint-independent") return nat::Mapping::endpoint_independent;
  if (s == "adm" || s == "address-dependent") return nat::Mapping::address_dependent;
  return nat::Mapping::address_port_dependent;
}
nat::Filtering parse_filtering(const std::string& s) {
  if (s == "eif" || s == "endpoint-independent") return nat::Filtering::endpoint_independent;
  if (s == "adf" || s == "address-dependent") return nat::Filtering::address_dependent;
  return nat::Filtering::address_port_dependent;
}
}  // namespace

void add_discover_command(CLI::App& app) {
  auto a = std::make_shared<DiscoverArgs>();
  CLI::App* cmd = app.add_subcommand("discover", "Run RFC 5780 NAT behaviour discovery against a NAT preset and print the classification");
  cmd->add_option("preset", a->preset, "NAT preset (see `p2psim matrix`); default port-restricted-cone");
  const auto choices = CLI::IsMember({"eim", "adm", "apdm", "endpoint-independent", "address-dependent", "address-port-dependent"});
  const auto fchoices = CLI::IsMember({"eif", "adf", "apdf", "endpoint-independent", "address-dependent", "address-port-dependent"});
  cmd->add_option("--mapping", a->mapping, "Override the (innermost) layer's mapping behaviour")->check(choices);
  cmd->add_option("--filtering", a->filtering, "Override the (innermost) layer's filtering behaviour")->check(fchoices);
  cmd->add_option("--seed", a->seed, "Seed");
  cmd->callback([a] {
    auto p = nat::find_preset(a->preset);
    if (!p) {
      std::cerr << "error: unknown NAT preset \"" << a->preset << "\"; expected one of:";
      for (const auto& n : nat::preset_names()) std::cerr << ' ' << n;
      std::cerr << '\n';
      exit_status() = 2;
      return;
    }
    if ((!a->mapping.empty() || !a->filtering.empty()) && p->layers.empty()) p->layers.emplace_back();
    if (!a->mapping.empty()) p->layers.front().mapping = parse_mapping(a->mapping);
    if (!a->filtering.empty()) p->layers.front().filtering = parse_filtering(a->filtering);
    const stun::DiscoveryResult r = stun::discover(p->layers, a->seed);
    std::cout << "preset:          " << p->name << " (" << p->description << ")\n";
    std::cout << "configured:      ";
    if (p->layers.empty())
      std::cout << "no NAT\n";
    else
      std::cout << nat::short_name(nat::effective_mapping(p->layers)) << " + "
                << nat::short_name(nat::effective_filtering(p->layers)) << " (" << p->layers.size() << " layer"
                << (p->layers.size() == 1 ? "" : "s") << ")\n";
    std::cout << "discovered:      " << r.describe() << '\n';
    if (!r.udp_blocked && r.behind_nat)
      std::cout << "mapping:         " << nat::to_string(r.mapping) << "\nfiltering:       " << nat::to_string(r.filtering)
                << '\n';
    std::cout << "transactions:    " << r.transactions << "\nduration:        "
              << r.duration.seconds() << " s" << '\n';
  });
}

}  // namespace p2psim::cli
