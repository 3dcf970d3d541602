// Relay network with store nodes (Waku/XMTP-like). R relay nodes form a gossipsub mesh in
// which every node keeps at least D = 6 mesh peers (libp2p gossipsub spec: D = 6, D_high
// = 12). Devices are light clients: a sender pushes the message to an online relay; the
// message floods the mesh of online relays, each relay forwarding it to every online mesh
// peer except the one it came from. Recipients online at that moment receive it from their
// relay (hops: 1 + mesh distance + 1). The first `store_nodes` relays also store what they
// see for `retention` (nwaku default 2 days); a recipient that missed the live message
// queries the store when it comes online and then every query_interval while online, and
// gets it if a store node holding it is up and the message has not expired.
//
// Simplifications: the mesh is fixed (offline relays are skipped, not replaced); a device
// attaches to the first online relay in its own random preference order.
#pragma once

#include <cstdint>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "models/messaging/architecture.hpp"

namespace p2psim::messaging {

struct RelaySpec {
  int relays = 30;                            // R relay nodes (world.nodes holds R timelines)
  int degree = 6;                             // gossipsub D (mesh peers per node)
  int degree_high = 12;                       // gossipsub D_high (no node exceeds it)
  int store_nodes = 3;                        // relays 0..store_nodes-1 also store
  SimTime retention = SimTime::h(48);         // nwaku --store-message-retention-policy time:172800
  SimTime query_interval = SimTime::min(1);   // store re-query period while online
  SimTime keepalive = SimTime::s(30);         // light-client connection keepalive
};

class RelayNetwork final : public Architecture {
 public:
  RelayNetwork(World& world, const RelaySpec& spec);
  const char* name() const override { return "relay"; }
  void send(std::uint32_t m) override;
  ReachabilityProfile reachability() const override { return heartbeat_profile(spec_.keepalive); }

  // Mesh adjacency (for tests): neighbours of relay v.
  const std::vector<std::uint32_t>& mesh_peers(std::uint32_t v) const { return adj_[v]; }

 private:
  void publish(std::uint32_t m);
  std::int64_t first_up_relay(std::uint32_t user, SimTime t) const;  // -1 if none
  SimTime next_any_relay_up(SimTime t) const;

  RelaySpec spec_;
  std::vector<std::vector<std::uint32_t>> adj_;
  boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS> graph_;  // the mesh
  std::vector<std::uint32_t> start_;  // per user: first relay in its preference order
};

}  // namespace p2psim::messaging
