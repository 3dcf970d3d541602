// A TURN server (RFC 8656) on a host: allocations with relayed transport addresses,
// permissions, channels, Send/Data indications and ChannelData, over UDP, TCP or TLS
// between client and server (UDP towards peers), with capacity limits and per-allocation
// relay accounting.
//
// Long-term credentials are modelled by their cost: an unauthenticated Allocate gets
// 401 with REALM and NONCE, and the client repeats it with USERNAME, REALM, NONCE and
// MESSAGE-INTEGRITY (RFC 8656 section 7.2, RFC 8489 section 9.2); no cryptography.
// Lifetimes expire on timers (one pending event per allocation, re-armed on refresh).
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "models/net/flat_map.hpp"
#include "models/net/host.hpp"
#include "models/stun/message.hpp"
#include "sim/time.hpp"

namespace p2psim::turn {

struct ServerConfig {
  std::uint16_t port = 3478;       // UDP and TCP listening port (RFC 8656 section 3.1)
  std::uint16_t tls_port = 443;    // TLS listening port; RFC 8656 default 5349, 443 passes firewalls; 0 = none
  bool tcp = true;                 // listen on TCP `port` too
  SimTime default_lifetime = SimTime::s(600);     // RFC 8656 section 7.2 (10 min)
  SimTime max_lifetime = SimTime::s(3600);        // RFC 8656 section 7.2 (1 h)
  SimTime permission_lifetime = SimTime::s(300);  // RFC 8656 section 9 (5 min)
  SimTime channel_lifetime = SimTime::s(600);     // RFC 8656 section 12 (10 min)
  std::uint16_t relay_port_min = 49152;           // RFC 8656 section 7.2 relay range
  std::uint16_t relay_port_max = 65535;
  // Extra relay addresses (each adds relay_port_max - relay_port_min + 1 ports); the
  // host's primary address is always used first. (coturn: one `relay-ip` line per address.)
  std::vector<net::Ipv4> relay_addresses;
  std::uint32_t max_allocations = 0;             // server total; 0 = ports only. Beyond: 508
  std::uint32_t max_allocations_per_client = 0;  // per client IP address; 0 = unlimited. Beyond: 486
  double capacity_bps = 0;        // relay capacity for admission; 0 = unlimited
  double allocation_bps = 0;      // bandwidth reserved per allocation for admission (508 when full)
  double max_allocation_bps = 0;  // per-allocation policing rate (token bucket, 1 s burst); 0 = none
  bool require_auth = true;       // 401 challenge before the first Allocate (long-term credentials)
};

// Observer of allocation lifecycle and relay traffic (metrics).
class ServerObserver {
 public:
  virtual ~ServerObserver() = default;
  virtual void on_allocation_created(std::uint32_t /*id*/, net::Endpoint /*client*/, net::Endpoint /*relay*/, SimTime) {}
  // `expired` false: released by the client (Refresh with lifetime 0).
  virtual void on_allocation_ended(std::uint32_t /*id*/, bool /*expired*/, SimTime) {}
  virtual void on_rejected(std::uint16_t /*error_code*/, net::Endpoint /*client*/, SimTime) {}
  // Bytes relayed for allocation `id`: toward the peer (from the client) or toward the client.
  virtual void on_relayed(std::uint32_t /*id*/, bool /*to_peer*/, std::uint32_t /*bytes*/, SimTime) {}
  // A packet from a peer without permission was dropped.
  virtual void on_permission_drop(std::uint32_t /*id*/, net::Endpoint /*peer*/, SimTime) {}
};

// `count` extra relay addresses for a ServerConfig, from the block 30.0.0.0/8 (clear of the
// network's public plan, which starts at 20.0.0.1): 30.0.0.0, 30.0.0.1, ... Precondition:
// count <= 2^24.
std::vector<net::Ipv4> extra_relay_addresses(std::size_t count);

struct AllocationStats {
  std::uint64_t bytes_to_peer = 0, bytes_to_client = 0;      // inner payload bytes relayed
  std::uint64_t wire_to_client = 0, wire_from_client = 0;     // client-side bytes incl. framing
  std::uint64_t packets_to_peer = 0, packets_to_client = 0;
  std::uint64_t dropped_no_permission = 0, dropped_policed = 0;
};

class Server : public net::PacketSink {
 public:
  Server(net::Host& host, ServerConfig cfg = {});
  ~Server() override;

