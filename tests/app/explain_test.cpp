// p2psim explain: the verdict for each pair of NAT presets is what RFC 4787 semantics
// imply (derived here from the presets' mapping and filtering behaviour, not copied from
// the simulator), the narrative names the rule that dropped a packet, the Mermaid output is
// well formed, and the pcap decodes in tshark with the STUN values of the run.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <sys/wait.h>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "app/scenario/scenario_error.hpp"
#include "app/teach/explain.hpp"
#include "app/teach/explain_scenario.hpp"
#include "models/nat/preset.hpp"

using namespace p2psim;
using teach::Verdict;

namespace {

bool endpoint_dependent(const nat::Preset& p) {
  return !p.layers.empty() && nat::effective_mapping(p.layers) != nat::Mapping::endpoint_independent;
}
bool apdf(const nat::Preset& p) {
  return !p.layers.empty() && nat::effective_filtering(p.layers) == nat::Filtering::address_port_dependent;
}
bool udp_blocked(const nat::Preset& p) {
  for (const auto& l : p.layers)
    if (l.block_outbound_udp) return true;
  return false;
}

// What RFC 4787 behaviour implies for ICE with a STUN server and no TURN:
// - UDP blocked on either side: nothing gets out, fail.
// - Both mappings endpoint-independent: each side's check comes from the server-reflexive
//   address the other was told about, and each side's own check opens its filter: direct.
// - Both endpoint-dependent: each side's check to the other leaves from a port the other
//   was never told about and has never sent to: fail.
// - One endpoint-dependent side X: its check reaches the other side Y from a new port. If
//   Y filters on address and port (APDF) it drops it (Y only ever sent to X's advertised
//   port); otherwise Y admits it, learns the port as peer-reflexive and answers, and X's
//   NAT admits the answer (X sent to exactly that endpoint): direct, via prflx.
Verdict expected(const nat::Preset& a, const nat::Preset& b) {
  if (udp_blocked(a) || udp_blocked(b)) return Verdict::kFailed;
  const bool ea = endpoint_dependent(a), eb = endpoint_dependent(b);
  if (!ea && !eb) return Verdict::kDirect;
  if (ea && eb) return Verdict::kFailed;
  return (ea ? apdf(b) : apdf(a)) ? Verdict::kFailed : Verdict::kDirect;
}

teach::ExplainSpec pair(const std::string& a, const std::string& b) {
  teach::ExplainSpec s;
  s.a.preset = a;
  s.b.preset = b;
  return s;
}

std::string joined(const teach::ExplainResult& r) {
  std::string s;
  for (const auto& l : r.narrative) s += l + "\n";
  return s;
}

}  // namespace

TEST_CASE("explain: the verdict of every pair of NATed presets follows RFC 4787", "[explain]") {
  std::vector<std::string> names;
  for (const auto& n : nat::preset_names())
    if (n != "none") names.push_back(n);
  for (const auto& a : names)
    for (const auto& b : names) {
      const Verdict want = expected(nat::preset(a), nat::preset(b));
      const teach::ExplainResult r = teach::explain(pair(a, b));
      INFO(a << " <-> " << b << ": " << r.reason);
      CHECK(r.verdict == want);
      if (want == Verdict::kDirect && (endpoint_dependent(nat::preset(a)) || endpoint_dependent(nat::preset(b))))
        CHECK((r.local_type == "prflx" || r.remote_type == "prflx"));
      if (want == Verdict::kDirect && !endpoint_dependent(nat::preset(a)) && !endpoint_dependent(nat::preset(b)))
        CHECK((r.local_type == "srflx" && r.remote_type == "srflx"));
    }
}

TEST_CASE("explain: a public peer connects to a NATed one, whichever side controls", "[explain]") {
  // A public peer (no NAT) behaves like an endpoint-independent, unfiltered one.
  for (const auto& other : nat::preset_names()) {
    const Verdict want = udp_blocked(nat::preset(other)) ? Verdict::kFailed : Verdict::kDirect;
    const teach::ExplainResult ab = teach::explain(pair("none", other));
    const teach::ExplainResult ba = teach::explain(pair(other, "none"));
    INFO("none <-> " << other << ": " << ab.reason << " / " << ba.reason);
    CHECK(ab.verdict == want);
    CHECK(ba.verdict == want);
  }
}

