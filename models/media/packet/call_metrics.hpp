// CallMetrics: the built-in metrics of a packet-mode call (PacketCallResult), computed
// only from the events the call emits (call_observer.hpp): delivered rates, estimates,
// delays, losses before and after recovery, freezes (quality.hpp's FreezeCounter on every
// render), received frame rate and resolution, E-model audio scores (AudioStreamQuality on
// every playout outcome), client and server CPU from the flow model's cost models
// (codec_cost.hpp, sfu_cost_model.hpp) on every codec event, time to steady rate, and the
// time series (one sample per on_step). Definitions: docs/models/media-packet.md "Metrics".
// Precondition: registered before the call starts and fed every event of one call.
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "models/media/packet/call_observer.hpp"
#include "models/media/packet/packet_call.hpp"
#include "sim/stats.hpp"

namespace p2psim::media::packet {

class CallMetrics final : public PacketCallObserver {
 public:
  explicit CallMetrics(const PacketCallSpec& spec);
  // The results once the call ended (view at the end of the call).
  PacketCallResult finish(const CallView& view);

  void on_target(int from, int to, SimTime t, double target_bps) override;
  void on_queue(int participant, bool uplink, std::int64_t bytes, SimTime queue_delay, SimTime t) override;
  void on_link_delivered(int participant, bool uplink, std::int64_t wire, SimTime t) override;
  void on_packet_sent(const PacketEvent& p, SimTime t) override;
  void on_packet_arrived(const PacketEvent& p, SimTime t) override;
  void on_packet_lost(const PacketEvent& p, SimTime t) override;
  void on_relayed(const PacketEvent& p, SimTime t) override;
  void on_media_received(int receiver, const PacketEvent& p, SimTime first_sent, SimTime t) override;
  void on_video_encoded(int who, int height, SimTime t) override;
  void on_video_decoded(int who, int sender, int frames, int height, SimTime t) override;
  void on_audio_encoded(int who, SimTime t) override;
  void on_audio_decoded(int who, SimTime t) override;
  void on_render(int receiver, int sender, SimTime capture, SimTime render) override;
  void on_frames_abandoned(int receiver, int sender, int frames, SimTime t) override;
  void on_audio_playout(int receiver, int sender, std::uint32_t seq, bool played, double mouth_to_ear_s,
                        bool comfort_noise, SimTime t) override;
  void on_step(const CallView& view) override;

 private:
  // Per (receiver, sender) stream.
  struct Stream {
    FreezeCounter freezes;
    Samples e2e_delay_s;
    std::uint64_t frames_decoded = 0, frames_abandoned = 0;
    int height = -1;  // of the last decoded frame; -1 none
    double height_frames = 0;  // sum of decoded frames' heights (mean received height)
    AudioStreamQuality audio;
    // Per-stream output (call.packet.per_stream).
    double video_bytes = 0;
    Samples network_delay_s;
  };
  bool mesh() const { return spec_.call.topology == TopologyKind::kMesh; }
  bool mcu() const { return spec_.call.topology == TopologyKind::kMcu; }
  bool stream_of(int j, int s) const { return mcu() ? s == j : s != j; }
  Stream& stream(int j, int s) { return streams_[static_cast<std::size_t>(j) * n_ + s]; }
  double video_frame_core_s(bool encode, int height) const;
  double audio_frame_core_s(bool encode) const;
  TimeWeighted& target(int from, int to);
  void per_stream_results(PacketCallResult& r, SimTime end);

  const PacketCallSpec& spec_;
  int n_ = 0;
  bool video_ = false;
  std::vector<SimTime> join_, leave_;
  std::vector<Stream> streams_;
  std::map<std::pair<int, int>, TimeWeighted> targets_;  // per hop (from, to)
  std::vector<double> up_bytes_, down_bytes_, video_rx_bytes_;
  std::vector<double> client_core_s_;
  double server_core_s_ = 0, server_packets_ = 0, server_bytes_ = 0;
  std::vector<double> step_video_bytes_, step_renders_;
  std::vector<std::vector<double>> video_rate_series_;  // per receiver, per step (bit/s; -1 absent)
  Samples queue_delay_s_, net_delay_s_;
  std::uint64_t enq_count_ = 0;
  double turn_packets_ = 0, turn_bytes_ = 0;  // relayed through TURN (SRTP packets)
  double media_sent_ = 0, media_lost_ = 0, media_recovered_ = 0, rtx_bytes_ = 0, media_bytes_ = 0;
  std::vector<PacketSeries> series_;
  std::vector<std::vector<std::uint8_t>> comfort_noise_;  // per sender, per audio seq: 1 = DTX update
};

}  // namespace p2psim::media::packet
