// DHT storage (IPFS-like): P peers, themselves churning, form a Kademlia DHT. The sender
// stores the message as a record on the k peers closest (XOR distance) to the message key
// among those online at that moment (libp2p kad-dht: k = 20), after an iterative lookup of
// alpha * ceil(log2 n_online) RPCs (Kademlia, Maymounkov & Mazieres 2002: alpha = 3,
// O(log n) steps). Holders keep the record until it expires (record_ttl; IPFS provider
// records live 48 h) even while offline. A recipient looks up its mailbox when it comes
// online and then every poll_interval while online, and gets the message at the first poll
// at which some holder is online and the record has not expired.
//
// Simplifications: no republishing of records by the sender; the routing cost of a lookup
// is counted as control messages, not simulated hop by hop.
#pragma once

#include <cstdint>
#include <vector>

#include "models/messaging/architecture.hpp"

namespace p2psim::messaging {

struct DhtSpec {
  int peers = 200;                           // P DHT peers (world.nodes holds P timelines)
  int replication = 20;                      // k (libp2p kad-dht)
  int alpha = 3;                             // lookup parallelism (Kademlia)
  SimTime record_ttl = SimTime::h(48);       // record lifetime (IPFS provider records)
  SimTime poll_interval = SimTime::min(1);   // mailbox lookup period while online
};

class DhtStorage final : public Architecture {
 public:
  DhtStorage(World& world, const DhtSpec& spec);
  const char* name() const override { return "dht"; }
  void send(std::uint32_t m) override;
  ReachabilityProfile reachability() const override { return heartbeat_profile(spec_.poll_interval); }

  // The peers chosen to hold message m (for tests); empty before m is sent.
  const std::vector<std::uint32_t>& holders(std::uint32_t m) const { return holders_[m]; }

 private:
  int lookup_rpcs(SimTime t) const;
  DhtSpec spec_;
  std::vector<std::uint64_t> ids_;
  std::vector<std::vector<std::uint32_t>> holders_;
};

}  // namespace p2psim::messaging
