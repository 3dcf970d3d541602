// The packet-mode group call: set-up, media sources, delivery to receivers, joins and
// leaves, time series. Transport in transport.cpp, SFU in sfu_forwarding.cpp, speakers
// and who is shown to whom in speakers.cpp, results in packet_results.cpp.
#include "models/media/packet/packet_call.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "models/media/group_call.hpp"
#include "models/media/packet/call_driver.hpp"

namespace p2psim::media::packet {
namespace {
// Participant i's access profile: the CallSpec's assignment, else drawn as the flow model
// draws it (draw_access_profile).
std::vector<int> participant_profiles(const CallSpec& c, std::uint64_t seed) {
  std::vector<int> p(static_cast<std::size_t>(c.group_size));
  for (int i = 0; i < c.group_size; ++i)
    p[i] = c.access_assignment.empty() ? draw_access_profile(c, seed, i) : c.access_assignment[i];
  return p;
}
}  // namespace

namespace detail {

CallDriver::CallDriver(const PacketCallSpec& spec, std::uint64_t seed, const LayerChooser& chooser,
                       std::span<PacketCallObserver* const> observers)
    : spec_(spec),
      chooser_(chooser),
      metrics_(spec),
      seed_(seed),
      speaker_rng_(Rng::stream(seed, "media/speakers")) {
  const CallSpec& c = spec.call;
  observers_.push_back(&metrics_);
  observers_.insert(observers_.end(), observers.begin(), observers.end());
  n_ = c.group_size;
  layers_ = c.media.video.enabled ? static_cast<int>(c.media.video.layers.size()) : 0;
  overhead_ = packet_overhead_bytes(c.media.overhead, LegTransport::kUdp);
  audio_bytes_ = audio_frame_bytes({c.media.audio.bitrate_bps, c.media.audio.frame});
  audio_wire_ = c.media.audio.enabled ? wire_bps(audio_stream(c.media.audio), c.media.overhead, LegTransport::kUdp) : 0;
  if (layers_ > 0) {
    const double top = c.media.video.top().bitrate_bps;
    ovh_frac_ = wire_bps(video_stream(c.media.video, top), c.media.overhead, LegTransport::kUdp) / top - 1;
  }
  profile_ = participant_profiles(c, seed);
  join_.assign(n_, SimTime::zero());
  leave_.assign(n_, SimTime::max());
  for (const Presence& p : spec.presence) {
    join_[p.participant] = p.join;
    leave_[p.participant] = p.leave;
  }
  for (int i = 0; i < n_; ++i) {
    const AccessProfile& a = c.access[profile_[i]];
    const PacketAccessSpec pa = spec.access.empty() ? PacketAccessSpec{} : spec.access[profile_[i]];
    for (int dir = 0; dir < 2; ++dir) {
      net::QueuedLinkSpec ls;
      ls.capacity_bps = dir == 0 ? a.uplink_bps : a.downlink_bps;
      ls.schedule = dir == 0 ? pa.uplink_schedule : pa.downlink_schedule;
      // Uplink carries the path to the far edge (core / server); downlink the rest.
      // MCU: its mixing delay is in the mixed frames' capture times, not on a link.
      const ServerSpec& srv = mcu() ? c.mcu : c.sfu;
      const SimTime fwd = mcu() ? SimTime::zero() : c.sfu.processing_delay;
      ls.propagation = dir == 0 ? a.latency + (mesh() ? c.core_latency : srv.latency)
                                : a.latency + (mesh() ? SimTime::zero() : srv.latency + fwd);
      ls.queue_time = pa.queue_time;
      ls.queue_bytes = pa.queue_bytes;
      ls.loss = dir == 0 ? pa.uplink_loss : pa.downlink_loss;
      ls.jitter = pa.jitter;
      const std::string key = "media/packet/link/" + std::to_string(i) + (dir ? "/down" : "/up");
      links_.push_back(std::make_unique<net::QueuedLink>(sim_, ls, Rng::stream(seed, key),
                                                         static_cast<std::uint32_t>(2 * i + dir), this));
      links_.back()->add_observer(this);
    }
  }
  // Server links (SFU/MCU ingress and egress), when their capacity is a constraint: one
  // queue each, shared by every upload (ingress) or download (egress); no propagation of
  // their own (the server's latency is on the access links).
  if (!mesh()) {
    const ServerSpec& srv = mcu() ? c.mcu : c.sfu;
    for (int dir = 0; dir < 2; ++dir) {
      const double cap = dir == 0 ? srv.ingress_bps : srv.egress_bps;
      net::QueuedLinkSpec ls;
      ls.capacity_bps = std::isfinite(cap) ? cap : 0;
      ls.propagation = SimTime::zero();
      ls.queue_time = PacketAccessSpec{}.queue_time;
      links_.push_back(std::make_unique<net::QueuedLink>(sim_, ls, Rng::stream(seed, dir ? "media/packet/server/out" : "media/packet/server/in"),
                                                         static_cast<std::uint32_t>(2 * n_ + dir), this));
      links_.back()->add_observer(this);
      if (std::isfinite(cap)) (dir == 0 ? ingress_ : egress_) = links_.back().get();
    }
  }
  // Hops and their controllers' ceilings.
  const double video_max = layers_ == 0 ? 0 : mesh() ? chooser_.layer_wire_bps(0, layers_ - 1) : 0;
  double sim_max = 0;
  for (int k = 0; k < layers_; ++k) sim_max += chooser_.layer_wire_bps(0, k);
  hops_.resize(static_cast<std::size_t>(mesh() ? n_ * n_ : 2 * n_));
  // Controllers may estimate above what the streams need by the SFU's hysteresis margin
  // (else an up-switch could never fit), plus 5 %.
  const double headroom = 1.05 / (1 - spec_.hysteresis);
  auto make = [&](int h, int from, int to, double max_bps) {
    hops_[h].from = from;
    hops_[h].to = to;
    ControllerSpec cs = spec_.controller;
    cs.max_bps = std::max(max_bps * headroom, cs.start_bps);
    hops_[h].max_bps = cs.max_bps;
    hops_[h].cc = make_controller(spec_.controller_kind, cs);
    set_target(h);
  };
  if (mesh()) {
    for (int i = 0; i < n_; ++i)
      for (int j = 0; j < n_; ++j)
        if (i != j) make(mesh_hop(i, j), i, j, video_max + audio_wire_);
    enc_.resize(hops_.size());
    enc_frame_.assign(hops_.size(), 0);
    for (std::size_t h = 0; h < hops_.size(); ++h)
      enc_[h] = VideoEncoder(spec_.encoder, Rng::stream(seed, "media/packet/encoder/" + std::to_string(h)));
  } else if (mcu()) {
    const double top_wire = layers_ ? chooser_.layer_wire_bps(0, layers_ - 1) : 0;
    const double mix = mix_bps();
    const double mix_wire = layers_ ? wire_bps(video_stream(c.media.video, mix), c.media.overhead, LegTransport::kUdp) : 0;
    for (int i = 0; i < n_; ++i) {
      make(up_hop(i), i, kServer, top_wire + audio_wire_);
      make(down_hop(i), kServer, i, mix_wire + audio_wire_);
    }
    enc_.resize(static_cast<std::size_t>(2 * n_));
    enc_frame_.assign(enc_.size(), 0);
    for (std::size_t e = 0; e < enc_.size(); ++e)
      enc_[e] = VideoEncoder(spec_.encoder, Rng::stream(seed, "media/packet/encoder/" + std::to_string(e)));
  } else {
    const double down_max = (n_ - 1) * (audio_wire_ + (layers_ ? chooser_.layer_wire_bps(0, layers_ - 1) : 0));
    for (int i = 0; i < n_; ++i) {
      make(up_hop(i), i, kServer, sim_max + audio_wire_);
      make(down_hop(i), kServer, i, down_max);
    }
    enc_.resize(static_cast<std::size_t>(n_) * layers_);
    enc_frame_.assign(enc_.size(), 0);
    for (std::size_t e = 0; e < enc_.size(); ++e)
      enc_[e] = VideoEncoder(spec_.encoder, Rng::stream(seed, "media/packet/encoder/" + std::to_string(e)));
  }
  configure_paths();
  enc_on_.assign(enc_.size(), 0);
  active_layers_.assign(n_, 0);
  for (int i = 0; i < n_; ++i) active_layers_[i] = layers_ > 0 && chooser_.sends_video(i) ? 1 : 0;
  cur_.assign(static_cast<std::size_t>(n_) * n_, -1);
  tgt_ = cur_;
  pend_ = cur_;
  svc_ = !mesh() && !mcu() && layers_ > 0 && chooser_.svc();
  if (svc_) {  // svc.cpp
    svc_pattern_.assign(n_, 0);
    svc_ttop_.assign(cur_.size(), 2);
    svc_last_orig_.assign(cur_.size(), -1);
    svc_next_new_.assign(cur_.size(), 0);
    svc_map_.assign(cur_.size() * kSvcMapSlots, {0xffffffffu, 0});
  }
  vrx_.resize(static_cast<std::size_t>(n_) * n_);
  arx_.assign(static_cast<std::size_t>(n_) * n_, AudioReceiver(c.media.audio.frame));
  for (int j = 0; j < n_; ++j)
    for (int s = 0; s < n_; ++s)
      vrx_[static_cast<std::size_t>(j) * n_ + s].on_render = [this, j, s](SimTime capture, SimTime render) {
        if (!cpu_admit_render(j, render_height_)) return;  // client short of CPU: frame dropped
        ++renders_admitted_;
        emit([&](PacketCallObserver& o) { o.on_render(j, s, capture, render); });
      };
  // Client CPU limits (client_cpu.cpp), only where a device class is finite.
  cpu_.resize(static_cast<std::size_t>(n_));
  bool any_cpu = false;
  for (int i = 0; i < n_; ++i) {
    cpu_[static_cast<std::size_t>(i)].capacity = c.access[profile_[i]].device.capacity();
    any_cpu = any_cpu || std::isfinite(cpu_[static_cast<std::size_t>(i)].capacity);
  }
  if (!any_cpu) cpu_.clear();
  audio_frame_.assign(n_, 0);
  audio_slot_.assign(n_, 0);
  mesh_ticks_.assign(n_, 0);
  recency_.resize(n_);
  for (int i = 0; i < n_; ++i) recency_[i] = i;
  if (mesh()) update_mesh_visibility();
  pool_.reserve(4096);
  // Initial encoder targets.
  for (std::size_t h = 0; h < hops_.size(); ++h)
    if (hops_[h].cc && (hops_[h].from != kServer || mcu())) on_target(static_cast<int>(h));
}

PacketEvent CallDriver::event(const Pkt& p) const {
  PacketEvent e;
  if (p.hop >= 0) {
    e.from = hops_[static_cast<std::size_t>(p.hop)].from;
    e.to = hops_[static_cast<std::size_t>(p.hop)].to;
  }
  e.sender = p.sender;
  e.kind = p.kind == PktKind::kAudio ? MediaKind::kAudio : p.kind == PktKind::kVideo ? MediaKind::kVideo : MediaKind::kProbe;
  e.rtx = p.rtx;
  e.comfort_noise = p.cn;
  e.seq = p.kind == PktKind::kAudio ? p.frame : 0;
  e.wire = p.wire;
  e.payload = p.payload;
  if (p.hop >= 0) e.overhead = hops_[static_cast<std::size_t>(p.hop)].overhead;
  return e;
}

void CallDriver::count_loss(const Pkt& p) {
  const PacketEvent e = event(p);
  emit([&](PacketCallObserver& o) { o.on_packet_lost(e, sim_.now()); });
}

void CallDriver::set_target(int h) {
  const Hop& hop = hops_[static_cast<std::size_t>(h)];
  const double bps = hop.cc->target_bps();
  emit([&](PacketCallObserver& o) { o.on_target(hop.from, hop.to, sim_.now(), bps); });
}

double CallDriver::mix_bps() const {
  const CallSpec& c = spec_.call;
  if (layers_ == 0) return 0;
  return c.mcu_cpu.mix_bitrate_bps > 0 ? c.mcu_cpu.mix_bitrate_bps : c.media.video.top().bitrate_bps;
}

bool CallDriver::connected_at_start(int i) const { return i == kServer || join_[i] == SimTime::zero(); }

bool CallDriver::present(int i) const {
  const SimTime now = sim_.now();
  return now >= join_[i] && now < leave_[i];
}

std::uint32_t CallDriver::alloc() {
  if (!free_.empty()) {
    const std::uint32_t t = free_.back();
    free_.pop_back();
    return t;
  }
  pool_.emplace_back();
  return static_cast<std::uint32_t>(pool_.size() - 1);
}

void CallDriver::on_link_arrival(std::uint32_t link, std::uint32_t token) {
  const int i = static_cast<int>(link / 2);
  const bool up = link % 2 == 0;
  Pkt& p = pool_[token];
  if (i == n_) {  // server links
    if (up) {
      receive_at(p.hop, token);
    } else {
      relay_down(token);
      send_after(hops_[p.hop].relay_delay, token, *links_[2 * p.dst + 1]);
    }
    return;
  }
  emit([&](PacketCallObserver& o) { o.on_link_delivered(i, up, p.wire, sim_.now()); });
  if (!up) {
    receive_at(p.hop, token);
    return;
  }
  // Off the uplink: through a TURN relay if the path has one, then on.
  if (hops_[p.hop].relayed) {
    const PacketEvent e = event(p);
    emit([&](PacketCallObserver& o) { o.on_relayed(e, sim_.now()); });
  }
  const SimTime relay = hops_[p.hop].relay_delay;
  if (relay > SimTime::zero())
    sim_.schedule_after(relay, [this, token] { after_uplink(token); });
  else
    after_uplink(token);
}

void CallDriver::on_link_loss(std::uint32_t, std::uint32_t token) {
  count_loss(pool_[token]);
  release(token);
}

void CallDriver::on_enqueue(std::uint32_t link, std::int64_t bytes, SimTime queue_delay, SimTime t) {
  emit([&](PacketCallObserver& o) { o.on_queue(static_cast<int>(link / 2), link % 2 == 0, bytes, queue_delay, t); });
}

void CallDriver::on_drop(std::uint32_t link, std::int64_t, net::LinkDrop d, SimTime t) {
  emit([&](PacketCallObserver& o) { o.on_drop(static_cast<int>(link / 2), link % 2 == 0, d == net::LinkDrop::kQueueFull, t); });
}

void CallDriver::on_target(int h) {
  Hop& hop = hops_[h];
  const SimTime now = sim_.now();
  const double target = hop.cc->target_bps();
  const double video_wire = std::max(0.0, target - audio_wire_);
  if (layers_ == 0) return;
  if (hop.from == kServer) {
    if (!mcu()) {
      sfu_allocate(hop.to);
      return;
    }
    // The MCU encodes receiver j's mix at min(mix rate, estimate - audio).
    enc_[static_cast<std::size_t>(n_ + hop.to)].set_target(now, std::min(mix_bps(), video_wire / (1 + ovh_frac_)));
    return;
  }
  if (mcu()) {
    const double top = chooser_.layers(hop.from)[layers_ - 1].bitrate_bps;
    enc_[hop.from].set_target(now, std::min(top, video_wire / (1 + ovh_frac_)));
    return;
  }
  if (mesh()) {
    const double top = chooser_.layers(hop.from)[layers_ - 1].bitrate_bps;
    enc_[h].set_target(now, std::min(top, video_wire / (1 + ovh_frac_)));
    const bool video = mesh_shows_[static_cast<std::size_t>(hop.to) * n_ + hop.from] != 0;
    // One encoding that follows the estimate is never application-limited below its top
    // rate, so it is not probed periodically (libwebrtc probes in ALR only); it probes when
    // its maximum allocation rises (video turned on: ProbeController::OnMaxTotalAllocatedBitrate).
    const double ideal = audio_wire_ + (video ? chooser_.layer_wire_bps(hop.from, layers_ - 1) : 0.0);
    if (ideal > hop.max_allocation && ideal > 1.05 * target) hop.cc->probe_to(now, 1.05 * ideal);
    hop.max_allocation = ideal;
    return;
  }
  const int i = hop.from;
  if (!chooser_.sends_video(i)) return;  // camera off (audio-only layout)
  if (svc_) return svc_on_target(i, video_wire);
  const int n_on = std::max(1, chooser_.sender_layers(i, video_wire));
  active_layers_[i] = n_on;
  double ideal = audio_wire_;
  for (int k = 0; k < layers_; ++k) ideal += chooser_.layer_wire_bps(i, k);
  if (ideal > 1.05 * target) hop.cc->probe_to(now, 1.05 * ideal);
  double lower = 0;
  for (int k = 0; k < layers_; ++k) {
    VideoEncoder& e = enc_[static_cast<std::size_t>(i) * layers_ + k];
    const bool on = k < n_on;
    char& flag = enc_on_[static_cast<std::size_t>(i) * layers_ + k];
    if (on && !flag) e.request_key_frame();
    flag = on;
    const double table = chooser_.layers(i)[k].bitrate_bps;
    double rate = table;
    if (k == n_on - 1) rate = std::min(table, std::max(0.0, video_wire / (1 + ovh_frac_) - lower));
    lower += table;
    if (on) e.set_target(now, rate);
  }
}

void CallDriver::encode_and_send(int h, VideoEncoder& enc, std::uint32_t& frame_no, int sender, int layer, int dst,
                                 std::uint32_t stream, SimTime capture_offset) {
  const SimTime now = sim_.now();
  const EncodedFrame f = enc.encode(now);
  const std::int64_t mtu = spec_.call.media.video.mtu_payload_bytes;
  const std::int64_t bytes = f.bytes + static_cast<std::int64_t>(std::llround(spec_.fec_overhead * f.bytes));
  const int count = static_cast<int>(std::max<std::int64_t>(1, (bytes + mtu - 1) / mtu));
  const std::uint32_t fno = frame_no++;
  // Resolution: the layer itself (simulcast), or for one adaptive encoding the largest
  // layer-table row whose rate the encoder's target reaches (libwebrtc scales resolution
  // with the rate it gets).
  int res = layer;
  if (mesh() || mcu()) {
    res = 0;
    const auto table = chooser_.layers(sender);
    for (int k = 0; k < static_cast<int>(table.size()); ++k)
      if (f.target_bps >= 0.95 * table[k].bitrate_bps) res = k;
  }
  {
    const int who = hops_[h].from == kServer ? kServerIndex : sender;  // the MCU's mix: the server
    const int height = chooser_.layers(sender)[static_cast<std::size_t>(res)].height;
    if (who != kServerIndex && cpu_limited(sender)) cpu_[static_cast<std::size_t>(sender)].tick_accum_s += frame_core_s(true, height);
    emit([&](PacketCallObserver& o) { o.on_video_encoded(who, height, now); });
  }
  for (int k = 0; k < count; ++k) {
    const std::uint32_t t = alloc();
    Pkt& p = pool_[t];
    p = Pkt{};
    p.kind = PktKind::kVideo;
    p.sender = sender;
    p.dst = dst;
    p.layer = static_cast<std::int16_t>(layer);
    p.res = static_cast<std::int16_t>(res);
    p.key = f.key;
    p.index = static_cast<std::uint16_t>(k);
    p.count = static_cast<std::uint16_t>(count);
    p.frame = fno;
    p.stream = stream;
    p.payload = bytes / count + (k == 0 ? bytes % count : 0);
    p.wire = p.payload + hops_[h].overhead;
    p.capture = now - capture_offset;
    p.origin_sent = now;
    hop_enqueue(h, t, true);
  }
}

void CallDriver::video_tick(int i) {
  const SimTime period = SimTime::from_seconds(1.0 / spec_.call.media.video.fps);
  sim_.schedule_after(period, [this, i] { video_tick(i); });
  if (!present(i) || !chooser_.sends_video(i)) return;
  if (!cpu_admit_encode(i)) return;  // client short of CPU: this frame is not encoded
  video_tick_encode(i);
  if (cpu_limited(i)) {
    ClientCpu& cc = cpu_[static_cast<std::size_t>(i)];
    cc.tick_encode_s = cc.tick_accum_s;
    cc.tick_accum_s = 0;
  }
}

void CallDriver::video_tick_encode(int i) {
  if (mesh()) {
    // The peer connections' frames are encoded in a rotating order: in a client they are
    // independent (their own encoder and pacer threads), so none is always queued last
    // behind the others on the shared uplink (which a drop-tail queue would punish).
    const int first = static_cast<int>(mesh_ticks_[static_cast<std::size_t>(i)]++ % static_cast<std::uint32_t>(n_));
    for (int k = 0; k < n_; ++k) {
      const int j = (first + k) % n_;
      if (j == i || !present(j) || !mesh_shows_[static_cast<std::size_t>(j) * n_ + i]) continue;
      const int h = mesh_hop(i, j);
      if (hops_[h].failed) continue;  // ICE failed for this pair: nothing flows
      encode_and_send(h, enc_[h], enc_frame_[h], i, 0, j, 1);
    }
    return;
  }
  if (mcu()) {
    encode_and_send(up_hop(i), enc_[i], enc_frame_[i], i, 0, kServer, 1);
    return;
  }
  if (svc_) return svc_video_tick(i);
  for (int k = 0; k < active_layers_[i]; ++k) {
    const std::size_t e = static_cast<std::size_t>(i) * layers_ + k;
    encode_and_send(up_hop(i), enc_[e], enc_frame_[e], i, k, kServer, static_cast<std::uint32_t>(1 + k));
  }
}

// The MCU's output: one composed video and one audio mix per present receiver. Their
// capture times are set back by the mixing delay plus the mean upload propagation, so
// that capture -> render spans mouth/camera to ear/eye as in the flow model's latency.
void CallDriver::mcu_video_tick() {
  const SimTime period = SimTime::from_seconds(1.0 / spec_.call.media.video.fps);
  sim_.schedule_after(period, [this] { mcu_video_tick(); });
  const SimTime back = spec_.call.mcu.processing_delay + mean_upload_;
  for (int j = 0; j < n_; ++j) {
    if (!present(j)) continue;
    const std::size_t e = static_cast<std::size_t>(n_ + j);
    encode_and_send(down_hop(j), enc_[e], enc_frame_[e], j, 0, j, 1, back);
  }
}

void CallDriver::mcu_audio_tick() {
  sim_.schedule_after(spec_.call.media.audio.frame, [this] { mcu_audio_tick(); });
  const std::uint32_t slot = mcu_audio_frame_++;
  const SimTime back = spec_.call.mcu.processing_delay + mean_upload_;
  for (int j = 0; j < n_; ++j) {
    if (!present(j)) continue;
    const std::uint32_t t = alloc();
    Pkt& p = pool_[t];
    p = Pkt{};
    p.kind = PktKind::kAudio;
    p.sender = j;
    p.dst = j;
    p.frame = slot;
    p.payload = audio_bytes_;
    p.wire = audio_bytes_ + hops_[down_hop(j)].overhead;
    p.capture = sim_.now() - back;
    p.origin_sent = sim_.now();
    emit([&](PacketCallObserver& o) { o.on_audio_encoded(kServerIndex, sim_.now()); });
    hop_enqueue(down_hop(j), t, false);
  }
}

void CallDriver::audio_tick(int i) {
  sim_.schedule_after(spec_.call.media.audio.frame, [this, i] { audio_tick(i); });
  if (!present(i)) return;
  const std::uint32_t slot = audio_slot_[i]++;
  emit([&](PacketCallObserver& o) { o.on_audio_encoded(i, sim_.now()); });
  cpu_need(i, spec_.call.codec.audio_encode * spec_.call.media.audio.frame.seconds());
  const bool speaking = recency_.front() == i;
  std::int64_t bytes = audio_bytes_;
  // DTX as the flow model defines it (media.audio.dtx, dtx_interval, dtx_payload;
  // media_profile.hpp): a silent sender sends one comfort-noise update every dtx_interval.
  const AudioProfile& ap = spec_.call.media.audio;
  const bool cn = ap.dtx && !speaking;
  if (cn) {
    AudioSourceSpec a;
    a.frame = ap.frame;
    a.dtx_interval = ap.dtx_interval;
    if (!dtx_sends(a, slot)) return;
    bytes = ap.dtx_payload_bytes;
  }
  // RTP sequence numbers count the packets sent, so DTX pauses are no gaps (RFC 3550 s5.1).
  const std::uint32_t seq = audio_frame_[i]++;
  auto make = [&](int h, int dst) {
    const std::uint32_t t = alloc();
    Pkt& p = pool_[t];
    p = Pkt{};
    p.kind = PktKind::kAudio;
    p.sender = i;
    p.dst = dst;
    p.frame = seq;
    p.cn = cn;
    p.stream = 0;
    p.payload = bytes;
    p.wire = bytes + hops_[h].overhead;
    p.capture = sim_.now();
    p.origin_sent = p.capture;
    hop_enqueue(h, t, false);  // audio is not paced (libwebrtc pace_audio off)
  };
  if (mesh()) {
    for (int j = 0; j < n_; ++j)
      if (j != i && present(j) && !hops_[mesh_hop(i, j)].failed) make(mesh_hop(i, j), j);
  } else {
    make(up_hop(i), kServer);
  }
}

void CallDriver::deliver(int j, const Pkt& p) {
  if (!present(j)) return;
  const SimTime now = sim_.now();
  const PacketEvent e = event(p);
  emit([&](PacketCallObserver& o) { o.on_media_received(j, e, p.origin_sent, now); });
  const std::size_t k = static_cast<std::size_t>(j) * n_ + p.sender;
  if (p.kind == PktKind::kAudio) {
    emit([&](PacketCallObserver& o) { o.on_audio_decoded(j, now); });
    cpu_need(j, spec_.call.codec.audio_decode * spec_.call.media.audio.frame.seconds());
    const AudioPlayout out = arx_[k].on_packet(now, p.frame, p.capture);
    emit([&](PacketCallObserver& o) { o.on_audio_playout(j, p.sender, p.frame, out.played, out.mouth_to_ear_s, p.cn, now); });
    return;
  }
  VideoReceiver& v = vrx_[k];
  const std::uint64_t decoded = v.frames_decoded, abandoned = v.frames_abandoned;
  const Hop& hop = hops_[p.hop];
  const int height = chooser_.layers(p.sender)[static_cast<std::size_t>(p.res)].height;
  render_height_ = height;
  renders_admitted_ = 0;
  if (v.on_packet(now, p.layer, p.frame, p.count, p.key, p.capture, p.rtx, hop.rtt)) request_key(j, p.sender, p.layer);
  if (v.frames_abandoned != abandoned) {
    const int n = static_cast<int>(v.frames_abandoned - abandoned);
    emit([&](PacketCallObserver& o) { o.on_frames_abandoned(j, p.sender, n, now); });
  }
  if (v.frames_decoded != decoded) {
    // Shown frames (all of them unless the client is short of CPU).
    const int n = cpu_limited(j) ? renders_admitted_ : static_cast<int>(v.frames_decoded - decoded);
    if (n > 0) emit([&](PacketCallObserver& o) { o.on_video_decoded(j, p.sender, n, height, now); });
  }
}

void CallDriver::request_key(int receiver, int sender, int layer) {
  Control c;
  c.kind = Control::kPli;
  c.sender = sender;
  c.layer = layer;
  if (mesh()) {
    send_control(mesh_hop(sender, receiver), std::move(c));
  } else if (receiver == kServer) {
    send_control(up_hop(sender), std::move(c));  // SFU -> sender
  } else {
    send_control(down_hop(receiver), std::move(c));  // receiver -> SFU (relayed on)
  }
}

void CallDriver::presence_change(int i) {
  // A participant joining (or leaving) mid-call: its transports start afresh (new
  // RTCPeerConnections, start rate and probing), everyone's encoders towards it send a
  // key frame, and the SFU re-allocates.
  std::vector<int> hs;
  if (mesh()) {
    for (int j = 0; j < n_; ++j)
      if (j != i) hs.insert(hs.end(), {mesh_hop(i, j), mesh_hop(j, i)});
  } else {
    hs = {up_hop(i), down_hop(i)};
  }
  if (mesh()) update_mesh_visibility();
  for (int h : hs) {
    reset_hop(h);
    if (mesh()) enc_[h].request_key_frame();
    if (hops_[h].from != kServer || mcu()) on_target(h);
    if (!hops_[h].failed) maybe_probe(h);
  }
  if (mcu()) {
    for (int j = 0; j < n_; ++j) enc_[static_cast<std::size_t>(n_ + j)].request_key_frame();
    if (layers_) enc_[i].request_key_frame();
  } else if (!mesh()) {
    for (int k = 0; k < layers_; ++k) enc_[static_cast<std::size_t>(i) * layers_ + k].request_key_frame();
    for (int j = 0; j < n_; ++j) sfu_allocate(j);
  }
}

void CallDriver::sample_series() {
  emit([&](PacketCallObserver& o) { o.on_step(*this); });
  sim_.schedule_after(spec_.series_step, [this] { sample_series(); });
}

PacketCallResult CallDriver::run() {
  const CallSpec& c = spec_.call;
  Rng phase = Rng::stream(seed_, "media/packet/phase");
  for (int i = 0; i < n_; ++i) {
    const SimTime start = join_[i];
    if (c.media.audio.enabled)
      sim_.schedule_at(start + SimTime::ns(static_cast<std::int64_t>(phase.below(20'000'000))), [this, i] { audio_tick(i); });
    if (layers_ > 0)
      sim_.schedule_at(start + SimTime::ns(static_cast<std::int64_t>(phase.below(33'000'000))), [this, i] { video_tick(i); });
    if (start > SimTime::zero()) sim_.schedule_at(start, [this, i] { presence_change(i); });
    if (leave_[i] < c.duration) sim_.schedule_at(leave_[i], [this, i] { presence_change(i); });
  }
  for (std::size_t h = 0; h < hops_.size(); ++h)
    // Start-up probing on the transports that exist at the start: a participant who joins
    // later probes when its transports start (presence_change).
    if (hops_[h].cc && !hops_[h].failed && connected_at_start(hops_[h].from) && connected_at_start(hops_[h].to))
      sim_.schedule_at(SimTime::zero(), [this, h] { maybe_probe(static_cast<int>(h)); });
  if (mcu()) {
    for (int i = 0; i < n_; ++i) mean_upload_ += links_[2 * i]->spec().propagation / n_;
    if (c.media.audio.enabled) sim_.schedule_at(SimTime::ms(1), [this] { mcu_audio_tick(); });
    if (layers_ > 0) sim_.schedule_at(SimTime::ms(2), [this] { mcu_video_tick(); });
  }
  sim_.schedule_at(SimTime::from_seconds(speaker_rng_.exponential(c.speaker_turn_mean.seconds())),
                   [this] { speaker_change(); });
  sim_.schedule_at(spec_.series_step, [this] { sample_series(); });
  if (!cpu_.empty()) sim_.schedule_at(SimTime::s(1), [this] { cpu_tick(); });
  sim_.run_until(c.duration);
  return metrics_.finish(*this);
}

}  // namespace detail

PacketCallResult simulate_packet_call(const PacketCallSpec& spec, std::uint64_t seed, const LayerChooser* chooser,
                                      std::span<PacketCallObserver* const> observers) {
  const LayoutLayerChooser shared(spec.call, participant_profiles(spec.call, seed));
  // A participant whose ICE to the SFU/MCU failed is not in the call (joins at the end).
  const auto& server = spec.call.connectivity.server;
  if (spec.call.topology != TopologyKind::kMesh &&
      std::find(server.begin(), server.end(), ServerPath::kFailed) != server.end()) {
    PacketCallSpec s = spec;
    for (int i = 0; i < s.call.group_size; ++i) {
      if (server[static_cast<std::size_t>(i)] != ServerPath::kFailed) continue;
      std::erase_if(s.presence, [i](const Presence& p) { return p.participant == i; });
      s.presence.push_back({i, s.call.duration, SimTime::max()});
    }
    detail::CallDriver d(s, seed, chooser ? *chooser : shared, observers);
    return d.run();
  }
  detail::CallDriver d(spec, seed, chooser ? *chooser : shared, observers);
  return d.run();
}

}  // namespace p2psim::media::packet
