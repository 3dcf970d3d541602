// MCU (multipoint control unit): each participant uploads one audio and one video stream
// (no simulcast); the MCU decodes every incoming stream, composes and encodes a mix per
// participant (each mix leaves out its viewer), and sends one mixed audio and one mixed
// video stream down. Per-participant downlink is one mixed stream whatever N is.
//
// CPU (cores, codec_cost.hpp) = N_in * decode(h_in, fps) + N_mix * encode(h_mix, fps)
//             + N_in * audio_decode + N_mix * audio_encode
// with N_mix = N receivers (per-participant mixes) or 1 (one shared mix).
// Client CPU: one audio and one video encode (top layer), one audio and one mix decode.
// With DTX a silent participant uploads comfort noise; the mixes are always full rate.
#include "models/media/topology/topology.hpp"

namespace p2psim::media {
namespace {

class Mcu final : public Topology {
 public:
  TopologyKind kind() const override { return TopologyKind::kMcu; }
  bool depends_on_speakers(const CallContext& ctx) const override { return dtx_on(ctx); }
  void plan(const CallContext& ctx, std::span<const int> recency, StreamPlan& out) const override {
    const CallSpec& spec = ctx.spec;
    const MediaProfile& m = spec.media;
    const McuCpuModel& cpu = spec.mcu_cpu;
    const CodecCostModel& codec = spec.codec;
    const int n = ctx.n();
    const bool has_video = m.video.enabled && !m.video.layers.empty();
    const PacketStream audio = audio_stream(m.audio);
    const PacketStream up_video = has_video ? video_stream(m.video, m.video.top().bitrate_bps) : PacketStream{};
    const double mix_bps = cpu.mix_bitrate_bps > 0 ? cpu.mix_bitrate_bps : (has_video ? m.video.top().bitrate_bps : 0);
    const PacketStream mix_video = has_video ? video_stream(m.video, mix_bps) : PacketStream{};
    auto failed = [&](int i) { return ctx.server_path(i) == ServerPath::kFailed; };

    out.streams.reserve(out.streams.size() + static_cast<std::size_t>(n) * static_cast<std::size_t>(n - 1) * 2);
    std::vector<std::int32_t> up_a(n, -1), up_v(n, -1), down_a(n, -1), down_v(n, -1);
    std::vector<SimTime> up_lat(n), down_lat(n);
    out.client_cores.assign(static_cast<std::size_t>(n), 0.0);
    int inputs = 0, outputs = 0;
    for (int i = 0; i < n; ++i) {
      if (failed(i)) continue;
      ++inputs;
      ++outputs;
      const ServerLeg up = upload_leg(ctx, i, kMcuServer);
      const ServerLeg down = download_leg(ctx, i, kMcuServer);
      up_lat[i] = up.latency;
      down_lat[i] = down.latency;
      if (m.audio.enabled) {
        const PacketStream sent = sender_audio(ctx, recency, i);
        const double wu = wire_bps(sent, m.overhead, up.transport);
        const double wd = wire_bps(audio, m.overhead, down.transport);
        up_a[i] = add_flow(out, up, wu, wu, sent.packets_per_s, i, -1);
        out.client_cores[i] += codec.audio_encode + codec.audio_decode;
        down_a[i] = add_flow(out, down, wd, wd, audio.packets_per_s, -1, i, kMcuServer);
      }
      if (has_video) {
        const double wu = wire_bps(up_video, m.overhead, up.transport);
        const double wd = wire_bps(mix_video, m.overhead, down.transport);
        up_v[i] = add_flow(out, up, wu, wu, up_video.packets_per_s, i, -1);
        out.flows[static_cast<std::size_t>(up_v[i])].encoded_video = true;
        out.client_cores[i] += codec.encode(m.video.top().height, m.video.fps) + codec.decode(cpu.mix_height, m.video.fps);
        down_v[i] = add_flow(out, down, wd, wd, mix_video.packets_per_s, -1, i, kMcuServer);
      }
    }
    for (int j = 0; j < n; ++j) {
      for (int i = 0; i < n; ++i) {
        if (i == j) continue;
        const bool f = failed(i) || failed(j);
        auto add = [&](MediaKind kind, double payload, std::int32_t a, std::int32_t b) {
          EndToEndStream e;
          e.sender = i;
          e.receiver = j;
          e.kind = kind;
          e.nominal_payload_bps = payload;
          e.failed = f;
          if (!f) {
            e.payload_bps = payload;
            e.legs[0] = a;
            e.legs[1] = b;
            e.latency = up_lat[i] + spec.mcu.processing_delay + down_lat[j];
          }
          out.streams.push_back(e);
        };
        if (m.audio.enabled) add(MediaKind::kAudio, audio.payload_bps, up_a[i], down_a[j]);
        if (has_video) add(MediaKind::kVideo, mix_video.payload_bps, up_v[i], down_v[j]);
      }
    }

    const int mixes = cpu.per_participant_mix ? outputs : (outputs > 0 ? 1 : 0);
    double cores = 0;
    if (m.audio.enabled) cores += inputs * codec.audio_decode + mixes * codec.audio_encode;
    if (has_video) {
      cores += inputs * codec.decode(m.video.top().height, m.video.fps);
      cores += mixes * codec.encode(cpu.mix_height, m.video.fps);
    }
    out.cpu_cores[kMcuServer] = cores;
  }

};

}  // namespace

std::unique_ptr<Topology> make_mcu_topology() { return std::make_unique<Mcu>(); }

}  // namespace p2psim::media
