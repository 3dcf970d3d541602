// The pcap writer: byte layout checked from the format definitions, and tshark (Debian
// package `tshark`) decoding the file as IPv4/UDP/STUN with the simulated values.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/stun/wire.hpp"
#include "models/trace/pcap_writer.hpp"

using namespace p2psim;
using namespace p2psim::trace;
namespace wire = p2psim::stun::wire;

namespace {

std::uint32_t ipv4(int a, int b, int c, int d) {
  return (std::uint32_t(a) << 24) | (std::uint32_t(b) << 16) | (std::uint32_t(c) << 8) | std::uint32_t(d);
}

std::uint32_t le32(const std::string& s, std::size_t at) {
  return std::uint32_t(std::uint8_t(s[at])) | (std::uint32_t(std::uint8_t(s[at + 1])) << 8) |
         (std::uint32_t(std::uint8_t(s[at + 2])) << 16) | (std::uint32_t(std::uint8_t(s[at + 3])) << 24);
}

bool have_tshark() { return std::system("tshark --version >/dev/null 2>&1") == 0; }

// Runs tshark on `file` and returns one line per packet of tab-separated `fields`.
std::vector<std::string> tshark_fields(const std::string& file, const std::vector<std::string>& fields,
                                       const std::string& extra = "") {
  std::string cmd = "tshark -n -r '" + file + "' -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE " + extra +
                    " -T fields -E separator=/t";
  for (const auto& f : fields) cmd += " -e " + f;
  cmd += " 2>/dev/null";
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

std::vector<std::string> split_tabs(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == '\t') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string hex(std::span<const std::uint8_t> b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto x : b) {
    s += d[x >> 4];
    s += d[x & 15];
  }
  return s;
}

}  // namespace

TEST_CASE("IPv4 and UDP headers follow RFC 791 and RFC 768 with valid checksums", "[trace][pcap]") {
  const UdpTuple t{ipv4(192, 168, 1, 10), 50000, ipv4(203, 0, 113, 5), 3478};
  const std::vector<std::uint8_t> payload = {1, 2, 3, 4, 5};
  const auto d = build_ipv4_udp(t, payload, 7);
  REQUIRE(d.size() == 20 + 8 + 5);
  CHECK(d[0] == 0x45);
  CHECK(((d[2] << 8) | d[3]) == 33);  // total length
  CHECK(((d[4] << 8) | d[5]) == 7);   // identification
  CHECK(d[9] == 17);
  CHECK(d[12] == 192);
  CHECK(d[19] == 5);
  // A header with a correct checksum sums to 0xFFFF, i.e. its checksum is 0 (RFC 1071).
  CHECK(internet_checksum(std::span(d).first(20)) == 0);
  CHECK(((d[20] << 8) | d[21]) == 50000);
  CHECK(((d[22] << 8) | d[23]) == 3478);
  CHECK(((d[24] << 8) | d[25]) == 13);
  // UDP: the pseudo-header sum plus the segment (with its checksum) is 0xFFFF too.
  std::uint32_t pseudo = (t.src_ip >> 16) + (t.src_ip & 0xFFFF) + (t.dst_ip >> 16) + (t.dst_ip & 0xFFFF) + 17 + 13;
  CHECK(internet_checksum(std::span(d).subspan(20), pseudo) == 0);
  // RFC 1071's worked example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d.
  const std::vector<std::uint8_t> ex = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  CHECK(internet_checksum(ex) == 0x220d);
}

TEST_CASE("pcap file header and records use the nanosecond classic format", "[trace][pcap]") {
  std::ostringstream out;
  {
    PcapWriter w(out, LinkType::kRaw);
    const std::vector<std::uint8_t> payload(10, 0xAB);
    w.write_udp(SimTime::ms(1500) + SimTime::ns(7), UdpTuple{1, 2, 3, 4}, payload);
    CHECK(w.packets() == 1);
  }
  const std::string s = out.str();
  REQUIRE(s.size() == 24 + 16 + 38);
  CHECK(le32(s, 0) == 0xA1B23C4Du);
  CHECK(le32(s, 20) == 101u);
  CHECK(le32(s, 24) == 1u);          // seconds
  CHECK(le32(s, 28) == 500000007u);  // nanoseconds
  CHECK(le32(s, 32) == 38u);
  CHECK(le32(s, 36) == 38u);
}