TEST_CASE("explain: the narrative gives the dropping rule and the addresses", "[explain]") {
  const teach::ExplainResult r = teach::explain(pair("symmetric", "port-restricted-cone"));
  REQUIRE(r.verdict == Verdict::kFailed);
  const std::string text = joined(r);
  // A's symmetric NAT makes a new mapping for B, with the reason.
  CHECK(text.find("address-and-port-dependent mapping gives each new destination") != std::string::npos);
  // B's port-restricted NAT drops A's check from that new port, naming the rule.
  const std::regex drop("DROPPED by NAT B \\(port-restricted-cone: address-and-port-dependent filtering\\): the packet "
                        "comes from 198\\.51\\.100\\.7:([0-9]+), but B never sent to that address and port");
  std::smatch m;
  REQUIRE(std::regex_search(text, m, drop));
  // ... and that port is not A's server-reflexive port, which B did send to.
  const std::regex srflx("A learns its SERVER-REFLEXIVE candidate 198\\.51\\.100\\.7:([0-9]+)");
  std::smatch s;
  REQUIRE(std::regex_search(text, s, srflx));
  CHECK(m[1] != s[1]);
  CHECK(r.reason.find("FAILED") == 0);
  CHECK(r.reason.find("B's NAT dropped") != std::string::npos);
  CHECK(r.nat_drops > 0);
  // Every step is numbered from 1.
  CHECK(r.narrative.front().rfind("1. ", 0) == 0);
}

TEST_CASE("explain: a symmetric NAT against a restricted cone connects through a peer-reflexive candidate",
          "[explain]") {
  const teach::ExplainResult r = teach::explain(pair("symmetric", "restricted-cone"));
  REQUIRE(r.verdict == Verdict::kDirect);
  CHECK(r.local_type == "prflx");
  const std::string text = joined(r);
  CHECK(text.find("learns a PEER-REFLEXIVE") != std::string::npos);
  CHECK(text.find("accepts it (restricted-cone: address-dependent filtering") != std::string::npos);
}

TEST_CASE("explain: without keepalives a mapping expires and the path dies, keepalives keep it", "[explain]") {
  teach::ExplainSpec s = pair("port-restricted-cone", "port-restricted-cone");
  s.a.udp_timeout = SimTime::s(30);
  s.b.udp_timeout = SimTime::s(30);
  s.idle = SimTime::s(60);  // longer than the 30 s timeout
  const teach::ExplainResult silent = teach::explain(s);
  REQUIRE(silent.verdict == Verdict::kDirect);
  REQUIRE(silent.probe_answered.has_value());
  CHECK_FALSE(*silent.probe_answered);
  CHECK(joined(silent).find("EXPIRED") != std::string::npos);
  s.keepalive = SimTime::s(15);  // RFC 8445 section 11 default Tr, shorter than the timeout
  const teach::ExplainResult kept = teach::explain(s);
  REQUIRE(kept.probe_answered.has_value());
  CHECK(*kept.probe_answered);
}

TEST_CASE("explain: the Mermaid diagram is well formed and shows the drops", "[explain][mermaid]") {
  const teach::ExplainResult r = teach::explain(pair("symmetric", "port-restricted-cone"));
  std::istringstream in(r.mermaid);
  std::string line;
  REQUIRE(std::getline(in, line));
  CHECK(line == "sequenceDiagram");
  const std::regex participant("    participant [A-Za-z][A-Za-z0-9_]* as [^;#]*(#[0-9]+;[^;#]*)*");
  const std::regex message("    [A-Za-z][A-Za-z0-9_]*(->>|-->>|-x)[A-Za-z][A-Za-z0-9_]*: [^;#]*(#[0-9]+;[^;#]*)*");
  const std::regex note("    Note over [A-Za-z][A-Za-z0-9_]*(,[A-Za-z][A-Za-z0-9_]*)?: [^;#]*(#[0-9]+;[^;#]*)*");
  int messages = 0, lost = 0;
  while (std::getline(in, line)) {
    INFO(line);
    const bool ok = std::regex_match(line, participant) || std::regex_match(line, message) || std::regex_match(line, note);
    CHECK(ok);
    if (std::regex_match(line, message)) {
      ++messages;
      if (line.find("-x") != std::string::npos) ++lost;
    }
  }
  CHECK(messages > 10);
  CHECK(lost > 0);
  CHECK(r.mermaid.find("participant NATA as NAT A (APDM+APDF) 198.51.100.7") != std::string::npos);
}

