// TURN framing overheads (RFC 8656) and the outer STUN message of an indication.
#pragma once

#include <cstdint>

#include "models/net/packet.hpp"
#include "models/net/tls.hpp"
#include "models/stun/message.hpp"

namespace p2psim::turn {

inline constexpr std::uint16_t kChannelMin = 0x4000;  // RFC 8656 section 12
inline constexpr std::uint16_t kChannelMax = 0x4FFF;

constexpr std::uint32_t pad4(std::uint32_t n) { return (n + 3) & ~3u; }

inline constexpr std::uint32_t kChannelDataHeaderBytes = 4;  // RFC 8656 12.4
inline constexpr std::uint32_t kIndicationHeaderBytes = 36;  // RFC 8656 11: 20 + 12 + 4 (IPv4 peer)

// Send/Data indication around `data_len` bytes: STUN header (20) + XOR-PEER-ADDRESS for
// IPv4 (4 + 8) + DATA attribute header (4) = 36 bytes, plus padding of DATA to 4 bytes
// (RFC 8656 sections 11.1, 11.4; RFC 8489 section 14).
constexpr std::uint32_t indication_overhead(std::uint32_t data_len) {
  return kIndicationHeaderBytes + (pad4(data_len) - data_len);
}

// ChannelData header (4 bytes, RFC 8656 section 12.4); over TCP/TLS the message is padded
// to a multiple of 4 bytes (section 12.5), over UDP padding is not sent.
constexpr std::uint32_t channel_data_overhead(std::uint32_t data_len, net::Transport t) {
  return kChannelDataHeaderBytes + (t == net::Transport::udp ? 0 : pad4(data_len) - data_len);
}

// The wire size (transport payload) of a framed packet whose inner payload is `data_len`
// bytes; over TLS one TLS record around it (models/net/tls.hpp).
constexpr std::uint32_t framed_size(net::TurnEncap kind, std::uint32_t data_len, net::Transport t) {
  const std::uint32_t tls = t == net::Transport::tls ? net::kTlsRecordOverhead : 0;
  switch (kind) {
    case net::TurnEncap::none: return data_len + tls;
    case net::TurnEncap::send_indication:
    case net::TurnEncap::data_indication: return data_len + indication_overhead(data_len) + tls;
    case net::TurnEncap::channel_data: return data_len + channel_data_overhead(data_len, t) + tls;
  }
  return data_len + tls;
}

// Inner payload size of a framed packet (p.turn.data_len; size_bytes when unframed).
inline std::uint32_t inner_size(const net::Packet& p) {
  return p.turn.kind == net::TurnEncap::none ? p.size_bytes : p.turn.data_len;
}

// The STUN Send/Data indication a framed packet stands for (for codecs and traces).
// Precondition: p.turn.kind is send_indication or data_indication.
stun::Message outer_indication(const net::Packet& p);

}  // namespace p2psim::turn
