// p2psim discover: RFC 5780 NAT behaviour discovery against a NAT preset or configuration.
//
//   p2psim discover --nat symmetric
//   p2psim discover --nat "{preset: full-cone, filtering: ADF}"
//   p2psim discover --all
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/commands.hpp"
#include "app/report/table.hpp"
#include "app/scenario/nat_section.hpp"
#include "app/scenario/scenario_error.hpp"
#include "models/stun/discovery.hpp"

namespace p2psim::cli {

namespace {

struct DiscoverArgs {
  std::vector<std::string> nats;
  bool all = false;
  std::uint64_t seed = 1;
};

std::string expected_class(const nat::Preset& p) {
  for (const auto& l : p.layers)
    if (l.block_outbound_udp) return "UDP blocked";
  if (p.layers.empty()) return "no NAT";
  return std::string(nat::short_name(nat::effective_mapping(p.layers))) + " + " +
         nat::short_name(nat::effective_filtering(p.layers));
}

std::string found_class(const stun::DiscoveryResult& r) {
  if (r.udp_blocked) return "UDP blocked";
  if (!r.behind_nat) return "no NAT";
  return std::string(nat::short_name(r.mapping)) + " + " + nat::short_name(r.filtering);
}

int do_discover(const DiscoverArgs& a) {
  std::vector<nat::Preset> nats;
  try {
    if (a.all)
      for (const auto& n : nat::preset_names()) nats.push_back(nat::preset(n));
    for (const auto& text : a.nats) {
      const scenario::Field f(YAML::Load(text), "nat", std::make_shared<const std::string>("--nat"));
      nats.push_back(scenario::parse_nat_config(f));
    }
  } catch (const scenario::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const YAML::Exception& e) {
    std::cerr << "--nat: not valid YAML: " << e.what() << "\n";
    return 2;
  }
  if (nats.empty()) {
    std::cerr << "discover: give --nat <preset or {map}> or --all\n";
    return 2;
  }
  report::Table t({"nat", "definition", "discovered", "match", "mapped (test I)", "transactions", "time"});
  bool all_match = true;
  for (const auto& p : nats) {
    const stun::DiscoveryResult r = stun::discover(p.layers, a.seed);
    const std::string want = expected_class(p), got = found_class(r);
    all_match &= want == got;
    t.add_row({p.name, want, got, want == got ? "yes" : "NO", r.udp_blocked ? "-" : r.mapped[0].to_string(),
               std::to_string(r.transactions), report::format_number(r.duration.seconds()) + " s"});
  }
  std::cout << "RFC 5780 behaviour discovery (server 198.51.100.1/.2 ports 3478/3479; simulated)\n";
  t.print(std::cout);
  return all_match ? 0 : 1;
}

}  // namespace

void add_discover_command(CLI::App& app) {
  auto args = std::make_shared<DiscoverArgs>();
  CLI::App* cmd = app.add_subcommand("discover", "RFC 5780 NAT behaviour discovery against a NAT preset or config");
  cmd->add_option("--nat", args->nats, "NAT preset name or YAML map, e.g. \"{preset: full-cone, filtering: ADF}\"");
  cmd->add_flag("--all", args->all, "every NAT preset");
  cmd->add_option("--seed", args->seed, "random seed");
  cmd->callback([args] { exit_status() = do_discover(*args); });
}

}  // namespace p2psim::cli
