// STUN wire format (RFC 8489 §5, §14, §15) and TURN ChannelData framing (RFC 8656 §12.4).
//
// This is the byte level: a message is a 20-byte header followed by type-length-value
// attributes, each padded to a multiple of 4 bytes. The typed STUN message struct the
// simulator passes around (models/stun/message.hpp) is mapped to and from this level by
// models/stun/stun_codec.hpp; the simulator itself never needs bytes, only the pcap
// writer and tests do.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |0 0|     STUN Message Type     |         Message Length        |
//  |                         Magic Cookie                          |
//  |                     Transaction ID (96 bits)                  |
//
// Address attributes carry IPv4 or IPv6 (family 0x01 / 0x02, RFC 8489 §14.1); the XOR
// forms of IPv6 addresses use the cookie and the transaction id (§14.2). MESSAGE-INTEGRITY
// (HMAC-SHA1, §14.5) and MESSAGE-INTEGRITY-SHA256 (§14.6) are computed on encode when a key
// is given (EncodeOptions) and verified on decode when a key is given (DecodeOptions), with
// the keys of models/stun/integrity.hpp; FINGERPRINT (CRC-32, §14.7) is always computed
// and checked. Padding bytes are written as EncodeOptions::padding (zero by default, as
// RFC 8489 §14 says; RFC 5769 pads with spaces) and ignored on decode, but they are part
// of what MESSAGE-INTEGRITY and FINGERPRINT cover, so both are checked over the bytes as
// received.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace p2psim::stun::wire {

inline constexpr std::uint32_t kMagicCookie = 0x2112A442;  // RFC 8489 §5
inline constexpr std::size_t kHeaderSize = 20;
inline constexpr std::uint32_t kFingerprintXor = 0x5354554E;  // RFC 8489 §14.7 ("STUN")

using TransactionId = std::array<std::uint8_t, 12>;
using Bytes = std::vector<std::uint8_t>;

// Malformed input to a decoder; what() says which rule was broken.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The class bits C1 C0 of the message type (RFC 8489 §5).
enum class MsgClass : std::uint8_t { kRequest = 0, kIndication = 1, kSuccess = 2, kError = 3 };

// Methods (RFC 8489 §18.2, RFC 8656 §17).
namespace method {
inline constexpr std::uint16_t kBinding = 0x001;
inline constexpr std::uint16_t kAllocate = 0x003;
inline constexpr std::uint16_t kRefresh = 0x004;
inline constexpr std::uint16_t kSend = 0x006;
inline constexpr std::uint16_t kData = 0x007;
inline constexpr std::uint16_t kCreatePermission = 0x008;
inline constexpr std::uint16_t kChannelBind = 0x009;
}  // namespace method

// Attribute types (RFC 8489 §18.3, RFC 5780 §7, RFC 8445 §16.1, RFC 8656 §18).
namespace attr {
inline constexpr std::uint16_t kMappedAddress = 0x0001;
inline constexpr std::uint16_t kChangeRequest = 0x0003;      // RFC 5780 §7.2
inline constexpr std::uint16_t kUsername = 0x0006;
inline constexpr std::uint16_t kMessageIntegrity = 0x0008;
inline constexpr std::uint16_t kMessageIntegritySha256 = 0x001C;  // RFC 8489 §14.6
inline constexpr std::uint16_t kErrorCode = 0x0009;
inline constexpr std::uint16_t kUnknownAttributes = 0x000A;
inline constexpr std::uint16_t kChannelNumber = 0x000C;      // RFC 8656 §18.1
inline constexpr std::uint16_t kLifetime = 0x000D;           // RFC 8656 §18.2
inline constexpr std::uint16_t kXorPeerAddress = 0x0012;     // RFC 8656 §18.3
inline constexpr std::uint16_t kData = 0x0013;               // RFC 8656 §18.4
inline constexpr std::uint16_t kRealm = 0x0014;
inline constexpr std::uint16_t kNonce = 0x0015;
inline constexpr std::uint16_t kXorRelayedAddress = 0x0016;  // RFC 8656 §18.5
inline constexpr std::uint16_t kRequestedTransport = 0x0019; // RFC 8656 §18.7
inline constexpr std::uint16_t kXorMappedAddress = 0x0020;
inline constexpr std::uint16_t kPriority = 0x0024;           // RFC 8445 §16.1
inline constexpr std::uint16_t kUseCandidate = 0x0025;       // RFC 8445 §16.1
inline constexpr std::uint16_t kSoftware = 0x8022;
inline constexpr std::uint16_t kAlternateServer = 0x8023;
inline constexpr std::uint16_t kFingerprint = 0x8028;
inline constexpr std::uint16_t kIceControlled = 0x8029;      // RFC 8445 §16.1
inline constexpr std::uint16_t kIceControlling = 0x802A;     // RFC 8445 §16.1
inline constexpr std::uint16_t kResponseOrigin = 0x802B;     // RFC 5780 §7.3
inline constexpr std::uint16_t kOtherAddress = 0x802C;       // RFC 5780 §7.4
}  // namespace attr

