// Byte encoding of the simulator's typed STUN message (models/stun/message.hpp) per
// RFC 8489, and back. Used by the pcap writer, teaching output and tests; the simulation
// itself passes typed messages and only needs Message::encoded_size().
//
// encode(m).size() == m.encoded_size() for every message: attributes are written in
// stun::kAttributeOrder (MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT
// last). Attributes whose content the simulation does not keep are given deterministic
// content of the recorded length:
//   USERNAME   the 32-bit username_tag as 8 lowercase hex digits, then ':' and 'x' filler
//              (a USERNAME shorter than 8 bytes is 'x' filler and loses the tag);
//   REALM      "p2psim" padded with '.', NONCE 'n' filler, SOFTWARE "p2psim" padded with ' ';
//   DATA       zero bytes (the payload of a Send/Data indication is encoded by
//              trace::packet_payload, which knows what the packet carries);
//   ERROR-CODE the RFC reason phrase of the code (stun::reason_phrase);
//   MESSAGE-INTEGRITY(-SHA256)  zero bytes by encode(m); the real HMAC-SHA1 / HMAC-SHA256
//              (RFC 8489 sections 14.5, 14.6) by encode(m, key);
//   FINGERPRINT  the real CRC-32 (RFC 8489 section 14.7).
// decode() restores every typed field, lengths for the variable ones, and username_tag
// when the USERNAME starts with 8 hex digits.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "models/stun/message.hpp"
#include "models/stun/wire.hpp"

namespace p2psim::stun {

// Converts between the two levels (no bytes involved).
wire::RawMessage to_raw(const Message& m);
// Throws wire::DecodeError for an IPv6 address that does not stand for a simulated one
// (models/net/ipv6_address.hpp; the wire level decodes any), an unknown method, an unknown comprehension-required
// attribute (type < 0x8000, RFC 8489 section 15) or a malformed attribute value;
// unknown comprehension-optional attributes are skipped.
Message from_raw(const wire::RawMessage& r);

std::vector<std::uint8_t> encode(const Message& m);
Message decode(std::span<const std::uint8_t> bytes);

// With credentials (key from models/stun/integrity.hpp): MESSAGE-INTEGRITY and
// MESSAGE-INTEGRITY-SHA256, where `m` has them, carry the HMAC under `key`. decode
// rejects (wire::DecodeError) a message whose integrity attributes do not verify under
// `key`, or that carries none.
std::vector<std::uint8_t> encode(const Message& m, std::span<const std::uint8_t> key);
Message decode(std::span<const std::uint8_t> bytes, std::span<const std::uint8_t> key);

wire::TransactionId to_wire(const TransactionId& tid);
TransactionId from_wire(const wire::TransactionId& tid);
wire::Endpoint to_wire(net::Endpoint e);
net::Endpoint from_wire(wire::Endpoint e);

}  // namespace p2psim::stun
