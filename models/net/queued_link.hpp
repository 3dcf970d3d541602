// QueuedLink: one direction of a bottleneck link with a drop-tail FIFO queue, for
// packet-level media (group calls in packet mode, RMCAT test cases).
//
// A packet handed to send() waits behind the bytes already queued, is serialised at the
// link's capacity (which may follow a piecewise-constant schedule or trace: exact
// integration across rate changes), then propagates for `propagation` plus a jitter
// draw uniform in [0, jitter), and is handed to the sink. Jitter never reorders packets
// (a packet arrives no earlier than the one before it), as on one path.
// Drop-tail: a packet is refused when the bytes waiting would exceed queue_bytes, or
// when it would wait longer than queue_time (either limit 0 = none). Random loss (see
// loss_model.hpp) strikes after serialisation: a lost packet used the capacity.
// One simulator event per delivered packet; no event for queueing.
//
// Observers see every accepted packet with its queueing delay, and every drop.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "models/net/loss_model.hpp"
#include "sim/random.hpp"
#include "sim/simulator.hpp"

namespace p2psim::net {

// From time t on, the link runs at bps (until the next step).
struct CapacityStep {
  SimTime t;
  double bps = 0;
};

struct QueuedLinkSpec {
  double capacity_bps = 0;              // bit/s; 0 = unlimited (no serialisation, no queue)
  std::vector<CapacityStep> schedule;   // if non-empty, replaces capacity_bps; first step at t = 0,
                                        // times increasing, the last rate > 0
  SimTime propagation = SimTime::ms(10);
  std::int64_t queue_bytes = 0;         // drop-tail limit in bytes (0 = none)
  SimTime queue_time = SimTime::zero(); // drop-tail limit in queueing delay (0 = none)
  LossSpec loss;
  SimTime jitter = SimTime::zero();     // extra delay uniform in [0, jitter)
};

enum class LinkDrop : std::uint8_t { kQueueFull, kRandomLoss };

// Receives the packets a link delivers. `token` is the caller's handle of the packet.
class LinkSink {
 public:
  virtual ~LinkSink() = default;
  virtual void on_link_arrival(std::uint32_t link, std::uint32_t token) = 0;
  // The packet was lost at random on the link (after serialisation); it will not arrive.
  virtual void on_link_loss(std::uint32_t /*link*/, std::uint32_t /*token*/) {}
};

class LinkObserver {
 public:
  virtual ~LinkObserver() = default;
  // Accepted into the queue at `t`; it waits `queue_delay` before serialisation starts.
  virtual void on_enqueue(std::uint32_t /*link*/, std::int64_t /*bytes*/, SimTime /*queue_delay*/, SimTime /*t*/) {}
  virtual void on_drop(std::uint32_t /*link*/, std::int64_t /*bytes*/, LinkDrop, SimTime /*t*/) {}
};

class QueuedLink {
 public:
  // Preconditions: spec valid as documented above; sim and sink outlive the link.
  QueuedLink(Simulator& sim, const QueuedLinkSpec& spec, Rng rng, std::uint32_t id, LinkSink* sink);
  QueuedLink(const QueuedLink&) = delete;
  QueuedLink& operator=(const QueuedLink&) = delete;

  // Offers a packet of `bytes` (on the wire) now. Returns false if the queue refused it
  // (a random loss still returns true: the sender cannot tell).
  bool send(std::uint32_t token, std::int64_t bytes);

  // Queueing delay a packet offered now would see.
  SimTime queue_delay() const;
  // Bytes accepted and not yet fully serialised.
  std::int64_t backlog_bytes();
  // Capacity at time t (bit/s; +inf when unlimited).
  double capacity_at(SimTime t) const;
  const QueuedLinkSpec& spec() const { return spec_; }
  std::uint32_t id() const { return id_; }
  void add_observer(LinkObserver* o) { observers_.push_back(o); }

  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t dropped_queue() const { return dropped_queue_; }
  std::uint64_t dropped_loss() const { return dropped_loss_; }

 private:
  struct InQueue {
    SimTime finish;
    std::int64_t bytes;
  };
  // Time serialisation of `bytes` started at `start` ends.
  SimTime finish_time(SimTime start, std::int64_t bytes);
  void arrive(std::uint32_t token);

  Simulator* sim_;
  QueuedLinkSpec spec_;
  Rng rng_;
  LossProcess loss_;
  std::uint32_t id_;
  LinkSink* sink_;
  std::vector<LinkObserver*> observers_;
  bool unlimited_;
  std::size_t step_ = 0;                  // schedule cursor (serialisation starts never go back)
  SimTime busy_until_;                    // end of the last accepted packet's serialisation
  SimTime last_arrival_;
  std::deque<InQueue> queue_;
  std::int64_t queued_bytes_ = 0;
  std::uint64_t delivered_ = 0, dropped_queue_ = 0, dropped_loss_ = 0;
};

}  // namespace p2psim::net