// CHANGE-REQUEST flags (RFC 5780 §7.2).
inline constexpr std::uint32_t kChangeIp = 0x4;
inline constexpr std::uint32_t kChangePort = 0x2;

// REQUESTED-TRANSPORT protocol number for UDP (RFC 8656 §18.7, IANA protocol 17).
inline constexpr std::uint8_t kTransportUdp = 17;

// Message type from method and class: the 12 method bits M11..M0 interleaved with the
// class bits C1 C0 as M11..M7 C1 M6..M4 C0 M3..M0 (RFC 8489 §5, figure 3).
std::uint16_t message_type(std::uint16_t method, MsgClass cls);
std::uint16_t method_of(std::uint16_t type);
MsgClass class_of(std::uint16_t type);

// A transport address. IPv4: `ip` in host byte order (0xC0000201 is 192.0.2.1), `v6`
// false. IPv6: `v6` true and the 16 address bytes in network order in `ip6`.
struct Endpoint {
  std::uint32_t ip = 0;
  std::uint16_t port = 0;
  bool v6 = false;
  std::array<std::uint8_t, 16> ip6{};
  bool operator==(const Endpoint&) const = default;
  static Endpoint ipv6(const std::array<std::uint8_t, 16>& a, std::uint16_t port);
};
std::string to_string(const Endpoint& e);  // "192.0.2.1:32853", "[2001:db8::1]:443" (RFC 5952 text)

struct Attribute {
  std::uint16_t type = 0;
  Bytes value;  // unpadded
  bool operator==(const Attribute&) const = default;
};

struct RawMessage {
  std::uint16_t type = 0;
  TransactionId txid{};
  std::vector<Attribute> attributes;  // in wire order
  bool operator==(const RawMessage&) const = default;

  const Attribute* find(std::uint16_t attr_type) const;  // first of that type, or null
};

struct EncodeOptions {
  // Appended after `attributes`, in this order (RFC 8489 §14.5-14.7): MESSAGE-INTEGRITY
  // (HMAC-SHA1 under this key), MESSAGE-INTEGRITY-SHA256 (HMAC-SHA256, 32 bytes), FINGERPRINT.
  std::optional<Bytes> integrity_key;
  std::optional<Bytes> integrity_sha256_key;
  bool fingerprint = false;
  std::uint8_t padding = 0;  // value of padding bytes
};

// Serialises header + attributes (each padded to 4 bytes). If `fingerprint` is set, a
// FINGERPRINT attribute is appended last, computed per RFC 8489 §14.7.
Bytes encode(const RawMessage& m, bool fingerprint = false);
// With the integrity attributes of `o`. Precondition: `m.attributes` holds no
// MESSAGE-INTEGRITY(-SHA256) or FINGERPRINT that `o` asks for again.
Bytes encode(const RawMessage& m, const EncodeOptions& o);

struct DecodeOptions {
  // When set, every MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256 present is verified
  // under this key (a mismatch throws DecodeError).
  std::optional<Bytes> integrity_key;
  // With a key: a message carrying neither integrity attribute is rejected.
  bool require_integrity = false;
};

