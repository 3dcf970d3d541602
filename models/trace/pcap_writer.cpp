#include "models/trace/pcap_writer.hpp"

#include "models/net/ipv6_address.hpp"
#include "models/trace/ipv6_packet.hpp"

#include <ostream>
#include <stdexcept>

namespace p2psim::trace {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put16be(Bytes& b, std::uint16_t x) {
  b.push_back(static_cast<std::uint8_t>(x >> 8));
  b.push_back(static_cast<std::uint8_t>(x));
}
void put32be(Bytes& b, std::uint32_t x) {
  put16be(b, static_cast<std::uint16_t>(x >> 16));
  put16be(b, static_cast<std::uint16_t>(x));
}
// pcap headers are written in the writer's byte order; we fix little-endian so files are
// identical on every platform (readers detect the order from the magic number).
void put32le(std::ostream& o, std::uint32_t x) {
  const char b[4] = {static_cast<char>(x), static_cast<char>(x >> 8), static_cast<char>(x >> 16),
                     static_cast<char>(x >> 24)};
  o.write(b, 4);
}
void put16le(std::ostream& o, std::uint16_t x) {
  const char b[2] = {static_cast<char>(x), static_cast<char>(x >> 8)};
  o.write(b, 2);
}

constexpr std::uint32_t kMagicNs = 0xA1B23C4D;
constexpr std::uint32_t kSnapLen = 262144;

}  // namespace

