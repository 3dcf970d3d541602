#include "models/messaging/federation.hpp"

#include <algorithm>

namespace p2psim::messaging {

Federation::Federation(World& world, const FederationSpec& spec)
    : Architecture(world), spec_(spec), queues_(static_cast<std::size_t>(spec.servers) * spec.servers) {
  for (const auto& members : world.workload.conversations) {
    std::vector<std::uint32_t> s;
    for (std::uint32_t u : members) s.push_back(home(u));
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
    servers_of_conv_.push_back(std::move(s));
  }
}

void Federation::hold(std::uint32_t server, std::uint32_t m, std::uint32_t count) {
  if (count == 0) return;
  held_[(std::uint64_t{server} << 32) | m] = count;
  w_.observer.on_storage(server, w_.workload.messages[m].size, w_.sim.now());
}

void Federation::release(std::uint32_t server, std::uint32_t m) {
  auto it = held_.find((std::uint64_t{server} << 32) | m);
  if (--it->second == 0) {
    held_.erase(it);
    w_.observer.on_storage(server, -w_.workload.messages[m].size, w_.sim.now());
  }
}

void Federation::send(std::uint32_t m) {
  const std::uint32_t sender = w_.workload.messages[m].sender;
  const SimTime up = next_common_up(w_.users[sender], w_.nodes[home(sender)], w_.sim.now());
  if (up == kNever) return;
  w_.sim.schedule_at(up + w_.hop_latency, [this, m] { arrive_at_origin(m); });
}

void Federation::arrive_at_origin(std::uint32_t m) {
  const Message& msg = w_.workload.messages[m];
  const std::uint32_t origin = home(msg.sender);
  w_.observer.on_transfer(m, Leg::kClientToServer, msg.size, 1);
  const auto& servers = servers_of_conv_[msg.conversation];
  std::uint32_t refs = 0;
  for (std::uint32_t d : servers) {
    if (d == origin) continue;
    ++refs;
    queues_[origin * spec_.servers + d].waiting.push_back(m);
  }
  for (std::uint32_t r : w_.workload.recipients(m))
    if (home(r) == origin) ++refs;
  hold(origin, m, refs);
  arrive_at(origin, m);  // local recipients
  for (std::uint32_t d : servers)
    if (d != origin) kick(origin * spec_.servers + d);
}

// The event is on `server`: hand it to that server's local recipients as they sync.
void Federation::arrive_at(std::uint32_t server, std::uint32_t m) {
  const Message& msg = w_.workload.messages[m];
  const bool remote = server != home(msg.sender);
  std::uint32_t local = 0;
  for (std::uint32_t r : w_.workload.recipients(m)) {
    if (home(r) != server) continue;
    ++local;
    const SimTime t = next_common_up(w_.users[r], w_.nodes[server], w_.sim.now());
    if (t == kNever) continue;
    w_.sim.schedule_at(t, [this, m, r] {
      const std::uint32_t s = home(r);
      w_.observer.on_transfer(m, Leg::kServerToClient, w_.workload.messages[m].size, 1);
      deliver_at(w_.sim.now() + w_.hop_latency, m, r, s == home(w_.workload.messages[m].sender) ? 2 : 3);
      release(s, m);
    });
  }
  if (remote) hold(server, m, local);
}

void Federation::kick(std::uint32_t q) {
  Queue& queue = queues_[q];
  if (queue.busy || queue.parked || queue.waiting.empty()) return;
  const std::uint32_t origin = q / spec_.servers, dest = q % spec_.servers;
  const SimTime now = w_.sim.now();
  if (!w_.nodes[origin].up(now)) {  // resumes when the origin is back
    const SimTime back = w_.nodes[origin].next_up(now);
    if (back == kNever) return;
    queue.parked = true;
    w_.sim.schedule_at(back, [this, q] { queues_[q].parked = false; kick(q); });
    return;
  }
  const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(spec_.max_pdus), queue.waiting.size());
  const bool ok = w_.nodes[dest].up(now);
  w_.observer.on_transaction(origin, dest, static_cast<int>(n), ok, now);
  if (!ok) {
    w_.observer.on_control(Leg::kControl, 1);
    if (w_.nodes[dest].next_up(now) == kNever) return;  // gone for good: stop retrying
    queue.backoff = queue.backoff == SimTime::zero()
                        ? spec_.min_retry
                        : std::min(spec_.max_retry, SimTime::from_seconds(queue.backoff.seconds() * spec_.retry_multiplier));
    queue.parked = true;
    w_.sim.schedule_after(queue.backoff, [this, q] { queues_[q].parked = false; kick(q); });
    return;
  }
  queue.backoff = SimTime::zero();
  queue.busy = true;
  queue.in_flight.assign(queue.waiting.begin(), queue.waiting.begin() + static_cast<std::ptrdiff_t>(n));
  queue.waiting.erase(queue.waiting.begin(), queue.waiting.begin() + static_cast<std::ptrdiff_t>(n));
  for (std::uint32_t m : queue.in_flight) {
    w_.observer.on_transfer(m, Leg::kServerToServer, w_.workload.messages[m].size, 1);
    w_.observer.on_server_copy(m, origin, dest);
    release(origin, m);
    w_.sim.schedule_after(w_.hop_latency, [this, m, dest] { arrive_at(dest, m); });
  }
  // The next transaction to this destination starts when this one is acknowledged.
  w_.sim.schedule_after(w_.hop_latency * 2, [this, q] {
    queues_[q].busy = false;
    queues_[q].in_flight.clear();
    kick(q);
  });
}

}  // namespace p2psim::messaging