  net::Endpoint udp_endpoint() const { return {host_->address(), cfg_.port}; }
  net::Endpoint tls_endpoint() const { return {host_->address(), cfg_.tls_port}; }
  const ServerConfig& config() const { return cfg_; }
  void set_observer(ServerObserver* o) { observer_ = o; }

  std::size_t active_allocations() const { return active_; }
  std::size_t peak_allocations() const { return peak_; }
  std::uint64_t allocations_created() const { return created_; }
  std::uint64_t rejected(std::uint16_t code) const;
  // Totals over all allocations, past and present.
  const AllocationStats& totals() const { return totals_; }
  // Per-allocation counters (ids are those reported to the observer).
  const AllocationStats& stats(std::uint32_t id) const { return allocs_[id].stats; }
  bool is_active(std::uint32_t id) const { return id < allocs_.size() && allocs_[id].live; }

  void on_packet(net::Host& host, const net::Packet& p, std::uint64_t cookie) override;

 private:
  struct Permission {
    net::Ipv4 peer;
    SimTime expires;
  };
  struct Channel {
    std::uint16_t number;
    net::Endpoint peer;
    SimTime expires;
  };
  struct Allocation {
    bool live = false;
    std::uint32_t gen = 0;
    net::Endpoint client;      // client transport address as seen by the server
    net::Endpoint server;      // server address:port the client talks to
    net::Transport transport = net::Transport::udp;
    net::Endpoint relay;
    SimTime expires;
    stun::TransactionId tid;   // of the Allocate that created it (retransmission detection)
    std::vector<Permission> perms;
    std::vector<Channel> channels;
    AllocationStats stats;
    double tokens = 0;         // policing bucket, bytes
    SimTime tokens_at;
  };
  static constexpr std::uint64_t kListener = ~std::uint64_t{0};

  static std::uint64_t five_tuple(net::Endpoint client, net::Transport t) {
    return (client.key() << 2) | static_cast<std::uint64_t>(t);
  }
  void handle_client(const net::Packet& p);
  void handle_peer(std::uint32_t id, const net::Packet& p);
  void reply(const net::Packet& req, const stun::Message& m);
  void reject(const net::Packet& req, const stun::Message& m, std::uint16_t code);
  void allocate(const net::Packet& p, const stun::Message& m);
  void refresh(std::uint32_t id, const net::Packet& p, const stun::Message& m);
  void create_permission(std::uint32_t id, const net::Packet& p, const stun::Message& m);
  void channel_bind(std::uint32_t id, const net::Packet& p, const stun::Message& m);
  void relay_to_peer(std::uint32_t id, net::Endpoint peer, const net::Packet& p);
  bool permitted(Allocation& a, net::Ipv4 peer, SimTime now) const;
  bool police(Allocation& a, std::uint32_t bytes, SimTime now);
  SimTime granted_lifetime(const stun::Message& m) const;
  void arm_expiry(std::uint32_t id);
  void expiry_timer(std::uint32_t id, std::uint32_t gen);
  void release(std::uint32_t id, bool expired);
  bool take_relay(net::Endpoint& out, std::uint32_t id);

  net::Host* host_;
  ServerConfig cfg_;
  ServerObserver* observer_ = nullptr;
  std::vector<Allocation> allocs_;
  std::vector<std::uint32_t> free_;
  // Open-addressing tables (one array, no node per allocation): the server of a large
  // population holds hundreds of thousands of allocations.
  net::FlatTable64<std::uint32_t> by_tuple_;       // five_tuple -> allocation id
  net::FlatTable64<std::uint32_t> per_client_ip_;  // client address -> allocations
  std::vector<net::Ipv4> relay_ips_;
  std::vector<std::uint16_t> free_ports_;  // per relay address, a rotating cursor
  std::vector<std::uint32_t> used_ports_;  // count per relay address
  std::size_t active_ = 0, peak_ = 0;
  std::uint64_t created_ = 0;
  std::unordered_map<std::uint16_t, std::uint64_t> rejected_;
  AllocationStats totals_;
};

}  // namespace p2psim::turn
