#include "models/media/topology/topology.hpp"

namespace p2psim::media {

const char* to_string(TopologyKind t) {
  switch (t) {
    case TopologyKind::kMesh: return "mesh";
    case TopologyKind::kSfu: return "sfu";
    case TopologyKind::kMcu: return "mcu";
    case TopologyKind::kHybrid: return "hybrid";
  }
  return "?";
}

const char* server_name(int s) {
  switch (s) {
    case kSfuServer: return "sfu";
    case kMcuServer: return "mcu";
    case kTurnServer: return "turn";
  }
  return "?";
}

void StreamPlan::clear() {
  flows.clear();
  streams.clear();
  for (double& c : cpu_cores) c = 0;
  client_cores.clear();
  shortfall = PlanShortfall{};
}

PacketStream sender_audio(const CallContext& ctx, std::span<const int> recency, int i) {
  const AudioProfile& a = ctx.spec.media.audio;
  if (!a.dtx || recency.empty() || recency[0] == i) return audio_stream(a);
  return audio_dtx_stream(a);
}

PeerPath CallContext::peer_path(int from, int to) const {
  const auto& p = spec.connectivity.peer;
  if (p.empty()) return PeerPath::kDirect;
  return p[static_cast<std::size_t>(from) * static_cast<std::size_t>(n()) + static_cast<std::size_t>(to)];
}

ServerPath CallContext::server_path(int i) const {
  const auto& s = spec.connectivity.server;
  return s.empty() ? ServerPath::kDirectUdp : s[static_cast<std::size_t>(i)];
}

namespace {
const ServerSpec& server_spec(const CallSpec& spec, int s) {
  return s == kSfuServer ? spec.sfu : s == kMcuServer ? spec.mcu : spec.turn;
}
// A participant whose server path goes through TURN (UDP blocked or forced relay): the
// leg crosses the TURN server between the participant's access link and the server.
void via_turn(const CallContext& ctx, ServerPath path, ServerLeg& leg) {
  if (path != ServerPath::kTurnUdp && path != ServerPath::kTurnTcp) return;
  leg.transport = path == ServerPath::kTurnUdp ? LegTransport::kTurnUdp : LegTransport::kTurnTcp;
  leg.links[leg.nlinks++] = ctx.links.in(kTurnServer);
  leg.links[leg.nlinks++] = ctx.links.out(kTurnServer);
  leg.latency += ctx.spec.turn.latency + ctx.spec.turn.processing_delay;
}
}  // namespace

ServerLeg upload_leg(const CallContext& ctx, int i, int server) {
  ServerLeg leg;
  const ServerPath path = ctx.server_path(i);
  const ServerSpec& srv = server_spec(ctx.spec, server);
  leg.latency = ctx.participants[i].latency + srv.latency;
  leg.links[leg.nlinks++] = ctx.links.up(i);
  via_turn(ctx, path, leg);
  leg.links[leg.nlinks++] = ctx.links.in(server);
  return leg;
}

ServerLeg download_leg(const CallContext& ctx, int i, int server) {
  ServerLeg leg;
  const ServerPath path = ctx.server_path(i);
  const ServerSpec& srv = server_spec(ctx.spec, server);
  leg.latency = ctx.participants[i].latency + srv.latency;
  leg.links[leg.nlinks++] = ctx.links.out(server);
  via_turn(ctx, path, leg);
  leg.links[leg.nlinks++] = ctx.links.down(i);
  return leg;
}


std::unique_ptr<Topology> make_topology(TopologyKind kind) {
  switch (kind) {
    case TopologyKind::kMesh: return make_mesh_topology();
    case TopologyKind::kSfu: return make_sfu_topology();
    case TopologyKind::kMcu: return make_mcu_topology();
    case TopologyKind::kHybrid: return make_hybrid_topology();
  }
  return make_sfu_topology();
}

}  // namespace p2psim::media
