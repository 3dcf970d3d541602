#include "models/trace/pcap_writer.hpp"

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
  Bytes ip = build_ipv4_udp(tuple, payload, next_ip_id_++);
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
  mac(tuple.dst_ip);
  mac(tuple.src_ip);
  put16be(eth, 0x0800);  // EtherType IPv4
  eth.insert(eth.end(), ip.begin(), ip.end());
  write_frame(t, eth);
}

void PcapWriter::flush() { out_->flush(); }

}  // namespace p2psim::trace
