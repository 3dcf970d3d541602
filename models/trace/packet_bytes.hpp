// The bytes a simulated packet would carry on the wire, for pcap capture.
//
// The simulator moves typed packets (net::Packet); this rebuilds their transport payload:
//   STUN            the RFC 8489 encoding of the message (stun::encode);
//   TURN framing    a Send/Data indication (RFC 8656 section 11: STUN indication with
//                   XOR-PEER-ADDRESS and DATA holding the inner payload; its transaction id
//                   is derived from the packet id) or a ChannelData message (section 12.4,
//                   padded to 4 bytes over TCP/TLS only) around the inner payload;
//   application     an RTP-like header (RFC 3550: V=2, PT 96, sequence number = seq,
//   data            timestamp = seq * 960, SSRC = flow) then zero bytes up to the
//                   packet's size, so RFC 7983 demultiplexing classifies it as media;
//   signalling      ASCII "p2psim-signal kind=K session=S" padded with spaces to the size.
// For non-STUN payloads the size comes from Packet::size_bytes minus the TURN framing
// (4 bytes for ChannelData, 36 for an indication: 20 header + 12 XOR-PEER-ADDRESS +
// 4 DATA header).
#pragma once

#include <cstdint>
#include <vector>

#include "models/net/packet.hpp"
#include "models/trace/pcap_writer.hpp"

namespace p2psim::trace {

std::vector<std::uint8_t> packet_payload(const net::Packet& p);

// The packet's addresses as a UDP tuple (the addresses on the segment where it is seen).
inline UdpTuple udp_tuple(const net::Packet& p) {
  return UdpTuple{p.src.addr.value, p.src.port, p.dst.addr.value, p.dst.port};
}

}  // namespace p2psim::trace
