// PairWorld: two hosts behind configurable NAT chains, a STUN server, an optional TURN
// server and a signalling server on one core router, running one IceSession. Used by the
// outcome matrix (`p2psim matrix`), the tests and the population study's building blocks.
//
//   host A -- lan -- [NAT layers A] -- access_a --+
//                                                 R -- server_link -- STUN, TURN, signalling
//   host B -- lan -- [NAT layers B] -- access_b --+
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "models/ice/ice_endpoint.hpp"
#include "models/ice/ice_session.hpp"
#include "models/nat/nat.hpp"
#include "models/net/network.hpp"
#include "models/signalling/signalling_server.hpp"
#include "models/stun/server.hpp"

namespace p2psim::ice {

// Owner of a relay server's lifetime.
class ServerHandle {
 public:
  virtual ~ServerHandle() = default;
};

// A factory of relay clients, so PairWorld does not depend on a particular TURN model.
class RelayFactory {
 public:
  virtual ~RelayFactory() = default;
  // Creates the TURN server on `server_host`. The caller keeps the returned owner alive
  // while the network exists and destroys it (after the clients) before the network.
  virtual std::unique_ptr<ServerHandle> install_server(net::Network& net, net::Host& server_host) = 0;
  // A relay client for an endpoint on `host`.
  virtual std::unique_ptr<RelayClient> make_client(net::Network& net, net::Host& host) = 0;
  // A fresh factory with the same configuration and none of this one's state (installed
  // server, seed counter), for another simulation, e.g. on another thread.
  virtual std::unique_ptr<RelayFactory> clone() const = 0;
};

struct PairSpec {
  std::vector<nat::NatConfig> nat_a, nat_b;  // layers, innermost first; empty = public host
  bool use_stun = true;
  RelayFactory* relay = nullptr;             // null: no TURN
  net::LinkSpec lan{SimTime::ms(1)};         // host <-> home NAT (or router when public)
  net::LinkSpec access_a{SimTime::ms(10)};   // outermost NAT <-> core router
  net::LinkSpec access_b{SimTime::ms(10)};
  net::LinkSpec inner{SimTime::ms(2)};       // between NAT layers (CGN)
  net::LinkSpec server_link{SimTime::ms(5)}; // servers <-> core router
  std::optional<net::LinkSpec> stun_link;    // STUN server <-> core router; default server_link
  SessionConfig session;
  GatherConfig gather;                       // stun_server is filled in
  signalling::SignallingConfig signalling;
  SimTime run_limit = SimTime::s(180);       // give up (failed) after this
  // Dual stack: which hosts also get an IPv6 address (Network::add_ipv6), and the
  // RFC 6092 firewall the NAT boxes apply to IPv6 (models/net/ipv6_plane.hpp).
  bool ipv6_a = false, ipv6_b = false;
  nat::Ipv6FirewallConfig ipv6_firewall;
  // B on A's LAN: behind A's innermost NAT (nat_b is ignored), e.g. for mDNS host
  // candidates (models/ice/mdns.hpp).
  bool same_lan = false;
};

class PairWorld : public SessionObserver {
 public:
  PairWorld(const PairSpec& spec, std::uint64_t seed);
  ~PairWorld() override;

  Simulator& sim() { return sim_; }
  net::Network& network() { return *net_; }
  IceSession& session() { return *session_; }
  net::Host& host_a() { return net_->host(a_); }
  net::Host& host_b() { return net_->host(b_); }
  net::NodeId nat_a() const { return nat_a_; }  // innermost NAT of A, or the router
  net::NodeId nat_b() const { return nat_b_; }
  net::Endpoint stun_server() const { return stun_ep_; }
  IceEndpoint& endpoint_a() { return *ep_a_; }
  IceEndpoint& endpoint_b() { return *ep_b_; }

  // Starts the session and runs until it is done or run_limit passes.
  SessionResult run();

  void on_session_done(IceSession&, const SessionResult&) override;

 private:
  PairSpec spec_;
  Simulator sim_;
  std::unique_ptr<net::Network> net_;
  net::NodeId router_ = 0, a_ = 0, b_ = 0, nat_a_ = 0, nat_b_ = 0, stun_ = 0, turn_ = 0, sig_node_ = 0;
  net::Endpoint stun_ep_;
  std::unique_ptr<stun::Server> stun_server_;
  std::unique_ptr<ServerHandle> turn_server_;
  std::unique_ptr<RelayClient> relay_a_, relay_b_;
  std::unique_ptr<IceEndpoint> ep_a_, ep_b_;
  std::unique_ptr<signalling::SignallingServer> sig_;
  std::unique_ptr<IceSession> session_;
  bool done_ = false;
};

}  // namespace p2psim::ice
