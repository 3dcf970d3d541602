// TCP and TLS segments of simulated stream connections for pcap capture.
//
// The network model moves stream packets with a control kind (net::TcpControl: SYN,
// SYN-ACK, TLS ClientHello, TLS server flight, data, FIN, RST). TcpCapture gives each
// captured segment its TCP header fields: per direction of each address/port tuple an
// initial sequence number (derived from the ports), SYN and FIN consuming one number and
// data its length, and the acknowledgment number the other direction's next expected
// byte (RFC 9293 3.4). The same packet seen on two segments with the same addresses gets
// the same numbers.
//
// stream_payload() builds the TCP payload: STUN over TCP is the STUN messages back to
// back (RFC 8489 6.2.2) and ChannelData padded to 4 bytes (RFC 8656 12.5); over TLS each
// message is one TLS 1.3 application-data record (RFC 8446 5.2: type 23, version 0x0303,
// length, then the message, the inner content type and a 16-byte tag; the message appears
// in clear where the ciphertext would be, so its bytes stay readable). The handshake
// packets become a ClientHello record (padded to the packet's size with the RFC 7685
// padding extension) and a ServerHello + ChangeCipherSpec + application-data flight (the
// encrypted rest of the TLS 1.3 handshake), sized as the network model sizes them.
#pragma once

#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "models/net/packet.hpp"
#include "models/trace/pcap_writer.hpp"

namespace p2psim::trace {

// The TCP payload bytes of a stream packet (size: p.size_bytes, except that SYN, SYN-ACK,
// FIN and RST carry none).
std::vector<std::uint8_t> stream_payload(const net::Packet& p);

class TcpCapture {
 public:
  // Header fields for packet `p` as seen with its current addresses, carrying `len`
  // payload bytes.
  TcpSegment segment(const net::Packet& p, std::uint32_t len);

 private:
  using Dir = std::pair<std::uint64_t, std::uint64_t>;  // (src key, dst key)
  std::uint32_t& next(const Dir& d);
  std::map<Dir, std::uint32_t> next_;
  std::map<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>, TcpSegment> seen_;  // (packet id, dir)
};

}  // namespace p2psim::trace
