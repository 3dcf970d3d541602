// Observer: what an architecture reports while it runs. Metrics (metrics.hpp) and tests
// implement it; architectures never compute metrics themselves.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.hpp"

namespace p2psim::messaging {

// Which kind of network leg carried a message copy or a control message.
enum class Leg {
  kPeerToPeer,      // sender device -> recipient device
  kClientToServer,  // device -> its home server / relay / DHT peer
  kServerToServer,  // federation transaction PDU
  kServerToClient,  // home server / store node -> device
  kGossip,          // relay -> relay (gossipsub mesh forward)
  kDhtStore,        // PUT of a record on a DHT peer
  kDhtFetch,        // GET of a record from a DHT peer
  kControl,         // failed connection attempt, lookup RPC, store query
};

class Observer {
 public:
  virtual ~Observer() = default;
  // Recipient `user` has message `msg` (first or duplicate delivery) at `at`, over `hops`
  // payload-carrying network legs from the sender.
  virtual void on_delivered(std::uint32_t /*msg*/, std::uint32_t /*user*/, SimTime /*at*/, int /*hops*/) {}
  // `copies` payload copies of `msg` totalling `bytes` were sent over legs of kind `leg`.
  virtual void on_transfer(std::uint32_t /*msg*/, Leg /*leg*/, std::int64_t /*bytes*/, int /*copies*/) {}
  // `count` control messages (no payload) were sent.
  virtual void on_control(Leg /*leg*/, int /*count*/) {}
  // Node `node` (server / relay / DHT peer index) now stores `delta` more bytes.
  virtual void on_storage(std::uint32_t /*node*/, std::int64_t /*delta*/, SimTime /*at*/) {}
  // A federation transaction of `pdus` events from server `from` to `to` (ok: accepted).
  virtual void on_transaction(std::uint32_t /*from*/, std::uint32_t /*to*/, int /*pdus*/, bool /*ok*/, SimTime /*at*/) {}
  // Payload copies of `msg` between servers `from` and `to` (federation only).
  virtual void on_server_copy(std::uint32_t /*msg*/, std::uint32_t /*from*/, std::uint32_t /*to*/) {}
};

// Forwards every call to several observers.
class ObserverFanout : public Observer {
 public:
  void add(Observer& o) { list_.push_back(&o); }
  void on_delivered(std::uint32_t m, std::uint32_t u, SimTime at, int hops) override {
    for (Observer* o : list_) o->on_delivered(m, u, at, hops);
  }
  void on_transfer(std::uint32_t m, Leg leg, std::int64_t bytes, int copies) override {
    for (Observer* o : list_) o->on_transfer(m, leg, bytes, copies);
  }
  void on_control(Leg leg, int count) override {
    for (Observer* o : list_) o->on_control(leg, count);
  }
  void on_storage(std::uint32_t node, std::int64_t delta, SimTime at) override {
    for (Observer* o : list_) o->on_storage(node, delta, at);
  }
  void on_transaction(std::uint32_t f, std::uint32_t t, int pdus, bool ok, SimTime at) override {
    for (Observer* o : list_) o->on_transaction(f, t, pdus, ok, at);
  }
  void on_server_copy(std::uint32_t m, std::uint32_t f, std::uint32_t t) override {
    for (Observer* o : list_) o->on_server_copy(m, f, t);
  }

 private:
  std::vector<Observer*> list_;
};

}  // namespace p2psim::messaging
