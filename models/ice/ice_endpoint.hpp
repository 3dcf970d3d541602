// IceEndpoint: the host side of an ICE agent on the packet network. It owns one UDP socket
// on a net::Host, gathers candidates (RFC 8445 5.1.1) and carries the agent's STUN
// messages:
// - host candidate: the socket's address and port (5.1.1.1);
// - server-reflexive: a STUN Binding request to the STUN server from the same socket
//   (5.1.1.2, RFC 8489 7.2.1 retransmission: RTO 500 ms doubling, Rc = 7, Rm = 16);
// - relayed: a TURN allocation through a RelayClient sharing the socket (5.1.1.2,
//   RFC 8656), when one is configured.
// Gathering ends when every transaction has completed or timed out; the endpoint then
// calls GatherObserver::on_gathered. Whether the relayed candidate is gathered is the
// caller's RelayGather choice (IceSession's relay policy): always (RFC 8445 5.1.1.2), only
// when STUN yields no server-reflexive candidate, or never; gather() may be called again
// to add a relay to a finished gathering (relay fallback before an ICE restart).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "models/ice/ice_agent.hpp"
#include "models/net/host.hpp"

namespace p2psim::ice {

class IceEndpoint;

// A TURN client sharing the endpoint's socket (an adapter over the TURN model).
class RelayClient {
 public:
  virtual ~RelayClient() = default;
  // Starts an allocation from the endpoint's socket; when done, calls
  // endpoint.on_relay_allocated(relayed address or nullopt).
  virtual void allocate(IceEndpoint& endpoint) = 0;
  // Sends `m` to `peer` through the allocation (installing permissions/channels as needed).
  virtual void send(IceEndpoint& endpoint, net::Endpoint peer, const stun::Message& m) = 0;
  // Offers a packet that arrived on the socket. Returns true if it was TURN traffic
  // (consumed); data from a peer is passed to endpoint.on_relayed_stun().
  virtual bool on_packet(IceEndpoint& endpoint, const net::Packet& p) = 0;
};

class GatherObserver {
 public:
  virtual ~GatherObserver() = default;
  virtual void on_gathered(IceEndpoint&) = 0;
  // A server-reflexive or relayed candidate was just learned (for trickle ICE).
  virtual void on_candidate(IceEndpoint&) {}
};

// When gather() allocates the relayed candidate (if the endpoint has a RelayClient).
enum class RelayGather : std::uint8_t {
  kAlways,     // in parallel with STUN (RFC 8445 5.1.1.2; vanilla ICE)
  kIfNoSrflx,  // after STUN, only if it gave no server-reflexive address (timed out, error,
               // or no STUN server): such a host cannot be reached without a relay
  kNever,      // host and server-reflexive only
};

struct GatherConfig {
  std::optional<net::Endpoint> stun_server;  // none: no server-reflexive candidate
  SimTime stun_rto = SimTime::ms(500);        // RFC 8489 6.2.1
  int stun_max_sends = 7;                     // Rc, RFC 8489 6.2.1
  int stun_rm = 16;                           // Rm, RFC 8489 6.2.1
  // Dual stack: a host with an IPv6 address (net::Network::add_ipv6) also offers an IPv6
  // host candidate on the same socket (dual_stack.hpp). Off: IPv4 only.
  bool ipv6 = true;
};

class IceEndpoint : public net::PacketSink, public AgentIo {
 public:
  // Binds an ephemeral UDP port on `host`. `relay` may be null (no relayed candidate).
  IceEndpoint(net::Host& host, const GatherConfig& cfg, RelayClient* relay, std::uint64_t tid_seed);
  ~IceEndpoint() override;
  IceEndpoint(const IceEndpoint&) = delete;
  IceEndpoint& operator=(const IceEndpoint&) = delete;

  net::Host& host() const { return *host_; }
  std::uint16_t port() const { return port_; }
  net::Endpoint local() const { return {host_->address(), port_}; }

  void set_agent(IceAgent* a) { agent_ = a; }
  IceAgent* agent() const { return agent_; }

  // Starts gathering, or extends an earlier one; `obs` is told when nothing is pending
  // (synchronously if nothing is). The STUN transaction runs once per endpoint (a later
  // call reuses its result, or waits for it if still pending); a relay is allocated per
  // `relay` unless one exists or is being allocated.
  void gather(GatherObserver* obs, RelayGather relay = RelayGather::kAlways);
  bool gathered() const { return gathered_; }
  const std::optional<net::Endpoint>& srflx() const { return srflx_; }
  const std::optional<net::Endpoint>& relayed() const { return relayed_; }
  // A relay client is configured and no relayed candidate was obtained yet.
  bool can_allocate() const { return relay_ && !relayed_; }
  // TURN allocations started by gather(), failed ones included (a TLS retry after an
  // unanswered UDP Allocate is part of the same allocation).
  std::uint32_t relay_attempts() const { return relay_attempts_; }
  // Hands the gathered candidates to the agent (with its IPv6 host endpoint and link).
  void give_candidates(IceAgent& agent) const;
  // The host's IPv6 endpoint on this socket, unspecified when it has none (or cfg.ipv6 is
  // off); its link for mDNS (innermost NAT node + 1, 0 for a public host).
  net::Endpoint local6() const;
  std::uint32_t link() const;
  // Trickle: adds to the agent the candidates learned since (the agent skips known ones).
  void trickle_to(IceAgent& agent) const;

  // From the RelayClient.
  void on_relay_allocated(std::optional<net::Endpoint> relayed);
  void on_relayed_stun(const stun::Message& m, net::Endpoint peer);

  // AgentIo
  void send_direct(IceAgent& agent, net::Endpoint to, const stun::Message& m) override;
  void send_relayed(IceAgent& agent, net::Endpoint to, const stun::Message& m) override;
  // PacketSink
  void on_packet(net::Host& host, const net::Packet& p, std::uint64_t cookie) override;

  // Room for a relay client made for this endpoint alone, owned by it (the population's
  // lazy relays create a host's TURN client on its first allocation and keep it here, so
  // that finding it costs no lookup in a population-sized table). The endpoint itself
  // talks only to the RelayClient it was constructed with.
  std::unique_ptr<RelayClient>& own_relay() { return own_relay_; }

  // Gathering traffic (STUN Binding requests sent by this endpoint).
  std::uint64_t gather_packets() const { return gather_packets_; }
  std::uint64_t gather_bytes() const { return gather_bytes_; }

 private:
  void stun_timer(std::uint32_t gen);
  void send_binding();
  void maybe_done();
  void start_relay();

  net::Host* host_;
  const GatherConfig* cfg_;
  RelayClient* relay_;
  IceAgent* agent_ = nullptr;
  GatherObserver* gather_obs_ = nullptr;
  std::uint16_t port_ = 0;
  stun::TransactionId stun_tid_;
  int stun_sends_ = 0;
  std::uint32_t stun_gen_ = 0;
  bool stun_pending_ = false;
  bool stun_started_ = false;
  bool relay_pending_ = false;
  bool relay_if_no_srflx_ = false;  // allocate when STUN ends without a srflx address
  std::uint32_t relay_attempts_ = 0;
  bool gathered_ = false;
  std::optional<net::Endpoint> srflx_, relayed_;
  std::uint64_t gather_packets_ = 0, gather_bytes_ = 0;
  std::unique_ptr<RelayClient> own_relay_;
};

}  // namespace p2psim::ice