std::uint16_t internet_checksum(std::span<const std::uint8_t> b, std::uint32_t sum) {
  std::size_t i = 0;
  for (; i + 1 < b.size(); i += 2) sum += static_cast<std::uint32_t>((b[i] << 8) | b[i + 1]);
  if (i < b.size()) sum += static_cast<std::uint32_t>(b[i] << 8);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

Bytes build_ipv4_udp(const UdpTuple& t, std::span<const std::uint8_t> payload, std::uint16_t ip_id,
                     std::uint8_t ttl) {
  if (payload.size() > 65507) throw std::invalid_argument("UDP payload larger than 65507 bytes");
  const auto udp_len = static_cast<std::uint16_t>(8 + payload.size());
  const auto total = static_cast<std::uint16_t>(20 + udp_len);
  Bytes b;
  b.reserve(total);
  // IPv4 header (RFC 791).
  b.push_back(0x45);         // version 4, IHL 5 words
  b.push_back(0x00);         // DSCP/ECN
  put16be(b, total);
  put16be(b, ip_id);
  put16be(b, 0x4000);        // flags: DF; fragment offset 0
  b.push_back(ttl);
  b.push_back(17);           // protocol UDP
  put16be(b, 0);             // header checksum, filled below
  put32be(b, t.src_ip);
  put32be(b, t.dst_ip);
  const std::uint16_t ip_sum = internet_checksum(std::span(b).first(20));
  b[10] = static_cast<std::uint8_t>(ip_sum >> 8);
  b[11] = static_cast<std::uint8_t>(ip_sum);
  // UDP header (RFC 768).
  put16be(b, t.src_port);
  put16be(b, t.dst_port);
  put16be(b, udp_len);
  put16be(b, 0);  // checksum, filled below
  b.insert(b.end(), payload.begin(), payload.end());
  // Pseudo-header: source, destination, zero + protocol, UDP length.
  const std::uint32_t pseudo = (t.src_ip >> 16) + (t.src_ip & 0xFFFF) + (t.dst_ip >> 16) + (t.dst_ip & 0xFFFF) +
                               17u + udp_len;
  std::uint16_t udp_sum = internet_checksum(std::span(b).subspan(20), pseudo);
  if (udp_sum == 0) udp_sum = 0xFFFF;  // 0 means "no checksum" in UDP over IPv4
  b[26] = static_cast<std::uint8_t>(udp_sum >> 8);
  b[27] = static_cast<std::uint8_t>(udp_sum);
  return b;
}

namespace {
void ipv4_header(Bytes& b, std::uint32_t src, std::uint32_t dst, std::uint16_t total, std::uint16_t ip_id,
                 std::uint8_t ttl, std::uint8_t protocol) {
  b.push_back(0x45);  // version 4, IHL 5 words
  b.push_back(0x00);  // DSCP/ECN
  put16be(b, total);
  put16be(b, ip_id);
  put16be(b, 0x4000);  // flags: DF; fragment offset 0
  b.push_back(ttl);
  b.push_back(protocol);
  put16be(b, 0);  // header checksum, filled below
  put32be(b, src);
  put32be(b, dst);
  const std::uint16_t ip_sum = internet_checksum(std::span(b).first(20));
  b[10] = static_cast<std::uint8_t>(ip_sum >> 8);
  b[11] = static_cast<std::uint8_t>(ip_sum);
}
}  // namespace

Bytes build_ipv4_tcp(const TcpSegment& s, std::span<const std::uint8_t> payload, std::uint16_t ip_id,
                     std::uint8_t ttl) {
  if (payload.size() > 65495) throw std::invalid_argument("TCP payload larger than 65495 bytes");
  const auto tcp_len = static_cast<std::uint16_t>(20 + payload.size());
  Bytes b;
  b.reserve(20 + tcp_len);
  ipv4_header(b, s.tuple.src_ip, s.tuple.dst_ip, static_cast<std::uint16_t>(20 + tcp_len), ip_id, ttl, 6);
  put16be(b, s.tuple.src_port);
  put16be(b, s.tuple.dst_port);
  put32be(b, s.seq);
  put32be(b, s.ack);
  b.push_back(0x50);  // data offset 5 words, reserved 0
  b.push_back(s.flags);
  put16be(b, 65535);  // window
  put16be(b, 0);      // checksum, filled below
  put16be(b, 0);      // urgent pointer
  b.insert(b.end(), payload.begin(), payload.end());
  const std::uint32_t pseudo = (s.tuple.src_ip >> 16) + (s.tuple.src_ip & 0xFFFF) + (s.tuple.dst_ip >> 16) +
                               (s.tuple.dst_ip & 0xFFFF) + 6u + tcp_len;
  const std::uint16_t sum = internet_checksum(std::span(b).subspan(20), pseudo);
  b[36] = static_cast<std::uint8_t>(sum >> 8);
  b[37] = static_cast<std::uint8_t>(sum);
  return b;
}

PcapWriter::PcapWriter(std::ostream& out, LinkType link) : out_(&out), link_(link) { write_header(); }

PcapWriter::PcapWriter(const std::string& path, LinkType link)
    : file_(path, std::ios::binary | std::ios::trunc), out_(&file_), link_(link) {
  if (!file_) throw std::runtime_error("cannot open " + path + " for writing");
  write_header();
}

void PcapWriter::write_header() {
  put32le(*out_, kMagicNs);
  put16le(*out_, 2);  // version 2.4
  put16le(*out_, 4);
  put32le(*out_, 0);  // reserved (thiszone)
  put32le(*out_, 0);  // reserved (sigfigs)
  put32le(*out_, kSnapLen);
  put32le(*out_, static_cast<std::uint32_t>(link_));
}

void PcapWriter::write_frame(SimTime t, std::span<const std::uint8_t> frame) {
  if (t < SimTime::zero()) throw std::invalid_argument("pcap timestamp before the start of the run");
  const std::int64_t ns = t.count_ns();
  put32le(*out_, static_cast<std::uint32_t>(ns / 1'000'000'000));
  put32le(*out_, static_cast<std::uint32_t>(ns % 1'000'000'000));
  put32le(*out_, static_cast<std::uint32_t>(frame.size()));  // captured length
  put32le(*out_, static_cast<std::uint32_t>(frame.size()));  // original length
  out_->write(reinterpret_cast<const char*>(frame.data()), static_cast<std::streamsize>(frame.size()));
  ++packets_;
}

void PcapWriter::write_udp(SimTime t, const UdpTuple& tuple, std::span<const std::uint8_t> payload) {
  const net::Ipv4 src(tuple.src_ip), dst(tuple.dst_ip);
  if (src.is_ipv6() && dst.is_ipv6()) {  // simulated IPv6 (models/net/ipv6_address.hpp)
    write_ip(t, tuple.src_ip, tuple.dst_ip,
             build_ipv6_udp(net::ipv6_bytes(src), tuple.src_port, net::ipv6_bytes(dst), tuple.dst_port, payload));
    return;
  }
  write_ip(t, tuple.src_ip, tuple.dst_ip, build_ipv4_udp(tuple, payload, next_ip_id_++));
}

void PcapWriter::write_tcp(SimTime t, const TcpSegment& s, std::span<const std::uint8_t> payload) {
  write_ip(t, s.tuple.src_ip, s.tuple.dst_ip, build_ipv4_tcp(s, payload, next_ip_id_++));
}

void PcapWriter::write_ip(SimTime t, std::uint32_t src_ip, std::uint32_t dst_ip, const Bytes& ip) {
  if (link_ == LinkType::kRaw) {
    write_frame(t, ip);
    return;
  }
  Bytes eth;
  eth.reserve(14 + ip.size());
  auto mac = [&eth](std::uint32_t ip4) {
    eth.push_back(0x02);  // locally administered, unicast
    eth.push_back(0x00);
    put32be(eth, ip4);
  };
  mac(dst_ip);
  mac(src_ip);
  put16be(eth, !ip.empty() && (ip[0] >> 4) == 6 ? 0x86DD : 0x0800);  // EtherType IPv6 / IPv4
  eth.insert(eth.end(), ip.begin(), ip.end());
  write_frame(t, eth);
}

void PcapWriter::flush() { out_->flush(); }

}  // namespace p2psim::trace
