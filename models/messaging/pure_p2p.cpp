#include "models/messaging/pure_p2p.hpp"

#include <algorithm>

namespace p2psim::messaging {

void PureP2p::send(std::uint32_t m) {
  const Message& msg = w_.workload.messages[m];
  const Timeline& sender = w_.users[msg.sender];
  const SimTime t0 = w_.sim.now(), last = t0 + spec_.give_up_after;
  for (std::uint32_t r : w_.workload.recipients(m)) {
    const Timeline& rcpt = w_.users[r];
    SimTime t = t0, interval = spec_.retry_interval;
    int failed = 0;
    while (t <= last) {
      if (sender.up(t)) {  // an offline sender cannot attempt; the schedule goes on
        if (rcpt.up(t)) {
          w_.observer.on_transfer(m, Leg::kPeerToPeer, msg.size, 1);
          deliver_at(t + w_.hop_latency, m, r, 1);
          break;
        }
        ++failed;
      }
      t += interval;
      if (spec_.backoff != 1.0)
        interval = std::min(spec_.max_interval, SimTime::from_seconds(interval.seconds() * spec_.backoff));
    }
    if (failed) w_.observer.on_control(Leg::kControl, failed);
  }
}

}  // namespace p2psim::messaging
