#include "models/media/topology/topology.hpp"

#include <algorithm>

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
int turn_allocations(const CallContext& ctx) {
  const int n = ctx.n();
  const TopologyKind t = ctx.spec.topology;
  int count = 0;
  if (t == TopologyKind::kMesh || (t == TopologyKind::kHybrid && n == 2)) {
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j)
        count += ctx.peer_path(i, j) == PeerPath::kRelayed || ctx.peer_path(j, i) == PeerPath::kRelayed;
  } else {
    for (int i = 0; i < n; ++i) {
      const ServerPath p = ctx.server_path(i);
      count += p == ServerPath::kTurnUdp || p == ServerPath::kTurnTcp;
    }
  }
  return count;
}

double turn_relay_cores(const CallContext& ctx, const StreamPlan& plan) {
  const OverheadSpec& o = ctx.spec.media.overhead;
  // What TURN relays of a packet: the SRTP packet (RTP header, extensions, payload, tag),
  // without the IP, UDP/TCP and ChannelData headers of the leg.
  const int srtp = o.rtp_bytes + o.header_extension_bytes + o.srtp_tag_bytes;
  double pps = 0, bytes = 0;
  for (const PlannedFlow& f : plan.flows) {
    if (!crosses_turn(ctx, f)) continue;
    const int transport_headers = packet_overhead_bytes(o, f.transport) - srtp;
    pps += f.packets_per_s;
    bytes += std::max(0.0, f.demand_bps / 8.0 - f.packets_per_s * transport_headers);
  }
  const turn::TurnCostModel& m = ctx.spec.turn_cpu;
  const double duration = ctx.spec.duration.seconds();
  const int allocations = turn_allocations(ctx);
  const double setup = allocations > 0 && duration > 0 ? m.setup_cores(allocations / duration) : 0.0;
  return m.cores(pps, bytes) + setup;
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
