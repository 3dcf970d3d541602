#include "models/messaging/dht_storage.hpp"

#include <algorithm>

#include "sim/random.hpp"

namespace p2psim::messaging {

DhtStorage::DhtStorage(World& world, const DhtSpec& spec)
    : Architecture(world), spec_(spec), holders_(world.workload.messages.size()) {
  Rng rng = Rng::stream(world.seed, "messaging/dht-ids");
  for (int i = 0; i < spec.peers; ++i) ids_.push_back(rng.next_u64());
}

int DhtStorage::lookup_rpcs(SimTime t) const {
  int online = 0;
  for (const Timeline& tl : w_.nodes) online += tl.up(t) ? 1 : 0;
  int steps = 0;
  while ((1 << steps) < std::max(online, 1)) ++steps;  // ceil(log2 n)
  return spec_.alpha * std::max(steps, 1);
}

void DhtStorage::send(std::uint32_t m) {
  const Message& msg = w_.workload.messages[m];
  const SimTime now = w_.sim.now();
  const std::uint64_t key = mix64(derive_seed(w_.seed, std::uint64_t{m}));
  std::vector<std::pair<std::uint64_t, std::uint32_t>> online;
  for (std::uint32_t p = 0; p < ids_.size(); ++p)
    if (w_.nodes[p].up(now)) online.push_back({ids_[p] ^ key, p});
  if (online.empty()) return;  // no DHT peer online: the put fails
  const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(spec_.replication), online.size());
  std::partial_sort(online.begin(), online.begin() + static_cast<std::ptrdiff_t>(k), online.end());
  auto& hold = holders_[m];
  for (std::size_t i = 0; i < k; ++i) hold.push_back(online[i].second);

  w_.observer.on_control(Leg::kControl, lookup_rpcs(now));
  w_.observer.on_transfer(m, Leg::kDhtStore, msg.size * static_cast<std::int64_t>(k), static_cast<int>(k));
  const SimTime stored = now + w_.hop_latency;
  for (std::uint32_t p : hold) {
    w_.observer.on_storage(p, msg.size, now);
    w_.sim.schedule_after(spec_.record_ttl, [this, m, p] {
      w_.observer.on_storage(p, -w_.workload.messages[m].size, w_.sim.now());
    });
  }
  const SimTime expiry = now + spec_.record_ttl;
  auto any_holder = [&](SimTime x) {
    SimTime best = kNever;
    for (std::uint32_t p : hold) best = std::min(best, w_.nodes[p].next_up(x));
    return best < expiry ? best : kNever;
  };
  for (std::uint32_t r : w_.workload.recipients(m)) {
    const SimTime q = next_poll_hit(w_.users[r], spec_.poll_interval, any_holder, stored);
    if (q == kNever) continue;
    w_.observer.on_control(Leg::kControl, lookup_rpcs(q));
    w_.observer.on_transfer(m, Leg::kDhtFetch, msg.size, 1);
    deliver_at(q + w_.hop_latency, m, r, 2);
  }
}

}  // namespace p2psim::messaging
