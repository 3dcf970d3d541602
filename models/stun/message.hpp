// A typed STUN message (RFC 8489), with the TURN (RFC 8656), ICE (RFC 8445) and behaviour
// discovery (RFC 5780) attributes the simulator uses.
//
// Attributes are fixed fields plus a presence mask, not a list: a Message is trivially
// copyable, ~120 bytes, and never allocates, so millions of them can be in flight. The
// byte-level codec (teaching, pcap) encodes the present attributes in the canonical order
// of kAttributeOrder. Variable-length attributes whose content the simulation does not
// need (USERNAME, REALM, NONCE, SOFTWARE, error reason) carry only their length, plus an
// opaque tag where a model must match them (USERNAME for ICE credentials).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "models/net/address.hpp"

namespace p2psim::stun {

inline constexpr std::uint32_t kMagicCookie = 0x2112A442;  // RFC 8489 section 5
inline constexpr std::size_t kHeaderBytes = 20;             // RFC 8489 section 5

// Methods: RFC 8489 section 18.2 (Binding), RFC 8656 section 17 (TURN).
enum class Method : std::uint16_t {
  binding = 0x001,
  allocate = 0x003,
  refresh = 0x004,
  send = 0x006,
  data = 0x007,
  create_permission = 0x008,
  channel_bind = 0x009,
};
const char* to_string(Method m);

// Message classes (RFC 8489 section 5): the C1 C0 bits.
enum class Class : std::uint8_t { request = 0, indication = 1, success = 2, error = 3 };
const char* to_string(Class c);

// Message type field (14 bits) from method and class, RFC 8489 section 5 figure 3.
constexpr std::uint16_t message_type(Method m, Class c) {
  const auto mv = static_cast<std::uint16_t>(m);
  const auto cv = static_cast<std::uint16_t>(c);
  return static_cast<std::uint16_t>((mv & 0x000F) | ((mv & 0x0070) << 1) | ((mv & 0x0F80) << 2) |
                                    ((cv & 1) << 4) | ((cv & 2) << 7));
}

// 96-bit transaction id (RFC 8489 section 5).
struct TransactionId {
  std::array<std::uint32_t, 3> words{};
  constexpr auto operator<=>(const TransactionId&) const = default;
  // 12 bytes, big-endian per word (wire order).
  std::array<std::uint8_t, 12> bytes() const;
  std::uint64_t hash() const;
};

// Attribute types (RFC 8489 section 18.3, RFC 8656 section 18, RFC 8445 section 16.1,
// RFC 5780 section 9.1).
enum class AttrType : std::uint16_t {
  mapped_address = 0x0001,
  change_request = 0x0003,
  username = 0x0006,
  message_integrity = 0x0008,
  error_code = 0x0009,
  channel_number = 0x000C,
  lifetime = 0x000D,
  xor_peer_address = 0x0012,
  data = 0x0013,
  realm = 0x0014,
  nonce = 0x0015,
  xor_relayed_address = 0x0016,
  requested_transport = 0x0019,
  xor_mapped_address = 0x0020,
  priority = 0x0024,
  use_candidate = 0x0025,
  message_integrity_sha256 = 0x001C,
  software = 0x8022,
  fingerprint = 0x8028,
  ice_controlled = 0x8029,
  ice_controlling = 0x802A,
  response_origin = 0x802B,
  other_address = 0x802C,
  // GOOG NOMINATION (libwebrtc api/transport/stun.h STUN_ATTR_NOMINATION, comprehension-
  // optional range 0xC000-0xFFFF): renomination value (draft-thatcher-ice-renomination-00).
  nomination = 0xC001,
};
const char* to_string(AttrType t);

// Bit of each attribute in Message::attrs.
enum Attr : std::uint32_t {
  kMappedAddress = 1u << 0,
  kXorMappedAddress = 1u << 1,
  kChangeRequest = 1u << 2,
  kOtherAddress = 1u << 3,
  kResponseOrigin = 1u << 4,
  kErrorCode = 1u << 5,
  kPriority = 1u << 6,
  kUseCandidate = 1u << 7,
  kIceControlling = 1u << 8,
  kIceControlled = 1u << 9,
  kLifetime = 1u << 10,
  kXorPeerAddress = 1u << 11,
  kXorRelayedAddress = 1u << 12,
  kChannelNumber = 1u << 13,
  kRequestedTransport = 1u << 14,
  kUsername = 1u << 15,
  kRealm = 1u << 16,
  kNonce = 1u << 17,
  kSoftware = 1u << 18,
  kData = 1u << 19,
  kMessageIntegrity = 1u << 20,
  kMessageIntegritySha256 = 1u << 21,
  kFingerprint = 1u << 22,
  kNomination = 1u << 23,
};

// Canonical encoding order: attributes in this order, then MESSAGE-INTEGRITY,
// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT last (RFC 8489 sections 14.5, 14.6, 14.7).
struct AttrInfo {
  Attr bit;
  AttrType type;
};
extern const std::array<AttrInfo, 24> kAttributeOrder;

// CHANGE-REQUEST flags (RFC 5780 section 7.2).
inline constexpr std::uint32_t kChangeIp = 0x4;
inline constexpr std::uint32_t kChangePort = 0x2;

// REQUESTED-TRANSPORT protocol numbers (RFC 8656 section 18.8).
inline constexpr std::uint8_t kProtoUdp = 17;
inline constexpr std::uint8_t kProtoTcp = 6;

// Error codes used (RFC 8489 section 14.8, RFC 8656 section 19, RFC 8445 section 7.3.1.1).
namespace error {
inline constexpr std::uint16_t kTryAlternate = 300;
inline constexpr std::uint16_t kBadRequest = 400;
inline constexpr std::uint16_t kUnauthorized = 401;
inline constexpr std::uint16_t kForbidden = 403;
inline constexpr std::uint16_t kUnknownAttribute = 420;
inline constexpr std::uint16_t kAllocationMismatch = 437;
inline constexpr std::uint16_t kStaleNonce = 438;
inline constexpr std::uint16_t kAddressFamilyNotSupported = 440;
inline constexpr std::uint16_t kWrongCredentials = 441;
inline constexpr std::uint16_t kUnsupportedTransportProtocol = 442;
inline constexpr std::uint16_t kPeerAddressFamilyMismatch = 443;
inline constexpr std::uint16_t kAllocationQuotaReached = 486;
inline constexpr std::uint16_t kRoleConflict = 487;
inline constexpr std::uint16_t kServerError = 500;
inline constexpr std::uint16_t kInsufficientCapacity = 508;
}  // namespace error
// The RFC's reason phrase for a code ("Allocation Quota Reached"); "" for unknown codes.
const char* reason_phrase(std::uint16_t code);

struct Message {
  Method method = Method::binding;
  Class cls = Class::request;
  TransactionId tid;
  std::uint32_t attrs = 0;  // presence mask of Attr bits

