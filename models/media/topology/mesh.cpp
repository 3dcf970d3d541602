// Mesh: every participant sends its audio and its full-quality video directly to every
// other participant (one encoding per peer connection, no simulcast: libwebrtc uses
// simulcast only towards servers). Per-participant uplink = (N-1) x stream wire rate.
#include "models/media/topology/topology.hpp"

namespace p2psim::media {

void plan_mesh(const CallContext& ctx, StreamPlan& out) {
  const CallSpec& spec = ctx.spec;
  const MediaProfile& m = spec.media;
  const int n = ctx.n();
  const PacketStream audio = audio_stream(m.audio);
  const PacketStream video = m.video.enabled ? video_stream(m.video, m.video.top().bitrate_bps) : PacketStream{};
  const std::size_t pairs = static_cast<std::size_t>(n) * static_cast<std::size_t>(n - 1);
  const std::size_t kinds = (m.audio.enabled ? 1 : 0) + (m.video.enabled ? 1 : 0);
  out.flows.reserve(out.flows.size() + pairs * kinds);
  out.streams.reserve(out.streams.size() + pairs * kinds);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      const PeerPath path = ctx.peer_path(i, j);
      ServerLeg leg;
      leg.links[leg.nlinks++] = ctx.links.up(i);
      const SimTime edges = ctx.participants[i].latency + ctx.participants[j].latency;
      if (path == PeerPath::kRelayed) {
        // Both peers use the relay: ChannelData on both access legs, one TURN hop.
        leg.transport = LegTransport::kTurnUdp;
        leg.links[leg.nlinks++] = ctx.links.in(kTurnServer);
        leg.links[leg.nlinks++] = ctx.links.out(kTurnServer);
        leg.latency = edges + spec.turn.latency * 2 + spec.turn.processing_delay;
      } else {
        leg.latency = edges + spec.core_latency;
      }
      leg.links[leg.nlinks++] = ctx.links.down(j);
      const bool failed = path == PeerPath::kFailed;
      auto add = [&](MediaKind kind, const PacketStream& s) {
        EndToEndStream e;
        e.sender = i;
        e.receiver = j;
        e.kind = kind;
        e.nominal_payload_bps = s.payload_bps;
        e.latency = leg.latency;
        e.failed = failed;
        if (!failed) {
          const double w = wire_bps(s, m.overhead, leg.transport);
          e.payload_bps = s.payload_bps;
          e.legs[0] = add_flow(out, leg, w, w, s.packets_per_s, i, j);
        }
        out.streams.push_back(e);
      };
      if (m.audio.enabled) add(MediaKind::kAudio, audio);
      if (m.video.enabled) add(MediaKind::kVideo, video);
    }
  }
}

namespace {
class Mesh final : public Topology {
 public:
  TopologyKind kind() const override { return TopologyKind::kMesh; }
  void plan(const CallContext& ctx, std::span<const int>, StreamPlan& out) const override { plan_mesh(ctx, out); }
};
}  // namespace

std::unique_ptr<Topology> make_mesh_topology() { return std::make_unique<Mesh>(); }

}  // namespace p2psim::media
