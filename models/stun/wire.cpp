#include "models/stun/wire.hpp"

#include <arpa/inet.h>

#include "models/stun/integrity.hpp"

namespace p2psim::stun::wire {
namespace {

void put16(Bytes& b, std::uint16_t x) {
  b.push_back(static_cast<std::uint8_t>(x >> 8));
  b.push_back(static_cast<std::uint8_t>(x));
}
void put32(Bytes& b, std::uint32_t x) {
  put16(b, static_cast<std::uint16_t>(x >> 16));
  put16(b, static_cast<std::uint16_t>(x));
}
std::uint16_t get16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}
std::uint32_t get32(std::span<const std::uint8_t> b, std::size_t at) {
  return (std::uint32_t{get16(b, at)} << 16) | get16(b, at + 2);
}
std::size_t padded(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

void need(std::span<const std::uint8_t> v, std::size_t n, const char* what) {
  if (v.size() < n) throw DecodeError(std::string(what) + ": value too short");
}

}  // namespace

std::uint16_t message_type(std::uint16_t m, MsgClass cls) {
  const auto c = static_cast<std::uint16_t>(cls);
  return static_cast<std::uint16_t>((m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) |
                                    ((c & 1) << 4) | ((c & 2) << 7));
}

std::uint16_t method_of(std::uint16_t t) {
  return static_cast<std::uint16_t>((t & 0x000F) | ((t & 0x00E0) >> 1) | ((t & 0x3E00) >> 2));
}

MsgClass class_of(std::uint16_t t) {
  return static_cast<MsgClass>(((t >> 4) & 1) | ((t >> 7) & 2));
}

Endpoint Endpoint::ipv6(const std::array<std::uint8_t, 16>& a, std::uint16_t p) {
  Endpoint e;
  e.v6 = true;
  e.ip6 = a;
  e.port = p;
  return e;
}

std::string to_string(const Endpoint& e) {
  if (e.v6) {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(AF_INET6, e.ip6.data(), buf, sizeof buf);  // RFC 5952 canonical text
    return "[" + std::string(buf) + "]:" + std::to_string(e.port);
  }
  return std::to_string(e.ip >> 24) + "." + std::to_string((e.ip >> 16) & 0xFF) + "." +
         std::to_string((e.ip >> 8) & 0xFF) + "." + std::to_string(e.ip & 0xFF) + ":" +
         std::to_string(e.port);
}

const Attribute* RawMessage::find(std::uint16_t t) const {
  for (const Attribute& a : attributes)
    if (a.type == t) return &a;
  return nullptr;
}

std::uint32_t crc32(std::span<const std::uint8_t> bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::uint8_t byte : bytes) {
    c ^= byte;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

Bytes encode(const RawMessage& m, bool fingerprint) {
  EncodeOptions o;
  o.fingerprint = fingerprint;
  return encode(m, o);
}

Bytes encode(const RawMessage& m, const EncodeOptions& o) {
  if (m.type & 0xC000) throw std::invalid_argument("STUN message type uses the top two bits");
  Bytes b;
  b.reserve(kHeaderSize + 64);
  put16(b, m.type);
  put16(b, 0);  // length, patched below
  put32(b, kMagicCookie);
  b.insert(b.end(), m.txid.begin(), m.txid.end());
  for (const Attribute& a : m.attributes) {
    if (a.value.size() > 0xFFFF) throw std::invalid_argument("STUN attribute longer than 65535 bytes");
    put16(b, a.type);
    put16(b, static_cast<std::uint16_t>(a.value.size()));
    b.insert(b.end(), a.value.begin(), a.value.end());
    b.resize(kHeaderSize + padded(b.size() - kHeaderSize), o.padding);
  }
  auto set_length = [&b](std::size_t body) {
    if (body > 0xFFFF) throw std::invalid_argument("STUN message longer than 65535 bytes");
    b[2] = static_cast<std::uint8_t>(body >> 8);
    b[3] = static_cast<std::uint8_t>(body);
  };
  // Each of MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT is computed over
  // the message so far with the length field already covering the attribute itself
  // (§14.5, §14.6, §14.7).
  if (o.integrity_key) {
    set_length(b.size() - kHeaderSize + 4 + 20);
    const Bytes mac = hmac_sha1(*o.integrity_key, b);
    put16(b, attr::kMessageIntegrity);
    put16(b, 20);
    b.insert(b.end(), mac.begin(), mac.end());
  }
  if (o.integrity_sha256_key) {
    set_length(b.size() - kHeaderSize + 4 + 32);
    const Bytes mac = hmac_sha256(*o.integrity_sha256_key, b);
    put16(b, attr::kMessageIntegritySha256);
    put16(b, 32);
    b.insert(b.end(), mac.begin(), mac.end());
  }
  if (o.fingerprint) {
    set_length(b.size() - kHeaderSize + 8);
    const std::uint32_t crc = crc32(b) ^ kFingerprintXor;
    put16(b, attr::kFingerprint);
    put16(b, 4);
    put32(b, crc);
  }
  set_length(b.size() - kHeaderSize);
  return b;
}

RawMessage decode(std::span<const std::uint8_t> b) { return decode(b, DecodeOptions{}); }

namespace {
// The HMAC input for an integrity attribute at offset `at` whose value is `len` bytes:
// the message before it, with the length field covering the attribute (§14.5, §14.6).
Bytes integrity_input(std::span<const std::uint8_t> b, std::size_t at, std::size_t len) {
  Bytes in(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(at));
  const std::size_t body = at - kHeaderSize + 4 + len;
  in[2] = static_cast<std::uint8_t>(body >> 8);
  in[3] = static_cast<std::uint8_t>(body);
  return in;
}
}  // namespace

RawMessage decode(std::span<const std::uint8_t> b, const DecodeOptions& o) {
  if (b.size() < kHeaderSize) throw DecodeError("shorter than the 20-byte STUN header");
  if (b[0] & 0xC0) throw DecodeError("first two bits are not zero: not a STUN message");
  if (get32(b, 4) != kMagicCookie) throw DecodeError("magic cookie is not 0x2112A442");
  const std::size_t length = get16(b, 2);
  if (length % 4 != 0) throw DecodeError("message length is not a multiple of 4");
  if (kHeaderSize + length != b.size()) throw DecodeError("message length disagrees with the datagram size");
  RawMessage m;
  m.type = get16(b, 0);
  std::copy(b.begin() + 8, b.begin() + 20, m.txid.begin());
  std::size_t at = kHeaderSize;
  bool seen_mi = false, seen_mi256 = false, verified = false;
  while (at < b.size()) {
    if (at + 4 > b.size()) throw DecodeError("truncated attribute header");
    Attribute a;
    a.type = get16(b, at);
    const std::size_t len = get16(b, at + 2);
    if (at + 4 + len > b.size()) throw DecodeError("attribute overruns the message");
    a.value.assign(b.begin() + at + 4, b.begin() + at + 4 + len);
    bool keep = true;
    if (a.type == attr::kFingerprint) {
      if (len != 4) throw DecodeError("FINGERPRINT length is not 4");
      if (at + 8 != b.size()) throw DecodeError("FINGERPRINT is not the last attribute");
      const std::uint32_t expect = crc32(b.first(at)) ^ kFingerprintXor;
      if (get32(b, at + 4) != expect) throw DecodeError("FINGERPRINT does not match the CRC-32 of the message");
    } else if (a.type == attr::kMessageIntegrity && !seen_mi && !seen_mi256) {
      if (len != 20) throw DecodeError("MESSAGE-INTEGRITY is not 20 bytes");
      seen_mi = true;
      if (o.integrity_key) {
        if (!equal_digest(hmac_sha1(*o.integrity_key, integrity_input(b, at, len)), a.value))
          throw DecodeError("MESSAGE-INTEGRITY does not match (wrong key or altered message)");
        verified = true;
      }
    } else if (a.type == attr::kMessageIntegritySha256 && !seen_mi256) {
      if (len < 16 || len > 32 || len % 4) throw DecodeError("MESSAGE-INTEGRITY-SHA256 has a bad length");
      seen_mi256 = true;
      if (o.integrity_key) {
        const Bytes mac = hmac_sha256(*o.integrity_key, integrity_input(b, at, len));
        // §14.6: the value may be truncated to its leading 16..32 bytes.
        if (!equal_digest(std::span<const std::uint8_t>(mac).first(len), a.value))
          throw DecodeError("MESSAGE-INTEGRITY-SHA256 does not match (wrong key or altered message)");
        verified = true;
      }
    } else if (seen_mi || seen_mi256) {
      keep = false;  // §14.5 / §14.6: ignored after an integrity attribute
    }
    if (keep) m.attributes.push_back(std::move(a));
    at += 4 + padded(len);
  }
  if (at != b.size()) throw DecodeError("attribute padding overruns the message");
  if (o.integrity_key && o.require_integrity && !verified) throw DecodeError("message has no MESSAGE-INTEGRITY");
  return m;
}

bool looks_like_stun(std::span<const std::uint8_t> b) {
  return b.size() >= kHeaderSize && b[0] <= 3 && get32(b, 4) == kMagicCookie;
}

bool looks_like_channel_data(std::span<const std::uint8_t> b) {
  return b.size() >= kChannelDataHeaderSize && b[0] >= 64 && b[0] <= 79;
}

Bytes encode_address(const Endpoint& e) {
  Bytes v;
  v.push_back(0);
  v.push_back(e.v6 ? 0x02 : 0x01);  // family
  put16(v, e.port);
  if (e.v6)
    v.insert(v.end(), e.ip6.begin(), e.ip6.end());
  else
    put32(v, e.ip);
  return v;
}

Endpoint decode_address(std::span<const std::uint8_t> v) {
  need(v, 4, "address attribute");
  if (v[1] == 0x02) {
    if (v.size() != 20) throw DecodeError("address attribute: IPv6 value is not 20 bytes");
    std::array<std::uint8_t, 16> a{};
    std::copy(v.begin() + 4, v.end(), a.begin());
    return Endpoint::ipv6(a, get16(v, 2));
  }
  if (v[1] != 0x01) throw DecodeError("address attribute: unknown family");
  if (v.size() != 8) throw DecodeError("address attribute: IPv4 value is not 8 bytes");
  return Endpoint{get32(v, 4), get16(v, 2)};
}

namespace {
// XOR is its own inverse: the same function encodes and decodes.
Endpoint xor_endpoint(Endpoint e, const TransactionId& txid) {
  e.port = static_cast<std::uint16_t>(e.port ^ (kMagicCookie >> 16));
  if (!e.v6) {
    e.ip ^= kMagicCookie;
    return e;
  }
  const std::uint8_t cookie[4] = {0x21, 0x12, 0xA4, 0x42};
  for (int i = 0; i < 4; ++i) e.ip6[i] ^= cookie[i];
  for (int i = 0; i < 12; ++i) e.ip6[4 + i] ^= txid[i];
  return e;
}
}  // namespace

Bytes encode_xor_address(const Endpoint& e, const TransactionId& txid) { return encode_address(xor_endpoint(e, txid)); }

Endpoint decode_xor_address(std::span<const std::uint8_t> v, const TransactionId& txid) {
  return xor_endpoint(decode_address(v), txid);
}

Bytes encode_xor_address(const Endpoint& e) {
  if (e.v6) throw std::invalid_argument("XOR address: an IPv6 address needs the transaction id");
  return encode_xor_address(e, TransactionId{});
}

Endpoint decode_xor_address(std::span<const std::uint8_t> v) {
  const Endpoint x = decode_address(v);
  if (x.v6) throw DecodeError("XOR address: an IPv6 address needs the transaction id");
  return xor_endpoint(x, TransactionId{});
}

Bytes encode_u32(std::uint32_t x) {
  Bytes v;
  put32(v, x);
  return v;
}

std::uint32_t decode_u32(std::span<const std::uint8_t> v) {
  if (v.size() != 4) throw DecodeError("32-bit attribute: value is not 4 bytes");
  return get32(v, 0);
}

Bytes encode_u64(std::uint64_t x) {
  Bytes v;
  put32(v, static_cast<std::uint32_t>(x >> 32));
  put32(v, static_cast<std::uint32_t>(x));
  return v;
}

std::uint64_t decode_u64(std::span<const std::uint8_t> v) {
  if (v.size() != 8) throw DecodeError("64-bit attribute: value is not 8 bytes");
  return (std::uint64_t{get32(v, 0)} << 32) | get32(v, 4);
}

Bytes encode_error_code(const ErrorCode& e) {
  if (e.code < 300 || e.code > 699) throw std::invalid_argument("ERROR-CODE outside 300..699");
  Bytes v(4 + e.reason.size(), 0);
  v[2] = static_cast<std::uint8_t>(e.code / 100);
  v[3] = static_cast<std::uint8_t>(e.code % 100);
  for (std::size_t i = 0; i < e.reason.size(); ++i) v[4 + i] = static_cast<std::uint8_t>(e.reason[i]);
  return v;
}

ErrorCode decode_error_code(std::span<const std::uint8_t> v) {
  need(v, 4, "ERROR-CODE");
  const int cls = v[2] & 0x07, number = v[3];
  if (cls < 3 || cls > 6 || number > 99) throw DecodeError("ERROR-CODE: class or number out of range");
  return ErrorCode{cls * 100 + number, std::string(v.begin() + 4, v.end())};
}

Bytes encode_channel_number(std::uint16_t channel) {
  Bytes v;
  put16(v, channel);
  put16(v, 0);
  return v;
}

std::uint16_t decode_channel_number(std::span<const std::uint8_t> v) {
  if (v.size() != 4) throw DecodeError("CHANNEL-NUMBER: value is not 4 bytes");
  return get16(v, 0);
}

Bytes encode_requested_transport(std::uint8_t protocol) { return Bytes{protocol, 0, 0, 0}; }

std::uint8_t decode_requested_transport(std::span<const std::uint8_t> v) {
  if (v.size() != 4) throw DecodeError("REQUESTED-TRANSPORT: value is not 4 bytes");
  return v[0];
}

Bytes encode_channel_data(const ChannelData& c, bool pad) {
  if (c.channel < kMinChannel || c.channel > kMaxChannel) throw std::invalid_argument("channel number outside 0x4000..0x4FFF");
  if (c.data.size() > 0xFFFF) throw std::invalid_argument("ChannelData longer than 65535 bytes");
  Bytes b;
  put16(b, c.channel);
  put16(b, static_cast<std::uint16_t>(c.data.size()));
  b.insert(b.end(), c.data.begin(), c.data.end());
  if (pad) b.resize(kChannelDataHeaderSize + padded(c.data.size()), 0);
  return b;
}

ChannelData decode_channel_data(std::span<const std::uint8_t> b) {
  if (b.size() < kChannelDataHeaderSize) throw DecodeError("shorter than the 4-byte ChannelData header");
  ChannelData c;
  c.channel = get16(b, 0);
  if (c.channel < kMinChannel || c.channel > kMaxChannel) throw DecodeError("ChannelData channel outside 0x4000..0x4FFF");
  const std::size_t len = get16(b, 2);
  if (kChannelDataHeaderSize + len > b.size()) throw DecodeError("ChannelData length overruns the datagram");
  if (b.size() > kChannelDataHeaderSize + padded(len)) throw DecodeError("ChannelData has more than 3 bytes of padding");
  c.data.assign(b.begin() + 4, b.begin() + 4 + len);
  return c;
}

}  // namespace p2psim::stun::wire
