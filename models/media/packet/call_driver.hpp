// CallDriver: the internals of simulate_packet_call (packet_call.hpp), split from the
// public header so that the transport (transport.cpp), the SFU forwarding
// (sfu_forwarding.cpp) and the result assembly (packet_results.cpp) stay one concept per
// file. Not for use outside models/media/packet.
#pragma once

#include <cmath>
#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include "models/media/packet/call_metrics.hpp"
#include "models/media/packet/packet_call.hpp"
#include "models/media/packet/receivers.hpp"
#include "sim/random.hpp"
#include "sim/simulator.hpp"
#include "sim/stats.hpp"

namespace p2psim::media::packet::detail {

inline constexpr int kServer = -1;

enum class PktKind : std::uint8_t { kAudio, kVideo, kProbe };

struct Pkt {
  std::int32_t hop = -1;
  std::int32_t sender = -1;   // media sender (participant)
  std::int32_t dst = -1;      // final receiver participant (-1: the server)
  std::int16_t layer = 0;
  std::int16_t res = 0;        // row of the layer table matching the frame's resolution (metrics)
  PktKind kind = PktKind::kAudio;
  bool key = false, rtx = false;
  bool cn = false;               // audio: a DTX comfort-noise update (not speech)
  std::uint16_t index = 0, count = 1;
  std::uint32_t frame = 0;       // video frame number (per encoder) / audio RTP sequence number of the sender's stream
  std::uint32_t stream = 0;      // stream key on the hop (for RTP sequence numbers and NACK)
  std::uint32_t seq = 0;         // RTP sequence number on the hop
  std::int64_t wire = 0, payload = 0;
  SimTime capture, origin_sent;
  std::uint64_t tw = 0;
  std::int32_t probe = -1;
  // SVC (media_source.hpp): temporal id, the frame's top spatial layer, and per spatial
  // layer s the frame's packets of layers 0..s (the SFU rewrites count to the forwarded one).
  std::uint8_t tid = 0, svc_top = 0;
  std::uint16_t svc_up_to[kSvcMaxSpatial] = {};
};

struct Control {
  enum Kind : std::uint8_t { kFeedback, kNack, kPli } kind = kFeedback;
  SimTime at, fb_sent;
  std::vector<std::pair<std::uint64_t, SimTime>> fb;  // (tw, arrival)
  std::vector<std::pair<std::uint32_t, std::uint32_t>> nack;  // (stream, seq)
  int layer = 0, sender = -1;
};

struct SentRec {
  SimTime t;
  std::int64_t bytes = 0;
  std::int32_t probe = -1;
};

struct Hop {
  int from = 0, to = 0;  // participant, or kServer
  std::unique_ptr<CongestionController> cc;
  double max_bps = 0;  // the controller's ceiling (what the hop's streams can use, with headroom)
  double max_allocation = 0;  // mesh: the last ideal rate (audio + video if shown) seen by on_target
  // Path (the connectivity the flow model's ICE outcome gives, CallSpec::connectivity):
  // packet overhead of its transport (UDP, TURN ChannelData over UDP or TCP, ICE-TCP), the
  // extra one-way delay of a TURN relay on it, and whether it failed (carries nothing).
  int overhead = 50;
  SimTime relay_delay = SimTime::zero();
  bool relayed = false, failed = false;
  // sender side
  std::deque<std::uint32_t> pacer;
  double budget = 0;
  bool pacer_scheduled = false;
  std::uint64_t next_tw = 0, reported = 0;
  std::deque<SentRec> sent;  // tw in [reported, next_tw)
  std::unordered_map<std::uint32_t, std::uint32_t> next_seq;
  std::unordered_map<std::uint64_t, Pkt> rtx_store;  // (stream << 32 | seq) -> packet
  std::deque<std::pair<SimTime, std::uint64_t>> rtx_order;
  SimTime rtt = SimTime::zero();
  bool rtt_valid = false;
  // probing
  ProbeCluster probe;
  int probe_left = 0;
  std::int64_t probe_size = 0;
  // receiver side
  std::vector<std::pair<std::uint64_t, SimTime>> fb;
  bool fb_scheduled = false;
  std::unordered_map<std::uint32_t, std::int64_t> highest;
  // control messages travelling back to the sender
  std::deque<Control> ctl;
  SimTime last_ctl;
};

class CallDriver final : public net::LinkSink, public net::LinkObserver, public CallView {
 public:
  CallDriver(const PacketCallSpec& spec, std::uint64_t seed, const LayerChooser& chooser,
             std::span<PacketCallObserver* const> observers);
  PacketCallResult run();

