// SignallingServer: a public server that relays offers, answers and candidates between
// peers (the "serverless P2P still needs a server" part of WebRTC, RFC 8829 leaves the
// channel to the application).
//
// Peers hold a persistent connection (WebSocket/TLS over TCP) to the server, kept open
// through their NATs, so a message is not subject to NAT filtering: it takes the sender's
// one-way path latency to the server, the server's processing time, and the server's
// one-way latency to the recipient (the "path latency" the server adds). Messages are
// relayed in order per (sender, recipient) since both legs are FIFO TCP streams.
//
// A message carries a kind, a session tag and two 64-bit words; bulky content (the
// candidate list of an offer) stays with the sender, which the recipient reads on
// delivery, while `bytes` accounts for its wire size. Events capture only the server
// pointer and a slab index (no allocation per message in steady state).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/simulator.hpp"

namespace p2psim::signalling {

struct SignallingConfig {
  // Server processing time per relayed message. Default 1 ms (p2psim choice: an
  // in-memory lookup and a write on an open socket).
  SimTime processing = SimTime::ms(1);
  // Per-message framing overhead in bytes on each leg: WebSocket header (2-14 B, RFC 6455
  // 5.2) + TLS record (5 B header + 16 B AEAD tag, RFC 8446 5.2) ~ 30 B (p2psim estimate).
  std::int64_t framing_bytes = 30;
};

// A relayed message. `from`/`to` are peer ids returned by attach().
struct Envelope {
  std::uint32_t from = 0, to = 0;
  std::uint32_t kind = 0;     // application-defined (offer, answer, punch request, ...)
  std::uint32_t session = 0;  // application-defined session index
  std::uint64_t a = 0, b = 0; // application-defined
  std::int64_t bytes = 0;     // body size (excluding framing)
};

class SignallingPeer {
 public:
  virtual ~SignallingPeer() = default;
  virtual void on_signal(const Envelope& e) = 0;
};

class SignallingServer {
 public:
  SignallingServer(Simulator& sim, SignallingConfig cfg = {});
  SignallingServer(const SignallingServer&) = delete;
  SignallingServer& operator=(const SignallingServer&) = delete;

  // Registers a peer with its one-way latency to the server. Returns its id.
  std::uint32_t attach(SignallingPeer* peer, SimTime one_way_latency);
  void set_peer(std::uint32_t id, SignallingPeer* peer) { peers_[id].peer = peer; }
  SimTime latency(std::uint32_t id) const { return peers_[id].latency; }

  // Sends e (e.from -> server -> e.to). Delivered at now + latency(from) + processing +
  // latency(to).
  void send(const Envelope& e);
  // As send, but only the leg sender -> server (a request the server answers itself).
  // Returns the time it reaches the server.
  SimTime to_server_time(std::uint32_t from) const;

  std::uint64_t messages() const { return messages_; }
  std::int64_t bytes() const { return bytes_; }  // both legs, with framing
  std::size_t peers() const { return peers_.size(); }

 private:
  struct PeerSlot {
    SignallingPeer* peer;
    SimTime latency;
  };
  void deliver(std::uint32_t slot);

  Simulator* sim_;
  SignallingConfig cfg_;
  std::vector<PeerSlot> peers_;
  std::vector<Envelope> flight_;
  std::vector<std::uint32_t> free_;
  std::uint64_t messages_ = 0;
  std::int64_t bytes_ = 0;
};

}  // namespace p2psim::signalling
