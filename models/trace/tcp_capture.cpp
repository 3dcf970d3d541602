#include "models/trace/tcp_capture.hpp"

#include <algorithm>

#include "models/net/tls.hpp"
#include "models/trace/packet_bytes.hpp"

namespace p2psim::trace {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put16(Bytes& b, std::uint32_t x) {
  b.push_back(static_cast<std::uint8_t>(x >> 8));
  b.push_back(static_cast<std::uint8_t>(x));
}
void put24(Bytes& b, std::uint32_t x) {
  b.push_back(static_cast<std::uint8_t>(x >> 16));
  put16(b, x);
}
// A deterministic stand-in for random and session-id bytes.
void fill(Bytes& b, std::size_t n, std::uint64_t seed) {
  for (std::size_t i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>((seed * 0x9E3779B97F4A7C15ull + i * 131u) >> 56));
}

// TLS 1.3 ClientHello record of exactly `size` bytes (size >= 95).
Bytes client_hello(std::uint32_t size, std::uint64_t seed) {
  const std::uint32_t pad = size > 95 ? size - 95 : 0;
  Bytes b;
  b.push_back(22);  // handshake
  put16(b, 0x0301);  // legacy record version in a ClientHello (RFC 8446 5.1)
  put16(b, size - 5);
  b.push_back(1);  // client_hello
  put24(b, size - 9);
  put16(b, 0x0303);        // legacy_version
  fill(b, 32, seed);       // random
  b.push_back(32);         // legacy_session_id
  fill(b, 32, seed + 1);
  put16(b, 2);
  put16(b, 0x1301);        // TLS_AES_128_GCM_SHA256
  b.push_back(1);
  b.push_back(0);          // null compression
  put16(b, 7 + 4 + pad);   // extensions
  put16(b, 43);            // supported_versions
  put16(b, 3);
  b.push_back(2);
  put16(b, 0x0304);        // TLS 1.3
  put16(b, 21);            // padding (RFC 7685)
  put16(b, pad);
  b.resize(b.size() + pad, 0);
  return b;
}

// ServerHello + ChangeCipherSpec + one application-data record, `size` bytes (>= 98).
Bytes server_flight(std::uint32_t size, std::uint64_t seed) {
  Bytes b;
  b.push_back(22);
  put16(b, 0x0303);
  put16(b, 82);
  b.push_back(2);  // server_hello
  put24(b, 78);
  put16(b, 0x0303);
  fill(b, 32, seed + 2);
  b.push_back(32);
  fill(b, 32, seed + 1);
  put16(b, 0x1301);
  b.push_back(0);
  put16(b, 6);
  put16(b, 43);  // supported_versions: TLS 1.3
  put16(b, 2);
  put16(b, 0x0304);
  const Bytes ccs = {20, 0x03, 0x03, 0x00, 0x01, 0x01};
  b.insert(b.end(), ccs.begin(), ccs.end());
  const std::uint32_t rest = size > b.size() + 5 ? static_cast<std::uint32_t>(size - b.size() - 5) : 0;
  b.push_back(23);
  put16(b, 0x0303);
  put16(b, rest);
  fill(b, rest, seed + 3);
  return b;
}

}  // namespace

std::vector<std::uint8_t> stream_payload(const net::Packet& p) {
  switch (p.tcp) {
    case net::TcpControl::syn:
    case net::TcpControl::syn_ack:
    case net::TcpControl::fin:
    case net::TcpControl::rst: return {};
    case net::TcpControl::tls_hello: return client_hello(std::max<std::uint32_t>(p.size_bytes, 95), p.src.key());
    case net::TcpControl::tls_server: return server_flight(std::max<std::uint32_t>(p.size_bytes, 98), p.dst.key());
    case net::TcpControl::data: break;
  }
  if (p.transport != net::Transport::tls) return packet_payload(p);
  net::Packet plain = p;
  plain.size_bytes = p.size_bytes > net::kTlsRecordOverhead ? p.size_bytes - net::kTlsRecordOverhead : 0;
  plain.transport = net::Transport::tcp;  // the same framing rules (ChannelData padded)
  const Bytes inner = packet_payload(plain);
  Bytes b;
  b.push_back(23);  // application_data
  put16(b, 0x0303);
  put16(b, static_cast<std::uint32_t>(inner.size() + 1 + 16));
  b.insert(b.end(), inner.begin(), inner.end());
  b.push_back(23);  // inner content type
  b.resize(b.size() + 16, 0);  // AEAD tag
  return b;
}

std::uint32_t& TcpCapture::next(const Dir& d) {
  auto it = next_.find(d);
  if (it == next_.end()) {
    // Initial sequence number from the ports (deterministic; RFC 9293 3.4.1 leaves it open).
    const std::uint32_t isn = static_cast<std::uint32_t>((d.first & 0xFFFF) << 16 | (d.second & 0xFFFF)) * 2654435761u;
    it = next_.emplace(d, isn).first;
  }
  return it->second;
}

TcpSegment TcpCapture::segment(const net::Packet& p, std::uint32_t len) {
  const Dir d{p.src.key(), p.dst.key()};
  const auto key = std::make_tuple(p.id, d.first, d.second);
  if (auto it = seen_.find(key); it != seen_.end()) return it->second;
  TcpSegment s;
  s.tuple = UdpTuple{p.src.addr.value, p.src.port, p.dst.addr.value, p.dst.port};
  std::uint32_t& mine = next(d);
  const Dir back{d.second, d.first};
  const bool peer_known = next_.count(back) != 0;
  s.seq = mine;
  s.ack = peer_known ? next_[back] : 0;
  switch (p.tcp) {
    case net::TcpControl::syn:
      s.flags = tcp_flag::kSyn;
      s.ack = 0;
      mine += 1;
      break;
    case net::TcpControl::syn_ack:
      s.flags = tcp_flag::kSyn | tcp_flag::kAck;
      mine += 1;
      break;
    case net::TcpControl::fin:
      s.flags = tcp_flag::kFin | tcp_flag::kAck;
      mine += 1;
      break;
    case net::TcpControl::rst: s.flags = tcp_flag::kRst | tcp_flag::kAck; break;
    default:
      s.flags = tcp_flag::kPsh | tcp_flag::kAck;
      mine += len;
      break;
  }
  if (!peer_known && s.flags != tcp_flag::kSyn) s.flags &= static_cast<std::uint8_t>(~tcp_flag::kAck);
  seen_.emplace(key, s);
  return s;
}

}  // namespace p2psim::trace
