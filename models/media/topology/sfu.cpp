// SFU (selective forwarding unit): each participant uploads once, audio plus its video as
// simulcast layers or one SVC stream; the SFU forwards to each receiver every other
// participant's audio and, per sender visible in the receiver's layout, the layer the
// layout asks, as far as the receiver's downlink allows (layer_choice.hpp).
//
// Sender side (libwebrtc simulcast rate allocation): the lowest layer is always sent;
// higher layers are enabled bottom-up while audio + enabled layers fit the uplink. SVC:
// one stream up to the highest spatial layer that fits with the audio.
// Receiver side: layout.hpp picks the visible senders and tile sizes, covering_layer the
// asked layer, allocate_layers (Jitsi Videobridge's BandwidthAllocator) the forwarded
// one. Last-N: only the last_n most recent speakers' video is visible; audio_last_n
// likewise limits audio to the most recent speakers (Jitsi Videobridge's "route loudest
// only", videobridge.loudest.num-loudest).
// Cascade: a stream crosses once to each remote SFU with a receiver for it; simulcast
// layers are relayed each as it is needed there, an SVC stream once, with the union of
// the spatial and temporal layers its receivers there keep (svc_relay_stream).
// SFU CPU: sfu_cost_model.hpp over the packets and bytes in and out of the SFU.
// Client CPU: codec_cost.hpp; every layer a sender sends is encoded, every forwarded
// video decoded at its layer and frame rate.
#include <algorithm>

#include "models/media/layer_choice.hpp"
#include "models/media/topology/topology.hpp"

