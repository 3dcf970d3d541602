// Wire bytes of simulated packets: sizes equal Packet::size_bytes and TURN framing follows
// RFC 8656 (ChannelData 4 bytes, Send/Data indications 36 bytes over IPv4).
#include <catch2/catch.hpp>

#include "models/stun/stun_codec.hpp"
#include "models/trace/packet_bytes.hpp"

using namespace p2psim;

namespace {
net::Endpoint ep(int a, int b, int c, int d, std::uint16_t port) {
  return net::Endpoint(net::Ipv4::of(std::uint8_t(a), std::uint8_t(b), std::uint8_t(c), std::uint8_t(d)), port);
}
}  // namespace

TEST_CASE("STUN packets carry their RFC 8489 encoding", "[trace][packet-bytes]") {
  stun::TransactionId tid;
  tid.words = {1, 2, 3};
  net::Packet p;
  p.src = ep(192, 168, 1, 10, 5000);
  p.dst = ep(203, 0, 113, 5, 3478);
  p.payload = stun::make_success(stun::make_request(stun::Method::binding, tid)).with_xor_mapped(ep(198, 51, 100, 7, 40123));
  p.size_bytes = static_cast<std::uint32_t>(p.stun()->encoded_size());
  const auto b = trace::packet_payload(p);
  CHECK(b.size() == p.size_bytes);
  CHECK(stun::decode(b).xor_mapped_address == ep(198, 51, 100, 7, 40123));
  const auto t = trace::udp_tuple(p);
  CHECK(t.src_ip == net::Ipv4::of(192, 168, 1, 10).value);
  CHECK(t.dst_port == 3478);
}

TEST_CASE("media over TURN: ChannelData adds 4 bytes, an indication 36", "[trace][packet-bytes]") {
  net::Packet p;
  p.src = ep(198, 51, 100, 7, 40123);
  p.dst = ep(203, 0, 113, 5, 3478);
  p.payload = net::AppData{7, 3, 0};
  p.turn.kind = net::TurnEncap::channel_data;
  p.turn.channel = 0x4002;
  p.size_bytes = 4 + 100;
  auto b = trace::packet_payload(p);
  REQUIRE(b.size() == 104);
  const auto cd = stun::wire::decode_channel_data(b);
  CHECK(cd.channel == 0x4002);
  CHECK(cd.data.size() == 100);
  CHECK(cd.data[0] == 0x80);  // RTP version 2
  CHECK(((cd.data[2] << 8) | cd.data[3]) == 3);

  p.turn.kind = net::TurnEncap::send_indication;
  p.turn.peer = ep(192, 0, 2, 44, 61000);
  p.size_bytes = 36 + 100;
  b = trace::packet_payload(p);
  REQUIRE(b.size() == 136);
  const stun::Message m = stun::decode(b);
  CHECK(m.method == stun::Method::send);
  CHECK(m.cls == stun::Class::indication);
  CHECK(m.xor_peer_address == ep(192, 0, 2, 44, 61000));
  CHECK(m.data_len == 100);
}
