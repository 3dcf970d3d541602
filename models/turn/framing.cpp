#include "models/turn/framing.hpp"

namespace p2psim::turn {

std::uint32_t inner_size(const net::Packet& p) {
  const std::uint32_t total = p.size_bytes;
  for (std::uint32_t pad = 0; pad < 4; ++pad) {
    const std::uint32_t base = p.turn.kind == net::TurnEncap::channel_data ? 4 : 36;
    if (total < base + pad) break;
    const std::uint32_t d = total - base - pad;
    if (framed_size(p.turn.kind, d, p.transport) == total) return d;
  }
  return total;
}

stun::Message outer_indication(const net::Packet& p) {
  stun::Message m = stun::make_indication(
      p.turn.kind == net::TurnEncap::send_indication ? stun::Method::send : stun::Method::data, {});
  m.with_peer(p.turn.peer);
  m.data_len = static_cast<std::uint16_t>(inner_size(p));
  m.set(stun::kData);
  return m;
}

}  // namespace p2psim::turn
