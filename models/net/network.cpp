#include "models/net/network.hpp"

#include "models/net/ipv6_plane.hpp"

#include <boost/container_hash/hash.hpp>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

#include <algorithm>
#include <cassert>
#include <stdexcept>

namespace p2psim::net {

const char* to_string(DropReason r) {
  switch (r) {
    case DropReason::loss: return "loss";
    case DropReason::no_route: return "no-route";
    case DropReason::nat_filtered: return "nat-filtered";
    case DropReason::no_socket: return "no-socket";
  }
  return "?";
}

namespace {
constexpr std::uint32_t kDirBit = 0x80000000u;
// Private realms: 192.168.0.0/16 for hosts, 100.64.0.0/10 (RFC 6598 shared space) for
// NATs behind a carrier NAT; address number n of a realm is prefix + 2 + n, whichever kind.
constexpr std::uint32_t kHostPrefix = Ipv4::of(192, 168, 0, 0).value + 2;
constexpr std::uint32_t kNatPrefix = Ipv4::of(100, 64, 0, 0).value + 2;
constexpr std::uint32_t kMaxDirect = 1u << 22;  // address numbers with a direct slot
}

class Network::Core {
 public:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                      boost::property<boost::edge_weight_t, std::int64_t,
                                                      boost::property<boost::edge_index_t, std::uint32_t>>>;
  Graph g;
  std::vector<NodeId> vertex_node;  // core vertex -> router NodeId
};

Network::Network(Simulator& sim, std::uint64_t seed)
    : sim_(&sim), seed_(seed), rng_(Rng::stream(seed, "net")), core_(std::make_unique<Core>()) {}

Network::~Network() = default;

std::size_t Network::SpecHash::operator()(const LinkSpec& s) const noexcept {
  std::size_t h = 0;
  boost::hash_combine(h, s.latency.count_ns());
  boost::hash_combine(h, s.bandwidth_bps);
  boost::hash_combine(h, s.loss);
  boost::hash_combine(h, s.jitter.count_ns());
  return h;
}

std::uint32_t Network::intern_spec(const LinkSpec& spec) {
  // Every distinct spec once: networks use a handful of link kinds (a population's access
  // links, say, 20 latencies in 1 ms steps), and a table of one spec per link would make
  // each hop's read of its spec a cache miss.
  const auto [it, added] = spec_index_.try_emplace(spec, static_cast<std::uint32_t>(specs_.size()));
  if (added) specs_.push_back(spec);
  return it->second;
}

std::uint32_t Network::add_link_index(const LinkSpec& spec, NodeId a) {
  if (spec.loss < 0 || spec.loss >= 1) throw std::invalid_argument("link loss must be in [0, 1)");
  if (spec.bandwidth_bps < 0) throw std::invalid_argument("link bandwidth must be >= 0");
  links_.push_back(Link{intern_spec(spec), a, {SimTime::zero(), SimTime::zero()}});
  return static_cast<std::uint32_t>(links_.size() - 1);
}

NodeId Network::add_router(std::string_view name) {
  const NodeId id = static_cast<NodeId>(nodes_.size());
  const auto v = boost::add_vertex(core_->g);
  core_->vertex_node.push_back(id);
  std::string label(name);
  if (label.empty()) label = std::string("r").append(std::to_string(id));
  router_names_.push_back(std::move(label));
  nodes_.push_back(Node{NodeKind::router, kNoNode, kNoNode, id, 0, static_cast<std::uint32_t>(v), 0});
  return id;
}

void Network::add_link(NodeId a, NodeId b, const LinkSpec& spec) {
  if (kind(a) != NodeKind::router || kind(b) != NodeKind::router)
    throw std::invalid_argument("core links join routers");
  const std::uint32_t link = add_link_index(spec, a);
  boost::add_edge(nodes_[a].index, nodes_[b].index,
                  Core::Graph::edge_property_type(spec.latency.count_ns(), link), core_->g);
  paths_.clear();
}

NodeId Network::attach(NodeId parent, NodeKind k, std::uint32_t index, const LinkSpec& access) {
  if (parent >= nodes_.size() || nodes_[parent].kind == NodeKind::host)
    throw std::invalid_argument("a node attaches to a router or a NAT");
  const NodeId id = static_cast<NodeId>(nodes_.size());
  const Node& p = nodes_[parent];
  const NodeId realm = p.kind == NodeKind::router ? kNoNode : parent;
  const std::uint32_t link = add_link_index(access, id);
  nodes_.push_back(Node{k, parent, realm, p.router, link, index, links_[link].spec});
  return id;
}

Ipv4 Network::allocate_address(NodeId parent, NodeKind child) {
  if (nodes_[parent].kind == NodeKind::router) return Ipv4(next_public_++);
  // Every realm reuses the same private prefixes, as real networks do.
  NatBox& box = nats_[nodes_[parent].index];
  return Ipv4((child == NodeKind::nat ? kNatPrefix : kHostPrefix) + box.next_private++);
}

NodeId Network::add_host(NodeId parent, const LinkSpec& access, Ipv4 addr) {
  if (parent >= nodes_.size()) throw std::invalid_argument("no such parent node");
  if (addr.is_unspecified()) addr = allocate_address(parent, NodeKind::host);
  const NodeId id = attach(parent, NodeKind::host, static_cast<std::uint32_t>(hosts_.size()), access);
  hosts_.emplace_back(*this, id, addr);
  register_address(id, addr);
  return id;
}

NodeId Network::add_nat(NodeId parent, const nat::NatConfig& config, const LinkSpec& access, Ipv4 external) {
  if (parent >= nodes_.size()) throw std::invalid_argument("no such parent node");
  if (config.port_min == 0 || config.port_min > config.port_max)
    throw std::invalid_argument("NAT port pool must satisfy 1 <= port_min <= port_max");
  const nat::NatConfig* stored = nullptr;
  for (const auto& c : configs_)
    if (c == config) { stored = &c; break; }
  if (!stored) stored = &configs_.emplace_back(config);
  if (external.is_unspecified()) external = allocate_address(parent, NodeKind::nat);
  const NodeId id = attach(parent, NodeKind::nat, static_cast<std::uint32_t>(nats_.size()), access);
  NatBox& box = nats_.emplace_back(*stored, external, derive_seed(seed_, std::uint64_t{id} ^ 0x4e4154ull << 40));
  box.nat.set_observer(nat_observer_);
  register_address(id, external);
  return id;
}

NodeId Network::add_nat_chain(NodeId parent, const std::vector<nat::NatConfig>& layers, const LinkSpec& access,
                              const LinkSpec& inner) {
  NodeId at = parent;
  for (std::size_t i = layers.size(); i-- > 0;) {
    at = add_nat(at, layers[i], i + 1 == layers.size() ? access : inner);
  }
  return at;
}

Host& Network::host(NodeId n) {
  assert(kind(n) == NodeKind::host);
  return hosts_[nodes_[n].index];
}

nat::Nat& Network::nat(NodeId n) {
  assert(kind(n) == NodeKind::nat);
  return nats_[nodes_[n].index].nat;
}

const std::string& Network::router_name(NodeId n) const { return router_names_[n < nodes_.size() ? nodes_[n].index : 0]; }

Network::AddrSlot* Network::addr_slot(NodeId realm, Ipv4 addr, bool grow) {
  std::uint32_t n, allocated;
  std::vector<AddrSlot>* v;
  if (realm == kNoNode) {
    n = addr.value - kPublicBase;  // wraps for addresses below the base
    allocated = next_public_ - kPublicBase;
    v = &public_slots_;
  } else {
    if (addr.value - kHostPrefix < kMaxDirect) {
      n = addr.value - kHostPrefix;
    } else if (addr.value - kNatPrefix < kMaxDirect) {
      n = addr.value - kNatPrefix;
    } else {
      return nullptr;
    }
    NatBox& box = nats_[nodes_[realm].index];
    allocated = box.next_private;
    if (n == 0) return grow && allocated == 0 ? nullptr : &box.first;
    --n;
    --allocated;
    v = &box.rest;
  }
  if (n >= v->size()) {
    // Only numbers handed out by allocate_address get a slot; explicit addresses elsewhere
    // in the prefix stay in the hash map.
    if (!grow || n >= allocated || n >= kMaxDirect) return nullptr;
    v->resize(n + 1);
  }
  return &(*v)[n];
}

void Network::register_address(NodeId node, Ipv4 addr) {
  const NodeId realm = nodes_[node].realm;
  if (lookup(realm, addr) != kNoNode)
    throw std::invalid_argument("address " + addr.to_string() + " is already in use in its realm");
  AddrSlot* slot = addr_slot(realm, addr, true);
  if (slot && slot->node == kNoNode) {
    *slot = AddrSlot{addr.value, node};
  } else {
    addresses_.insert(realm_key(realm, addr), node);
  }
}

NodeId Network::lookup(NodeId realm, Ipv4 addr) const {
  if (const AddrSlot* slot = addr_slot(realm, addr); slot && slot->addr == addr.value && slot->node != kNoNode)
    return slot->node;
  return addresses_.find(realm_key(realm, addr), kNoNode);
}

NodeId Network::find_public(Ipv4 addr) const { return lookup(kNoNode, addr); }

void Network::set_nat_observer(nat::NatObserver* o) {
  nat_observer_ = o;
  for (auto& b : nats_) b.nat.set_observer(o);
}

const Network::CorePath& Network::core_path(NodeId ra, NodeId rb) {
  const std::uint64_t key = (std::uint64_t{ra} << 32) | rb;
  auto it = paths_.find(key);
  if (it != paths_.end()) return it->second;
  // Dijkstra from ra once; cache the paths to every router.
  auto& g = core_->g;
  const std::size_t n = boost::num_vertices(g);
  std::vector<Core::Graph::vertex_descriptor> pred(n);
  std::vector<std::int64_t> dist(n);
  const auto src = nodes_[ra].index;
  boost::dijkstra_shortest_paths(
      g, src,
      boost::predecessor_map(boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, g)))
          .distance_map(boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, g))));
  const auto index_map = boost::get(boost::edge_index, g);
  const auto weight_map = boost::get(boost::edge_weight, g);
  for (std::size_t v = 0; v < n; ++v) {
    CorePath path;
    if (v != src && pred[v] == v) {
      path.latency = SimTime::max();  // unreachable
    } else {
      path.latency = SimTime::ns(dist[v]);
      for (auto u = v; u != src; u = pred[u]) {
        // Cheapest edge between pred[u] and u (parallel edges allowed).
        std::uint32_t best = UINT32_MAX;
        std::int64_t best_w = 0;
        for (auto [e, end] = boost::out_edges(pred[u], g); e != end; ++e)
          if (boost::target(*e, g) == u && (best == UINT32_MAX || weight_map[*e] < best_w)) {
            best = index_map[*e];
            best_w = weight_map[*e];
          }
        // Direction: 0 when the link was added as (pred -> u).
        const bool forward = links_[best].a == core_->vertex_node[pred[u]];
        path.links.push_back(best | (forward ? 0u : kDirBit));
      }
      std::reverse(path.links.begin(), path.links.end());
    }
    paths_[(std::uint64_t{ra} << 32) | core_->vertex_node[v]] = std::move(path);
  }
  return paths_.at(key);
}

