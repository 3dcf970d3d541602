#include "models/stun/stun_codec.hpp"

#include "models/net/ipv6_address.hpp"

#include <cstdio>
#include <cstring>
#include <string>

namespace p2psim::stun {
namespace {

wire::Bytes filler(std::size_t n, const char* prefix, char fill) {
  wire::Bytes v(n, static_cast<std::uint8_t>(fill));
  for (std::size_t i = 0; i < n && prefix[i]; ++i) v[i] = static_cast<std::uint8_t>(prefix[i]);
  return v;
}

wire::Bytes username_value(const Message& m) {
  wire::Bytes v(m.username_len, 'x');
  if (m.username_len >= 8) {
    static const char* hex = "0123456789abcdef";
    for (int i = 0; i < 8; ++i) v[i] = static_cast<std::uint8_t>(hex[(m.username_tag >> (28 - 4 * i)) & 0xF]);
    if (m.username_len > 8) v[8] = ':';
  }
  return v;
}

bool parse_hex8(std::span<const std::uint8_t> v, std::uint32_t& out) {
  if (v.size() < 8) return false;
  std::uint32_t x = 0;
  for (int i = 0; i < 8; ++i) {
    const char c = static_cast<char>(v[i]);
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else return false;
    x = (x << 4) | static_cast<std::uint32_t>(d);
  }
  out = x;
  return true;
}

std::uint16_t length16(std::size_t n, const char* what) {
  if (n > 0xFFFF) throw wire::DecodeError(std::string(what) + " longer than 65535 bytes");
  return static_cast<std::uint16_t>(n);
}

}  // namespace

wire::TransactionId to_wire(const TransactionId& tid) { return tid.bytes(); }

TransactionId from_wire(const wire::TransactionId& b) {
  TransactionId t;
  for (int w = 0; w < 3; ++w)
    t.words[w] = (std::uint32_t{b[w * 4]} << 24) | (std::uint32_t{b[w * 4 + 1]} << 16) |
                 (std::uint32_t{b[w * 4 + 2]} << 8) | b[w * 4 + 3];
  return t;
}

wire::Endpoint to_wire(net::Endpoint e) {
  // A simulated IPv6 address travels as the real IPv6 address it stands for (family 0x02).
  if (e.addr.is_ipv6()) return wire::Endpoint::ipv6(net::ipv6_bytes(e.addr), e.port);
  return wire::Endpoint{e.addr.value, e.port};
}
net::Endpoint from_wire(wire::Endpoint e) {
  if (e.v6) {
    if (const auto a = net::ipv6_from_bytes(e.ip6)) return net::Endpoint(*a, e.port);
    throw wire::DecodeError("IPv6 address " + wire::to_string(e) + ": not a simulated address (2001:db8::/32 form)");
  }
  return net::Endpoint(net::Ipv4(e.ip), e.port);
}

namespace {
wire::RawMessage raw(const Message& m, bool with_integrity) {
  wire::RawMessage r;
  r.type = m.type();
  r.txid = to_wire(m.tid);
  for (const AttrInfo& info : kAttributeOrder) {
    if (!m.has(info.bit) || info.bit == kFingerprint) continue;
    if (!with_integrity && (info.bit == kMessageIntegrity || info.bit == kMessageIntegritySha256)) continue;
    wire::Bytes v;
    switch (info.bit) {
      case kMappedAddress: v = wire::encode_address(to_wire(m.mapped_address)); break;
      case kXorMappedAddress: v = wire::encode_xor_address(to_wire(m.xor_mapped_address), r.txid); break;
      case kOtherAddress: v = wire::encode_address(to_wire(m.other_address)); break;
      case kResponseOrigin: v = wire::encode_address(to_wire(m.response_origin)); break;
      case kXorPeerAddress: v = wire::encode_xor_address(to_wire(m.xor_peer_address), r.txid); break;
      case kXorRelayedAddress: v = wire::encode_xor_address(to_wire(m.xor_relayed_address), r.txid); break;
      case kChangeRequest: v = wire::encode_u32(m.change_flags); break;
      case kErrorCode: v = wire::encode_error_code({m.error_code, reason_phrase(m.error_code)}); break;
      case kPriority: v = wire::encode_u32(m.priority); break;
      case kNomination: v = wire::encode_u32(m.nomination); break;
      case kUseCandidate: break;
      case kIceControlling:
      case kIceControlled: v = wire::encode_u64(m.tie_breaker); break;
      case kLifetime: v = wire::encode_u32(m.lifetime_s); break;
      case kChannelNumber: v = wire::encode_channel_number(m.channel); break;
      case kRequestedTransport: v = wire::encode_requested_transport(m.requested_transport); break;
      case kUsername: v = username_value(m); break;
      case kRealm: v = filler(m.realm_len, "p2psim", '.'); break;
      case kNonce: v = filler(m.nonce_len, "", 'n'); break;
      case kSoftware: v = filler(m.software_len, "p2psim", ' '); break;
      case kData: v.assign(m.data_len, 0); break;
      case kMessageIntegrity: v.assign(20, 0); break;
      case kMessageIntegritySha256: v.assign(32, 0); break;
      case kFingerprint: break;
    }
    r.attributes.push_back({static_cast<std::uint16_t>(info.type), std::move(v)});
  }
  return r;
}
}  // namespace

wire::RawMessage to_raw(const Message& m) { return raw(m, true); }

Message from_raw(const wire::RawMessage& r) {
  Message m;
  const std::uint16_t method = wire::method_of(r.type);
  switch (method) {
    case wire::method::kBinding:
    case wire::method::kAllocate:
    case wire::method::kRefresh:
    case wire::method::kSend:
    case wire::method::kData:
    case wire::method::kCreatePermission:
    case wire::method::kChannelBind: m.method = static_cast<Method>(method); break;
    default: throw wire::DecodeError("unknown STUN method " + std::to_string(method));
  }
  m.cls = static_cast<Class>(wire::class_of(r.type));
  m.tid = from_wire(r.txid);
  for (const wire::Attribute& a : r.attributes) {
    const auto v = std::span<const std::uint8_t>(a.value);
    Attr bit;
    switch (static_cast<AttrType>(a.type)) {
      case AttrType::mapped_address: bit = kMappedAddress; m.mapped_address = from_wire(wire::decode_address(v)); break;
      case AttrType::xor_mapped_address:
        bit = kXorMappedAddress;
        m.xor_mapped_address = from_wire(wire::decode_xor_address(v, r.txid));
        break;
      case AttrType::other_address: bit = kOtherAddress; m.other_address = from_wire(wire::decode_address(v)); break;
      case AttrType::response_origin:
        bit = kResponseOrigin;
        m.response_origin = from_wire(wire::decode_address(v));
        break;
      case AttrType::xor_peer_address:
        bit = kXorPeerAddress;
        m.xor_peer_address = from_wire(wire::decode_xor_address(v, r.txid));
        break;
      case AttrType::xor_relayed_address:
        bit = kXorRelayedAddress;
        m.xor_relayed_address = from_wire(wire::decode_xor_address(v, r.txid));
        break;
      case AttrType::change_request: bit = kChangeRequest; m.change_flags = wire::decode_u32(v); break;
      case AttrType::error_code:
        bit = kErrorCode;
        m.error_code = static_cast<std::uint16_t>(wire::decode_error_code(v).code);
        break;
      case AttrType::priority: bit = kPriority; m.priority = wire::decode_u32(v); break;
      case AttrType::nomination: bit = kNomination; m.nomination = wire::decode_u32(v); break;
      case AttrType::use_candidate:
        if (!v.empty()) throw wire::DecodeError("USE-CANDIDATE has a value");
        bit = kUseCandidate;
        break;
      case AttrType::ice_controlling: bit = kIceControlling; m.tie_breaker = wire::decode_u64(v); break;
      case AttrType::ice_controlled: bit = kIceControlled; m.tie_breaker = wire::decode_u64(v); break;
      case AttrType::lifetime: bit = kLifetime; m.lifetime_s = wire::decode_u32(v); break;
      case AttrType::channel_number: bit = kChannelNumber; m.channel = wire::decode_channel_number(v); break;
      case AttrType::requested_transport:
        bit = kRequestedTransport;
        m.requested_transport = wire::decode_requested_transport(v);
        break;
      case AttrType::username:
        bit = kUsername;
        m.username_len = length16(v.size(), "USERNAME");
        parse_hex8(v, m.username_tag);
        break;
      case AttrType::realm: bit = kRealm; m.realm_len = length16(v.size(), "REALM"); break;
      case AttrType::nonce: bit = kNonce; m.nonce_len = length16(v.size(), "NONCE"); break;
      case AttrType::software: bit = kSoftware; m.software_len = length16(v.size(), "SOFTWARE"); break;
      case AttrType::data: bit = kData; m.data_len = length16(v.size(), "DATA"); break;
      case AttrType::message_integrity:
        if (v.size() != 20) throw wire::DecodeError("MESSAGE-INTEGRITY is not 20 bytes");
        bit = kMessageIntegrity;
        break;
      case AttrType::message_integrity_sha256:
        if (v.size() < 16 || v.size() > 32 || v.size() % 4) throw wire::DecodeError("MESSAGE-INTEGRITY-SHA256 has a bad length");
        bit = kMessageIntegritySha256;
        break;
      case AttrType::fingerprint: bit = kFingerprint; break;  // checked by wire::decode
      default:
        if (a.type < 0x8000)
          throw wire::DecodeError("unknown comprehension-required attribute 0x" + [&] {
            char buf[8];
            std::snprintf(buf, sizeof buf, "%04x", a.type);
            return std::string(buf);
          }());
        continue;
    }
    m.set(bit);
  }
  return m;
}

std::vector<std::uint8_t> encode(const Message& m) { return wire::encode(to_raw(m), m.has(kFingerprint)); }

Message decode(std::span<const std::uint8_t> bytes) { return from_raw(wire::decode(bytes)); }

std::vector<std::uint8_t> encode(const Message& m, std::span<const std::uint8_t> key) {
  wire::EncodeOptions o;
  o.fingerprint = m.has(kFingerprint);
  if (m.has(kMessageIntegrity)) o.integrity_key = wire::Bytes(key.begin(), key.end());
  if (m.has(kMessageIntegritySha256)) o.integrity_sha256_key = wire::Bytes(key.begin(), key.end());
  return wire::encode(raw(m, false), o);
}

Message decode(std::span<const std::uint8_t> bytes, std::span<const std::uint8_t> key) {
  wire::DecodeOptions o;
  o.integrity_key = wire::Bytes(key.begin(), key.end());
  o.require_integrity = true;
  return from_raw(wire::decode(bytes, o));
}

}  // namespace p2psim::stun
