// The built-in metrics of a packet-mode call from its events (call_metrics.hpp).
#include "models/media/packet/call_metrics.hpp"

#include <algorithm>
#include <cmath>

namespace p2psim::media::packet {

namespace {
double present_seconds(SimTime join, SimTime leave, SimTime end) {
  return std::max(0.0, (std::min(leave, end) - std::min(join, end)).seconds());
}
}  // namespace

CallMetrics::CallMetrics(const PacketCallSpec& spec) : spec_(spec) {
  n_ = spec.call.group_size;
  video_ = spec.call.media.video.enabled && !spec.call.media.video.layers.empty();
  join_.assign(n_, SimTime::zero());
  leave_.assign(n_, SimTime::max());
  for (const Presence& p : spec.presence) {
    join_[p.participant] = p.join;
    leave_[p.participant] = p.leave;
  }
  streams_.resize(static_cast<std::size_t>(n_) * n_);
  up_bytes_.assign(n_, 0);
  down_bytes_.assign(n_, 0);
  video_rx_bytes_.assign(n_, 0);
  client_core_s_.assign(n_, 0);
  step_video_bytes_.assign(n_, 0);
  step_renders_.assign(n_, 0);
  video_rate_series_.assign(n_, {});
  comfort_noise_.assign(n_, {});
  series_ = {{"video_received_bps", "bit/s", {}, {}},   {"upload_target_bps_p0", "bit/s", {}, {}},
             {"uplink_capacity_bps_p0", "bit/s", {}, {}}, {"uplink_queue_delay_ms_p0", "ms", {}, {}},
             {"received_fps", "frames/s", {}, {}},      {"received_height", "pixels", {}, {}}};
}

double CallMetrics::video_frame_core_s(bool encode, int height) const {
  const CodecCostModel& c = spec_.call.codec;
  const double fps = spec_.call.media.video.fps;
  return (encode ? c.encode(height, fps) : c.decode(height, fps)) / fps;
}

double CallMetrics::audio_frame_core_s(bool encode) const {
  return (encode ? spec_.call.codec.audio_encode : spec_.call.codec.audio_decode) * spec_.call.media.audio.frame.seconds();
}

TimeWeighted& CallMetrics::target(int from, int to) {
  auto it = targets_.find({from, to});
  if (it == targets_.end()) it = targets_.emplace(std::make_pair(from, to), TimeWeighted(SimTime::zero(), 0)).first;
  return it->second;
}

void CallMetrics::on_target(int from, int to, SimTime t, double bps) { target(from, to).set(t, bps); }

void CallMetrics::on_queue(int, bool, std::int64_t, SimTime queue_delay, SimTime) {
  if ((enq_count_++ & 3) == 0) queue_delay_s_.add(queue_delay.seconds());  // every 4th packet
}

void CallMetrics::on_link_delivered(int i, bool uplink, std::int64_t wire, SimTime) {
  if (i < 0 || i >= n_) return;
  (uplink ? up_bytes_ : down_bytes_)[static_cast<std::size_t>(i)] += static_cast<double>(wire);
}

void CallMetrics::on_packet_sent(const PacketEvent& p, SimTime) {
  if (p.from == kServerIndex) {  // SFU/MCU output (media, RTX, probes)
    server_packets_ += 1;
    server_bytes_ += static_cast<double>(p.wire);
  }
  if (p.kind == MediaKind::kProbe) return;
  // Which of a participant's audio packets were DTX updates (what its receivers lost of
  // them impairs no speech). The MCU's mixes carry no DTX.
  if (p.kind == MediaKind::kAudio && p.comfort_noise && p.from != kServerIndex) {
    std::vector<std::uint8_t>& v = comfort_noise_[static_cast<std::size_t>(p.sender)];
    if (v.size() <= p.seq) v.resize(static_cast<std::size_t>(p.seq) + 1, 0);
    v[p.seq] = 1;
  }
  if (p.rtx)
    rtx_bytes_ += static_cast<double>(p.wire);
  else
    media_bytes_ += static_cast<double>(p.wire);
  if (!p.rtx) media_sent_ += 1;
}

void CallMetrics::on_packet_arrived(const PacketEvent& p, SimTime) {
  if (p.to == kServerIndex) {  // SFU/MCU input
    server_packets_ += 1;
    server_bytes_ += static_cast<double>(p.wire);
  }
  if (p.kind != MediaKind::kProbe && p.rtx) media_recovered_ += 1;
}

// TURN relays the SRTP packet: the wire bytes without the IP, UDP/TCP and ChannelData
// headers (the flow model's turn_relay_cores, topology.cpp).
void CallMetrics::on_relayed(const PacketEvent& p, SimTime) {
  const OverheadSpec& o = spec_.call.media.overhead;
  const int srtp = o.rtp_bytes + o.header_extension_bytes + o.srtp_tag_bytes;
  turn_packets_ += 1;
  turn_bytes_ += static_cast<double>(std::max<std::int64_t>(0, p.wire - p.overhead + srtp));
}

void CallMetrics::on_packet_lost(const PacketEvent& p, SimTime) {
  if (p.kind != MediaKind::kProbe && !p.rtx) media_lost_ += 1;
}

void CallMetrics::on_media_received(int j, const PacketEvent& p, SimTime first_sent, SimTime t) {
  const double d = (t - first_sent).seconds();
  net_delay_s_.add(d);
  Stream& st = stream(j, p.sender);
  if (spec_.per_stream) st.network_delay_s.add(d);
  if (p.kind != MediaKind::kVideo) return;
  video_rx_bytes_[j] += static_cast<double>(p.payload);
  step_video_bytes_[j] += static_cast<double>(p.payload);
  st.video_bytes += static_cast<double>(p.payload);
}

void CallMetrics::on_video_encoded(int who, int height, SimTime) {
  const double cost = video_frame_core_s(true, height);
  if (who == kServerIndex) server_core_s_ += cost;  // the MCU's mix
  else client_core_s_[who] += cost;
}

void CallMetrics::on_video_decoded(int who, int sender, int frames, int height, SimTime) {
  if (who == kServerIndex) {  // the MCU decodes every uploaded frame
    server_core_s_ += video_frame_core_s(false, height);
    return;
  }
  Stream& st = stream(who, sender);
  step_renders_[who] += frames;
  st.frames_decoded += static_cast<std::uint64_t>(frames);
  st.height = height;
  st.height_frames += static_cast<double>(frames) * height;
  client_core_s_[who] += static_cast<double>(frames) * video_frame_core_s(false, height);
}

void CallMetrics::on_audio_encoded(int who, SimTime) {
  if (who == kServerIndex) server_core_s_ += audio_frame_core_s(true);
  else client_core_s_[who] += audio_frame_core_s(true);
}

void CallMetrics::on_audio_decoded(int who, SimTime) {
  if (who == kServerIndex) server_core_s_ += audio_frame_core_s(false);
  else client_core_s_[who] += audio_frame_core_s(false);
}

void CallMetrics::on_render(int j, int s, SimTime capture, SimTime render) {
  Stream& st = stream(j, s);
  st.freezes.on_render(render);
  st.e2e_delay_s.add((render - capture).seconds());
}

void CallMetrics::on_frames_abandoned(int j, int s, int frames, SimTime) {
  stream(j, s).frames_abandoned += static_cast<std::uint64_t>(frames);
}

void CallMetrics::on_audio_playout(int j, int s, std::uint32_t seq, bool played, double mouth_to_ear_s,
                                   bool comfort_noise, SimTime) {
  stream(j, s).audio.on_playout(seq, played, mouth_to_ear_s, comfort_noise);
}

void CallMetrics::on_step(const CallView& view) {
  const SimTime now = view.now();
  const double step = spec_.series_step.seconds();
  double rate = 0, fps = 0, height = 0;
  int receivers = 0, streams = 0;
  for (int j = 0; j < n_; ++j) {
    const double r = 8 * step_video_bytes_[j] / step;
    video_rate_series_[j].push_back(view.present(j) ? r : -1);
    if (view.present(j)) {
      rate += r;
      ++receivers;
      int senders = 0;
      for (int s = 0; s < n_; ++s) {
        if (!stream_of(j, s) || !view.present(s)) continue;
        ++senders;
        const int h = stream(j, s).height;
        if (h >= 0) {
          height += h;
          ++streams;
        }
      }
      if (senders) fps += step_renders_[j] / senders / step;
    }
    step_video_bytes_[j] = 0;
    step_renders_[j] = 0;
  }
  auto push = [&](std::size_t k, double v) {
    series_[k].t.push_back(now.seconds());
    series_[k].v.push_back(v);
  };
  push(0, receivers ? rate / receivers : 0);
  double target0 = 0;
  if (mesh()) {
    for (int j = 1; j < n_; ++j) target0 += target(0, j).value();
  } else {
    target0 = target(0, kServerIndex).value();
  }
  push(1, target0);
  push(2, view.uplink_capacity(0, now));
  push(3, view.uplink_queue_delay(0).milliseconds());
  push(4, receivers ? fps / receivers : 0);
  push(5, streams ? height / streams : 0);
}

PacketCallResult CallMetrics::finish(const CallView& view) {
  const SimTime end = spec_.call.duration;
  PacketCallResult r;
  r.participants.resize(n_);
  Samples video_delay, audio_delay;
  Tally mos_all;
  double mos_min = 5, frames_expected = 0, frames_lost = 0, audio_expected = 0, audio_lost = 0;
  double freezes = 0, freeze_s = 0, stream_seconds = 0, est_ratio = 0;
  int est_n = 0;
  Tally steady_all;
  for (int j = 0; j < n_; ++j) {
    PacketParticipantResult& q = r.participants[j];
    const int profile = view.profile(j);
    q.profile = profile;
    const double secs = present_seconds(join_[j], leave_[j], end);
    if (secs <= 0) continue;
    q.uplink_delivered_bps = 8 * up_bytes_[j] / secs;
    q.downlink_delivered_bps = 8 * down_bytes_[j] / secs;
    q.video_received_bps = 8 * video_rx_bytes_[j] / secs;
    // Upload estimate over the participant's sending transports.
    double tgt = 0;
    if (mesh()) {
      for (int s = 0; s < n_; ++s)
        if (s != j) tgt += target(j, s).mean(end);
    } else {
      tgt = target(j, kServerIndex).mean(end);
    }
    q.upload_target_bps = tgt;
    const double cap = spec_.access.empty() || spec_.access[profile].uplink_schedule.empty()
                           ? spec_.call.access[profile].uplink_bps
                           : [&] {
                               TimeWeighted w;
                               for (const auto& st : spec_.access[profile].uplink_schedule)
                                 if (st.t < end) w.set(st.t, st.bps);
                               return w.mean(end);
                             }();
    if (cap > 0 && std::isfinite(cap)) {
      est_ratio += tgt / cap;
      ++est_n;
    }
    Tally fps, height, mos;
    double jf = 0, jfs = 0;
    for (int s = 0; s < n_; ++s) {
      if (!stream_of(j, s)) continue;
      const double both = std::max(0.0, (std::min({leave_[j], leave_[s], end}) - std::max(join_[j], join_[s])).seconds());
      if (both <= 0) continue;
      Stream& v = stream(j, s);
      if (video_) {
        jf += static_cast<double>(v.freezes.freezes());
        jfs += v.freezes.total_freeze_s();
        fps.add(static_cast<double>(v.frames_decoded) / both);
        if (v.height >= 0) height.add(v.height);
        for (double x : v.e2e_delay_s.values()) video_delay.add(x);
        frames_expected += both * spec_.call.media.video.fps;
        frames_lost += static_cast<double>(v.frames_abandoned);
        stream_seconds += both;
      }
      const AudioStreamQuality& a = v.audio;
      // DTX: only speech packets count (quality.hpp); the MCU's mix has none.
      const std::span<const std::uint8_t> cn =
          mcu() ? std::span<const std::uint8_t>{} : std::span<const std::uint8_t>(comfort_noise_[static_cast<std::size_t>(s)]);
      if (spec_.call.media.audio.enabled && a.speech_expected(cn) > 0 && a.mouth_to_ear_s.count() > 0) {
        const double ppl = 100 * a.loss_fraction(cn);
        const double ta = a.mouth_to_ear_s.mean();
        const double m = emodel_mos(emodel_r(spec_.audio_codec, ta, ppl, a.burst_ratio(cn)));
        mos.add(m);
        mos_all.add(m);
        mos_min = std::min(mos_min, m);
        for (double x : a.mouth_to_ear_s.values()) audio_delay.add(x);
        audio_expected += static_cast<double>(a.speech_expected(cn));
        audio_lost += static_cast<double>(a.speech_expected(cn) - a.speech_played(cn));
      }
    }
    q.freezes = jf;
    q.freeze_s = jfs;
    freezes += jf;
    freeze_s += jfs;
    q.fps = fps.mean();
    q.height = height.mean();
    q.audio_mos = mos.mean();
    q.client_cores = client_core_s_[j] / secs;
    q.device_capacity = spec_.call.access[profile].device.capacity();
    // Time to steady rate: first series step whose rate reached 90 % of the second-half mean.
    const std::vector<double>& vr = video_rate_series_[j];
    if (!vr.empty()) {
      Tally late;
      for (std::size_t t = vr.size() / 2; t < vr.size(); ++t)
        if (vr[t] >= 0) late.add(vr[t]);
      double when = static_cast<double>(vr.size()) * spec_.series_step.seconds();
      for (std::size_t t = 0; t < vr.size(); ++t)
        if (vr[t] >= 0 && vr[t] >= 0.9 * late.mean()) {
          when = static_cast<double>(t + 1) * spec_.series_step.seconds() - std::min(join_[j], end).seconds();
          break;
        }
      q.time_to_steady_s = std::max(0.0, when);
      steady_all.add(q.time_to_steady_s);
    }
  }
  r.video_delay_mean_s = video_delay.mean();
  r.video_delay_p95_s = video_delay.quantile(0.95);
  r.audio_delay_mean_s = audio_delay.mean();
  r.audio_delay_p95_s = audio_delay.quantile(0.95);
  r.network_delay_mean_s = net_delay_s_.mean();
  r.network_delay_p95_s = net_delay_s_.quantile(0.95);
  r.queue_delay_mean_s = queue_delay_s_.mean();
  r.queue_delay_p95_s = queue_delay_s_.quantile(0.95);
  r.queue_delay_max_s = queue_delay_s_.max();
  r.loss_before_recovery = media_sent_ > 0 ? media_lost_ / media_sent_ : 0;
  r.video_frames_lost = frames_expected > 0 ? frames_lost / frames_expected : 0;
  r.audio_loss = audio_expected > 0 ? audio_lost / audio_expected : 0;
  r.loss_after_recovery = media_sent_ > 0 ? std::max(0.0, media_lost_ - media_recovered_) / media_sent_ : 0;
  r.rtx_overhead = media_bytes_ > 0 ? rtx_bytes_ / media_bytes_ : 0;
  r.freezes_per_min = stream_seconds > 0 ? freezes / (stream_seconds / 60) : 0;
  r.freeze_fraction = stream_seconds > 0 ? freeze_s / stream_seconds : 0;
  r.audio_mos_mean = mos_all.mean();
  r.audio_mos_min = mos_all.count() ? mos_min : 0;
  r.estimate_over_capacity = est_n ? est_ratio / est_n : 0;
  r.time_to_steady_s = steady_all.mean();
  if (!mesh() && end > SimTime::zero()) {
    r.server_packets_per_s = server_packets_ / end.seconds();
    r.server_bytes_per_s = server_bytes_ / end.seconds();
    r.server_cores = mcu() ? server_core_s_ / end.seconds()
                           : spec_.call.sfu_cpu.cores(r.server_packets_per_s, r.server_bytes_per_s);
  }
  if (end > SimTime::zero() && turn_packets_ > 0) {
    // One TURN allocation per relayed mesh pair or relayed participant (the flow model's
    // turn_allocations), set up once over the call.
    int allocations = 0;
    const Connectivity& c = spec_.call.connectivity;
    for (int i = 0; i < n_ && !c.peer.empty(); ++i)
      for (int j = i + 1; j < n_; ++j)
        allocations += c.peer[static_cast<std::size_t>(i) * n_ + j] == PeerPath::kRelayed ||
                       c.peer[static_cast<std::size_t>(j) * n_ + i] == PeerPath::kRelayed;
    for (ServerPath p : c.server) allocations += p == ServerPath::kTurnUdp || p == ServerPath::kTurnTcp;
    r.turn_packets_per_s = turn_packets_ / end.seconds();
    r.turn_bytes_per_s = turn_bytes_ / end.seconds();
    r.turn_cores = spec_.call.turn_cpu.cores(r.turn_packets_per_s, r.turn_bytes_per_s) +
                   spec_.call.turn_cpu.setup_cores(allocations / end.seconds());
  }
  if (spec_.per_stream) per_stream_results(r, end);
  r.events = view.events();
  r.series = std::move(series_);
  return r;
}

// Per (receiver, sender) stream while both were present: delivered video payload rate,
// freezes, mean decoded frame rate and height, p95 of capture -> render (video) and of
// network delay (all media packets).
void CallMetrics::per_stream_results(PacketCallResult& r, SimTime end) {
  for (int j = 0; j < n_; ++j)
    for (int s = 0; s < n_; ++s) {
      if (!stream_of(j, s)) continue;
      const double both = std::max(0.0, (std::min({leave_[j], leave_[s], end}) - std::max(join_[j], join_[s])).seconds());
      if (both <= 0) continue;
      Stream& v = stream(j, s);
      PacketStreamResult x;
      x.receiver = j;
      x.sender = s;
      x.video_received_bps = 8 * v.video_bytes / both;
      x.freezes = static_cast<double>(v.freezes.freezes());
      x.freeze_s = v.freezes.total_freeze_s();
      x.fps = static_cast<double>(v.frames_decoded) / both;
      x.height = v.frames_decoded ? v.height_frames / static_cast<double>(v.frames_decoded) : 0;
      x.video_delay_p95_s = v.e2e_delay_s.count() ? v.e2e_delay_s.quantile(0.95) : 0;
      x.network_delay_p95_s = v.network_delay_s.count() ? v.network_delay_s.quantile(0.95) : 0;
      r.streams.push_back(x);
    }
}

}  // namespace p2psim::media::packet