// Parses a whole STUN message. Throws DecodeError if the first two bits are not 0, the
// cookie is wrong, the length is not a multiple of 4 or disagrees with the buffer, an
// attribute overruns the message, a FINGERPRINT is present and does not match, or (with
// a key) an integrity attribute does not match. A FINGERPRINT or integrity attribute is
// checked and then kept in `attributes`. Attributes after MESSAGE-INTEGRITY other than
// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are ignored (dropped), as §14.5 requires;
// after MESSAGE-INTEGRITY-SHA256 only FINGERPRINT is kept (§14.6).
RawMessage decode(std::span<const std::uint8_t> bytes);
RawMessage decode(std::span<const std::uint8_t> bytes, const DecodeOptions& o);

// RFC 7983 §7 demultiplexing: a first byte in 0..3 is STUN, 64..79 is TURN ChannelData.
bool looks_like_stun(std::span<const std::uint8_t> bytes);
bool looks_like_channel_data(std::span<const std::uint8_t> bytes);

// CRC-32 (ISO-HDLC, as in zlib and RFC 1952), used by FINGERPRINT.
std::uint32_t crc32(std::span<const std::uint8_t> bytes);

// --- attribute values (the `value` of an Attribute, unpadded)

// MAPPED-ADDRESS, RESPONSE-ORIGIN, OTHER-ADDRESS, ALTERNATE-SERVER (RFC 8489 §14.1).
Bytes encode_address(const Endpoint& e);
Endpoint decode_address(std::span<const std::uint8_t> v);
// IPv4 values are 8 bytes, IPv6 values 20 bytes.
// XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS (RFC 8489 §14.2): the port is
// XORed with the 16 most significant bits of the cookie (0x2112), an IPv4 address with
// the cookie, an IPv6 address with the cookie followed by the transaction id.
Bytes encode_xor_address(const Endpoint& e, const TransactionId& txid);
Endpoint decode_xor_address(std::span<const std::uint8_t> v, const TransactionId& txid);
// IPv4 only (the transaction id does not enter): throws for IPv6 (std::invalid_argument
// when encoding, DecodeError when decoding).
Bytes encode_xor_address(const Endpoint& e);
Endpoint decode_xor_address(std::span<const std::uint8_t> v);

Bytes encode_u32(std::uint32_t x);  // PRIORITY, LIFETIME, CHANGE-REQUEST
std::uint32_t decode_u32(std::span<const std::uint8_t> v);
Bytes encode_u64(std::uint64_t x);  // ICE-CONTROLLING / ICE-CONTROLLED tie-breaker
std::uint64_t decode_u64(std::span<const std::uint8_t> v);

// ERROR-CODE (RFC 8489 §14.8): 21 zero bits, class (hundreds, 3..6), number (0..99),
// then a UTF-8 reason phrase.
struct ErrorCode {
  int code = 0;  // 300..699
  std::string reason;
  bool operator==(const ErrorCode&) const = default;
};
Bytes encode_error_code(const ErrorCode& e);
ErrorCode decode_error_code(std::span<const std::uint8_t> v);

// CHANNEL-NUMBER (RFC 8656 §18.1): 16-bit channel then 16 RFFU bits.
Bytes encode_channel_number(std::uint16_t channel);
std::uint16_t decode_channel_number(std::span<const std::uint8_t> v);
// REQUESTED-TRANSPORT (RFC 8656 §18.7): protocol byte then 24 RFFU bits.
Bytes encode_requested_transport(std::uint8_t protocol);
std::uint8_t decode_requested_transport(std::span<const std::uint8_t> v);

// --- TURN ChannelData (RFC 8656 §12.4): channel number (0x4000..0x4FFF), length of the
// application data, the data, and over TCP padding to a multiple of 4 (optional over UDP).
inline constexpr std::size_t kChannelDataHeaderSize = 4;
inline constexpr std::uint16_t kMinChannel = 0x4000;
inline constexpr std::uint16_t kMaxChannel = 0x4FFF;

struct ChannelData {
  std::uint16_t channel = 0;
  Bytes data;
  bool operator==(const ChannelData&) const = default;
};
Bytes encode_channel_data(const ChannelData& c, bool pad);
// Accepts trailing padding. Throws DecodeError on a channel outside the range or a
// length that overruns the buffer.
ChannelData decode_channel_data(std::span<const std::uint8_t> bytes);

}  // namespace p2psim::stun::wire
