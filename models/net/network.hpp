// Network: the packet-level topology and delivery.
//
// Two tiers, for scale (a million hosts behind NATs):
//  - the core: routers joined by links in a Boost.Graph; routes are lowest-latency paths
//    (boost::dijkstra_shortest_paths), cached per (source router, destination router);
//  - attachments: hosts, servers and NAT boxes hang off a parent (a router, or a NAT for
//    the hosts of a private network or the home NATs behind a carrier NAT) by an access
//    link. A route is: access links up to the realm's router + cached core path + access
//    links down.
//
// Addressing: each NAT creates a private realm behind it; addresses are looked up per realm.
// A packet from a host goes to a sibling in the same realm directly (LAN), else to the
// realm's NAT, which translates it (outbound) and routes it on in its own realm; a packet
// to a NAT's external address enters that NAT (inbound) and, if its filter accepts it,
// goes on to the inside host. A packet from inside to its own NAT's external address is
// hairpinned (RFC 4787 section 6) when the NAT allows it.
//
// Each hop segment (host -> NAT, NAT -> NAT, ... -> host) is one event whose callback
// captures only the network pointer and a slab index. Links model propagation latency,
// serialization delay at their bandwidth (with the link busy until the previous packet is
// sent: FIFO, reserved when the segment is sent), a loss probability and uniform jitter.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/nat/ipv6_firewall.hpp"
#include "models/nat/nat.hpp"
#include "models/net/flat_map.hpp"
#include "models/net/address.hpp"
#include "models/net/block_deque.hpp"
#include "models/net/host.hpp"
#include "models/net/packet.hpp"
#include "sim/random.hpp"
#include "sim/simulator.hpp"

namespace p2psim::net {

inline constexpr NodeId kNoNode = UINT32_MAX;
class Ipv6Plane;

enum class NodeKind : std::uint8_t { router, host, nat };

// One link (both directions alike).
struct LinkSpec {
  SimTime latency = SimTime::ms(1);  // one-way propagation delay
  double bandwidth_bps = 0;          // bit/s; 0 = unlimited (no serialization delay)
  double loss = 0;                   // drop probability per packet, [0, 1)
  SimTime jitter = SimTime::zero();  // extra delay uniform in [0, jitter) per packet
  bool operator==(const LinkSpec&) const = default;
};

enum class DropReason : std::uint8_t {
  loss,          // random link loss
  no_route,      // destination address unknown in the realm
  nat_filtered,  // a NAT dropped it (see NatObserver for the rule)
  no_socket,     // no socket bound at the destination port
};
const char* to_string(DropReason r);

// Observer of packet movements (pcap writer, traces, byte counters).
class NetObserver {
 public:
  virtual ~NetObserver() = default;
  // A host handed a packet to the network.
  virtual void on_send(const Packet&, NodeId /*from*/, SimTime) {}
  // A segment: the packet (as it is on that segment, i.e. after any translation) leaves
  // node `from` at `sent` and reaches node `to` at `arrive`.
  virtual void on_hop(const Packet&, NodeId /*from*/, NodeId /*to*/, SimTime /*sent*/, SimTime /*arrive*/) {}
  // A host's socket received the packet.
  virtual void on_deliver(const Packet&, NodeId /*host*/, SimTime) {}
  virtual void on_drop(const Packet&, NodeId /*at*/, DropReason, SimTime) {}
};

class Network {
 public:
  Network(Simulator& sim, std::uint64_t seed);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  Simulator& sim() const { return *sim_; }

  // --- topology
  // A core router.
  NodeId add_router(std::string_view name = {});
  // A bidirectional core link between two routers.
  void add_link(NodeId a, NodeId b, const LinkSpec& spec);
  // A host (or server) attached to `parent` (a router: public address; a NAT: private
  // address in that NAT's realm) by an access link. An unspecified `addr` is allocated
  // (public: from 20.0.0.0 upward; behind a NAT: from its private prefix).
  NodeId add_host(NodeId parent, const LinkSpec& access, Ipv4 addr = {});
  // A NAT box attached to `parent` (a router, or another NAT for CGN chains). The config
  // is copied into the network (equal configs are stored once).
  NodeId add_nat(NodeId parent, const nat::NatConfig& config, const LinkSpec& access, Ipv4 external = {});
  // Attaches a chain of NAT layers (outermost = last) under `parent`; returns the
  // innermost NAT, or `parent` when `layers` is empty. `access` is the outermost NAT's
  // uplink; inner layers use `inner`.
  NodeId add_nat_chain(NodeId parent, const std::vector<nat::NatConfig>& layers, const LinkSpec& access,
                       const LinkSpec& inner);