TEST_CASE("explain: scenario section errors name file:line:col", "[explain][scenario]") {
  const auto dir = std::filesystem::temp_directory_path();
  const auto path = (dir / "p2psim_explain_bad.yaml").string();
  {
    std::ofstream f(path);
    f << "name: bad\nstudy: explain\nexplain:\n  a:\n    nat: carrier-pigeon\n";
  }
  try {
    teach::load_explain_file(path);
    FAIL("no error");
  } catch (const scenario::ScenarioError& e) {
    CHECK(e.pos().line == 5);
    CHECK(e.pos().column == 10);
    CHECK(std::string(e.what()).find("explain.a.nat") != std::string::npos);
  }
  {
    std::ofstream f(path);
    f << "name: bad\nstudy: explain\nexplain:\n  idle: 60s\n  keepalives: 15s\n";
  }
  CHECK_THROWS_WITH(teach::load_explain_file(path), Catch::Contains(":5:3:"));
  std::filesystem::remove(path);
}

namespace {

std::vector<std::vector<std::string>> tshark(const std::string& file, const std::string& fields) {
  const std::string cmd = "tshark -n -r '" + file + "' -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE "
                          "--enable-heuristic stun_udp -T fields -E separator=/t " + fields + " 2>/dev/null";
  std::vector<std::vector<std::string>> rows;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return rows;
  char buf[8192];
  while (std::fgets(buf, sizeof buf, p)) {
    std::string line(buf);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    std::vector<std::string> cols;
    std::string cur;
    for (char c : line) {
      if (c == '\t') {
        cols.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    cols.push_back(cur);
    rows.push_back(cols);
  }
  pclose(p);
  return rows;
}

std::string ip_text(std::uint32_t v) {
  return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 255) + "." + std::to_string((v >> 8) & 255) + "." +
         std::to_string(v & 255);
}

}  // namespace

TEST_CASE("explain --pcap: tshark decodes the STUN exchange with the simulated values", "[explain][pcap][tshark]") {
  if (std::system("tshark --version >/dev/null 2>&1") != 0) {
    WARN("tshark is not installed (Debian package `tshark`): skipping the Wireshark decoding check");
    return;
  }
  const auto path = (std::filesystem::temp_directory_path() / "p2psim_explain_test.pcap").string();
  for (teach::CapturePoint cp : {teach::CapturePoint::kNatA, teach::CapturePoint::kPeerB, teach::CapturePoint::kInternet}) {
    teach::ExplainOptions opt;
    opt.pcap_path = path;
    opt.capture = cp;
    const teach::ExplainResult r = teach::explain(pair("symmetric", "restricted-cone"), opt);
    REQUIRE(r.verdict == Verdict::kDirect);
    REQUIRE(r.pcap_packets > 0);
    REQUIRE(!r.pcap_stun.empty());
    const auto rows = tshark(path, "-e ip.src -e udp.srcport -e ip.dst -e udp.dstport -e ip.checksum.status "
                                   "-e udp.checksum.status -e stun.type -e stun.id -e stun.att.ipv4 -e stun.att.port");
    REQUIRE(rows.size() == r.pcap_packets);
    // Every record here is STUN (no TURN, no media), in the same order as pcap_stun.
    REQUIRE(rows.size() == r.pcap_stun.size());
    int with_mapped = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& row = rows[i];
      const teach::CapturedStun& c = r.pcap_stun[i];
      INFO("capture " << teach::to_string(cp) << " record " << i);
      REQUIRE(row.size() == 10);
      CHECK(row[0] == ip_text(c.src_ip));
      CHECK(row[1] == std::to_string(c.src_port));
      CHECK(row[2] == ip_text(c.dst_ip));
      CHECK(row[3] == std::to_string(c.dst_port));
      CHECK(row[4] == "1");  // IPv4 header checksum good
      CHECK(row[5] == "1");  // UDP checksum good
      char type[8];
      std::snprintf(type, sizeof type, "0x%04x", c.type);
      CHECK(row[6] == type);
      std::string tid;
      for (auto b : c.tid) {
        char h[3];
        std::snprintf(h, sizeof h, "%02x", b);
        tid += h;
      }
      CHECK(row[7] == tid);
      if (c.has_xor_mapped) {
        ++with_mapped;
        // Wireshark shows the un-XORed address of XOR-MAPPED-ADDRESS.
        CHECK(row[8] == ip_text(c.xor_mapped_ip));
        CHECK(row[9] == std::to_string(c.xor_mapped_port));
      }
    }
    CHECK(with_mapped > 0);
  }
  std::filesystem::remove(path);
}