  // net::LinkSink / LinkObserver
  void on_link_arrival(std::uint32_t link, std::uint32_t token) override;
  void on_link_loss(std::uint32_t link, std::uint32_t token) override;
  void count_loss(const Pkt& p);
  // Offers the packet to `link` after `delay` (a TURN relay on the path), or now.
  void send_after(SimTime delay, std::uint32_t token, net::QueuedLink& link);
  void after_uplink(std::uint32_t token);
  void relay_down(std::uint32_t token);  // a download from the SFU/MCU crosses the receiver's TURN relay
  void on_enqueue(std::uint32_t link, std::int64_t bytes, SimTime queue_delay, SimTime t) override;
  void on_drop(std::uint32_t link, std::int64_t bytes, net::LinkDrop, SimTime t) override;

  // CallView (for observers)
  SimTime now() const override { return sim_.now(); }
  bool present(int i) const override;
  int profile(int i) const override { return profile_[static_cast<std::size_t>(i)]; }
  double uplink_capacity(int i, SimTime t) const override { return links_[2 * static_cast<std::size_t>(i)]->capacity_at(t); }
  SimTime uplink_queue_delay(int i) const override { return links_[2 * static_cast<std::size_t>(i)]->queue_delay(); }
  std::uint64_t events() const override { return sim_.events_executed(); }

 private:
  // Emits an event to every observer (the built-in metrics first).
  template <class F>
  void emit(F&& f) {
    for (PacketCallObserver* o : observers_) f(*o);
  }
  PacketEvent event(const Pkt& p) const;
  void set_target(int h);  // tells observers the hop's current target
  bool mesh() const { return spec_.call.topology == TopologyKind::kMesh; }
  bool mcu() const { return spec_.call.topology == TopologyKind::kMcu; }
  // Receiver j's streams: from every other sender (mesh, SFU), or the MCU's mix, kept on
  // the diagonal (j, j).
  bool stream_of(int j, int s) const { return mcu() ? s == j : s != j; }
  bool connected_at_start(int i) const;
  void configure_paths();
  // client_cpu.cpp: a client short of CPU skips frames it would encode or render.
  bool cpu_limited(int i) const { return !cpu_.empty() && std::isfinite(cpu_[static_cast<std::size_t>(i)].capacity); }
  void cpu_tick();
  bool cpu_admit_encode(int i);
  bool cpu_admit_render(int j, int height);
  void cpu_need(int i, double core_s) { if (cpu_limited(i)) cpu_[static_cast<std::size_t>(i)].need_s += core_s; }
  double frame_core_s(bool encode, int height) const;  // the server, or a participant present from t = 0
  std::uint32_t alloc();
  void release(std::uint32_t t) { free_.push_back(t); }
  // transport.cpp
  void hop_enqueue(int h, std::uint32_t token, bool paced, bool front = false);
  void hop_send(int h, std::uint32_t token);
  void pacer_process(int h);
  void probe_step(int h);
  void maybe_probe(int h);
  void receive_at(int h, std::uint32_t token);
  void feedback_fire(int h);
  void send_control(int h, Control c);
  void control_fire(int h);
  void on_feedback(int h, const Control& c);
  void on_nack(int h, const Control& c);
  SimTime reverse_delay(int h);
  void reset_hop(int h);
  // media (packet_call.cpp)
  void audio_tick(int i);
  void video_tick(int i);
  void video_tick_encode(int i);
  void encode_and_send(int h, VideoEncoder& enc, std::uint32_t& frame_no, int sender, int layer, int dst,
                       std::uint32_t stream, SimTime capture_offset = SimTime::zero());
  void on_target(int h);
  void deliver(int j, const Pkt& p);
  void request_key(int receiver, int sender, int layer);
  void speaker_change();
  void present_recency(std::vector<int>& out) const;  // recency_ restricted to present participants
  void update_mesh_visibility();
  void sample_series();
  void mcu_video_tick();
  void mcu_audio_tick();
  void presence_change(int i);
  // svc.cpp: the SVC sender (one stream) and the SFU's per-receiver layer dropping
  void svc_on_target(int i, double video_wire);
  void svc_video_tick(int i);
  void svc_forward(int j, const Pkt& p);
  // sfu_forwarding.cpp
  void sfu_forward(const Pkt& p);
  void sfu_allocate(int j);
  void sfu_copy(int j, const Pkt& p);

