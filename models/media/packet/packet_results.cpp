// Results of a packet-mode call: per participant and call-wide metrics from the
// receivers, links and transports, and the time series.
#include <algorithm>
#include <cmath>

#include "models/media/packet/call_driver.hpp"

namespace p2psim::media::packet::detail {

namespace {
double present_seconds(SimTime join, SimTime leave, SimTime end) {
  return std::max(0.0, (std::min(leave, end) - std::min(join, end)).seconds());
}
}  // namespace

PacketCallResult CallDriver::collect() {
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
    q.profile = profile_[j];
    const double secs = present_seconds(join_[j], leave_[j], end);
    if (secs <= 0) continue;
    q.uplink_delivered_bps = 8 * up_bytes_[j] / secs;
    q.downlink_delivered_bps = 8 * down_bytes_[j] / secs;
    q.video_received_bps = 8 * video_rx_bytes_[j] / secs;
    // Upload estimate over the participant's sending transports.
    double target = 0;
    if (mesh()) {
      for (int s = 0; s < n_; ++s)
        if (s != j) target += hops_[mesh_hop(j, s)].target.mean(end);
    } else {
      target = hops_[up_hop(j)].target.mean(end);
    }
    q.upload_target_bps = target;
    const double cap = spec_.access.empty() || spec_.access[profile_[j]].uplink_schedule.empty()
                           ? spec_.call.access[profile_[j]].uplink_bps
                           : [&] {
                               TimeWeighted w;
                               for (const auto& st : spec_.access[profile_[j]].uplink_schedule)
                                 if (st.t < end) w.set(st.t, st.bps);
                               return w.mean(end);
                             }();
    if (cap > 0 && std::isfinite(cap)) {
      est_ratio += target / cap;
      ++est_n;
    }
    Tally fps, height, mos;
    double jf = 0, jfs = 0;
    for (int s = 0; s < n_; ++s) {
      if (!stream_of(j, s)) continue;
      const std::size_t k = static_cast<std::size_t>(j) * n_ + s;
      const double both = std::max(0.0, (std::min({leave_[j], leave_[s], end}) - std::max(join_[j], join_[s])).seconds());
      if (both <= 0) continue;
      VideoReceiver& v = vrx_[k];
      if (layers_ > 0) {
        jf += static_cast<double>(v.freezes.freezes());
        jfs += v.freezes.total_freeze_s();
        fps.add(static_cast<double>(v.frames_decoded) / both);
        if (res_[k] >= 0) height.add(chooser_.layers(s)[res_[k]].height);
        for (double x : v.e2e_delay_s.values()) video_delay.add(x);
        frames_expected += both * spec_.call.media.video.fps;
        frames_lost += static_cast<double>(v.frames_abandoned);
        stream_seconds += both;
      }
      AudioReceiver& a = arx_[k];
      if (spec_.call.media.audio.enabled && !spec_.dtx && a.expected() > 0) {
        const double ppl = 100 * a.loss_fraction();
        const double ta = a.mouth_to_ear_s.mean();
        const double m = emodel_mos(emodel_r(spec_.audio_codec, ta, ppl, a.burst_ratio()));
        mos.add(m);
        mos_all.add(m);
        mos_min = std::min(mos_min, m);
        for (double x : a.mouth_to_ear_s.values()) audio_delay.add(x);
        audio_expected += static_cast<double>(a.expected());
        audio_lost += static_cast<double>(a.expected() - a.received);
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
    q.device_capacity = spec_.call.access[profile_[j]].device.capacity();
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
  r.events = sim_.events_executed();
  r.series = std::move(series_);
  return r;
}

}  // namespace p2psim::media::packet::detail
