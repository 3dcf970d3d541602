// SFU (selective forwarding unit): each participant uploads once, audio plus every
// simulcast layer; the SFU forwards to each receiver every other participant's audio and,
// per video sender, the best layer the receiver's downlink allows.
//
// Sender side (libwebrtc simulcast rate allocation): the lowest layer is always sent;
// higher layers are enabled bottom-up while audio + enabled layers fit the uplink.
// Receiver side (Jitsi Videobridge BandwidthAllocator): audio is always forwarded; the
// video budget (downlink minus audio) is allocated in speaker-priority order, first the
// lowest layer to each sender that still fits, then one layer up per sender per round,
// until no upgrade fits. Last-N: only the last_n most recent speakers' video is forwarded;
// audio_last_n likewise limits audio to the most recent speakers (Jitsi Videobridge's
// "route loudest only", videobridge.loudest.num-loudest).
// SFU CPU = packets in and out per second / packets one core forwards per second.
#include <algorithm>

#include "models/media/topology/topology.hpp"

namespace p2psim::media {

void plan_sfu(const CallContext& ctx, std::span<const int> recency, StreamPlan& out) {
  const CallSpec& spec = ctx.spec;
  const MediaProfile& m = spec.media;
  const int n = ctx.n();
  const bool has_video = m.video.enabled && !m.video.layers.empty();
  const int L = has_video ? static_cast<int>(m.video.layers.size()) : 0;
  const PacketStream audio = audio_stream(m.audio);
  std::vector<PacketStream> layer(L);
  for (int k = 0; k < L; ++k) layer[k] = video_stream(m.video, m.video.layers[k].bitrate_bps);
  auto failed = [&](int i) { return ctx.server_path(i) == ServerPath::kFailed; };
  {
    const std::size_t pairs = static_cast<std::size_t>(n) * static_cast<std::size_t>(n - 1);
    const std::size_t kinds = (m.audio.enabled ? 1 : 0) + (has_video ? 1 : 0);
    out.flows.reserve(out.flows.size() + pairs * kinds + static_cast<std::size_t>(n) * (1 + L));
    out.streams.reserve(out.streams.size() + pairs * kinds);
  }

  // Uploads.
  std::vector<std::int32_t> up_audio(n, -1), up_layer(static_cast<std::size_t>(n) * L, -1);
  std::vector<int> active_layers(n, 0);
  std::vector<SimTime> up_latency(n);
  for (int i = 0; i < n; ++i) {
    if (failed(i)) continue;
    const ServerLeg leg = upload_leg(ctx, i, kSfuServer);
    up_latency[i] = leg.latency;
    double budget = ctx.participants[i].uplink_bps;
    if (m.audio.enabled) {
      const double w = wire_bps(audio, m.overhead, leg.transport);
      up_audio[i] = add_flow(out, leg, w, w, audio.packets_per_s, i, -1);
      budget -= w;
    }
    double used = 0;
    bool enabled = true;
    for (int k = 0; k < L; ++k) {
      const double w = wire_bps(layer[k], m.overhead, leg.transport);
      enabled = enabled && (k == 0 || used + w <= budget);
      if (enabled) {
        used += w;
        ++active_layers[i];
      }
      up_layer[static_cast<std::size_t>(i) * L + k] =
          add_flow(out, leg, enabled ? w : 0.0, w, enabled ? layer[k].packets_per_s : 0.0, i, -1);
    }
  }

  // Downloads.
  std::vector<int> senders, audio_senders;
  std::vector<int> sel;
  for (int j = 0; j < n; ++j) {
    // Video senders for j: most recent speakers first, at most last_n of them.
    senders.clear();
    for (int s : recency) {
      if (s == j) continue;
      if (spec.last_n > 0 && static_cast<int>(senders.size()) >= spec.last_n) break;
      senders.push_back(s);
    }
    const bool j_failed = failed(j);
    const ServerLeg leg = j_failed ? ServerLeg{} : download_leg(ctx, j, kSfuServer);
    auto latency = [&](int i) { return up_latency[i] + spec.sfu.processing_delay + leg.latency; };
    double budget = ctx.participants[j].downlink_bps;

    if (m.audio.enabled) {
      audio_senders.clear();
      for (int s : recency) {
        if (s == j) continue;
        if (spec.audio_last_n > 0 && static_cast<int>(audio_senders.size()) >= spec.audio_last_n) break;
        audio_senders.push_back(s);
      }
      if (spec.audio_last_n <= 0) std::sort(audio_senders.begin(), audio_senders.end());
      for (int i : audio_senders) {
        EndToEndStream e;
        e.sender = i;
        e.receiver = j;
        e.kind = MediaKind::kAudio;
        e.nominal_payload_bps = audio.payload_bps;
        if (j_failed || failed(i)) {
          e.failed = true;
        } else {
          const double w = wire_bps(audio, m.overhead, leg.transport);
          budget -= w;
          e.payload_bps = audio.payload_bps;
          e.latency = latency(i);
          e.legs[0] = up_audio[i];
          e.legs[1] = add_flow(out, leg, w, w, audio.packets_per_s, -1, j, kSfuServer, up_audio[i]);
        }
        out.streams.push_back(e);
      }
    }
    if (!has_video) continue;

    // Layer selection in priority order (Jitsi's BandwidthAllocator).
    sel.assign(senders.size(), -1);
    if (!j_failed) {
      auto w = [&](int k) { return wire_bps(layer[k], m.overhead, leg.transport); };
      for (std::size_t s = 0; s < senders.size(); ++s) {
        if (failed(senders[s]) || active_layers[senders[s]] == 0) continue;
        if (w(0) <= budget) {
          sel[s] = 0;
          budget -= w(0);
        }
      }
      for (bool changed = true; changed;) {
        changed = false;
        for (std::size_t s = 0; s < senders.size(); ++s) {
          if (sel[s] < 0 || sel[s] + 1 >= active_layers[senders[s]]) continue;
          const double inc = w(sel[s] + 1) - w(sel[s]);
          if (inc <= budget) {
            budget -= inc;
            ++sel[s];
            changed = true;
          }
        }
      }
    }
    for (std::size_t s = 0; s < senders.size(); ++s) {
      const int i = senders[s];
      EndToEndStream e;
      e.sender = i;
      e.receiver = j;
      e.kind = MediaKind::kVideo;
      e.nominal_payload_bps = layer[L - 1].payload_bps;
      if (j_failed || failed(i)) {
        e.failed = true;
      } else {
        const double top = wire_bps(layer[L - 1], m.overhead, leg.transport);
        e.latency = latency(i);
        if (sel[s] >= 0) {
          const int k = sel[s];
          const std::int32_t parent = up_layer[static_cast<std::size_t>(i) * L + k];
          e.payload_bps = layer[k].payload_bps;
          e.legs[0] = parent;
          e.legs[1] = add_flow(out, leg, wire_bps(layer[k], m.overhead, leg.transport), top,
                               layer[k].packets_per_s, -1, j, kSfuServer, parent);
        } else {
          add_flow(out, leg, 0.0, top, 0.0, -1, j, kSfuServer);  // requested, not forwarded
        }
      }
      out.streams.push_back(e);
    }
  }

  double pps = 0;
  for (const PlannedFlow& f : out.flows)
    for (int k = 0; k < f.nlinks; ++k)
      if (f.links[k] == ctx.links.in(kSfuServer) || f.links[k] == ctx.links.out(kSfuServer)) pps += f.packets_per_s;
  out.cpu_cores[kSfuServer] = pps / spec.sfu_cpu.packets_per_core_s;
}

namespace {
class Sfu final : public Topology {
 public:
  TopologyKind kind() const override { return TopologyKind::kSfu; }
  bool depends_on_speakers(const CallContext& ctx) const override {
    return ctx.spec.media.video.enabled || ctx.spec.audio_last_n > 0;
  }
  void plan(const CallContext& ctx, std::span<const int> recency, StreamPlan& out) const override {
    plan_sfu(ctx, recency, out);
  }
};
}  // namespace

std::unique_ptr<Topology> make_sfu_topology() { return std::make_unique<Sfu>(); }

}  // namespace p2psim::media
