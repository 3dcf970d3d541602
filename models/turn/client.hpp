// A TURN client on a host (RFC 8656): Allocate (with the 401 long-term-credential round
// trip), automatic Refresh, CreatePermission and ChannelBind with their refreshes, and
// sending to peers through Send indications or ChannelData. Over UDP, TCP or TLS (for
// TCP/TLS the client first opens the connection to the server).
//
// The client owns its local socket (binds it) and reports to a ClientListener.
// Refresh margins: allocations and channels are refreshed 60 s before they expire and
// permissions every 240 s (RFC 8656 sections 8, 9 and 12 recommend refreshing before
// expiry; 1 minute is what common clients such as libwebrtc use).
#pragma once

#include <cstdint>
#include <vector>

#include "models/net/host.hpp"
#include "models/stun/client.hpp"

namespace p2psim::turn {

struct ClientConfig {
  net::Endpoint server;                          // TURN server (udp/tcp port, or the TLS port)
  net::Transport transport = net::Transport::udp;
  std::uint32_t lifetime_s = 0;                  // LIFETIME to ask for; 0 = server default
  bool auto_refresh = true;                      // refresh allocation, permissions, channels
  SimTime refresh_margin = SimTime::s(60);       // refresh this long before expiry
  SimTime permission_refresh = SimTime::s(240);  // permission refresh period (lifetime 300 s)
  std::uint16_t username_len = 20;               // USERNAME length for MESSAGE-INTEGRITY requests
  stun::RetransmitConfig retransmit;
};

class ClientListener {
 public:
  virtual ~ClientListener() = default;
  // Allocation succeeded: the relayed address and the client's server-reflexive address.
  virtual void on_allocated(net::Endpoint /*relayed*/, net::Endpoint /*mapped*/) {}
  // Allocation failed: the error code, or 0 on timeout / connection failure.
  virtual void on_allocate_failed(std::uint16_t /*error_code*/) {}
  // The allocation is gone (refresh failed, released, or expired without refresh).
  virtual void on_allocation_lost() {}
  virtual void on_permission(net::Ipv4 /*peer*/, bool /*ok*/) {}
  virtual void on_channel(net::Endpoint /*peer*/, std::uint16_t /*channel*/, bool /*ok*/) {}
  // Data relayed from `peer` (unwrapped from a Data indication or ChannelData).
  virtual void on_data(net::Endpoint /*peer*/, const net::Packet& /*inner*/) {}
};

class Client : public net::PacketSink, private stun::TransactionHandler {
 public:
  // Binds `local_port` (0 = ephemeral) for cfg.transport on `host`.
  Client(net::Host& host, std::uint16_t local_port, ClientConfig cfg, ClientListener* listener, std::uint64_t seed);
  ~Client() override;

  void allocate();
  // Permission for a peer address (installed on the server; refreshed while allocated).
  void create_permission(net::Ipv4 peer);
  // Binds the next free channel number to `peer` (implies a permission).
  void bind_channel(net::Endpoint peer);
  // Sends `payload` of `size` bytes to `peer` through the relay: ChannelData when a channel
  // is bound to the peer, else a Send indication.
  void send(net::Endpoint peer, const net::Payload& payload, std::uint32_t size);
  // Deletes the allocation (Refresh with LIFETIME 0).
  void release();
  // Stops refreshing (for tests of expiry): the allocation lapses after its lifetime.
  void stop_refreshing() { cfg_.auto_refresh = false; }

  bool allocated() const { return allocated_; }
  net::Endpoint relayed() const { return relayed_; }
  net::Endpoint mapped() const { return mapped_; }
  std::uint16_t local_port() const { return port_; }
  std::uint16_t channel_for(net::Endpoint peer) const;
  std::uint64_t control_bytes_sent() const { return tx_.bytes_sent(); }
  std::uint64_t wire_bytes_sent() const { return wire_sent_; }

  void on_packet(net::Host& host, const net::Packet& p, std::uint64_t cookie) override;
  void on_connected(net::Host& host, std::uint16_t port, net::Endpoint remote, std::uint64_t cookie) override;
  void on_connect_failed(net::Host& host, std::uint16_t port, net::Endpoint remote, std::uint64_t cookie) override;

 private:
  enum Kind : std::uint64_t { kAllocate = 1, kRefresh, kPermission, kChannel };
  struct Perm {
    net::Ipv4 peer;
    bool confirmed = false;
  };
  struct Chan {
    std::uint16_t number;
    net::Endpoint peer;
    bool confirmed = false;
  };
  void on_response(const stun::Message& r, const net::Packet& p, std::uint64_t cookie) override;
  void on_timeout(const stun::Message& req, std::uint64_t cookie) override;
  stun::Message authed(stun::Method m) const;
  void send_allocate(bool with_auth);
  void send_permission(std::size_t index);
  void send_channel(std::size_t index);
  void schedule(SimTime after, std::uint32_t what);
  void timer(std::uint32_t what, std::uint32_t gen);

  net::Host* host_;
  std::uint16_t port_;
  ClientConfig cfg_;
  ClientListener* listener_;
  stun::ClientTransactions tx_;
  bool allocated_ = false, connected_ = false, allocating_ = false;
  bool authed_ = false;
  net::Endpoint relayed_, mapped_;
  std::uint32_t lifetime_s_ = 0;
  std::uint32_t gen_ = 0;  // bumps when the allocation ends, cancelling its timers
  std::vector<Perm> perms_;
  std::vector<Chan> chans_;
  std::uint16_t next_channel_ = 0x4000;
  std::uint64_t wire_sent_ = 0;
};

}  // namespace p2psim::turn
