#include "models/signalling/signalling_server.hpp"

namespace p2psim::signalling {

SignallingServer::SignallingServer(Simulator& sim, SignallingConfig cfg) : sim_(&sim), cfg_(cfg) {}

std::uint32_t SignallingServer::attach(SignallingPeer* peer, SimTime one_way_latency) {
  peers_.push_back({peer, one_way_latency});
  return static_cast<std::uint32_t>(peers_.size() - 1);
}

SimTime SignallingServer::to_server_time(std::uint32_t from) const { return sim_->now() + peers_[from].latency; }

void SignallingServer::send(const Envelope& e) {
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
    flight_[slot] = e;
  } else {
    slot = static_cast<std::uint32_t>(flight_.size());
    flight_.push_back(e);
  }
  ++messages_;
  bytes_ += 2 * (e.bytes + cfg_.framing_bytes);
  const SimTime at = sim_->now() + peers_[e.from].latency + cfg_.processing + peers_[e.to].latency;
  sim_->schedule_at(at, [this, slot] { deliver(slot); });
}

void SignallingServer::deliver(std::uint32_t slot) {
  const Envelope e = flight_[slot];
  free_.push_back(slot);
  if (SignallingPeer* p = peers_[e.to].peer) p->on_signal(e);
}

}  // namespace p2psim::signalling