  // Room for `more` further nodes (and their access links) without reallocating: a
  // population that adds millions of nodes saves the copies of doubling and their fresh
  // memory. Capacity is virtual memory until used.
  void reserve_nodes(std::size_t more) {
    nodes_.reserve(nodes_.size() + more);
    links_.reserve(links_.size() + more);
  }

  NodeKind kind(NodeId n) const { return nodes_[n].kind; }
  NodeId parent(NodeId n) const { return nodes_[n].parent; }
  std::size_t node_count() const { return nodes_.size(); }
  Host& host(NodeId n);
  nat::Nat& nat(NodeId n);
  const std::string& router_name(NodeId n) const;
  // The node owning `addr` in the public realm (routers excluded), or kNoNode.
  NodeId find_public(Ipv4 addr) const;

  // --- delivery
  // Called by Host::send. `p.src` must be an address of host `from`.
  void send(NodeId from, const Packet& p);
  // One-way latency (propagation only) between two nodes' attachment points along the
  // route a packet would take, ignoring NATs' processing (zero). For tests and estimates.
  SimTime path_latency(NodeId a, NodeId b);
  // Registers an extra address of a host (Host::add_address).
  void register_address(NodeId host, Ipv4 addr);

  // --- IPv6 (dual stack; models/net/ipv6_plane.hpp, network_ipv6.cpp)
  // Gives host `host` a global IPv6 address (on its LAN's /64) reachable from every
  // realm, and returns it. NAT boxes on its paths act as RFC 6092 firewalls for it.
  Ipv4 add_ipv6(NodeId host);
  // The firewall rules of every NAT box on IPv6 paths. Call before traffic.
  void set_ipv6_firewall(const nat::Ipv6FirewallConfig& cfg);

  void set_observer(NetObserver* o) { observer_ = o; }
  // Sets the observer of every NAT (existing and future).
  void set_nat_observer(nat::NatObserver* o);

  // Retransmission timeout applied when a TCP segment is lost (it arrives this late
  // instead of being dropped). Default 1 s: RFC 6298 section 2 initial RTO.
  void set_tcp_rto(SimTime rto) { tcp_rto_ = rto; }

  std::uint64_t packets_sent() const { return packets_sent_; }
  std::uint64_t packets_dropped() const { return packets_dropped_; }
  std::size_t in_flight() const { return flight_.size() - free_flight_.size(); }

 private:
  struct Node {
    NodeKind kind;
    NodeId parent;       // attachment parent (kNoNode for routers)
    NodeId realm;        // NAT whose inside this node is in; kNoNode = public
    NodeId router;       // core router of this node's realm chain (routers: itself)
    std::uint32_t uplink;  // link index of the access link (routers: unused)
    std::uint32_t index;   // into hosts_ / nats_ / router names
    std::uint32_t uplink_spec;  // the access link's spec (a copy: links_ is only read for queueing)
  };
  struct Link {
    std::uint32_t spec;          // index into specs_
    NodeId a;                    // the endpoint direction 0 leaves from (child, or first router)
    SimTime busy_until[2];       // per direction: 0 = a->b (up), 1 = b->a (down)
  };
  // Address -> node, without hashing for allocated addresses: address number n of a realm
  // (public: 20.0.0.1 + n; private: prefix + 2 + n) has one slot; other addresses go to
  // the hash map. A lookup then touches memory near the realm, not a random hash slot.
  struct AddrSlot {
    std::uint32_t addr = 0;
    NodeId node = kNoNode;
  };
  // The NAT and its realm's addresses in one place (one cache miss per NAT traversal).
  // The realm's address slots first: they sit next to the NAT's hot fields (nat.hpp).
  struct NatBox {
    NatBox(const nat::NatConfig& c, Ipv4 external, std::uint64_t seed) : nat(c, external, seed) {}
    std::uint32_t next_private = 0;  // next address number in the private realm
    AddrSlot first;                  // address number 0 (a home NAT's only host)
    std::vector<AddrSlot> rest;      // numbers 1, 2, ...
    nat::Nat nat;
  };
  struct Flight {
    Packet p;
    NodeId from;
    NodeId to;
    bool to_inside;  // arriving at a NAT from its inside (outbound direction)
  };
  struct CorePath {
    SimTime latency;
    std::vector<std::uint32_t> links;  // link indices, with direction bit in the top bit
  };
  class Core;  // Boost.Graph wrapper

