// TurnRelayFactory: relay clients for IceEndpoint backed by the TURN model (models/turn).
// install_server() puts a turn::Server on the server host; make_client() gives each
// endpoint a RelayClient owning a turn::Client on its own socket (RFC 8445 5.1.1.2
// allows the relayed candidate's traffic to use a separate client socket).
//
// Transport: UDP to the server's port 3478 and TURN over TLS to port 443 (RFC 8656 3.1)
// in parallel (parallel_tls, default): libwebrtc's BasicPortAllocator gathers a relayed
// candidate for each configured TURN URL at once (turn:...?transport=udp and turns:...:443
// as WebRTC services configure them), so a host behind a UDP-blocking firewall has its
// relayed candidate after the TCP, TLS and two Allocate round trips instead of after the
// 39.5 s UDP transaction timeout. p2psim keeps one relayed candidate per endpoint: the
// first allocation to succeed (UDP, two round trips, wins wherever UDP works) and releases
// the other when it completes (libwebrtc would keep both, the TLS one with the lowest relay
// preference). parallel_tls off: TLS only after the UDP Allocate got no answer. For each peer address the agent sends to through the relay,
// the client installs a permission (RFC 8656 9) before the first Send indication; both
// travel in order on the same path, so the permission is in place when the data arrives.
// Channels (bind_channels): right after the first Send indication to a peer the client
// sends a ChannelBind for it (RFC 8656 11; pion/turn binds on the first write to a peer,
// libwebrtc's TurnEntry::Send on the first media payload, p2p/base/turn_port.cc); once the
// server confirms, checks and data to that peer travel as ChannelData (4-byte header
// instead of 36 bytes), and the server relays the peer's packets as ChannelData too. The
// binding is refreshed a minute before its 10-minute lifetime ends (RFC 8656 12; libwebrtc
// TURN_CHANNEL_BINDING_TIMEOUT - 60 s).
#pragma once

#include <memory>

#include "models/ice/pair_world.hpp"
#include "models/turn/client.hpp"
#include "models/turn/server.hpp"

namespace p2psim::ice {

struct TurnRelayConfig {
  turn::ServerConfig server;        // defaults of RFC 8656 (see docs/models/stun-turn.md)
  bool tls_fallback = true;         // TURN over TLS/443 at all
  bool parallel_tls = true;         // TLS allocation in parallel with UDP (else after UDP fails)
  std::uint16_t username_len = 20;  // USERNAME bytes of authenticated requests
  bool bind_channels = true;        // ChannelBind after the first Send indication to a peer
};

class TurnRelayFactory : public RelayFactory {
 public:
  explicit TurnRelayFactory(TurnRelayConfig cfg = {});
  ~TurnRelayFactory() override;
  std::unique_ptr<ServerHandle> install_server(net::Network& net, net::Host& server_host) override;
  std::unique_ptr<RelayClient> make_client(net::Network& net, net::Host& host) override;
  std::unique_ptr<RelayFactory> clone() const override { return std::make_unique<TurnRelayFactory>(cfg_); }

  // The server of the last install_server() while its owner lives, for load metrics.
  turn::Server* server() const { return server_; }

 private:
  TurnRelayConfig cfg_;
  turn::Server* server_ = nullptr;
  std::uint64_t next_seed_ = 1;
};

}  // namespace p2psim::ice
