// Mesh: every participant sends its audio and its full-quality video directly to every
// other participant (one encoding per peer connection, no simulcast: libwebrtc uses
// simulcast only towards servers). Per-participant uplink = (N-1) x stream wire rate.
// Video goes only to peers whose layout shows the sender (a gallery capped at K tiles
// shows the K-1 most recent speakers) and only from senders whose camera is on.
// Client CPU: one video and one audio encode per peer it sends to, one decode per
// stream it receives, all at the top layer (codec_cost.hpp).
#include "models/media/topology/topology.hpp"

#include <algorithm>

namespace p2psim::media {

void plan_mesh(const CallContext& ctx, std::span<const int> recency, StreamPlan& out) {
  const CallSpec& spec = ctx.spec;
  const MediaProfile& m = spec.media;
  const CodecCostModel& codec = spec.codec;
  const int n = ctx.n();
  const bool has_video = m.video.enabled && !m.video.layers.empty();
  const PacketStream video = has_video ? video_stream(m.video, m.video.top().bitrate_bps) : PacketStream{};
  const int top_h = has_video ? m.video.top().height : 0;
  const std::size_t pairs = static_cast<std::size_t>(n) * static_cast<std::size_t>(n - 1);
  const std::size_t kinds = (m.audio.enabled ? 1 : 0) + (has_video ? 1 : 0);
  out.flows.reserve(out.flows.size() + pairs * kinds);
  out.streams.reserve(out.streams.size() + pairs * kinds);
  out.client_cores.assign(static_cast<std::size_t>(n), 0.0);

  // shows[j * n + i]: receiver j's layout shows sender i's video.
  std::vector<char> shows(has_video ? static_cast<std::size_t>(n) * n : 0, 0);
  std::vector<TileRequest> tiles;
  for (int j = 0; has_video && j < n; ++j) {
    visible_tiles(*ctx.participants[j].layout, j, recency, 0, tiles);  // last-N is an SFU feature
    for (const TileRequest& t : tiles) shows[static_cast<std::size_t>(j) * n + t.sender] = 1;
  }
  for (int i = 0; i < n; ++i) {
    const PacketStream audio = sender_audio(ctx, recency, i);
    const bool camera = has_video && sends_video(*ctx.participants[i].layout);
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
        leg.latency = edges + peer_core_latency(ctx, i, j);
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
          out.flows[static_cast<std::size_t>(e.legs[0])].encoded_video = kind == MediaKind::kVideo;
        }
        out.streams.push_back(e);
      };
      if (m.audio.enabled) {
        add(MediaKind::kAudio, audio);
        out.client_cores[i] += codec.audio_encode;
        if (!failed) out.client_cores[j] += codec.audio_decode;
      }
      if (camera && shows[static_cast<std::size_t>(j) * n + i]) {
        add(MediaKind::kVideo, video);
        out.client_cores[i] += codec.encode(top_h, m.video.fps);
        if (!failed) out.client_cores[j] += codec.decode(top_h, m.video.fps);
      }
    }
  }
}

namespace {
class Mesh final : public Topology {
 public:
  TopologyKind kind() const override { return TopologyKind::kMesh; }
  bool depends_on_speakers(const CallContext& ctx) const override {
    if (dtx_on(ctx)) return true;
    if (!ctx.spec.media.video.enabled) return false;
    for (const Participant& p : ctx.participants)
      if (p.layout->kind == LayoutKind::kGallery && p.layout->max_tiles < ctx.n()) return true;
    return false;
  }
  void plan(const CallContext& ctx, std::span<const int> recency, StreamPlan& out) const override {
    plan_mesh(ctx, recency, out);
  }
};
}  // namespace

std::unique_ptr<Topology> make_mesh_topology() { return std::make_unique<Mesh>(); }

}  // namespace p2psim::media
