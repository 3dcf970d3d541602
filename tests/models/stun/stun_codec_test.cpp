// The typed STUN message <-> RFC 8489 bytes: round trips for every attribute, the encoded
// size equals Message::encoded_size(), and RFC 5769's XOR-MAPPED-ADDRESS decodes right.
#include <catch2/catch.hpp>

#include "models/stun/stun_codec.hpp"

using namespace p2psim;
using namespace p2psim::stun;

namespace {

const std::vector<std::uint8_t> kRfc5769Response = {
    0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
    0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9,
    0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96};

// Field-by-field equality of the typed message (Message has no operator==).
void check_same(const Message& a, const Message& b) {
  CHECK(a.method == b.method);
  CHECK(a.cls == b.cls);
  CHECK(a.tid == b.tid);
  CHECK(a.attrs == b.attrs);
  auto same_if = [&](Attr bit, auto field) {
    if (a.has(bit)) CHECK(a.*field == b.*field);
  };
  same_if(kMappedAddress, &Message::mapped_address);
  same_if(kXorMappedAddress, &Message::xor_mapped_address);
  same_if(kOtherAddress, &Message::other_address);
  same_if(kResponseOrigin, &Message::response_origin);
  same_if(kXorPeerAddress, &Message::xor_peer_address);
  same_if(kXorRelayedAddress, &Message::xor_relayed_address);
  same_if(kIceControlling, &Message::tie_breaker);
  same_if(kIceControlled, &Message::tie_breaker);
  same_if(kPriority, &Message::priority);
  same_if(kChangeRequest, &Message::change_flags);
  same_if(kLifetime, &Message::lifetime_s);
  same_if(kUsername, &Message::username_tag);
  same_if(kUsername, &Message::username_len);
  same_if(kErrorCode, &Message::error_code);
  same_if(kChannelNumber, &Message::channel);
  same_if(kRealm, &Message::realm_len);
  same_if(kNonce, &Message::nonce_len);
  same_if(kSoftware, &Message::software_len);
  same_if(kData, &Message::data_len);
  same_if(kRequestedTransport, &Message::requested_transport);
}

net::Endpoint ep(int a, int b, int c, int d, std::uint16_t port) {
  return net::Endpoint(net::Ipv4::of(std::uint8_t(a), std::uint8_t(b), std::uint8_t(c), std::uint8_t(d)), port);
}

}  // namespace

TEST_CASE("RFC 5769 2.2 decodes into the typed message", "[stun][codec]") {
  const Message m = decode(kRfc5769Response);
  CHECK(m.method == Method::binding);
  CHECK(m.cls == Class::success);
  CHECK(m.tid.words[0] == 0xb7e7a701u);
  CHECK(m.tid.words[1] == 0xbc34d686u);
  CHECK(m.tid.words[2] == 0xfa87dfaeu);
  REQUIRE(m.has(kXorMappedAddress));
  CHECK(m.xor_mapped_address == ep(192, 0, 2, 1, 32853));
  CHECK(m.has(kSoftware));
  CHECK(m.software_len == 11);
  CHECK(m.has(kMessageIntegrity));
  CHECK(m.has(kFingerprint));
  CHECK(m.encoded_size() == kRfc5769Response.size());
}

TEST_CASE("a Binding success with XOR-MAPPED-ADDRESS has the RFC layout", "[stun][codec]") {
  TransactionId tid;
  tid.words = {0x01020304, 0x05060708, 0x090a0b0c};
  Message req = make_request(Method::binding, tid);
  Message resp = make_success(req).with_xor_mapped(ep(198, 51, 100, 7, 40123));
  const auto b = encode(resp);
  REQUIRE(b.size() == 20 + 12);
  CHECK(b[0] == 0x01);
  CHECK(b[1] == 0x01);
  CHECK(b[3] == 12);
  CHECK(b[4] == 0x21);
  CHECK(b[7] == 0x42);
  CHECK(b[8] == 0x01);
  CHECK(b[19] == 0x0c);
  CHECK(b[20] == 0x00);
  CHECK(b[21] == 0x20);  // XOR-MAPPED-ADDRESS
  CHECK(((b[26] << 8) | b[27]) == (40123 ^ 0x2112));
  const std::uint32_t xaddr = (std::uint32_t(b[28]) << 24) | (b[29] << 16) | (b[30] << 8) | b[31];
  CHECK(xaddr == (net::Ipv4::of(198, 51, 100, 7).value ^ kMagicCookie));
  check_same(decode(b), resp);
}

