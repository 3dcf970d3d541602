// p2psim explain: two peers behind chosen NATs try to connect; prints the numbered
// narrative, and optionally writes a Mermaid sequence diagram and a pcap.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "app/cli/commands.hpp"
#include "app/scenario/scenario_error.hpp"
#include "app/teach/explain_scenario.hpp"
#include "models/nat/preset.hpp"

namespace p2psim::cli {
namespace {

struct ExplainArgs {
  std::string scenario;
  std::string a, b;
  bool no_stun = false;
  bool turn = false;
  std::string trickle;
  std::string method;
  std::string idle, keepalive, udp_timeout;
  int hard_ports = 0, probes = 0;
  std::uint64_t seed = 0;
  bool seed_set = false;
  std::string mermaid, pcap, capture = "nat-a";
  bool quiet = false;
};

SimTime time_flag(const std::string& flag, const std::string& text) {
  auto t = parse_time(text);
  if (!t) throw CLI::ValidationError(flag, "expected a duration such as 30s, got \"" + text + "\"");
  return *t;
}

int do_explain(const ExplainArgs& x) {
  return run_guarded([&]() -> int {
    teach::ExplainSpec spec = x.scenario.empty() ? teach::ExplainSpec{} : teach::load_explain_file(x.scenario);
    for (const std::string* p : {&x.a, &x.b})
      if (!p->empty() && !nat::find_preset(*p)) {
        std::string names;
        for (const auto& s : nat::preset_names()) names += (names.empty() ? "" : ", ") + s;
        throw CLI::ValidationError(p == &x.a ? "--a" : "--b", "unknown NAT preset \"" + *p + "\" (one of " + names + ")");
      }
    if (!x.a.empty()) spec.a.preset = x.a;
    if (!x.b.empty()) spec.b.preset = x.b;
    if (x.no_stun) spec.stun = false;
    if (x.turn) spec.turn = true;
    if (!x.trickle.empty()) spec.trickle = x.trickle == "on";
    if (!x.method.empty()) spec.method = x.method == "birthday" ? teach::Method::kBirthday : teach::Method::kIce;
    if (!x.idle.empty()) spec.idle = time_flag("--idle", x.idle);
    if (!x.keepalive.empty()) spec.keepalive = time_flag("--keepalive", x.keepalive);
    if (!x.udp_timeout.empty()) spec.a.udp_timeout = spec.b.udp_timeout = time_flag("--udp-timeout", x.udp_timeout);
    if (x.hard_ports > 0) spec.birthday.hard_ports = x.hard_ports;
    if (x.probes > 0) spec.birthday.probes = x.probes;
    if (x.seed_set) spec.seed = x.seed;
    teach::ExplainOptions opt;
    opt.pcap_path = x.pcap;
    const auto cp = teach::parse_capture_point(x.capture);
    if (!cp) throw CLI::ValidationError("--capture", "expected a, b, nat-a, nat-b, stun, turn or internet");
    opt.capture = *cp;

    const teach::ExplainResult r = teach::explain(spec, opt);
    if (!x.quiet)
      for (const auto& line : r.narrative) std::cout << line << '\n';
    else
      std::cout << "OUTCOME: " << r.reason << '\n';
    if (!x.mermaid.empty()) {
      std::ofstream f(x.mermaid, std::ios::binary | std::ios::trunc);
      if (!f) throw std::runtime_error("cannot write " + x.mermaid);
      f << r.mermaid;
      std::cerr << "mermaid: " << x.mermaid << '\n';
    }
    if (!x.pcap.empty())
      std::cerr << "pcap: " << x.pcap << " (" << r.pcap_packets << " packets captured at " << teach::to_string(opt.capture)
                << (r.pcap_skipped ? ", " + std::to_string(r.pcap_skipped) + " TCP/TLS segments not written" : "") << ")\n";
    return 0;
  });
}

}  // namespace

void add_explain_command(CLI::App& app) {
  auto x = std::make_shared<ExplainArgs>();
  CLI::App* c = app.add_subcommand(
      "explain", "Two peers behind chosen NATs try to connect: a numbered story of every packet, NAT decision and outcome");
  c->add_option("scenario", x->scenario, "Scenario file with study: explain (flags below override it)");
  c->add_option("--a", x->a, "NAT preset of peer A (default port-restricted-cone)");
  c->add_option("--b", x->b, "NAT preset of peer B (default port-restricted-cone)");
  c->add_flag("--no-stun", x->no_stun, "No STUN server (no server-reflexive candidates)");
  c->add_flag("--turn", x->turn, "A TURN server (relayed candidates)");
  c->add_option("--trickle", x->trickle, "Trickle ICE (RFC 8838, the browser default): on (default) or off (vanilla)")
      ->check(CLI::IsMember({"on", "off"}));
  c->add_option("--method", x->method, "ice (default) or birthday (A is the hard side)")
      ->check(CLI::IsMember({"ice", "birthday"}));
  c->add_option("--idle", x->idle, "After connecting, stay idle this long, then probe the path (e.g. 60s)");
  c->add_option("--keepalive", x->keepalive, "ICE keepalive interval during the idle period (e.g. 15s; 0 = none)");
  c->add_option("--udp-timeout", x->udp_timeout, "UDP mapping timeout of every NAT layer (e.g. 30s)");
  c->add_option("--hard-ports", x->hard_ports, "Birthday: ports the hard side opens (k)")->check(CLI::Range(1, 4096));
  c->add_option("--probes", x->probes, "Birthday: probes the easy side sends (n)")->check(CLI::Range(1, 100000));
  c->add_option("--seed", x->seed, "Random seed")->each([x](const std::string&) { x->seed_set = true; });
  c->add_option("--mermaid", x->mermaid, "Write the exchange as a Mermaid sequence diagram to FILE");
  c->add_option("--pcap", x->pcap, "Write the packets as a pcap file (Ethernet, IPv4/UDP, RFC 8489 STUN) to FILE");
  c->add_option("--capture", x->capture, "Where the pcap is captured: a, b, nat-a, nat-b, stun, turn, internet")
      ->check(CLI::IsMember({"a", "b", "nat-a", "nat-b", "stun", "turn", "internet"}));
  c->add_flag("-q,--quiet", x->quiet, "Print only the outcome");
  c->callback([x] { exit_status() = do_explain(*x); });
}

}  // namespace p2psim::cli
