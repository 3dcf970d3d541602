// p2psim explain: two peers behind chosen NATs try to connect; prints the numbered
// narrative, and optionally writes a Mermaid sequence diagram and a pcap.
//
// A scenario file with a `sweep:` is narrated point by point (each with a header naming
// its swept values), in the runner's point order. A flag that sets a swept key (e.g.
// `--b restricted-cone` when the file sweeps explain.b.nat) replaces that sweep, so
// `explain FILE --b X` tells one story; `--point K` picks one point. `--out DIR` writes
// the whole explanation for `p2psim report`: explain.json (every point's parameters,
// outcome, narrative and Mermaid text), story.txt, and per point explain-K.mmd and
// explain-K.pcap.
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/commands.hpp"
#include "app/runner/runner.hpp"
#include "app/scenario/scenario_error.hpp"
#include "app/teach/explain_scenario.hpp"
#include "models/nat/preset.hpp"

namespace p2psim::cli {
namespace {

namespace fs = std::filesystem;

struct ExplainArgs {
  std::string scenario;
  std::string a, b;
  bool no_stun = false;
  bool turn = false;
  std::string trickle;  // --trickle on|off
  std::string ipv6;     // --ipv6 none|a|b|both
  std::string nomination;  // --nomination regular|libwebrtc
  std::string method;
  std::string idle, keepalive, udp_timeout;
  int hard_ports = 0, probes = 0;
  std::uint64_t seed = 0;
  bool seed_set = false;
  int point = 0;  // 1-based; 0: every point
  std::string mermaid, pcap, capture = "nat-a", out;
  bool quiet = false;
};

SimTime time_flag(const std::string& flag, const std::string& text) {
  auto t = parse_time(text);
  if (!t) throw CLI::ValidationError(flag, "expected a duration such as 30s, got \"" + text + "\"");
  return *t;
}

// The scenario keys a flag sets; a sweep over one of them is replaced by the flag.
std::set<std::string> keys_set_by_flags(const ExplainArgs& x) {
  std::set<std::string> k;
  if (!x.a.empty()) k.insert("explain.a.nat");
  if (!x.b.empty()) k.insert("explain.b.nat");
  if (x.no_stun) k.insert("explain.stun");
  if (x.turn) k.insert("explain.turn");
  if (!x.trickle.empty()) k.insert("explain.trickle");
  if (!x.ipv6.empty()) k.insert({"explain.a.ipv6", "explain.b.ipv6"});
  if (!x.nomination.empty()) k.insert("explain.nomination");
  if (!x.method.empty()) k.insert("explain.method");
  if (!x.idle.empty()) k.insert("explain.idle");
  if (!x.keepalive.empty()) k.insert("explain.keepalive");
  if (!x.udp_timeout.empty()) k.insert({"explain.a.udp_timeout", "explain.b.udp_timeout"});
  if (x.hard_ports > 0) k.insert("explain.birthday.hard_ports");
  if (x.probes > 0) k.insert("explain.birthday.probes");
  return k;
}

void apply_flags(const ExplainArgs& x, teach::ExplainSpec& spec) {
  if (!x.a.empty()) spec.a.preset = x.a;
  if (!x.b.empty()) spec.b.preset = x.b;
  if (x.no_stun) spec.stun = false;
  if (x.turn) spec.turn = true;
  if (!x.trickle.empty()) spec.trickle = x.trickle == "on";
  if (!x.ipv6.empty()) {
    spec.a.ipv6 = x.ipv6 == "a" || x.ipv6 == "both";
    spec.b.ipv6 = x.ipv6 == "b" || x.ipv6 == "both";
  }
  if (!x.nomination.empty())
    spec.nomination = x.nomination == "libwebrtc" ? ice::NominationMode::kLibwebrtc : ice::NominationMode::kRegular;
  if (!x.method.empty()) spec.method = x.method == "birthday" ? teach::Method::kBirthday : teach::Method::kIce;
  if (!x.idle.empty()) spec.idle = time_flag("--idle", x.idle);
  if (!x.keepalive.empty()) spec.keepalive = time_flag("--keepalive", x.keepalive);
  if (!x.udp_timeout.empty()) spec.a.udp_timeout = spec.b.udp_timeout = time_flag("--udp-timeout", x.udp_timeout);
  if (x.hard_ports > 0) spec.birthday.hard_ports = x.hard_ports;
  if (x.probes > 0) spec.birthday.probes = x.probes;
  if (x.seed_set) spec.seed = x.seed;
}

// Sets `dotted` (a key path the runner has already validated) in `doc` to `value`.
void assign_path(YAML::Node doc, const std::string& dotted, const YAML::Node& value) {
  std::vector<std::string> parts;
  std::stringstream ss(dotted);
  for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
  YAML::Node cur;
  cur.reset(doc);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node next;
    next.reset(cur[parts[i]]);
    cur.reset(next);
  }
  cur[parts.back()] = value;
}

struct ExplainPoint {
  std::vector<std::pair<std::string, std::string>> params;  // swept path -> value (flags' keys removed)
  teach::ExplainSpec spec;
};

// The points to narrate: one per distinct combination of the swept values that no flag
// replaces, each parsed from the file with those values substituted (the runner has
// validated every point first, so errors keep their file:line:column).
std::vector<ExplainPoint> explain_points(const ExplainArgs& x) {
  if (x.scenario.empty()) {
    ExplainPoint p;
    apply_flags(x, p.spec);
    return {p};
  }
  const runner::LoadedScenario loaded = runner::load_scenario(x.scenario);
  if (loaded.kind == nullptr || loaded.kind->name != "explain")
    throw scenario::ScenarioError(scenario::SourcePos{x.scenario, 0, 0}, "study",
                                  "p2psim explain needs a scenario with study: explain");
  const std::set<std::string> flagged = keys_set_by_flags(x);
  const auto file = std::make_shared<const std::string>(x.scenario);
  std::vector<ExplainPoint> out;
  std::set<std::vector<std::pair<std::string, std::string>>> seen;
  for (const auto& sp : loaded.points) {
    ExplainPoint p;
    for (const auto& kv : sp.params)
      if (!flagged.count(kv.first)) p.params.push_back(kv);
    if (!seen.insert(p.params).second) continue;
    YAML::Node doc = YAML::LoadFile(x.scenario);
    doc.remove("sweep");
    for (const auto& [path, value] : p.params) assign_path(doc, path, YAML::Load(value));
    p.spec = teach::parse_explain(scenario::Field(doc, "", file));
    p.spec.seed = loaded.seed;
    apply_flags(x, p.spec);
    out.push_back(std::move(p));
  }
  if (x.point > 0) {
    if (static_cast<std::size_t>(x.point) > out.size())
      throw CLI::ValidationError("--point", "the scenario has " + std::to_string(out.size()) + " point" +
                                                (out.size() == 1 ? "" : "s") + ", got " + std::to_string(x.point));
    out = {out[static_cast<std::size_t>(x.point - 1)]};
  }
  return out;
}

std::string point_title(std::size_t k, std::size_t n, const ExplainPoint& p) {
  std::string t = "point " + std::to_string(k + 1) + " of " + std::to_string(n) + ":";
  for (const auto& [path, value] : p.params) t += " " + path + "=" + value;
  return t;
}

void write_file(const fs::path& path, const std::string& content) {
  const fs::path tmp = path.parent_path() / ("." + path.filename().string() + ".tmp");
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error("cannot write " + tmp.string());
    f << content;
    f.flush();
    if (!f) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw std::runtime_error("cannot rename " + tmp.string() + " to " + path.string());
}

int do_explain(const ExplainArgs& x) {
  return run_guarded([&]() -> int {
    for (const std::string* p : {&x.a, &x.b})
      if (!p->empty() && !nat::find_preset(*p)) {
        std::string names;
        for (const auto& s : nat::preset_names()) names += (names.empty() ? "" : ", ") + s;
        throw CLI::ValidationError(p == &x.a ? "--a" : "--b", "unknown NAT preset \"" + *p + "\" (one of " + names + ")");
      }
    const auto cp = teach::parse_capture_point(x.capture);
    if (!cp) throw CLI::ValidationError("--capture", "expected a, b, nat-a, nat-b, stun, turn or internet");
    const std::vector<ExplainPoint> points = explain_points(x);
    const std::size_t n = points.size();
    if (n > 1 && (!x.mermaid.empty() || !x.pcap.empty()))
      throw CLI::ValidationError("--mermaid/--pcap", "the scenario sweeps " + std::to_string(n) +
                                                         " points: pick one with --point K, or write them all with --out DIR");
    if (!x.out.empty()) {
      std::error_code ec;
      fs::create_directories(x.out, ec);
      if (ec) throw std::runtime_error("cannot create " + x.out + ": " + ec.message());
    }

    nlohmann::ordered_json j;
    j["p2psim_version"] = P2PSIM_VERSION;
    j["scenario"] = {{"file", x.scenario}, {"capture", x.capture}};
    j["points"] = nlohmann::ordered_json::array();
    std::string story;
    for (std::size_t k = 0; k < n; ++k) {
      const ExplainPoint& p = points[k];
      teach::ExplainOptions opt;
      opt.capture = *cp;
      const std::string stem = "explain-" + std::to_string(k + 1);
      opt.pcap_path = !x.out.empty() ? (fs::path(x.out) / (stem + ".pcap")).string() : x.pcap;
      const teach::ExplainResult r = teach::explain(p.spec, opt);
      const std::string title = n > 1 ? "=== " + point_title(k, n, p) + " ===" : "";
      if (!title.empty()) {
        std::cout << (k ? "\n" : "") << title << '\n';
        story += (k ? "\n" : "") + title + "\n";
      }
      if (!x.quiet)
        for (const auto& line : r.narrative) std::cout << line << '\n';
      else
        std::cout << "OUTCOME: " << r.reason << '\n';
      for (const auto& line : r.narrative) story += line + "\n";
      if (!x.mermaid.empty()) {
        write_file(x.mermaid, r.mermaid);
        std::cerr << "mermaid: " << x.mermaid << '\n';
      }
      if (!opt.pcap_path.empty() && x.out.empty())
        std::cerr << "pcap: " << opt.pcap_path << " (" << r.pcap_packets << " packets captured at "
                  << teach::to_string(opt.capture)
                  << (r.pcap_skipped ? ", " + std::to_string(r.pcap_skipped) + " TCP/TLS segments not written" : "") << ")\n";
      if (!x.out.empty()) {
        write_file(fs::path(x.out) / (stem + ".mmd"), r.mermaid);
        nlohmann::ordered_json pj;
        pj["point"] = k;
        auto params = nlohmann::ordered_json::object();
        for (const auto& [path, value] : p.params) params[path] = value;
        pj["params"] = params;
        pj["verdict"] = teach::to_string(r.verdict);
        pj["outcome"] = r.reason;
        pj["setup_time_s"] = r.setup_time.seconds();
        pj["packets"] = r.packets;
        pj["narrative"] = r.narrative;
        pj["mermaid"] = r.mermaid;
        pj["mermaid_file"] = stem + ".mmd";
        pj["pcap_file"] = stem + ".pcap";
        pj["pcap_packets"] = r.pcap_packets;
        j["points"].push_back(pj);
      }
    }
    if (!x.out.empty()) {
      write_file(fs::path(x.out) / "story.txt", story);
      // explain.json last: its presence marks a complete explanation.
      write_file(fs::path(x.out) / "explain.json", j.dump(2) + "\n");
      std::cerr << "explanation: " << x.out << "/explain.json, story.txt, explain-K.mmd, explain-K.pcap"
                << " (p2psim report " << x.out << " renders it)\n";
    }
    return 0;
  });
}

}  // namespace

