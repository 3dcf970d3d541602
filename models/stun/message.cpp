#include "models/stun/message.hpp"

namespace p2psim::stun {

const std::array<AttrInfo, 24> kAttributeOrder = {{
    {kMappedAddress, AttrType::mapped_address},
    {kXorMappedAddress, AttrType::xor_mapped_address},
    {kChangeRequest, AttrType::change_request},
    {kResponseOrigin, AttrType::response_origin},
    {kOtherAddress, AttrType::other_address},
    {kUsername, AttrType::username},
    {kRealm, AttrType::realm},
    {kNonce, AttrType::nonce},
    {kErrorCode, AttrType::error_code},
    {kPriority, AttrType::priority},
    {kUseCandidate, AttrType::use_candidate},
    {kIceControlling, AttrType::ice_controlling},
    {kIceControlled, AttrType::ice_controlled},
    {kNomination, AttrType::nomination},
    {kRequestedTransport, AttrType::requested_transport},
    {kLifetime, AttrType::lifetime},
    {kChannelNumber, AttrType::channel_number},
    {kXorPeerAddress, AttrType::xor_peer_address},
    {kXorRelayedAddress, AttrType::xor_relayed_address},
    {kData, AttrType::data},
    {kSoftware, AttrType::software},
    {kMessageIntegrity, AttrType::message_integrity},
    {kMessageIntegritySha256, AttrType::message_integrity_sha256},
    {kFingerprint, AttrType::fingerprint},
}};

const char* to_string(Method m) {
  switch (m) {
    case Method::binding: return "Binding";
    case Method::allocate: return "Allocate";
    case Method::refresh: return "Refresh";
    case Method::send: return "Send";
    case Method::data: return "Data";
    case Method::create_permission: return "CreatePermission";
    case Method::channel_bind: return "ChannelBind";
  }
  return "?";
}

const char* to_string(Class c) {
  switch (c) {
    case Class::request: return "request";
    case Class::indication: return "indication";
    case Class::success: return "success response";
    case Class::error: return "error response";
  }
  return "?";
}

const char* to_string(AttrType t) {
  switch (t) {
    case AttrType::mapped_address: return "MAPPED-ADDRESS";
    case AttrType::change_request: return "CHANGE-REQUEST";
    case AttrType::username: return "USERNAME";
    case AttrType::message_integrity: return "MESSAGE-INTEGRITY";
    case AttrType::error_code: return "ERROR-CODE";
    case AttrType::channel_number: return "CHANNEL-NUMBER";
    case AttrType::lifetime: return "LIFETIME";
    case AttrType::xor_peer_address: return "XOR-PEER-ADDRESS";
    case AttrType::data: return "DATA";
    case AttrType::realm: return "REALM";
    case AttrType::nonce: return "NONCE";
    case AttrType::xor_relayed_address: return "XOR-RELAYED-ADDRESS";
    case AttrType::requested_transport: return "REQUESTED-TRANSPORT";
    case AttrType::xor_mapped_address: return "XOR-MAPPED-ADDRESS";
    case AttrType::priority: return "PRIORITY";
    case AttrType::use_candidate: return "USE-CANDIDATE";
    case AttrType::message_integrity_sha256: return "MESSAGE-INTEGRITY-SHA256";
    case AttrType::software: return "SOFTWARE";
    case AttrType::fingerprint: return "FINGERPRINT";
    case AttrType::ice_controlled: return "ICE-CONTROLLED";
    case AttrType::ice_controlling: return "ICE-CONTROLLING";
    case AttrType::response_origin: return "RESPONSE-ORIGIN";
    case AttrType::other_address: return "OTHER-ADDRESS";
    case AttrType::nomination: return "NOMINATION";
  }
  return "?";
}

const char* reason_phrase(std::uint16_t code) {
  switch (code) {
    case error::kTryAlternate: return "Try Alternate";
    case error::kBadRequest: return "Bad Request";
    case error::kUnauthorized: return "Unauthenticated";
    case error::kForbidden: return "Forbidden";
    case error::kUnknownAttribute: return "Unknown Attribute";
    case error::kAllocationMismatch: return "Allocation Mismatch";
    case error::kStaleNonce: return "Stale Nonce";
    case error::kAddressFamilyNotSupported: return "Address Family not Supported";
    case error::kWrongCredentials: return "Wrong Credentials";
    case error::kUnsupportedTransportProtocol: return "Unsupported Transport Protocol";
    case error::kPeerAddressFamilyMismatch: return "Peer Address Family Mismatch";
    case error::kAllocationQuotaReached: return "Allocation Quota Reached";
    case error::kRoleConflict: return "Role Conflict";
    case error::kServerError: return "Server Error";
    case error::kInsufficientCapacity: return "Insufficient Capacity";
    default: return "";
  }
}

std::array<std::uint8_t, 12> TransactionId::bytes() const {
  std::array<std::uint8_t, 12> b{};
  for (int w = 0; w < 3; ++w)
    for (int i = 0; i < 4; ++i) b[w * 4 + i] = static_cast<std::uint8_t>(words[w] >> (24 - 8 * i));
  return b;
}

std::uint64_t TransactionId::hash() const {
  std::uint64_t x = (std::uint64_t{words[0]} << 32 | words[1]) ^ (std::uint64_t{words[2]} * 0x9E3779B97F4A7C15ull);
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  return x ^ (x >> 29);
}

namespace {
constexpr std::size_t pad4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }
}  // namespace