TEST_CASE("explain: two symmetric NATs connect only through TURN, and the cost is told", "[explain][turn]") {
  teach::ExplainSpec s = pair("symmetric", "symmetric");
  s.turn = true;
  const teach::ExplainResult r = teach::explain(s);
  INFO(r.reason);
  REQUIRE(r.verdict == Verdict::kRelayed);
  CHECK((r.local_type == "relay" || r.remote_type == "relay"));
  const std::string text = joined(r);
  CHECK(text.find("learns its RELAYED candidate 203.0.113.9:") != std::string::npos);
  CHECK(r.reason.find("CONNECTED THROUGH THE RELAY") == 0);
  CHECK(r.reason.find("ChannelData") != std::string::npos);
  // Without TURN the same pair fails (lesson 2).
  s.turn = false;
  CHECK(teach::explain(s).verdict == Verdict::kFailed);
}

TEST_CASE("explain: Mermaid's own parser accepts the diagrams (when available)", "[explain][mermaid]") {
  const char* node_path = std::getenv("P2PSIM_MERMAID_NODE_PATH");
  if (!node_path || std::system("node --version >/dev/null 2>&1") != 0) {
    WARN("P2PSIM_MERMAID_NODE_PATH (a node_modules folder with mermaid and jsdom) not set: grammar test only");
    return;
  }
  const auto dir = std::filesystem::temp_directory_path();
  std::string files;
  int k = 0;
  for (const auto& [a, b] : {std::pair<std::string, std::string>{"symmetric", "port-restricted-cone"},
                             {"cgnat", "restricted-cone"}, {"none", "symmetric"}}) {
    const auto path = (dir / ("p2psim_mermaid_" + std::to_string(k++) + ".mmd")).string();
    std::ofstream(path) << teach::explain(pair(a, b)).mermaid;
    files += " '" + path + "'";
  }
  const std::string cmd = "NODE_PATH='" + std::string(node_path) + "' node '" + std::string(P2PSIM_SOURCE_DIR) +
                          "/tools/check_mermaid.mjs'" + files + " >/dev/null 2>&1";
  CHECK(std::system(cmd.c_str()) == 0);
}

