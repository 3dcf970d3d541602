// Paths of the packet-mode call's transports: relayed through TURN, failed, or direct
// (from CallSpec::connectivity, the flow model's connectivity outcome), and how a packet
// crosses a relay between links. Docs: docs/models/media-packet.md "Relayed and failed paths".
#include <algorithm>

#include "models/media/packet/call_driver.hpp"

namespace p2psim::media::packet::detail {

// Paths from the connectivity the flow model uses (CallSpec::connectivity, filled from
// the connectivity section or simulated ICE): a relayed mesh pair crosses the TURN server
// (2 x turn.latency + turn.processing_delay instead of core_latency, as the flow model's
// mesh leg; never shorter than the direct path), with ChannelData on the wire (RFC 8656
// s12.4); a participant reaching the SFU/MCU through TURN adds turn.latency +
// processing_delay on its upload and download (the flow model's via_turn), over UDP or
// TCP; ICE-TCP adds TCP and RFC 4571 framing. TCP is modelled by its overhead only (its
// own retransmission and head-of-line blocking are not simulated).
void CallDriver::configure_paths() {
  const CallSpec& c = spec_.call;
  for (Hop& hop : hops_) hop.overhead = overhead_;
  auto set = [&](Hop& hop, LegTransport t, SimTime delay) {
    hop.overhead = packet_overhead_bytes(c.media.overhead, t);
    hop.relay_delay = delay;
    hop.relayed = t == LegTransport::kTurnUdp || t == LegTransport::kTurnTcp;
  };
  if (mesh()) {
    if (c.connectivity.peer.empty()) return;
    const SimTime relayed = std::max(SimTime::zero(), c.turn.latency * 2 + c.turn.processing_delay - c.core_latency);
    for (int i = 0; i < n_; ++i)
      for (int j = 0; j < n_; ++j) {
        if (i == j) continue;
        Hop& hop = hops_[static_cast<std::size_t>(mesh_hop(i, j))];
        const PeerPath p = c.connectivity.peer[static_cast<std::size_t>(i) * n_ + j];
        if (p == PeerPath::kRelayed) set(hop, LegTransport::kTurnUdp, relayed);
        hop.failed = p == PeerPath::kFailed;
      }
    return;
  }
  if (c.connectivity.server.empty()) return;
  const SimTime relay = c.turn.latency + c.turn.processing_delay;
  for (int i = 0; i < n_; ++i) {
    const ServerPath p = c.connectivity.server[static_cast<std::size_t>(i)];
    for (Hop* hop : {&hops_[static_cast<std::size_t>(up_hop(i))], &hops_[static_cast<std::size_t>(down_hop(i))]}) {
      if (p == ServerPath::kTurnUdp) set(*hop, LegTransport::kTurnUdp, relay);
      if (p == ServerPath::kTurnTcp) set(*hop, LegTransport::kTurnTcp, relay);
      if (p == ServerPath::kDirectTcp) set(*hop, LegTransport::kDirectTcp, SimTime::zero());
      hop->failed = p == ServerPath::kFailed;
    }
  }
}

void CallDriver::relay_down(std::uint32_t token) {
  const Pkt& p = pool_[token];
  if (!hops_[static_cast<std::size_t>(p.hop)].relayed) return;
  const PacketEvent e = event(p);
  emit([&](PacketCallObserver& o) { o.on_relayed(e, sim_.now()); });
}

void CallDriver::after_uplink(std::uint32_t token) {
  Pkt& p = pool_[token];
  if (!mesh() && ingress_) {
    send_after(SimTime::zero(), token, *ingress_);
  } else if (mesh()) {
    send_after(SimTime::zero(), token, *links_[2 * p.dst + 1]);
  } else {
    receive_at(p.hop, token);
  }
}

void CallDriver::send_after(SimTime delay, std::uint32_t token, net::QueuedLink& link) {
  if (delay > SimTime::zero()) {
    sim_.schedule_after(delay, [this, token, &link] { send_after(SimTime::zero(), token, link); });
    return;
  }
  Pkt& p = pool_[token];
  if (!link.send(token, p.wire)) {
    count_loss(p);
    release(token);
  }
}

}  // namespace p2psim::media::packet::detail