  // Address attributes (the plain, un-XORed endpoint; the codec applies the XOR).
  net::Endpoint mapped_address;       // MAPPED-ADDRESS
  net::Endpoint xor_mapped_address;   // XOR-MAPPED-ADDRESS
  net::Endpoint other_address;        // OTHER-ADDRESS (RFC 5780)
  net::Endpoint response_origin;      // RESPONSE-ORIGIN (RFC 5780)
  net::Endpoint xor_peer_address;     // XOR-PEER-ADDRESS (TURN; one per message here)
  net::Endpoint xor_relayed_address;  // XOR-RELAYED-ADDRESS (TURN)

  std::uint64_t tie_breaker = 0;      // ICE-CONTROLLING / ICE-CONTROLLED value
  std::uint32_t priority = 0;         // PRIORITY (ICE)
  std::uint32_t change_flags = 0;     // CHANGE-REQUEST: kChangeIp | kChangePort
  std::uint32_t lifetime_s = 0;       // LIFETIME, seconds
  std::uint32_t username_tag = 0;     // opaque identity of USERNAME (ICE "ufragR:ufragL")
  std::uint32_t nomination = 0;       // NOMINATION (GOOG, 0xC001): renomination value
  std::uint16_t error_code = 0;       // ERROR-CODE: 300..699
  std::uint16_t channel = 0;          // CHANNEL-NUMBER: 0x4000..0x4FFF
  std::uint16_t username_len = 0;     // USERNAME value length, bytes (<= 513)
  std::uint16_t realm_len = 0;        // REALM value length, bytes
  std::uint16_t nonce_len = 0;        // NONCE value length, bytes
  std::uint16_t software_len = 0;     // SOFTWARE value length, bytes
  std::uint16_t data_len = 0;         // DATA value length, bytes (Send/Data indications)
  std::uint8_t requested_transport = 0;  // REQUESTED-TRANSPORT protocol: kProtoUdp/kProtoTcp

  bool has(Attr a) const { return (attrs & a) != 0; }
  void set(Attr a) { attrs |= a; }
  void clear(Attr a) { attrs &= ~static_cast<std::uint32_t>(a); }
  std::uint16_t type() const { return message_type(method, cls); }

  // Length in bytes of one attribute's value (before padding). Precondition: has(a).
  std::size_t value_length(Attr a) const;
  // Bytes on the wire per RFC 8489: 20-byte header plus each present attribute as a
  // 4-byte TLV header and its value padded to a multiple of 4 (section 14).
  std::size_t encoded_size() const;

  // Convenience setters that also mark presence.
  Message& with_xor_mapped(net::Endpoint e) { xor_mapped_address = e; set(kXorMappedAddress); return *this; }
  Message& with_error(std::uint16_t code) { error_code = code; set(kErrorCode); return *this; }
  Message& with_lifetime(std::uint32_t s) { lifetime_s = s; set(kLifetime); return *this; }
  Message& with_peer(net::Endpoint e) { xor_peer_address = e; set(kXorPeerAddress); return *this; }
};

Message make_request(Method m, const TransactionId& tid);
Message make_indication(Method m, const TransactionId& tid);
// A success response to `request` (same method and transaction id, no attributes).
Message make_success(const Message& request);
// An error response to `request` carrying ERROR-CODE `code`.
Message make_error(const Message& request, std::uint16_t code);

}  // namespace p2psim::stun
