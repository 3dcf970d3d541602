// Federation (Matrix-like): users live on S home servers (user u on server u mod S, so a
// room of consecutive users spans min(S, room size) servers). The origin server sends
// each event to every other server participating in the room: S-1 copies per event when
// the room spans all S. Each (origin, destination) pair has a queue; the origin sends one
// transaction at a time per destination, each of at most max_pdus events (Matrix
// server-server API: at most 50 PDUs per transaction). A transaction to a server that is
// down fails; the origin backs off (Synapse: 10 min doubling to 1 week) and retries.
// Destination servers hold events for their local users like a store-and-forward server.
//
// Simplifications (docs/models/messaging.md): a failed transaction is detected at once
// (no client timeout); Synapse's catch-up mode (send only the newest event, let the
// destination backfill) is not modelled: every event is sent once per destination.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "models/messaging/architecture.hpp"

namespace p2psim::messaging {

struct FederationSpec {
  int servers = 4;                          // S (>= 1); world.nodes must hold S timelines
  int max_pdus = 50;                        // PDUs per transaction (Matrix S2S API)
  SimTime min_retry = SimTime::min(10);     // Synapse destination_min_retry_interval
  double retry_multiplier = 2.0;            // Synapse destination_retry_multiplier
  SimTime max_retry = SimTime::h(168);      // Synapse destination_max_retry_interval
  SimTime sync_interval = SimTime::s(30);   // client long-poll, as store-and-forward
};

class Federation final : public Architecture {
 public:
  Federation(World& world, const FederationSpec& spec);
  const char* name() const override { return "federation"; }
  void send(std::uint32_t m) override;
  ReachabilityProfile reachability() const override { return heartbeat_profile(spec_.sync_interval); }

  std::uint32_t home(std::uint32_t user) const { return user % static_cast<std::uint32_t>(spec_.servers); }

 private:
  struct Queue {
    std::deque<std::uint32_t> waiting;
    std::vector<std::uint32_t> in_flight;
    bool busy = false;     // a transaction is in flight
    bool parked = false;   // waiting for a retry or for the origin to come back
    SimTime backoff = SimTime::zero();
  };
  void arrive_at_origin(std::uint32_t m);
  void arrive_at(std::uint32_t server, std::uint32_t m);
  void kick(std::uint32_t q);
  void hold(std::uint32_t server, std::uint32_t m, std::uint32_t count);
  void release(std::uint32_t server, std::uint32_t m);

  FederationSpec spec_;
  std::vector<std::vector<std::uint32_t>> servers_of_conv_;  // sorted participating servers
  std::vector<Queue> queues_;                                // origin * S + destination
  std::unordered_map<std::uint64_t, std::uint32_t> held_;    // (server, msg) -> references
};

}  // namespace p2psim::messaging