  int up_hop(int i) const { return i; }                     // SFU: i -> server
  int down_hop(int j) const { return n_ + j; }               // SFU: server -> j
  int mesh_hop(int i, int j) const { return i * n_ + j; }    // mesh: i -> j (i != j)

  const PacketCallSpec& spec_;
  const LayerChooser& chooser_;
  CallMetrics metrics_;
  std::vector<PacketCallObserver*> observers_;  // &metrics_, then the caller's
  std::uint64_t seed_;
  Simulator sim_;
  int n_ = 0, layers_ = 0;
  std::vector<int> profile_;
  std::vector<SimTime> join_, leave_;
  std::vector<std::unique_ptr<net::QueuedLink>> links_;  // 2i up, 2i+1 down; 2N, 2N+1 server in/out
  net::QueuedLink* ingress_ = nullptr;  // SFU/MCU ingress when its capacity is limited
  net::QueuedLink* egress_ = nullptr;   // SFU/MCU egress when its capacity is limited
  std::vector<Hop> hops_;
  std::vector<Pkt> pool_;
  std::vector<std::uint32_t> free_;
  int overhead_ = 50;
  double audio_wire_ = 0, ovh_frac_ = 0;
  std::int64_t audio_bytes_ = 0;
  std::vector<std::uint32_t> audio_frame_;  // per sender: next audio RTP sequence number
  std::vector<std::uint32_t> audio_slot_;   // per sender: next 20 ms frame slot (DTX timing)
  std::vector<std::uint32_t> mesh_ticks_;   // mesh, per sender: video ticks (rotating encode order)
  std::uint32_t mcu_audio_frame_ = 0;
  SimTime mean_upload_;  // MCU: mean upload propagation (capture times of the mixes)
  double mix_bps() const;
  // encoders: mesh one per hop; SFU one per (participant, layer); MCU one upload per
  // participant, then one mix per receiver (index n + j)
  std::vector<VideoEncoder> enc_;
  std::vector<std::uint32_t> enc_frame_;
  std::vector<char> enc_on_;
  std::vector<int> active_layers_;
  // SFU per (receiver, sender): current / target / pending layer
  std::vector<int> cur_, tgt_, pend_;
  // SVC (svc.cpp): senders send one stream; per sender the frame index since its last key
  // frame (temporal pattern); per (receiver, sender) the highest temporal id forwarded and
  // the frame renumbering that keeps the receiver's frame numbers consecutive when
  // temporal layers are dropped (as an SFU rewrites picture ids).
  bool svc_ = false;
  std::vector<std::uint32_t> svc_pattern_;
  std::vector<int> svc_ttop_;
  std::vector<std::int64_t> svc_last_orig_;
  std::vector<std::uint32_t> svc_next_new_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> svc_map_;  // per (receiver, sender): kSvcMapSlots recent (original, forwarded)
  static constexpr int kSvcMapSlots = 16;
  // receivers per (receiver, sender)
  std::vector<VideoReceiver> vrx_;
  std::vector<AudioReceiver> arx_;
  std::vector<int> recency_;
  std::vector<char> mesh_shows_;  // mesh, per (receiver, sender): the receiver's layout shows the sender
  Rng speaker_rng_;
  // Client CPU (client_cpu.cpp): per participant, its device's reference cores, the
  // core-seconds its codecs were asked for in the current 1 s window, the share of frames
  // it can process (capacity / need of the last window, at most 1), and the credits that
  // spread the skipped frames evenly.
  struct ClientCpu {
    double capacity = 0, need_s = 0, factor = 1, encode_credit = 0, render_credit = 0, tick_encode_s = 0, tick_accum_s = 0;
  };
  std::vector<ClientCpu> cpu_;
  int render_height_ = 0;      // height of the frames the current VideoReceiver::on_packet renders
  int renders_admitted_ = 0;   // of them, shown (CPU)
};

}  // namespace p2psim::media::packet::detail
