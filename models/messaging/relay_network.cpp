#include "models/messaging/relay_network.hpp"

#include <algorithm>
#include <string>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/visitors.hpp>

#include "sim/random.hpp"

namespace p2psim::messaging {

namespace {
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

struct OnlineAt {
  const std::vector<Timeline>* nodes = nullptr;
  SimTime t;
  bool operator()(Graph::vertex_descriptor v) const { return (*nodes)[v].up(t); }
};
}  // namespace

RelayNetwork::RelayNetwork(World& world, const RelaySpec& spec)
    : Architecture(world), spec_(spec), adj_(static_cast<std::size_t>(spec.relays)) {
  // Random mesh: each node, in turn, adds random peers until it has D of them, never
  // taking a peer that already has D_high.
  Rng rng = Rng::stream(world.seed, "messaging/relay-mesh");
  const auto n = static_cast<std::uint32_t>(spec.relays);
  for (std::uint32_t v = 0; v < n; ++v) {
    while (adj_[v].size() < static_cast<std::size_t>(spec.degree)) {
      std::vector<std::uint32_t> cand;
      for (std::uint32_t u = 0; u < n; ++u)
        if (u != v && adj_[u].size() < static_cast<std::size_t>(spec.degree_high) &&
            std::find(adj_[v].begin(), adj_[v].end(), u) == adj_[v].end())
          cand.push_back(u);
      if (cand.empty()) break;
      const std::uint32_t u = cand[rng.below(cand.size())];
      adj_[v].push_back(u);
      adj_[u].push_back(v);
    }
  }
  graph_ = Graph(adj_.size());
  for (std::uint32_t v = 0; v < n; ++v)
    for (std::uint32_t u : adj_[v])
      if (u > v) boost::add_edge(v, u, graph_);
  Rng urng = Rng::stream(world.seed, "messaging/relay-attach");
  for (std::size_t u = 0; u < world.users.size(); ++u) start_.push_back(static_cast<std::uint32_t>(urng.below(n)));
}

std::int64_t RelayNetwork::first_up_relay(std::uint32_t user, SimTime t) const {
  const auto n = static_cast<std::uint32_t>(spec_.relays);
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t v = (start_[user] + i) % n;
    if (w_.nodes[v].up(t)) return v;
  }
  return -1;
}

SimTime RelayNetwork::next_any_relay_up(SimTime t) const {
  SimTime best = kNever;
  for (const Timeline& tl : w_.nodes) best = std::min(best, tl.next_up(t));
  return best;
}

void RelayNetwork::send(std::uint32_t m) {
  const std::uint32_t sender = w_.workload.messages[m].sender;
  const SimTime up = next_common_up(w_.users[sender], [this](SimTime x) { return next_any_relay_up(x); }, w_.sim.now());
  if (up == kNever) return;
  w_.sim.schedule_at(up + w_.hop_latency, [this, m] { publish(m); });
}

void RelayNetwork::publish(std::uint32_t m) {
  const Message& msg = w_.workload.messages[m];
  const SimTime now = w_.sim.now();
  const std::int64_t entry = first_up_relay(msg.sender, now);
  if (entry < 0) return;  // the relay went down during the push: lost (rare)
  w_.observer.on_transfer(m, Leg::kClientToServer, msg.size, 1);

  // Flood over the online part of the mesh: hop distance from the entry relay.
  OnlineAt pred{&w_.nodes, now};
  boost::filtered_graph<Graph, boost::keep_all, OnlineAt> online(graph_, boost::keep_all(), pred);
  constexpr int kUnreached = -1;
  std::vector<int> dist(adj_.size(), kUnreached);
  dist[static_cast<std::size_t>(entry)] = 0;
  boost::breadth_first_search(
      online, static_cast<Graph::vertex_descriptor>(entry),
      boost::visitor(boost::make_bfs_visitor(boost::record_distances(dist.data(), boost::on_tree_edge()))));

  // Gossip copies: every reached relay forwards to each online mesh peer except the one
  // it received the message from (the entry relay forwards to all of its online peers).
  int copies = 0;
  for (std::uint32_t v = 0; v < adj_.size(); ++v) {
    if (dist[v] == kUnreached) continue;
    int up_peers = 0;
    for (std::uint32_t u : adj_[v]) up_peers += w_.nodes[u].up(now) ? 1 : 0;
    copies += v == static_cast<std::uint32_t>(entry) ? up_peers : up_peers - 1;
  }
  if (copies > 0) w_.observer.on_transfer(m, Leg::kGossip, msg.size * copies, copies);

  std::vector<std::uint32_t> holders;
  for (std::uint32_t s = 0; s < static_cast<std::uint32_t>(spec_.store_nodes); ++s) {
    if (dist[s] == kUnreached) continue;
    holders.push_back(s);
    w_.observer.on_storage(s, msg.size, now);
    w_.sim.schedule_after(spec_.retention, [this, m, s] {
      w_.observer.on_storage(s, -w_.workload.messages[m].size, w_.sim.now());
    });
  }
  const SimTime expiry = now + spec_.retention;

  for (std::uint32_t r : w_.workload.recipients(m)) {
    if (w_.users[r].up(now)) {
      const std::int64_t via = first_up_relay(r, now);
      if (via >= 0 && dist[static_cast<std::size_t>(via)] != kUnreached) {
        w_.observer.on_transfer(m, Leg::kServerToClient, msg.size, 1);
        const int d = dist[static_cast<std::size_t>(via)];
        deliver_at(now + w_.hop_latency * (d + 1), m, r, d + 2);
        continue;
      }
    }
    if (holders.empty()) continue;
    auto any_holder = [&](SimTime x) {
      SimTime best = kNever;
      for (std::uint32_t s : holders) best = std::min(best, w_.nodes[s].next_up(x));
      return best < expiry ? best : kNever;
    };
    const SimTime q = next_poll_hit(w_.users[r], spec_.query_interval, any_holder, now);
    if (q == kNever) continue;
    std::uint32_t from = holders[0];
    for (std::uint32_t s : holders)
      if (w_.nodes[s].up(q)) { from = s; break; }
    w_.observer.on_control(Leg::kControl, 1);
    w_.observer.on_transfer(m, Leg::kServerToClient, msg.size, 1);
    deliver_at(q + w_.hop_latency, m, r, dist[from] + 2);
  }
}

}  // namespace p2psim::messaging