void add_explain_command(CLI::App& app) {
  auto x = std::make_shared<ExplainArgs>();
  CLI::App* c = app.add_subcommand(
      "explain", "Two peers behind chosen NATs try to connect: a numbered story of every packet, NAT decision and outcome");
  c->add_option("scenario", x->scenario,
                "Scenario file with study: explain (flags below override it; a sweep is narrated point by point)");
  c->add_option("--a", x->a, "NAT preset of peer A (default port-restricted-cone)");
  c->add_option("--b", x->b, "NAT preset of peer B (default port-restricted-cone)");
  c->add_flag("--no-stun", x->no_stun, "No STUN server (no server-reflexive candidates)");
  c->add_flag("--turn", x->turn, "A TURN server (relayed candidates)");
  c->add_option("--trickle", x->trickle, "Trickle ICE (RFC 8838, the browser default): on (default) or off (vanilla)")
      ->check(CLI::IsMember({"on", "off"}));
  c->add_option("--ipv6", x->ipv6, "Dual stack: which peers also have IPv6 (none, a, b, both; default none)")
      ->check(CLI::IsMember({"none", "a", "b", "both"}));
  c->add_option("--nomination", x->nomination,
                "regular (RFC 8445 8.1.1, default) or libwebrtc (Chrome's: the first pair that works, USE-CANDIDATE on "
                "every check until then)")
      ->check(CLI::IsMember({"regular", "libwebrtc"}));
  c->add_option("--method", x->method, "ice (default) or birthday (A is the hard side)")
      ->check(CLI::IsMember({"ice", "birthday"}));
  c->add_option("--idle", x->idle, "After connecting, stay idle this long, then probe the path (e.g. 60s)");
  c->add_option("--keepalive", x->keepalive, "ICE keepalive interval during the idle period (e.g. 15s; 0 = none)");
  c->add_option("--udp-timeout", x->udp_timeout, "UDP mapping timeout of every NAT layer (e.g. 30s)");
  c->add_option("--hard-ports", x->hard_ports, "Birthday: ports the hard side opens (k)")->check(CLI::Range(1, 4096));
  c->add_option("--probes", x->probes, "Birthday: probes the easy side sends (n)")->check(CLI::Range(1, 100000));
  c->add_option("--seed", x->seed, "Random seed")->each([x](const std::string&) { x->seed_set = true; });
  c->add_option("--point", x->point, "Narrate only point K (1-based) of the scenario's sweep")->check(CLI::Range(1, 100000));
  c->add_option("--mermaid", x->mermaid, "Write the exchange as a Mermaid sequence diagram to FILE");
  c->add_option("--pcap", x->pcap, "Write the packets as a pcap file (Ethernet, IPv4/IPv6 UDP, RFC 8489 STUN) to FILE");
  c->add_option("--capture", x->capture, "Where the pcap is captured: a, b, nat-a, nat-b, stun, turn, internet")
      ->check(CLI::IsMember({"a", "b", "nat-a", "nat-b", "stun", "turn", "internet"}));
  c->add_option("--out", x->out,
                "Write every point's story, diagram and pcap to DIR (explain.json, story.txt, explain-K.mmd/.pcap) for p2psim report");
  c->add_flag("-q,--quiet", x->quiet, "Print only the outcome");
  c->callback([x] { exit_status() = do_explain(*x); });
}

}  // namespace p2psim::cli