SimTime Network::path_latency(NodeId a, NodeId b) {
  SimTime t = SimTime::zero();
  auto climb = [&](NodeId n) {
    while (nodes_[n].kind != NodeKind::router) {
      t += specs_[nodes_[n].uplink_spec].latency;
      n = nodes_[n].parent;
    }
    return n;
  };
  const NodeId ra = climb(a), rb = climb(b);
  return t + core_path(ra, rb).latency;
}

SimTime Network::cross_link(std::uint32_t link, int dir, SimTime t, std::int64_t bytes, double& survive) {
  Link& l = links_[link];
  const LinkSpec& s = specs_[l.spec];
  if (s.bandwidth_bps > 0) {
    const SimTime start = std::max(t, l.busy_until[dir]);
    const SimTime ser = SimTime::from_seconds(static_cast<double>(bytes) * 8.0 / s.bandwidth_bps);
    l.busy_until[dir] = start + ser;
    t = start + ser;
  }
  t += s.latency;
  if (s.jitter > SimTime::zero())
    t += SimTime::ns(static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(s.jitter.count_ns()))));
  survive *= 1.0 - s.loss;
  return t;
}

SimTime Network::cross_access(const Node& n, int dir, SimTime t, std::int64_t bytes, double& survive) {
  const LinkSpec& s = specs_[n.uplink_spec];
  if (s.bandwidth_bps > 0 || s.jitter > SimTime::zero() || s.loss > 0) return cross_link(n.uplink, dir, t, bytes, survive);
  return t + s.latency;
}

