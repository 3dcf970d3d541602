#include "models/messaging/architecture.hpp"

namespace p2psim::messaging {

void Architecture::deliver_at(SimTime at, std::uint32_t m, std::uint32_t user, int hops) {
  // user in the low 24 bits, hops in the high 8: the event captures 16 bytes.
  const std::uint32_t packed = (user & 0xFFFFFFu) | (static_cast<std::uint32_t>(hops & 0xFF) << 24);
  w_.sim.schedule_at(at, [this, m, packed] {
    w_.observer.on_delivered(m, packed & 0xFFFFFFu, w_.sim.now(), static_cast<int>(packed >> 24));
  });
}

}  // namespace p2psim::messaging
