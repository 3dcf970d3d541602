// STUN client transactions (RFC 8489 section 6.2): requests sent from one local socket,
// retransmitted over UDP, matched to responses by transaction id.
//
// The owner binds the socket and forwards every received packet to on_packet() (so one
// socket can also carry media or ICE traffic); ClientTransactions never binds.
// Timer events capture only (this, slot, generation): no allocation per retransmission.
#pragma once

#include <cstdint>
#include <vector>

#include "models/net/host.hpp"
#include "models/stun/message.hpp"
#include "sim/random.hpp"
#include "sim/simulator.hpp"
#include "sim/time.hpp"

namespace p2psim::stun {

// RFC 8489 section 6.2.1: RTO 500 ms initial (doubling), Rc = 7 sends, Rm = 16 (the wait
// after the last send is Rm * RTO): a UDP transaction times out after 39.5 s.
// Section 6.2.2: over TCP/TLS no retransmission, timeout Ti = 39.5 s.
struct RetransmitConfig {
  SimTime rto = SimTime::ms(500);   // initial retransmission timeout
  int rc = 7;                       // total sends
  int rm = 16;                      // final wait in units of the initial RTO
  SimTime ti = SimTime::ms(39500);  // reliable-transport transaction timeout
  // Total time from the first send to the timeout over UDP: RTO * (2^(rc-1) - 1 + rm).
  SimTime udp_timeout() const { return rto * ((std::int64_t{1} << (rc - 1)) - 1 + rm); }
};

class TransactionHandler {
 public:
  virtual ~TransactionHandler() = default;
  // A success or error response to the request started with `cookie`.
  virtual void on_response(const Message& response, const net::Packet& packet, std::uint64_t cookie) = 0;
  // No response after all retransmissions.
  virtual void on_timeout(const Message& request, std::uint64_t cookie) = 0;
};

class ClientTransactions {
 public:
  // Requests leave from `local_port` of `host`. `seed` seeds the transaction ids.
  ClientTransactions(net::Host& host, std::uint16_t local_port, std::uint64_t seed, RetransmitConfig cfg = {});

  net::Host& host() const { return *host_; }
  std::uint16_t local_port() const { return port_; }
  const RetransmitConfig& config() const { return cfg_; }

  // A fresh random 96-bit transaction id.
  TransactionId new_tid();
  // Sends `request` (a fresh tid is assigned unless `keep_tid`) to `server` over `t`.
  // `src_addr` picks the source address on multi-homed hosts (unspecified = primary).
  TransactionId start(Message request, net::Endpoint server, TransactionHandler* handler, std::uint64_t cookie,
                      net::Transport t = net::Transport::udp, bool keep_tid = false);
  // Feed a packet received on the socket. Returns true when it was a response to a
  // pending transaction (the handler has been called); false otherwise.
  bool on_packet(const net::Packet& p);
  // Forgets a pending transaction (no callback).
  void cancel(const TransactionId& tid);
  std::size_t pending() const { return pending_; }
  std::uint64_t requests_sent() const { return sent_; }  // including retransmissions
  std::uint64_t bytes_sent() const { return bytes_; }

 private:
  struct Slot {
    Message request;
    net::Endpoint server;
    TransactionHandler* handler = nullptr;
    std::uint64_t cookie = 0;
    net::Transport transport = net::Transport::udp;
    std::uint8_t sends = 0;
    bool live = false;
    std::uint32_t gen = 0;
  };
  void transmit(Slot& s);
  void timer(std::uint32_t slot, std::uint32_t gen);
  void arm(std::uint32_t slot, SimTime after);
  // The retransmission timer's event, with its lookahead hint (sim/simulator.hpp): far,
  // the transactions object; near, the slot (its state sits after the request).
  struct Timer {
    ClientTransactions* owner;
    std::uint32_t slot, gen;
    void operator()() const { owner->timer(slot, gen); }
    void prefetch(Lookahead stage) const noexcept { owner->prefetch_timer(slot, stage); }
  };
  void prefetch_timer(std::uint32_t slot, Lookahead stage) const noexcept;

  net::Host* host_;
  std::uint16_t port_;
  RetransmitConfig cfg_;
  Rng rng_;
  std::vector<Slot> slots_;
  std::size_t pending_ = 0;
  std::uint64_t sent_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace p2psim::stun
