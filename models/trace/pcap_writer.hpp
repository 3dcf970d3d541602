// PcapWriter: simulated packets as a classic libpcap capture file that Wireshark and
// tshark open directly.
//
// File format: the classic pcap format (not pcapng), nanosecond variant (magic
// 0xA1B23C4D), version 2.4, so simulated time (integer ns) is written exactly; packet
// timestamps are simulated time since the start of the run (the capture starts at the
// Unix epoch, 1970-01-01 00:00:00). Link types: LINKTYPE_RAW (101, each record is an IPv4
// datagram) or LINKTYPE_ETHERNET (1, with a 14-byte Ethernet II header whose MAC
// addresses are derived from the IPv4 addresses: 02:00:a:b:c:d, locally administered).
// References: the tcpdump.org "pcap savefile format" and "link-layer header types" pages
// (draft-ietf-opsawg-pcap).
//
// Each UDP packet gets a real IPv4 header (RFC 791: version 4, IHL 5, DF set, TTL 64,
// protocol 17, header checksum) and UDP header (RFC 768, checksum over the pseudo-header);
// a TCP segment an IPv4 header with protocol 6 and a 20-byte TCP header (RFC 9293 3.1:
// ports, sequence and acknowledgment numbers, data offset 5, flags, window 65535,
// checksum over the pseudo-header, no options). A UDP packet between two simulated IPv6
// addresses (models/net/ipv6_address.hpp) is written as an IPv6 datagram instead
// (ipv6_packet.hpp; EtherType 0x86DD on Ethernet; LINKTYPE_RAW carries either version).
// The writer is independent of the network model: the caller decides what is captured
// and where (a host's interface sees private addresses; the outside of a NAT sees the
// mapped public ones).
#pragma once

#include <cstdint>
#include <fstream>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace p2psim::trace {

enum class LinkType : std::uint32_t { kEthernet = 1, kRaw = 101 };

// One UDP/IPv4 flow tuple, host byte order (0xC0000201 is 192.0.2.1).
struct UdpTuple {
  std::uint32_t src_ip = 0;
  std::uint16_t src_port = 0;
  std::uint32_t dst_ip = 0;
  std::uint16_t dst_port = 0;
};

// The RFC 1071 Internet checksum (one's complement of the one's-complement sum).
std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes, std::uint32_t initial_sum = 0);

// A complete IPv4 + UDP datagram carrying `payload`. `ip_id` is the IPv4 Identification.
// Precondition: payload.size() <= 65507.
std::vector<std::uint8_t> build_ipv4_udp(const UdpTuple& t, std::span<const std::uint8_t> payload,
                                         std::uint16_t ip_id, std::uint8_t ttl = 64);

// TCP header flags (RFC 9293 3.1).
namespace tcp_flag {
inline constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;
}

struct TcpSegment {
  UdpTuple tuple;  // addresses and ports (same layout as UDP)
  std::uint32_t seq = 0, ack = 0;
  std::uint8_t flags = 0;
};

// A complete IPv4 + TCP segment carrying `payload`.
std::vector<std::uint8_t> build_ipv4_tcp(const TcpSegment& s, std::span<const std::uint8_t> payload,
                                         std::uint16_t ip_id, std::uint8_t ttl = 64);

class PcapWriter {
 public:
  // Writes the 24-byte file header to `out`, which must outlive the writer.
  explicit PcapWriter(std::ostream& out, LinkType link = LinkType::kRaw);
  // Opens (truncates) `path`. Throws std::runtime_error if it cannot be opened.
  explicit PcapWriter(const std::string& path, LinkType link = LinkType::kRaw);
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // Appends one UDP packet captured at simulated time `t` (>= 0).
  void write_udp(SimTime t, const UdpTuple& tuple, std::span<const std::uint8_t> payload);
  // Appends one TCP segment.
  void write_tcp(SimTime t, const TcpSegment& s, std::span<const std::uint8_t> payload);
  // Appends one record whose contents are already a link-layer frame of this file's type.
  void write_frame(SimTime t, std::span<const std::uint8_t> frame);

  std::uint64_t packets() const { return packets_; }
  LinkType link() const { return link_; }
  void flush();

 private:
  void write_header();
  void write_ip(SimTime t, std::uint32_t src_ip, std::uint32_t dst_ip, const std::vector<std::uint8_t>& ip);

  std::ofstream file_;
  std::ostream* out_;
  LinkType link_;
  std::uint16_t next_ip_id_ = 1;
  std::uint64_t packets_ = 0;
};

}  // namespace p2psim::trace
