#include "models/trace/packet_bytes.hpp"

#include <string>

#include "models/stun/stun_codec.hpp"

namespace p2psim::trace {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put(Bytes& b, std::size_t at, std::uint64_t x, int n) {
  for (int i = 0; i < n && at + i < b.size(); ++i) b[at + i] = static_cast<std::uint8_t>(x >> (8 * (n - 1 - i)));
}

Bytes inner_payload(const net::Packet& p, std::size_t size) {
  if (const stun::Message* m = p.stun()) return stun::encode(*m);
  Bytes b(size, 0);
  if (const auto* a = std::get_if<net::AppData>(&p.payload)) {
    if (size >= 1) b[0] = 0x80;  // RTP version 2
    if (size >= 2) b[1] = 96;    // dynamic payload type
    put(b, 2, a->seq & 0xFFFF, 2);
    put(b, 4, std::uint64_t{a->seq} * 960u, 4);  // 20 ms at a 48 kHz clock
    put(b, 8, a->flow, 4);
  } else if (const auto* s = std::get_if<net::Signal>(&p.payload)) {
    const std::string text = "p2psim-signal kind=" + std::to_string(s->kind) + " session=" + std::to_string(s->session);
    for (std::size_t i = 0; i < size; ++i) b[i] = static_cast<std::uint8_t>(i < text.size() ? text[i] : ' ');
  }
  return b;
}

std::size_t minus(std::uint32_t size, std::size_t overhead) { return size > overhead ? size - overhead : 0; }

}  // namespace

std::vector<std::uint8_t> packet_payload(const net::Packet& p) {
  switch (p.turn.kind) {
    case net::TurnEncap::none: return inner_payload(p, p.size_bytes);
    case net::TurnEncap::channel_data: {
      stun::wire::ChannelData c{p.turn.channel, inner_payload(p, p.turn.data_len ? p.turn.data_len : minus(p.size_bytes, 4))};
      return stun::wire::encode_channel_data(c, net::is_stream(p.transport));
    }
    case net::TurnEncap::send_indication:
    case net::TurnEncap::data_indication: {
      stun::wire::RawMessage m;
      const auto method = p.turn.kind == net::TurnEncap::send_indication ? stun::wire::method::kSend
                                                                           : stun::wire::method::kData;
      m.type = stun::wire::message_type(method, stun::wire::MsgClass::kIndication);
      const std::uint64_t id = p.id;
      const std::uint8_t t[12] = {'t', 'u', 'r', 'n', std::uint8_t(id >> 56), std::uint8_t(id >> 48),
                                  std::uint8_t(id >> 40), std::uint8_t(id >> 32), std::uint8_t(id >> 24),
                                  std::uint8_t(id >> 16), std::uint8_t(id >> 8), std::uint8_t(id)};
      std::copy(std::begin(t), std::end(t), m.txid.begin());
      m.attributes.push_back({stun::wire::attr::kXorPeerAddress, stun::wire::encode_xor_address(stun::to_wire(p.turn.peer))});
      m.attributes.push_back(
          {stun::wire::attr::kData, inner_payload(p, p.turn.data_len ? p.turn.data_len : minus(p.size_bytes, 36))});
      return stun::wire::encode(m);
    }
  }
  return {};
}

}  // namespace p2psim::trace
