#include "models/turn/framing.hpp"

namespace p2psim::turn {

stun::Message outer_indication(const net::Packet& p) {
  stun::Message m = stun::make_indication(
      p.turn.kind == net::TurnEncap::send_indication ? stun::Method::send : stun::Method::data, {});
  m.with_peer(p.turn.peer);
  m.data_len = static_cast<std::uint16_t>(inner_size(p));
  m.set(stun::kData);
  return m;
}

}  // namespace p2psim::turn