void Network::transmit(const Packet& p, NodeId from, NodeId to, bool to_inside) {
  const SimTime now = sim_->now();
  SimTime t = now;
  double survive = 1.0;
  const std::int64_t bytes = p.ip_bytes();
  const Node& f = nodes_[from];
  const Node& d = nodes_[to];
  if (from == to) {
    // Loopback.
  } else if (f.realm == to && f.parent == to) {
    t = cross_access(f, 0, t, bytes, survive);  // up to the gateway
  } else if (d.realm == from && d.parent == from) {
    t = cross_access(d, 1, t, bytes, survive);  // down from the gateway
  } else {
    t = cross_access(f, 0, t, bytes, survive);
    if (f.realm == kNoNode) {
      const NodeId ra = f.kind == NodeKind::router ? from : f.parent;
      const NodeId rb = d.kind == NodeKind::router ? to : d.parent;
      if (ra != rb) {
        const CorePath& path = core_path(ra, rb);
        if (path.latency == SimTime::max()) {
          drop(p, from, DropReason::no_route);
          return;
        }
        for (std::uint32_t l : path.links) t = cross_link(l & ~kDirBit, (l & kDirBit) ? 1 : 0, t, bytes, survive);
      }
    }
    t = cross_access(d, 1, t, bytes, survive);
  }
  if (survive < 1.0 && !rng_.bernoulli(survive)) {
    if (!is_stream(p.transport)) {
      drop(p, from, DropReason::loss);
      return;
    }
    t += tcp_rto_;  // TCP retransmits: late, not lost
  }
  if (is_stream(p.transport)) {
    // In-order delivery per (src, dst, segment direction).
    std::uint64_t key = mix64(p.src.key() ^ mix64(p.dst.key() ^ (std::uint64_t{from} << 48)));
    if (key == FlatTable64<SimTime>::kEmpty) key = 0;  // the reserved key
    // A stream whose last segment on this hop has arrived (last <= now <= t) constrains
    // nothing: drop such entries once the table has doubled, so that it holds the streams
    // with segments in flight, not every stream ever opened (a table of the population's
    // size, each lookup a cache miss).
    if (tcp_last_arrival_.size() >= tcp_purge_at_) {
      tcp_last_arrival_.retain([now](std::uint64_t, SimTime last) { return last > now; });
      tcp_purge_at_ = std::max<std::size_t>(1024, 2 * tcp_last_arrival_.size());
    }
    SimTime& last = tcp_last_arrival_.get_or_insert(key, SimTime::zero());
    t = std::max(t, last);
    last = t;
  }
  if (observer_) observer_->on_hop(p, from, to, now, t);
  std::uint32_t idx;
  if (!free_flight_.empty()) {
    idx = free_flight_.back();
    free_flight_.pop_back();
  } else {
    idx = static_cast<std::uint32_t>(flight_.size());
    flight_.emplace_back();
  }
  flight_[idx] = Flight{p, from, to, to_inside};
  sim_->schedule_at(t, Arrival{this, idx, to});
}

