// IPv6 + UDP datagrams for pcap capture of simulated IPv6 traffic (dual stack).
//
// The IPv6 header of RFC 8200 section 3: version 6, traffic class 0, flow label 0,
// payload length, next header 17 (UDP), hop limit; then the UDP header (RFC 768) whose
// checksum is mandatory over IPv6 and covers the IPv6 pseudo-header (RFC 8200 section
// 8.1: source, destination, upper-layer length, next header).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace p2psim::trace {

using Ipv6Bytes = std::array<std::uint8_t, 16>;

// Precondition: payload.size() <= 65527.
std::vector<std::uint8_t> build_ipv6_udp(const Ipv6Bytes& src, std::uint16_t src_port, const Ipv6Bytes& dst,
                                         std::uint16_t dst_port, std::span<const std::uint8_t> payload,
                                         std::uint8_t hop_limit = 64);

}  // namespace p2psim::trace
