// A packet in flight: endpoints, transport, wire size and a typed payload.
//
// Trivially copyable (~170 bytes), no heap: packets are copied into the network's in-flight
// slab and delivered by events that capture only an index.
//
// TURN framing (RFC 8656) is carried beside the payload rather than nested: a Send or Data
// indication or a ChannelData message is described by `turn` (kind, channel, peer), and
// `payload` is what it carries (an ICE check, media). `size_bytes` always counts the
// whole transport payload including that framing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <variant>

#include "models/net/address.hpp"
#include "models/stun/message.hpp"

namespace p2psim::net {

// Application data (media, probes, keepalives of non-STUN protocols). Opaque to the network.
struct AppData {
  std::uint32_t flow = 0;  // application-defined stream id
  std::uint32_t seq = 0;   // sequence number within the flow
  std::uint64_t tag = 0;   // application-defined (e.g. session index)
};

// A signalling message (offer, answer, candidate, rendezvous request). Defined by the
// signalling model; opaque to the network.
struct Signal {
  std::uint32_t kind = 0;     // signalling-defined message kind
  std::uint32_t session = 0;  // signalling-defined session index
  std::uint64_t a = 0, b = 0; // signalling-defined fields (e.g. candidate index, endpoint key)
};

// TCP segment control (the simple TCP/TLS connection model of Host::connect).
enum class TcpControl : std::uint8_t {
  data = 0,     // payload segment on an established connection
  syn,          // connection request
  syn_ack,      // connection accept
  tls_hello,    // TLS ClientHello
  tls_server,   // TLS ServerHello..Finished flight
  fin,          // close (no reply modelled)
  rst,          // reset: no listener, or blocked
};

// How a packet is framed by TURN (RFC 8656 sections 11 and 12).
enum class TurnEncap : std::uint8_t {
  none = 0,
  send_indication,  // client -> server, STUN Send indication with XOR-PEER-ADDRESS + DATA
  data_indication,  // server -> client, STUN Data indication with XOR-PEER-ADDRESS + DATA
  channel_data,     // either direction, 4-byte ChannelData header (section 12.4)
};

struct TurnFraming {
  TurnEncap kind = TurnEncap::none;
  std::uint16_t channel = 0;   // channel number for channel_data (0x4000..0x4FFF)
  std::uint16_t data_len = 0;  // bytes of the carried payload (DATA / ChannelData length field)
  Endpoint peer;               // XOR-PEER-ADDRESS for indications; the peer for channel data
};

using Payload = std::variant<std::monostate, stun::Message, AppData, Signal>;

struct Packet {
  Endpoint src;
  Endpoint dst;
  Transport transport = Transport::udp;
  TcpControl tcp = TcpControl::data;  // only for stream transports
  TurnFraming turn;
  std::uint32_t size_bytes = 0;  // transport payload bytes (UDP payload / TCP segment data), incl. TURN framing
  std::uint64_t id = 0;          // unique per Network::send (assigned by the network), for tracing
  Payload payload;

  bool is_stun() const { return std::holds_alternative<stun::Message>(payload); }
  const stun::Message* stun() const { return std::get_if<stun::Message>(&payload); }
  stun::Message* stun() { return std::get_if<stun::Message>(&payload); }
  // Bytes on the wire at the IP layer: size_bytes + IPv4 header (20, RFC 791) or IPv6
  // header (40, RFC 8200 section 3) + UDP header (8, RFC 768) or TCP header (20, RFC 9293).
  // TLS record overhead is the caller's, in size_bytes.
  std::int64_t ip_bytes() const {
    return std::int64_t{size_bytes} + (src.addr.is_ipv6() ? 40 : 20) + (transport == Transport::udp ? 8 : 20);
  }
};
static_assert(std::is_trivially_copyable_v<Packet>);

}  // namespace p2psim::net