std::size_t Message::value_length(Attr a) const {
  switch (a) {
    // Address attributes: family/port/address = 8 bytes for IPv4, 20 for IPv6 (RFC 8489
    // sections 14.1, 14.2).
    case kMappedAddress: return mapped_address.addr.is_ipv6() ? 20 : 8;
    case kXorMappedAddress: return xor_mapped_address.addr.is_ipv6() ? 20 : 8;
    case kOtherAddress: return other_address.addr.is_ipv6() ? 20 : 8;
    case kResponseOrigin: return response_origin.addr.is_ipv6() ? 20 : 8;
    case kXorPeerAddress: return xor_peer_address.addr.is_ipv6() ? 20 : 8;
    case kXorRelayedAddress: return xor_relayed_address.addr.is_ipv6() ? 20 : 8;
    case kChangeRequest: return 4;           // RFC 5780 section 7.2
    case kErrorCode: return 4 + std::char_traits<char>::length(reason_phrase(error_code));  // 14.8
    case kPriority: return 4;                // RFC 8445 section 16.1
    case kUseCandidate: return 0;
    case kIceControlling:
    case kIceControlled: return 8;
    case kLifetime: return 4;                // RFC 8656 section 18.2
    case kChannelNumber: return 4;           // 18.1: number + RFFU
    case kRequestedTransport: return 4;      // 18.8
    case kUsername: return username_len;
    case kRealm: return realm_len;
    case kNonce: return nonce_len;
    case kSoftware: return software_len;
    case kData: return data_len;
    case kMessageIntegrity: return 20;       // HMAC-SHA1, 14.5
    case kMessageIntegritySha256: return 32; // 14.6
    case kFingerprint: return 4;             // CRC-32, 14.7
    case kNomination: return 4;              // uint32 (libwebrtc StunUInt32Attribute)
  }
  return 0;
}

std::size_t Message::encoded_size() const {
  // The sum does not depend on the encoding order: visit only the attributes present
  // (every message sent is sized, so this is on the packet path).
  static const std::uint32_t known = [] {
    std::uint32_t k = 0;
    for (const auto& info : kAttributeOrder) k |= info.bit;
    return k;
  }();
  std::size_t n = kHeaderBytes;
  for (std::uint32_t a = attrs & known; a != 0; a &= a - 1)
    n += 4 + pad4(value_length(static_cast<Attr>(a & (~a + 1))));
  return n;
}

Message make_request(Method m, const TransactionId& tid) {
  Message msg;
  msg.method = m;
  msg.cls = Class::request;
  msg.tid = tid;
  return msg;
}

Message make_indication(Method m, const TransactionId& tid) {
  Message msg = make_request(m, tid);
  msg.cls = Class::indication;
  return msg;
}

Message make_success(const Message& request) {
  Message msg;
  msg.method = request.method;
  msg.cls = Class::success;
  msg.tid = request.tid;
  return msg;
}

Message make_error(const Message& request, std::uint16_t code) {
  Message msg = make_success(request);
  msg.cls = Class::error;
  msg.with_error(code);
  return msg;
}

}  // namespace p2psim::stun
