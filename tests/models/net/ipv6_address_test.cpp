// Simulated IPv6 addresses (models/net/ipv6_address.hpp): the 240.0.0.0/4 block stands for
// 2001:db8:P1:P0::I; expected texts are written from RFC 5952 by hand.
#include <catch2/catch.hpp>

#include "models/net/ipv6_address.hpp"
#include "models/stun/message.hpp"
#include "models/stun/stun_codec.hpp"

using namespace p2psim;
using namespace p2psim::net;

TEST_CASE("simulated IPv6 addresses live in 240.0.0.0/4 and print as 2001:db8::/32 text", "[net][ipv6]") {
  CHECK_FALSE(Ipv4::of(20, 0, 0, 1).is_ipv6());
  CHECK_FALSE(Ipv4::of(192, 168, 0, 2).is_ipv6());
  CHECK(Ipv4::of(20, 0, 0, 1).family() == Family::ipv4);
  const Ipv4 a = make_ipv6(1, 1);  // prefix 1, interface 1
  CHECK(a.is_ipv6());
  CHECK(a.family() == Family::ipv6);
  CHECK(a.value == 0xF0000041u);  // 0xF0000000 | 1 << 6 | 1
  CHECK(a.to_string() == "2001:db8:0:1::1");
  // Prefix 0x12345 = P1 0x1, P0 0x2345; interface 7. RFC 5952: no leading zeros, "::" for
  // the longest zero run (groups 5-7 here).
  CHECK(make_ipv6(0x12345, 7).to_string() == "2001:db8:1:2345::7");
  CHECK(make_ipv6(0x3FFFFE, 63).to_string() == "2001:db8:3f:fffe::3f");
  CHECK(Endpoint(a, 5000).to_string() == "[2001:db8:0:1::1]:5000");
  const auto b = ipv6_bytes(make_ipv6(0x12345, 7));
  const std::array<std::uint8_t, 16> want = {0x20, 0x01, 0x0d, 0xb8, 0, 0x01, 0x23, 0x45, 0, 0, 0, 0, 0, 0, 0, 7};
  CHECK(b == want);
  CHECK(ipv6_from_bytes(b) == make_ipv6(0x12345, 7));
  std::array<std::uint8_t, 16> other = want;
  other[0] = 0xfe;  // not 2001:db8::/32
  CHECK_FALSE(ipv6_from_bytes(other).has_value());
  CHECK(ipv6_text(std::array<std::uint8_t, 16>{}) == "::");
}

TEST_CASE("STUN carries a simulated IPv6 address as family 0x02 (20-byte value) and back", "[net][ipv6][stun]") {
  stun::TransactionId tid;
  tid.words = {1, 2, 3};
  stun::Message m = stun::make_success(stun::make_request(stun::Method::binding, tid));
  const Endpoint e(make_ipv6(0x12345, 7), 49152);
  m.with_xor_mapped(e);
  // RFC 8489 14.2: IPv6 XOR-MAPPED-ADDRESS value = 1 + 1 + 2 + 16 = 20 bytes; + 4 header.
  CHECK(m.value_length(stun::kXorMappedAddress) == 20);
  const auto bytes = stun::encode(m);
  CHECK(bytes.size() == m.encoded_size());
  CHECK(bytes.size() == 20 + 4 + 20);
  CHECK(bytes[20 + 5] == 0x02);  // family
  const stun::Message d = stun::decode(bytes);
  CHECK(d.xor_mapped_address == e);
}
