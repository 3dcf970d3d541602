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
// A participant on ICE-TCP reaches the server directly, over TCP framing (RFC 4571).
void via_turn(const CallContext& ctx, ServerPath path, ServerLeg& leg) {
  if (path == ServerPath::kDirectTcp) leg.transport = LegTransport::kDirectTcp;
  if (path != ServerPath::kTurnUdp && path != ServerPath::kTurnTcp) return;
  leg.transport = path == ServerPath::kTurnUdp ? LegTransport::kTurnUdp : LegTransport::kTurnTcp;
  leg.links[leg.nlinks++] = ctx.links.in(kTurnServer);
  leg.links[leg.nlinks++] = ctx.links.out(kTurnServer);
  leg.latency += ctx.spec.turn.latency + ctx.spec.turn.processing_delay;
}
}  // namespace

namespace {
SimTime region_latency(const CallContext& ctx, int a, int b) {
  const std::size_t R = ctx.spec.regions.size();
  if (R == 0 || a == b) return SimTime::zero();
  return ctx.spec.region_latency[static_cast<std::size_t>(a) * R + static_cast<std::size_t>(b)];
}
// The server's link pair and the extra latency to reach it from participant i's region.
void server_links(const CallContext& ctx, int i, int server, std::uint32_t& in, std::uint32_t& out, SimTime& extra) {
  in = ctx.links.in(server);
  out = ctx.links.out(server);
  extra = SimTime::zero();
  if (server == kSfuServer && ctx.spec.sfu_cascade) {
    in = ctx.links.sfu_in(ctx.participants[i].region);
    out = ctx.links.sfu_out(ctx.participants[i].region);
  } else if (server != kTurnServer) {
    extra = region_latency(ctx, ctx.participants[i].region, 0);
  }
}
}  // namespace

SimTime peer_core_latency(const CallContext& ctx, int a, int b) {
  const int ra = ctx.participants[a].region, rb = ctx.participants[b].region;
  return ra == rb ? ctx.spec.core_latency : region_latency(ctx, ra, rb);
}

SimTime inter_sfu_latency(const CallContext& ctx, int ra, int rb) { return region_latency(ctx, ra, rb); }

ServerLeg upload_leg(const CallContext& ctx, int i, int server) {
  ServerLeg leg;
  const ServerPath path = ctx.server_path(i);
  const ServerSpec& srv = server_spec(ctx.spec, server);
  std::uint32_t in, out;
  SimTime extra;
  server_links(ctx, i, server, in, out, extra);
  leg.latency = ctx.participants[i].latency + srv.latency + extra;
  leg.links[leg.nlinks++] = ctx.links.up(i);
  via_turn(ctx, path, leg);
  leg.links[leg.nlinks++] = in;
  return leg;
}

ServerLeg download_leg(const CallContext& ctx, int i, int server) {
  ServerLeg leg;
  const ServerPath path = ctx.server_path(i);
  const ServerSpec& srv = server_spec(ctx.spec, server);
  std::uint32_t in, out;
  SimTime extra;
  server_links(ctx, i, server, in, out, extra);
  leg.latency = ctx.participants[i].latency + srv.latency + extra;
  leg.links[leg.nlinks++] = out;
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
