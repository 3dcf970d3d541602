// `p2psim explain` with dual-stack peers: two symmetric NATs, which fail over IPv4, connect
// directly over IPv6; the narrative names the RFC 6092 firewall's drop of the first
// (unsolicited) check; the pcap holds IPv6 datagrams that tshark decodes.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "app/teach/explain.hpp"

using namespace p2psim;

namespace {
bool have_tshark() { return std::system("tshark --version >/dev/null 2>&1") == 0; }
int count_lines(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  int n = 0;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p))
    if (std::string(buf).find('\n') != std::string::npos) ++n;
  pclose(p);
  return n;
}
}  // namespace

TEST_CASE("explain: dual-stack peers behind symmetric NATs connect directly over IPv6", "[explain][ipv6]") {
  teach::ExplainSpec spec;
  spec.a.preset = spec.b.preset = "symmetric";
  const teach::ExplainResult v4 = teach::explain(spec);
  CHECK(v4.verdict == teach::Verdict::kFailed);
  spec.a.ipv6 = spec.b.ipv6 = true;
  const auto path = (std::filesystem::temp_directory_path() / "p2psim_explain_ipv6.pcap").string();
  teach::ExplainOptions opt;
  opt.pcap_path = path;
  opt.capture = teach::CapturePoint::kInternet;
  const teach::ExplainResult r = teach::explain(spec, opt);
  CHECK(r.verdict == teach::Verdict::kDirect);
  CHECK(r.local_type == "host");
  CHECK(r.remote_type == "host");
  CHECK(r.reason.find("2001:db8:") != std::string::npos);
  bool firewall = false;
  for (const std::string& l : r.narrative)
    if (l.find("IPv6 firewall (RFC 6092)") != std::string::npos) firewall = true;
  CHECK(firewall);
  if (!have_tshark()) {
    WARN("tshark is not installed (Debian package `tshark`): skipping the Wireshark decoding check");
  } else {
    const int v6 = count_lines("tshark -n -r '" + path + "' -Y ipv6 -T fields -e ipv6.src 2>/dev/null");
    const int v6_stun = count_lines("tshark -n -r '" + path +
                                    "' --enable-heuristic stun_udp -Y 'ipv6 && stun && udp.checksum.status != 0' "
                                    "-o udp.check_checksum:TRUE -T fields -e ipv6.src 2>/dev/null");
    CHECK(v6 > 0);
    CHECK(v6_stun == v6);
  }
  std::filesystem::remove(path);
}