TEST_CASE("every attribute round-trips and encode size equals encoded_size()", "[stun][codec]") {
  TransactionId tid;
  tid.words = {0xdeadbeef, 0x00000001, 0xfffffffe};

  std::vector<Message> cases;
  {
    Message m = make_request(Method::binding, tid);  // ICE connectivity check
    m.priority = 0x6e0001ff;
    m.set(kPriority);
    m.set(kUseCandidate);
    m.tie_breaker = 0x932ff9b151263b36ull;
    m.set(kIceControlling);
    m.username_tag = 0xa1b2c3d4;
    m.username_len = 9;
    m.set(kUsername);
    m.set(kMessageIntegrity);
    m.set(kFingerprint);
    cases.push_back(m);
  }
  {
    Message m = make_request(Method::binding, tid);  // RFC 5780 test II
    m.change_flags = kChangeIp | kChangePort;
    m.set(kChangeRequest);
    cases.push_back(m);
  }
  {
    Message m = make_success(make_request(Method::binding, tid));  // RFC 5780 response
    m.with_xor_mapped(ep(198, 51, 100, 7, 40123));
    m.mapped_address = ep(198, 51, 100, 7, 40123);
    m.set(kMappedAddress);
    m.other_address = ep(203, 0, 113, 6, 3479);
    m.set(kOtherAddress);
    m.response_origin = ep(203, 0, 113, 5, 3478);
    m.set(kResponseOrigin);
    m.software_len = 13;
    m.set(kSoftware);
    m.set(kFingerprint);
    cases.push_back(m);
  }
  {
    Message m = make_request(Method::allocate, tid);  // TURN Allocate with credentials
    m.requested_transport = kProtoUdp;
    m.set(kRequestedTransport);
    m.with_lifetime(600);
    m.username_len = 5;  // shorter than the tag: filler only
    m.set(kUsername);
    m.realm_len = 11;
    m.set(kRealm);
    m.nonce_len = 16;
    m.set(kNonce);
    m.set(kMessageIntegritySha256);
    cases.push_back(m);
  }
  {
    Message m = make_success(make_request(Method::allocate, tid));
    m.xor_relayed_address = ep(203, 0, 113, 5, 50000);
    m.set(kXorRelayedAddress);
    m.with_xor_mapped(ep(198, 51, 100, 7, 40123));
    m.with_lifetime(600);
    cases.push_back(m);
  }
  cases.push_back(make_error(make_request(Method::allocate, tid), error::kAllocationQuotaReached));
  cases.push_back(make_error(make_request(Method::binding, tid), error::kRoleConflict));
  {
    Message m = make_request(Method::channel_bind, tid);
    m.channel = 0x4001;
    m.set(kChannelNumber);
    m.with_peer(ep(192, 0, 2, 44, 61000));
    cases.push_back(m);
  }
  {
    Message m = make_indication(Method::send, tid);
    m.with_peer(ep(192, 0, 2, 44, 61000));
    m.data_len = 101;
    m.set(kData);
    cases.push_back(m);
  }
  for (const Message& m : cases) {
    const auto bytes = encode(m);
    CHECK(bytes.size() == m.encoded_size());
    CHECK(bytes.size() % 4 == 0);
    const Message back = decode(bytes);
    check_same(back, m);
    CHECK(encode(back) == bytes);
  }
}

TEST_CASE("the codec rejects what a STUN agent would reject", "[stun][codec]") {
  wire::RawMessage r;
  r.type = wire::message_type(0x0FF, wire::MsgClass::kRequest);
  CHECK_THROWS_WITH(decode(wire::encode(r)), Catch::Contains("unknown STUN method"));
  r.type = 0x0001;
  r.attributes = {{0x7777, {1, 2, 3, 4}}};
  CHECK_THROWS_WITH(decode(wire::encode(r)), Catch::Contains("comprehension-required"));
  r.attributes = {{0xC0FF, {1, 2, 3, 4}}};  // comprehension-optional, unknown: skipped (0xC001 is NOMINATION)
  CHECK(decode(wire::encode(r)).attrs == 0);
}

TEST_CASE("NOMINATION (GOOG 0xC001) round-trips as a 32-bit value", "[stun][codec]") {
  Message m = make_request(Method::binding, TransactionId{});
  m.nomination = 7;
  m.set(kNomination);
  const Message d = decode(encode(m));
  CHECK(d.has(kNomination));
  CHECK(d.nomination == 7);
  CHECK(m.encoded_size() == kHeaderBytes + 8);  // 4-byte TLV header + 4-byte value
}