namespace p2psim::media {

void plan_sfu(const CallContext& ctx, std::span<const int> recency, StreamPlan& out) {
  const CallSpec& spec = ctx.spec;
  const MediaProfile& m = spec.media;
  const CodecCostModel& codec = spec.codec;
  const int n = ctx.n();
  const bool has_video = m.video.enabled && !m.video.layers.empty();
  const bool svc = m.video.scalability == Scalability::kSvc;
  const int L = has_video ? static_cast<int>(m.video.layers.size()) : 0;
  const std::span<const VideoLayer> layers(m.video.layers);
  // fwd[k]: what a receiver of layer k gets (simulcast: layer k; SVC: layers 0..k of the
  // one stream, (1 + overhead) x layer k's rate). SVC uploads fwd[top active].
  std::vector<PacketStream> fwd(L);
  for (int k = 0; k < L; ++k)
    fwd[k] = video_stream(m.video, m.video.layers[k].bitrate_bps * (svc ? 1.0 + m.video.svc_overhead : 1.0));
  std::vector<char> failed_(n), camera_(n);
  for (int i = 0; i < n; ++i) {
    failed_[i] = ctx.server_path(i) == ServerPath::kFailed;
    camera_[i] = has_video && sends_video(*ctx.participants[i].layout);
  }
  auto failed = [&](int i) { return failed_[i] != 0; };
  auto camera = [&](int i) { return camera_[i] != 0; };
  {
    const std::size_t pairs = static_cast<std::size_t>(n) * static_cast<std::size_t>(n - 1);
    const std::size_t kinds = (m.audio.enabled ? 1 : 0) + (has_video ? 1 : 0);
    out.flows.reserve(out.flows.size() + pairs * kinds + static_cast<std::size_t>(n) * (1 + L));
    out.streams.reserve(out.streams.size() + pairs * kinds);
  }
  out.client_cores.assign(static_cast<std::size_t>(n), 0.0);

  // Cascade: relay[(i * R + b) * (L + 1) + k] is the flow relaying sender i's layer k
  // (k = L: audio) to the SFU of region b, created when a receiver there needs it.
  const int R = ctx.links.sfus;
  const bool cascade = spec.sfu_cascade && R > 1;
  std::vector<std::int32_t> relay(cascade ? static_cast<std::size_t>(n) * R * (L + 1) : 0, -1);
  auto sfu_server = [](int r) { return static_cast<std::int8_t>(r == 0 ? kSfuServer : kServerCount + r - 1); };
  const int relay_h = packet_overhead_bytes(m.overhead, LegTransport::kUdp);
  // The flow carrying `stream` of sender i's upload `parent` from its SFU to region b's.
  auto relay_flow = [&](int i, int b, int k, const PacketStream& stream, std::int32_t parent) {
    std::int32_t& f = relay[(static_cast<std::size_t>(i) * R + b) * (L + 1) + k];
    if (f < 0) {
      const int a = sfu_of(ctx, i);
      ServerLeg leg;
      leg.links[leg.nlinks++] = ctx.links.sfu_out(a);
      leg.links[leg.nlinks++] = ctx.links.sfu_in(b);
      const double w = stream.wire_bps(relay_h);
      f = add_flow(out, leg, w, w, stream.packets_per_s, -1, -1, sfu_server(a), parent);
      out.flows[static_cast<std::size_t>(f)].inter_sfu = true;
      out.inter_sfu_bps += w;
    }
    return f;
  };
  // SVC: one relay per (sender, remote SFU) carrying the union of what the receivers there
  // keep (svc_relay_stream); keep[(i * R + b) * L + s] is spatial layer s's kept share.
  std::vector<double> keep(cascade && svc ? static_cast<std::size_t>(n) * R * L : 0, 0.0);
  auto svc_relay = [&](int i, int b, int k, double share, std::int32_t parent) {
    const std::span<double> need(keep.data() + (static_cast<std::size_t>(i) * R + b) * L, static_cast<std::size_t>(L));
    for (int s = 0; s <= k; ++s) need[s] = std::max(need[s], share);
    const PacketStream carried = svc_relay_stream(fwd, need);
    const bool fresh = relay[(static_cast<std::size_t>(i) * R + b) * (L + 1)] < 0;
    const std::int32_t f = relay_flow(i, b, 0, carried, parent);
    if (!fresh) {  // a receiver asking more: the relay grows to the union
      PlannedFlow& fl = out.flows[static_cast<std::size_t>(f)];
      const double w = carried.wire_bps(relay_h);
      out.inter_sfu_bps += w - fl.demand_bps;
      fl.demand_bps = fl.nominal_bps = w;
      fl.packets_per_s = carried.packets_per_s;
    }
    return f;
  };

  // Uploads.
  std::vector<std::int32_t> up_audio(n, -1), up_layer(static_cast<std::size_t>(n) * L, -1);
  std::vector<int> active_layers(n, 0);
  std::vector<SimTime> up_latency(n);
  std::vector<PacketStream> audio_of(n);
  for (int i = 0; i < n; ++i) {
    audio_of[i] = sender_audio(ctx, recency, i);
    if (failed(i)) continue;
    const ServerLeg leg = upload_leg(ctx, i, kSfuServer);
    up_latency[i] = leg.latency;
    double budget = ctx.participants[i].uplink_bps;
    if (m.audio.enabled) {
      const double w = wire_bps(audio_of[i], m.overhead, leg.transport);
      up_audio[i] = add_flow(out, leg, w, w, audio_of[i].packets_per_s, i, -1);
      budget -= w;
      out.client_cores[i] += codec.audio_encode;
    }
    if (!camera(i)) continue;
    if (svc) {
      int top = 0;
      for (int k = 1; k < L; ++k)
        if (wire_bps(fwd[k], m.overhead, leg.transport) <= budget) top = k;
      active_layers[i] = top + 1;
      const double w = wire_bps(fwd[top], m.overhead, leg.transport);
      const std::int32_t f = add_flow(out, leg, w, wire_bps(fwd[L - 1], m.overhead, leg.transport),
                                      fwd[top].packets_per_s, i, -1);
      out.flows[static_cast<std::size_t>(f)].encoded_video = true;
      for (int k = 0; k < L; ++k) up_layer[static_cast<std::size_t>(i) * L + k] = f;
    } else {
      double used = 0;
      bool enabled = true;
      for (int k = 0; k < L; ++k) {
        const double w = wire_bps(fwd[k], m.overhead, leg.transport);
        enabled = enabled && (k == 0 || used + w <= budget);
        if (enabled) {
          used += w;
          ++active_layers[i];
        }
        const std::int32_t f = add_flow(out, leg, enabled ? w : 0.0, w, enabled ? fwd[k].packets_per_s : 0.0, i, -1);
        out.flows[static_cast<std::size_t>(f)].encoded_video = true;
        up_layer[static_cast<std::size_t>(i) * L + k] = f;
      }
    }
    out.client_cores[i] += codec.encode_layers(layers, active_layers[i], m.video.fps);
  }

  // Downloads.
  std::vector<int> audio_senders;
  std::vector<TileRequest> tiles;
  std::vector<LayerAsk> asks;
  std::vector<int> sel;
  std::vector<double> layer_wire(L), fps;
  for (int j = 0; j < n; ++j) {
    const bool j_failed = failed(j);
    const ServerLeg leg = j_failed ? ServerLeg{} : download_leg(ctx, j, kSfuServer);
    const int b = sfu_of(ctx, j);
    const std::int8_t origin = sfu_server(b);
    auto remote = [&](int i) { return cascade && sfu_of(ctx, i) != b; };
    auto latency = [&](int i) {
      SimTime t = up_latency[i] + spec.sfu.processing_delay + leg.latency;
      if (remote(i)) t += inter_sfu_latency(ctx, sfu_of(ctx, i), b) + spec.sfu.processing_delay;
      return t;
    };
    double budget = ctx.participants[j].downlink_bps;

    if (m.audio.enabled) {
      audio_senders.clear();
      if (spec.audio_last_n > 0) {
        for (int s : recency) {
          if (s == j) continue;
          if (static_cast<int>(audio_senders.size()) >= spec.audio_last_n) break;
          audio_senders.push_back(s);
        }
      } else {
        for (int s = 0; s < n; ++s)
          if (s != j) audio_senders.push_back(s);
      }
      const int h = packet_overhead_bytes(m.overhead, leg.transport);
      for (int i : audio_senders) {
        const PacketStream& audio = audio_of[i];
        EndToEndStream e;
        e.sender = i;
        e.receiver = j;
        e.kind = MediaKind::kAudio;
        e.nominal_payload_bps = audio.payload_bps;
        if (j_failed || failed(i)) {
          e.failed = true;
        } else {
          const double w = audio.wire_bps(h);
          budget -= w;
          e.payload_bps = audio.payload_bps;
          e.latency = latency(i);
          e.legs[0] = up_audio[i];
          if (remote(i)) e.legs[2] = relay_flow(i, b, L, audio, up_audio[i]);
          e.legs[1] = add_flow(out, leg, w, w, audio.packets_per_s, -1, j, origin, up_audio[i]);
          out.client_cores[j] += codec.audio_decode;
        }
        out.streams.push_back(e);
      }
    }
    if (!has_video) continue;

    // Visible senders with their camera on, in priority order, and what each tile asks.
    visible_tiles(*ctx.participants[j].layout, j, recency, spec.last_n, tiles);
    std::erase_if(tiles, [&](const TileRequest& t) { return !camera(t.sender); });
    asks.resize(tiles.size());
    fps.resize(tiles.size());
    for (std::size_t s = 0; s < tiles.size(); ++s) {
      const int i = tiles[s].sender;
      LayerAsk& a = asks[s];
      a.asked = covering_layer(layers, tiles[s].height);
      a.available = failed(i) ? 0 : active_layers[i];
      a.rate_scale = temporal_share(m.video, tiles[s].fps, fps[s]);
      if (!failed(i) && a.asked >= a.available) out.shortfall.uplink = true;
    }
    sel.assign(tiles.size(), -1);
    for (int k = 0; k < L; ++k) layer_wire[k] = fwd[k].wire_bps(packet_overhead_bytes(m.overhead, leg.transport));
    if (!j_failed) {
      allocate_layers(budget, layer_wire, asks, sel);
      for (std::size_t s = 0; s < tiles.size(); ++s)
        if (asks[s].available > 0 && sel[s] < std::min(asks[s].asked, asks[s].available - 1)) out.shortfall.downlink = true;
    }
    for (std::size_t s = 0; s < tiles.size(); ++s) {
      const int i = tiles[s].sender;
      const double share = asks[s].rate_scale;
      const int asked = asks[s].asked;
      EndToEndStream e;
      e.sender = i;
      e.receiver = j;
      e.kind = MediaKind::kVideo;
      e.nominal_payload_bps = fwd[asked].payload_bps * share;
      if (j_failed || failed(i)) {
        e.failed = true;
      } else {
        const double nominal = layer_wire[asked] * share;
        e.latency = latency(i);
        if (sel[s] >= 0) {
          const int k = sel[s];
          const std::int32_t parent = up_layer[static_cast<std::size_t>(i) * L + k];
          e.payload_bps = fwd[k].payload_bps * share;
          e.legs[0] = parent;
          if (remote(i)) e.legs[2] = svc ? svc_relay(i, b, k, share, parent) : relay_flow(i, b, k, fwd[k], parent);
          e.legs[1] = add_flow(out, leg, layer_wire[k] * share, nominal,
                               fwd[k].packets_per_s * share, -1, j, origin, parent);
          out.client_cores[j] += codec.decode(layers[static_cast<std::size_t>(k)].height, fps[s]);
        } else {
          add_flow(out, leg, 0.0, nominal, 0.0, -1, j, origin);  // asked, not forwarded
        }
      }
      out.streams.push_back(e);
    }
  }

  // CPU of each SFU over the packets and bytes crossing its ingress and egress.
  std::vector<double> pps(R, 0.0), bytes(R, 0.0);
  const std::uint32_t first = ctx.links.sfu_in(0), extra = ctx.links.sfu_in(R > 1 ? 1 : 0);
  for (const PlannedFlow& f : out.flows)
    for (int k = 0; k < f.nlinks; ++k) {
      const std::uint32_t l = f.links[k];
      int r = -1;
      if (l == first || l == first + 1) r = 0;
      else if (R > 1 && l >= extra) r = 1 + static_cast<int>((l - extra) / 2);
      if (r < 0) continue;
      pps[r] += f.packets_per_s;
      bytes[r] += f.demand_bps / 8.0;
    }
  out.sfu_cores.assign(R, 0.0);
  for (int r = 0; r < R; ++r) {
    out.sfu_cores[r] = spec.sfu_cpu.cores(pps[r], bytes[r]);
    out.cpu_cores[kSfuServer] += out.sfu_cores[r];
  }
}

namespace {
class Sfu final : public Topology {
 public:
  TopologyKind kind() const override { return TopologyKind::kSfu; }
  bool depends_on_speakers(const CallContext& ctx) const override {
    return ctx.spec.media.video.enabled || ctx.spec.audio_last_n > 0 || dtx_on(ctx);
  }
  void plan(const CallContext& ctx, std::span<const int> recency, StreamPlan& out) const override {
    plan_sfu(ctx, recency, out);
  }
};
}  // namespace

std::unique_ptr<Topology> make_sfu_topology() { return std::make_unique<Sfu>(); }

}  // namespace p2psim::media