  std::uint32_t add_link_index(const LinkSpec& spec, NodeId a);
  std::uint32_t intern_spec(const LinkSpec& spec);
  NodeId attach(NodeId parent, NodeKind kind, std::uint32_t index, const LinkSpec& access);
  Ipv4 allocate_address(NodeId parent, NodeKind child);
  NodeId lookup(NodeId realm, Ipv4 addr) const;
  // The direct slot for `addr` in `realm`, or null when the address has none. `grow`
  // makes room for it.
  AddrSlot* addr_slot(NodeId realm, Ipv4 addr, bool grow);
  const AddrSlot* addr_slot(NodeId realm, Ipv4 addr) const {
    return const_cast<Network*>(this)->addr_slot(realm, addr, false);
  }
  static std::uint64_t realm_key(NodeId realm, Ipv4 addr) {
    return (std::uint64_t{realm} << 32) | addr.value;
  }
  const CorePath& core_path(NodeId ra, NodeId rb);
  // Moves `p` from node `from` to node `to` (same realm, or `to` is `from`'s gateway or
  // a child of it): computes arrival time over the links and schedules the arrival.
  void transmit(const Packet& p, NodeId from, NodeId to, bool to_inside);
  // Forwards `p` sitting at `at` (a host sending, or a NAT after translation) inside realm `realm`.
  void route(const Packet& p, NodeId at, NodeId realm);
  void arrive(std::uint32_t flight_index);
  // The arrival event of flight `idx` at node `to`, with its lookahead hint
  // (sim/simulator.hpp): far, the flight slot and the node record; near, the host or NAT
  // box it reaches and the next node's record or address slot. Hints only read.
  struct Arrival {
    Network* net;
    std::uint32_t idx;
    NodeId to;
    void operator()() const { net->arrive(idx); }
    void prefetch(Lookahead stage) const noexcept { net->prefetch_arrival(idx, to, stage); }
  };
  void prefetch_arrival(std::uint32_t idx, NodeId to, Lookahead stage) const noexcept;
  void drop(const Packet& p, NodeId at, DropReason r);
  Ipv6Plane& ipv6_plane();
  // An IPv6 packet crossing NAT box `nat_node` outwards (forwarded: true) / inwards.
  bool ipv6_outbound(NodeId nat_node, const Packet& p);
  bool ipv6_inbound(NodeId nat_node, const Packet& p);
  SimTime cross_link(std::uint32_t link, int dir, SimTime t, std::int64_t bytes, double& survive);
  // cross_link over node `n`'s access link.
  SimTime cross_access(const Node& n, int dir, SimTime t, std::int64_t bytes, double& survive);

  Simulator* sim_;
  std::uint64_t seed_;
  Rng rng_;
  NetObserver* observer_ = nullptr;
  nat::NatObserver* nat_observer_ = nullptr;
  std::vector<Node> nodes_;
  std::vector<Link> links_;
  std::vector<LinkSpec> specs_;
  struct SpecHash {
    std::size_t operator()(const LinkSpec& s) const noexcept;
  };
  std::unordered_map<LinkSpec, std::uint32_t, SpecHash> spec_index_;  // spec -> index into specs_
  BlockDeque<Host> hosts_;
  BlockDeque<NatBox> nats_;
  std::deque<nat::NatConfig> configs_;
  std::vector<std::string> router_names_;
  std::unique_ptr<Core> core_;
  FlatMap64 addresses_;  // realm_key -> node, for addresses without a direct slot
  std::vector<AddrSlot> public_slots_;
  std::unordered_map<std::uint64_t, CorePath> paths_;
  FlatTable64<SimTime> tcp_last_arrival_;  // in-order stream delivery
  std::size_t tcp_purge_at_ = 1024;        // size at which arrived streams are dropped
  std::vector<Flight> flight_;
  std::vector<std::uint32_t> free_flight_;
  static constexpr std::uint32_t kPublicBase = Ipv4::of(20, 0, 0, 1).value;
  std::uint32_t next_public_ = kPublicBase;
  std::uint64_t next_packet_id_ = 1;
  std::uint64_t packets_sent_ = 0;
  std::uint64_t packets_dropped_ = 0;
  SimTime tcp_rto_ = SimTime::s(1);
  std::unique_ptr<Ipv6Plane> v6_;  // created by the first IPv6 use
};

}  // namespace p2psim::net