TEST_CASE("p2psim explain: exit status 0 on success, 2 on bad input", "[explain][cli]") {
  const char* env = std::getenv("P2PSIM_BIN");
  const std::string bin = env ? env : std::string(P2PSIM_SOURCE_DIR) + "/build/p2psim";
  if (std::system(("'" + bin + "' --version >/dev/null 2>&1").c_str()) != 0) {
    WARN("p2psim binary not found: skipping CLI checks");
    return;
  }
  auto run = [&](const std::string& args) {
    const int rc = std::system(("cd '" + std::string(P2PSIM_SOURCE_DIR) + "' && '" + bin + "' explain " + args +
                                " >/dev/null 2>&1")
                                   .c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  };
  CHECK(run("--a full-cone --b restricted-cone -q") == 0);
  CHECK(run("scenarios/course/01-cone-nats.yaml -q") == 0);
  CHECK(run("--a carrier-pigeon") == 2);
  CHECK(run("--capture moon") == 2);
  CHECK(run("--idle soon") == 2);
  CHECK(run("no-such-file.yaml") == 2);
}

TEST_CASE("explain --method birthday between two endpoint-dependent NATs says the method does not apply",
          "[explain][birthday]") {
  // models/ice/birthday.hpp: P = 1 - (1 - k/R)^n holds only when B keeps one external port
  // for every destination (endpoint-independent mapping). Two symmetric NATs: no such side.
  teach::ExplainSpec s = pair("symmetric", "symmetric");
  s.method = teach::Method::kBirthday;
  s.birthday.hard_ports = 16;
  s.birthday.probes = 64;
  const teach::ExplainResult r = teach::explain(s);
  CHECK_FALSE(r.birthday_applies);
  CHECK(r.reason.find("does not apply") != std::string::npos);
  CHECK(r.reason.find("P(success)") == std::string::npos);

  // One easy side (B endpoint-independent): the closed form is reported.
  teach::ExplainSpec e = pair("symmetric", "port-restricted-cone");
  e.method = teach::Method::kBirthday;
  e.birthday.hard_ports = 16;
  e.birthday.probes = 64;
  const teach::ExplainResult re = teach::explain(e);
  CHECK(re.birthday_applies);
  CHECK(re.reason.find("P(success)") != std::string::npos);
}

TEST_CASE("explain --a udp-blocked --turn --pcap: the TLS-on-443 fallback as TCP segments tshark decodes",
          "[explain][pcap][tshark][tls]") {
  teach::ExplainSpec s = pair("udp-blocked", "port-restricted-cone");
  s.turn = true;
  const auto path = (std::filesystem::temp_directory_path() / "p2psim_explain_tls_test.pcap").string();
  teach::ExplainOptions opt;
  opt.pcap_path = path;
  opt.capture = teach::CapturePoint::kNatA;
  const teach::ExplainResult r = teach::explain(s, opt);
  REQUIRE(r.verdict == Verdict::kRelayed);
  CHECK(r.pcap_skipped == 0);
  const std::string text = joined(r);
  CHECK(text.find("TCP SYN: opens a TLS connection to port 443") != std::string::npos);
  CHECK(text.find("TLS ClientHello") != std::string::npos);
  CHECK(text.find("TLS record carrying TURN Allocate request") != std::string::npos);
  CHECK(r.mermaid.find("TLS ClientHello") != std::string::npos);
  if (std::system("tshark --version >/dev/null 2>&1") != 0) {
    WARN("tshark is not installed (Debian package `tshark`): skipping the Wireshark decoding check");
    std::filesystem::remove(path);
    return;
  }
  const std::string cmd = "tshark -n -r '" + path + "' -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE "
                          "-T fields -E separator=/t -e ip.proto -e tcp.dstport -e tcp.flags.syn -e tcp.flags.ack "
                          "-e tcp.checksum.status -e ip.checksum.status -e _ws.col.Info 2>/dev/null";
  std::vector<std::vector<std::string>> rows;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[8192];
  while (std::fgets(buf, sizeof buf, p)) {
    std::string line(buf);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    std::vector<std::string> cols(1);
    for (char c : line) {
      if (c == '\t') cols.emplace_back();
      else cols.back() += c;
    }
    rows.push_back(cols);
  }
  pclose(p);
  REQUIRE(rows.size() == r.pcap_packets);
  int syn_443 = 0, client_hello = 0, server_hello = 0, app_data = 0, tcp = 0;
  for (const auto& row : rows) {
    REQUIRE(row.size() == 7);
    CHECK(row[5] == "1");  // IPv4 header checksum good
    if (row[0] != "6") continue;
    ++tcp;
    CHECK(row[4] == "1");  // TCP checksum good (RFC 9293 pseudo-header)
    if (row[1] == "443" && row[2] == "1" && row[3] == "0") ++syn_443;
    if (row[6].find("Client Hello") != std::string::npos) ++client_hello;
    if (row[6].find("Server Hello") != std::string::npos) ++server_hello;
    if (row[6] == "Application Data") ++app_data;
  }
  // Captured on both sides of A's NAT: every segment appears twice.
  CHECK(syn_443 == 2);
  CHECK(client_hello == 2);
  CHECK(server_hello == 2);
  CHECK(app_data > 4);
  CHECK(tcp > 10);
  std::filesystem::remove(path);
}

TEST_CASE("explain tells trickle ICE: offer with the host candidate, trickled candidates, end-of-candidates",
          "[explain][trickle]") {
  teach::ExplainSpec s = pair("port-restricted-cone", "port-restricted-cone");
  const teach::ExplainResult t = teach::explain(s);  // trickle is the default
  const std::string text = joined(t);
  CHECK(text.find("A's offer reaches B through the signalling server; candidates: host 192.168.1.10:") !=
        std::string::npos);
  CHECK(text.find("A's trickled candidate reaches B") != std::string::npos);
  CHECK(text.find("A's end-of-candidates reaches B") != std::string::npos);
  CHECK(text.find("B's end-of-candidates reaches A") != std::string::npos);
  s.trickle = false;
  const teach::ExplainResult v = teach::explain(s);
  CHECK(joined(v).find("trickled") == std::string::npos);
  // Same verdict (RFC 4787 behaviour decides), no later.
  CHECK(v.verdict == t.verdict);
  CHECK(t.setup_time <= v.setup_time);
}