void Network::prefetch_arrival(std::uint32_t idx, NodeId to, Lookahead stage) const noexcept {
  // One link of each chain per stage: far, the flight slot and node record; near, the host
  // or NAT box they name, and the record or address slot of the node it sends on to.
  if (stage == Lookahead::far) {
    prefetch_lines(&flight_[idx], sizeof(Flight));
    prefetch_line(&nodes_[to]);
    return;
  }
  const Node& n = nodes_[to];
  if (n.kind == NodeKind::host) {
    hosts_[n.index].prefetch();
    if (n.realm != kNoNode) prefetch_line(&nodes_[n.realm]);  // a reply goes to its NAT
  } else if (n.kind == NodeKind::nat) {
    const NatBox& box = nats_[n.index];
    prefetch_line(&box);
    box.nat.prefetch();
    // Outbound into the public realm: the destination's address slot.
    const Flight& f = flight_[idx];
    const std::uint32_t pub = f.p.dst.addr.value - kPublicBase;
    if (f.to_inside && n.realm == kNoNode && pub < public_slots_.size()) prefetch_line(&public_slots_[pub]);
  }
}

void Network::drop(const Packet& p, NodeId at, DropReason r) {
  ++packets_dropped_;
  if (observer_) observer_->on_drop(p, at, r, sim_->now());
}

