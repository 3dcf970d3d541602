// Architecture: one way of getting messages from senders to recipients under churn. Each
// architecture lives in its own file (pure_p2p, store_and_forward, federation,
// relay_network, dht_storage) behind this interface.
//
// The driver (experiment.hpp) calls send(m) in a simulator event at messages[m].sent; the
// architecture schedules whatever follows and reports deliveries, transfers and storage to
// the Observer. Entities' online times are given as Timelines in the World.
#pragma once

#include <cstdint>
#include <vector>

#include "models/messaging/observer.hpp"
#include "models/messaging/reachability.hpp"
#include "models/messaging/timeline.hpp"
#include "models/messaging/workload.hpp"
#include "sim/simulator.hpp"

namespace p2psim::messaging {

struct World {
  Simulator& sim;
  const std::vector<Timeline>& users;
  // Infrastructure nodes of the architecture: the home server, federation servers, relay
  // and store nodes, or DHT peers (how many: the architecture's spec).
  const std::vector<Timeline>& nodes;
  const Workload& workload;
  Observer& observer;
  SimTime hop_latency;  // one-way delay of one network leg
  std::uint64_t seed;   // for the architecture's own random choices (graphs, ids)
};

class Architecture {
 public:
  explicit Architecture(World& world) : w_(world) {}
  virtual ~Architecture() = default;
  Architecture(const Architecture&) = delete;
  Architecture& operator=(const Architecture&) = delete;

  virtual const char* name() const = 0;
  // Message m is sent now (now() == messages[m].sent; the sender is online).
  virtual void send(std::uint32_t m) = 0;
  // What a device does to stay reachable while online.
  virtual ReachabilityProfile reachability() const = 0;

 protected:
  // Reports the delivery of m to `user` at time `at` (>= now) over `hops` legs.
  void deliver_at(SimTime at, std::uint32_t m, std::uint32_t user, int hops);
  World& w_;
};

}  // namespace p2psim::messaging
