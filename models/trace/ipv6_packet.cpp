#include "models/trace/ipv6_packet.hpp"

#include <stdexcept>

#include "models/trace/pcap_writer.hpp"

namespace p2psim::trace {

std::vector<std::uint8_t> build_ipv6_udp(const Ipv6Bytes& src, std::uint16_t src_port, const Ipv6Bytes& dst,
                                         std::uint16_t dst_port, std::span<const std::uint8_t> payload,
                                         std::uint8_t hop_limit) {
  if (payload.size() > 65527) throw std::invalid_argument("UDP payload larger than 65527 bytes");
  const auto udp_len = static_cast<std::uint16_t>(8 + payload.size());
  std::vector<std::uint8_t> b;
  b.reserve(40 + udp_len);
  auto put16 = [&b](std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
  };
  b.push_back(0x60);  // version 6, traffic class 0 (high nibble)
  b.push_back(0x00);  // traffic class low nibble, flow label 0
  b.push_back(0x00);
  b.push_back(0x00);
  put16(udp_len);     // payload length
  b.push_back(17);    // next header: UDP
  b.push_back(hop_limit);
  b.insert(b.end(), src.begin(), src.end());
  b.insert(b.end(), dst.begin(), dst.end());
  put16(src_port);
  put16(dst_port);
  put16(udp_len);
  put16(0);  // checksum, filled below
  b.insert(b.end(), payload.begin(), payload.end());
  // Pseudo-header (RFC 8200 8.1): addresses, 32-bit upper-layer length, next header.
  std::uint32_t pseudo = 0;
  for (int i = 0; i < 16; i += 2) {
    pseudo += static_cast<std::uint32_t>((src[i] << 8) | src[i + 1]);
    pseudo += static_cast<std::uint32_t>((dst[i] << 8) | dst[i + 1]);
  }
  pseudo += udp_len + 17u;
  while (pseudo >> 16) pseudo = (pseudo & 0xFFFF) + (pseudo >> 16);
  std::uint16_t sum = internet_checksum(std::span(b).subspan(40), pseudo);
  if (sum == 0) sum = 0xFFFF;  // RFC 8200 8.1: a computed zero is sent as 0xFFFF
  b[46] = static_cast<std::uint8_t>(sum >> 8);
  b[47] = static_cast<std::uint8_t>(sum);
  return b;
}

}  // namespace p2psim::trace