TEST_CASE("tshark decodes the simulated STUN exchange with the simulated values", "[trace][pcap][tshark]") {
  if (!have_tshark()) {
    WARN("tshark is not installed (Debian package `tshark`): skipping the Wireshark decoding check");
    return;
  }
  for (LinkType link : {LinkType::kRaw, LinkType::kEthernet}) {
    const auto path = (std::filesystem::temp_directory_path() /
                       ("p2psim_pcap_test_" + std::to_string(static_cast<int>(link)) + ".pcap"))
                          .string();
    const wire::TransactionId tid = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8};
    const UdpTuple req_tuple{ipv4(198, 51, 100, 7), 40123, ipv4(203, 0, 113, 5), 3478};
    const UdpTuple resp_tuple{ipv4(203, 0, 113, 5), 3478, ipv4(198, 51, 100, 7), 40123};
    const wire::Endpoint mapped{ipv4(198, 51, 100, 7), 40123};
    const UdpTuple check_tuple{ipv4(198, 51, 100, 7), 40123, ipv4(192, 0, 2, 9), 61000};
    const UdpTuple relay_tuple{ipv4(198, 51, 100, 7), 40123, ipv4(203, 0, 113, 5), 3478};
    {
      PcapWriter w(path, link);
      wire::RawMessage req;
      req.type = wire::message_type(wire::method::kBinding, wire::MsgClass::kRequest);
      req.txid = tid;
      w.write_udp(SimTime::ms(10), req_tuple, wire::encode(req, true));
      wire::RawMessage resp;
      resp.type = wire::message_type(wire::method::kBinding, wire::MsgClass::kSuccess);
      resp.txid = tid;
      resp.attributes.push_back({wire::attr::kXorMappedAddress, wire::encode_xor_address(mapped)});
      w.write_udp(SimTime::ms(35) + SimTime::us(250), resp_tuple, wire::encode(resp, true));
      // An ICE connectivity check between two peers on ephemeral ports.
      wire::RawMessage check;
      check.type = wire::message_type(wire::method::kBinding, wire::MsgClass::kRequest);
      check.txid = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 1};
      check.attributes.push_back({wire::attr::kPriority, wire::encode_u32(0x6e0001ff)});
      check.attributes.push_back({wire::attr::kIceControlling, wire::encode_u64(77)});
      check.attributes.push_back({wire::attr::kUseCandidate, {}});
      w.write_udp(SimTime::ms(100), check_tuple, wire::encode(check, true));
      // TURN ChannelData to the server.
      w.write_udp(SimTime::ms(200), relay_tuple, wire::encode_channel_data({0x4001, std::vector<std::uint8_t>(20, 7)}, false));
      auto bad = build_ipv4_udp(req_tuple, wire::encode(req, false), 99);
      bad[10] ^= 0x01;
      if (link == LinkType::kEthernet) bad.insert(bad.begin(), {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00});
      w.write_frame(SimTime::ms(300), bad);
    }
    const auto lines = tshark_fields(path,
                                     {"frame.time_epoch", "ip.src", "udp.srcport", "ip.dst", "udp.dstport",
                                      "ip.checksum.status", "udp.checksum.status", "stun.type", "stun.id",
                                      "stun.att.ipv4", "stun.att.port", "stun.att.priority", "stun.channel"},
                                     "--enable-heuristic stun_udp");
    REQUIRE(lines.size() == 5);
    const auto p0 = split_tabs(lines[0]), p1 = split_tabs(lines[1]), p2 = split_tabs(lines[2]),
               p3 = split_tabs(lines[3]);
    INFO(lines[0] << "\n" << lines[1] << "\n" << lines[2] << "\n" << lines[3]);
    REQUIRE(p1.size() == 13);
    // Timestamps are simulated time since the epoch.
    CHECK(p0[0].rfind("0.010000000", 0) == 0);
    CHECK(p1[0].rfind("0.035250000", 0) == 0);
    CHECK(p0[1] == "198.51.100.7");
    CHECK(p0[2] == "40123");
    CHECK(p0[3] == "203.0.113.5");
    CHECK(p0[4] == "3478");
    // Checksums verified by tshark: 1 = good, 0 = bad (Wireshark's proto_checksum_status).
    for (const auto* p : {&p0, &p1, &p2, &p3}) {
      CHECK((*p)[5] == "1");
      CHECK((*p)[6] == "1");
    }
    // A datagram with a corrupted IPv4 checksum is reported bad, so the check has teeth.
    const auto p4 = split_tabs(lines[4]);
    CHECK(p4[5] == "0");
    // STUN: Binding request 0x0001, success 0x0101, the same transaction id, and the
    // XOR-MAPPED-ADDRESS decoded (un-XORed by Wireshark) to the mapped endpoint.
    CHECK(p0[7] == "0x0001");
    CHECK(p1[7] == "0x0101");
    CHECK(p0[8] == hex(tid));
    CHECK(p1[8] == hex(tid));
    CHECK(p1[9] == "198.51.100.7");
    CHECK(p1[10] == "40123");
    // The peer-to-peer check on ephemeral ports, found by the STUN heuristic.
    CHECK(p2[7] == "0x0001");
    CHECK(p2[11] == std::to_string(0x6e0001ff));
    // ChannelData.
    CHECK(p3[12] == "0x4001");
    std::filesystem::remove(path);
  }
}
