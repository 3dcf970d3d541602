// p2psim matrix: the outcome of an ICE session for every ordered pair of NAT presets,
// simulated packet by packet (models/ice/outcome_matrix.hpp), with and without TURN.
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/commands.hpp"
#include "app/report/table.hpp"
#include "models/ice/outcome_matrix.hpp"
#include "models/ice/turn_relay.hpp"
#include "models/nat/preset.hpp"

namespace p2psim::cli {

namespace {

// The CSV columns `matrix --csv` writes, in order, with their meaning (also the --help text).
constexpr const char* kCsvHeader =
    "turn,offerer,answerer,outcome,setup_s,local_type,remote_type,control_packets,control_bytes";
constexpr const char* kCsvHelp =
    "CSV output, one row per (TURN setting, offerer, answerer), after the header line "
    "turn,offerer,answerer,outcome,setup_s,local_type,remote_type,control_packets,control_bytes: "
    "turn = turn|no-turn; offerer, answerer = NAT preset names; outcome = direct|relayed|failed; "
    "setup_s = seconds from start to connected (or failed); local_type, remote_type = candidate types of "
    "the selected pair (host|srflx|prflx|relay); control_packets, control_bytes = packets and bytes of "
    "gathering, checks, responses and signalling (both agents, both signalling legs)";

struct MatrixArgs {
  std::string turn = "both";
  std::vector<std::string> presets;
  std::uint64_t seed = 1;
  bool csv = false;
  std::string trickle = "on";
  std::string mdns = "on";   // mDNS host candidates (browsers' default)
  std::string ipv6 = "off";  // both peers dual stack
  std::string nomination = "libwebrtc";
};

std::string cell_text(const ice::SessionResult& r) {
  std::ostringstream s;
  switch (r.outcome) {
    case ice::Outcome::kDirect: s << "direct"; break;
    case ice::Outcome::kRelayed: s << "relayed"; break;
    default: return "failed";
  }
  s << " " << report::format_number(r.setup_time.seconds(), 3) << "s";
  return s.str();
}

void print_one(const std::vector<std::string>& names, bool turn, const MatrixArgs& a, std::ostream& os) {
  ice::PairSpec base;
  base.session.trickle = a.trickle == "on";
  base.session.ice.mdns_host_candidates = a.mdns == "on";
  base.ipv6_a = base.ipv6_b = a.ipv6 == "on";
  base.session.ice.nomination.mode = a.nomination == "regular" ? ice::NominationMode::kRegular : ice::NominationMode::kLibwebrtc;
  ice::TurnRelayFactory relay;
  if (turn) base.relay = &relay;
  const auto cells = ice::run_matrix(names, base, a.seed);
  if (a.csv) {
    for (const auto& c : cells)
      os << (turn ? "turn" : "no-turn") << ',' << c.offerer << ',' << c.answerer << ',' << ice::to_string(c.result.outcome)
         << ',' << c.result.setup_time.seconds() << ',' << ice::to_string(c.result.local_type) << ','
         << ice::to_string(c.result.remote_type) << ',' << c.result.control_packets << ',' << c.result.control_bytes
         << '\n';
    return;
  }
  os << (turn ? "With TURN" : "Without TURN") << " (rows: offerer NAT, columns: answerer NAT; outcome and time to connect)\n";
  std::vector<std::string> header{"offerer \\ answerer"};
  header.insert(header.end(), names.begin(), names.end());
  report::Table t(header);
  std::size_t k = 0;
  for (const auto& a_name : names) {
    std::vector<std::string> row{a_name};
    for (std::size_t j = 0; j < names.size(); ++j) row.push_back(cell_text(cells[k++].result));
    t.add_row(row);
  }
  t.print(os, "");
  os << '\n';
}

}  // namespace

void add_matrix_command(CLI::App& app) {
  auto a = std::make_shared<MatrixArgs>();
  CLI::App* cmd = app.add_subcommand(
      "matrix", "Simulate an ICE session for every pair of NAT presets and print the outcome matrix (direct / relayed / failed, time to connect)");
  cmd->add_option("--turn", a->turn, "TURN server: on, off or both")->check(CLI::IsMember({"on", "off", "both"}));
  cmd->add_option("--presets", a->presets, "NAT presets to include (default: all)")->delimiter(',');
  cmd->add_option("--seed", a->seed, "Seed");
  cmd->add_option("--trickle", a->trickle, "Trickle ICE (RFC 8838, the WebRTC default): on, or off for vanilla ICE")
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--mdns", a->mdns,
                  "Host candidates as mDNS names resolvable on their own LAN only (browsers' default): on, or off")
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--ipv6", a->ipv6, "Both peers dual stack (IPv6 without NAT, RFC 6092 firewalls): on, or off (default)")
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--nomination", a->nomination,
                  "Nomination: libwebrtc (Chrome's: select the first pair that works, switch to better ones; default) or "
                  "regular (RFC 8445 8.1.1)")
      ->check(CLI::IsMember({"libwebrtc", "regular"}));
  cmd->add_flag("--csv", a->csv, kCsvHelp);
  cmd->callback([a] {
    std::vector<std::string> names = a->presets.empty() ? nat::preset_names() : a->presets;
    for (const auto& n : names)
      if (!nat::find_preset(n)) {
        try {
          nat::preset(n);
        } catch (const std::exception& e) {
          std::cerr << "error: " << e.what() << '\n';
        }
        exit_status() = 2;
        return;
      }
    if (a->csv) std::cout << kCsvHeader << '\n';
    if (a->turn != "on") print_one(names, false, *a, std::cout);
    if (a->turn != "off") print_one(names, true, *a, std::cout);
  });
}

}  // namespace p2psim::cli
