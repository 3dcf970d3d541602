// A dual-stack ICE session captured to pcap: the IPv6 checks are IPv6/UDP datagrams that
// tshark (Debian package `tshark`) decodes, with valid UDP checksums (mandatory over IPv6,
// RFC 8200 8.1) and STUN XOR-MAPPED-ADDRESS as an IPv6 address.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "models/ice/pair_world.hpp"
#include "models/nat/preset.hpp"
#include "models/net/ipv6_address.hpp"
#include "models/trace/ipv6_packet.hpp"
#include "models/trace/packet_bytes.hpp"
#include "models/trace/pcap_writer.hpp"

using namespace p2psim;

namespace {
bool have_tshark() { return std::system("tshark --version >/dev/null 2>&1") == 0; }

std::vector<std::string> run_lines(const std::string& cmd) {
  std::vector<std::string> lines;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string cur;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) {
    cur += buf;
    if (!cur.empty() && cur.back() == '\n') {
      cur.pop_back();
      lines.push_back(cur);
      cur.clear();
    }
  }
  pclose(p);
  return lines;
}

// Writes every delivered packet (as the receiving host sees it) to the pcap.
class Tap : public net::NetObserver {
 public:
  explicit Tap(trace::PcapWriter& w) : w_(&w) {}
  void on_deliver(const net::Packet& p, net::NodeId, SimTime t) override {
    if (p.transport != net::Transport::udp) return;
    if (p.src.addr.is_ipv6()) ++v6;
    w_->write_udp(t, trace::udp_tuple(p), trace::packet_payload(p));
  }
  int v6 = 0;

 private:
  trace::PcapWriter* w_;
};
}  // namespace

TEST_CASE("IPv6 UDP datagram layout (RFC 8200 header, UDP checksum over the pseudo-header)", "[trace][ipv6]") {
  const auto src = net::ipv6_bytes(net::make_ipv6(1, 1)), dst = net::ipv6_bytes(net::make_ipv6(2, 1));
  const std::vector<std::uint8_t> payload = {1, 2, 3, 4};
  const auto b = trace::build_ipv6_udp(src, 5000, dst, 6000, payload);
  REQUIRE(b.size() == 40 + 8 + 4);
  CHECK(b[0] == 0x60);             // version 6
  CHECK(b[4] == 0);                // payload length 12
  CHECK(b[5] == 12);
  CHECK(b[6] == 17);               // next header UDP
  CHECK(b[7] == 64);               // hop limit
  CHECK(std::equal(src.begin(), src.end(), b.begin() + 8));
  CHECK(std::equal(dst.begin(), dst.end(), b.begin() + 24));
  // The one's-complement sum over pseudo-header + UDP header + data, checksum included, is 0xFFFF.
  std::uint32_t sum = 0;
  for (int i = 0; i < 16; i += 2) sum += (src[i] << 8 | src[i + 1]) + (dst[i] << 8 | dst[i + 1]);
  sum += 12 + 17;
  for (std::size_t i = 40; i + 1 < b.size(); i += 2) sum += static_cast<std::uint32_t>(b[i] << 8 | b[i + 1]);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  CHECK(sum == 0xFFFF);
}

TEST_CASE("tshark decodes a dual-stack session's IPv6 checks as IPv6/UDP/STUN", "[trace][ipv6][tshark][pcap]") {
  if (!have_tshark()) {
    WARN("tshark is not installed (Debian package `tshark`): skipping the Wireshark decoding check");
    return;
  }
  for (trace::LinkType link : {trace::LinkType::kRaw, trace::LinkType::kEthernet}) {
    const auto path = (std::filesystem::temp_directory_path() /
                       ("p2psim_ipv6_pcap_" + std::to_string(static_cast<int>(link)) + ".pcap"))
                          .string();
    int v6 = 0;
    {
      trace::PcapWriter w(path, link);
      Tap tap(w);
      ice::PairSpec s;
      s.nat_a = nat::preset("symmetric").layers;
      s.nat_b = nat::preset("symmetric").layers;
      s.ipv6_a = s.ipv6_b = true;
      s.session.trickle = true;
      ice::PairWorld world(s, 4);
      world.network().set_observer(&tap);
      REQUIRE(world.run().ipv6);
      v6 = tap.v6;
    }
    REQUIRE(v6 > 0);
    const auto lines = run_lines("tshark -n -r '" + path +
                                 "' -o udp.check_checksum:TRUE --enable-heuristic stun_udp -Y 'ipv6 && stun' -T fields "
                                 "-E separator=/t -e ipv6.src -e ipv6.dst -e udp.checksum.status -e stun.type "
                                 "-e stun.att.ipv6 2>/dev/null");
    INFO(path);
    REQUIRE(static_cast<int>(lines.size()) == v6);
    bool response_with_v6_mapped = false;
    for (const std::string& l : lines) {
      INFO(l);
      std::vector<std::string> f(1);
      for (char c : l) {
        if (c == '\t') f.emplace_back();
        else f.back() += c;
      }
      REQUIRE(f.size() >= 4);
      CHECK(f[0].rfind("2001:db8:", 0) == 0);
      CHECK(f[1].rfind("2001:db8:", 0) == 0);
      CHECK(f[2] == "1");  // UDP checksum good
      if (f[3] == "0x0101" && f.size() >= 5 && f[4].rfind("2001:db8:", 0) == 0) response_with_v6_mapped = true;
    }
    CHECK(response_with_v6_mapped);
    std::filesystem::remove(path);
  }
}
