// TCP segments and TLS records for pcaps: header fields from RFC 9293 3.1, checksums that
// verify (RFC 1071: summing a segment with its checksum and pseudo-header gives 0xFFFF),
// TLS 1.3 record sizes (RFC 8446 5.2), sequence numbers advancing by SYN/FIN and data.
#include <catch2/catch.hpp>

#include "models/net/tls.hpp"
#include "models/trace/tcp_capture.hpp"
#include "models/turn/framing.hpp"

using namespace p2psim;
using namespace p2psim::trace;

namespace {
net::Packet seg(net::TcpControl c, std::uint32_t size, net::Endpoint src, net::Endpoint dst, std::uint64_t id) {
  net::Packet p;
  p.id = id;
  p.src = src;
  p.dst = dst;
  p.transport = net::Transport::tls;
  p.tcp = c;
  p.size_bytes = size;
  return p;
}
}  // namespace

TEST_CASE("IPv4/TCP segment: header fields and checksums", "[trace][tcp]") {
  TcpSegment s;
  s.tuple = UdpTuple{0xC0A8010Au, 49154, 0xCB007109u, 443};
  s.seq = 1000;
  s.ack = 2000;
  s.flags = tcp_flag::kPsh | tcp_flag::kAck;
  const std::vector<std::uint8_t> data = {1, 2, 3, 4, 5};
  const auto b = build_ipv4_tcp(s, data, 7);
  REQUIRE(b.size() == 20 + 20 + 5);
  CHECK(b[9] == 6);  // protocol TCP
  CHECK(internet_checksum(std::span(b).first(20)) == 0);  // IPv4 header verifies
  CHECK(((b[20] << 8) | b[21]) == 49154);
  CHECK(((b[22] << 8) | b[23]) == 443);
  CHECK(b[32] == 0x50);  // data offset 5 words
  CHECK(b[33] == 0x18);  // PSH|ACK
  const std::uint32_t pseudo = (0xC0A8u + 0x010Au + 0xCB00u + 0x7109u) + 6u + 25u;
  CHECK(internet_checksum(std::span(b).subspan(20), pseudo) == 0);  // TCP checksum verifies
}

TEST_CASE("TLS records are sized as the network model sizes the packets", "[trace][tcp][tls]") {
  const net::Endpoint c{net::Ipv4::of(192, 168, 1, 10), 49154}, s{net::Ipv4::of(203, 0, 113, 9), 443};
  const auto hello = stream_payload(seg(net::TcpControl::tls_hello, 512, c, s, 1));
  CHECK(hello.size() == 512);
  CHECK(hello[0] == 22);  // handshake record
  CHECK(hello[5] == 1);   // ClientHello
  const auto flight = stream_payload(seg(net::TcpControl::tls_server, 4096, s, c, 2));
  CHECK(flight.size() == 4096);
  CHECK(flight[5] == 2);  // ServerHello
  CHECK(stream_payload(seg(net::TcpControl::syn, 0, c, s, 3)).empty());
  // A 100-byte ChannelData over TLS: 4-byte header, no padding (100 is a multiple of 4),
  // one TLS 1.3 record (5 + 1 + 16).
  net::Packet d = seg(net::TcpControl::data, 0, c, s, 4);
  d.payload = net::AppData{1, 1};
  d.turn = net::TurnFraming{net::TurnEncap::channel_data, 0x4000, 100, s};
  d.size_bytes = turn::framed_size(d.turn.kind, 100, net::Transport::tls);
  CHECK(d.size_bytes == 100 + 4 + 22);
  const auto rec = stream_payload(d);
  CHECK(rec.size() == d.size_bytes);
  CHECK(rec[0] == 23);                          // application_data
  CHECK(((rec[3] << 8) | rec[4]) == 104 + 17);  // record length: content + type + tag
  CHECK(rec[5] == 0x40);                        // the ChannelData channel number inside
  CHECK(net::tls_record_overhead(net::TlsVersion::kTls12) == 29);
}

TEST_CASE("sequence numbers: SYN and FIN take one, data its length, ACK the peer's next", "[trace][tcp]") {
  const net::Endpoint c{net::Ipv4::of(192, 168, 1, 10), 49154}, s{net::Ipv4::of(203, 0, 113, 9), 443};
  TcpCapture cap;
  const TcpSegment syn = cap.segment(seg(net::TcpControl::syn, 0, c, s, 1), 0);
  CHECK(syn.flags == tcp_flag::kSyn);
  const TcpSegment synack = cap.segment(seg(net::TcpControl::syn_ack, 0, s, c, 2), 0);
  CHECK(synack.flags == (tcp_flag::kSyn | tcp_flag::kAck));
  CHECK(synack.ack == syn.seq + 1);
  const TcpSegment d1 = cap.segment(seg(net::TcpControl::data, 0, c, s, 3), 512);
  CHECK(d1.seq == syn.seq + 1);
  CHECK(d1.ack == synack.seq + 1);
  // The same packet seen again (another segment, same addresses) keeps its numbers.
  CHECK(cap.segment(seg(net::TcpControl::data, 0, c, s, 3), 512).seq == d1.seq);
  const TcpSegment d2 = cap.segment(seg(net::TcpControl::data, 0, c, s, 4), 10);
  CHECK(d2.seq == d1.seq + 512);
  const TcpSegment fin = cap.segment(seg(net::TcpControl::fin, 0, c, s, 5), 0);
  CHECK(fin.seq == d2.seq + 10);
  CHECK(fin.flags == (tcp_flag::kFin | tcp_flag::kAck));
}