void Network::send(NodeId from, const Packet& p0) {
  Packet p = p0;
  p.id = next_packet_id_++;
  ++packets_sent_;
  if (observer_) observer_->on_send(p, from, sim_->now());
  route(p, from, nodes_[from].realm);
}

void Network::route(const Packet& p, NodeId at, NodeId realm) {
  const NodeId target = lookup(realm, p.dst.addr);
  if (target != kNoNode) {
    if (target == realm) {
      // Cannot happen: a NAT's external address lives in its parent realm.
      drop(p, at, DropReason::no_route);
      return;
    }
    transmit(p, at, target, false);
    return;
  }
  if (realm != kNoNode) {
    transmit(p, at, realm, true);  // to the realm's gateway NAT
    return;
  }
  drop(p, at, DropReason::no_route);
}

void Network::arrive(std::uint32_t idx) {
  Flight fl = flight_[idx];
  free_flight_.push_back(idx);
  Packet& p = fl.p;
  const NodeId at = fl.to;
  const Node& node = nodes_[at];
  if (node.kind == NodeKind::host) {
    Host& h = hosts_[node.index];
    if (!h.owns(p.dst.addr)) {
      drop(p, at, DropReason::no_route);
      return;
    }
    if (observer_) observer_->on_deliver(p, at, sim_->now());
    if (!h.deliver(p)) drop(p, at, DropReason::no_socket);
    return;
  }
  if (node.kind != NodeKind::nat) {
    drop(p, at, DropReason::no_route);
    return;
  }
  nat::Nat& n = nats_[node.index].nat;
  const SimTime now = sim_->now();
  if (fl.to_inside) {
    if (p.dst.addr.is_ipv6()) {  // no translation: the box's IPv6 firewall (network_ipv6.cpp)
      if (!ipv6_outbound(at, p)) {
        drop(p, at, DropReason::nat_filtered);
        return;
      }
      route(p, at, node.realm);
      return;
    }
    if (p.dst.addr == n.external_address()) {
      if (!nat::is_accept(n.hairpin(p, now))) {
        drop(p, at, DropReason::nat_filtered);
        return;
      }
      const NodeId inner = lookup(at, p.dst.addr);
      if (inner == kNoNode) {
        drop(p, at, DropReason::no_route);
        return;
      }
      transmit(p, at, inner, false);
      return;
    }
    if (!nat::is_accept(n.outbound(p, now))) {
      drop(p, at, DropReason::nat_filtered);
      return;
    }
    route(p, at, node.realm);
    return;
  }
  if (p.dst.addr.is_ipv6() ? !ipv6_inbound(at, p) : !nat::is_accept(n.inbound(p, now))) {
    drop(p, at, DropReason::nat_filtered);
    return;
  }
  const NodeId inner = lookup(at, p.dst.addr);
  if (inner == kNoNode) {
    drop(p, at, DropReason::no_route);
    return;
  }
  transmit(p, at, inner, false);
}

}  // namespace p2psim::net
