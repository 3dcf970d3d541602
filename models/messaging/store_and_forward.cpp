#include "models/messaging/store_and_forward.hpp"

namespace p2psim::messaging {

StoreAndForward::StoreAndForward(World& world, const StoreAndForwardSpec& spec)
    : Architecture(world), spec_(spec), pending_(world.workload.messages.size(), 0) {}

void StoreAndForward::send(std::uint32_t m) {
  const Timeline& server = w_.nodes[0];
  const SimTime up = next_common_up(w_.users[w_.workload.messages[m].sender], server, w_.sim.now());
  if (up == kNever) return;
  w_.sim.schedule_at(up + w_.hop_latency, [this, m] { arrive(m); });
}

void StoreAndForward::arrive(std::uint32_t m) {
  const Message& msg = w_.workload.messages[m];
  w_.observer.on_transfer(m, Leg::kClientToServer, msg.size, 1);
  w_.observer.on_storage(0, msg.size, w_.sim.now());
  const auto rcpts = w_.workload.recipients(m);
  pending_[m] = static_cast<std::uint32_t>(rcpts.size());
  for (std::uint32_t r : rcpts) {
    const SimTime t = next_common_up(w_.users[r], w_.nodes[0], w_.sim.now());
    if (t == kNever) continue;  // stays stored: the recipient never syncs again
    w_.sim.schedule_at(t, [this, m, r] { handed(m, r); });
  }
}

void StoreAndForward::handed(std::uint32_t m, std::uint32_t user) {
  const Message& msg = w_.workload.messages[m];
  w_.observer.on_transfer(m, Leg::kServerToClient, msg.size, 1);
  deliver_at(w_.sim.now() + w_.hop_latency, m, user, 2);
  if (--pending_[m] == 0) w_.observer.on_storage(0, -msg.size, w_.sim.now());
}

}  // namespace p2psim::messaging
