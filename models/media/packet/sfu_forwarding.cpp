// SFU of the packet mode: forwards each receiver's audio and the simulcast layer its
// allocator chose per sender (SVC: the spatial and temporal layers, svc.cpp), switching
// layers only at a key frame of the new layer (requested by PLI); the allocator runs at
// every downlink feedback on that receiver's estimate, through the LayerChooser, with
// hysteresis on up-switches.
#include <algorithm>

#include "models/media/packet/call_driver.hpp"

namespace p2psim::media::packet::detail {

void CallDriver::sfu_copy(int j, const Pkt& p) {
  const std::uint32_t t = alloc();
  Pkt& q = pool_[t];
  q = p;
  q.wire = p.wire - hops_[static_cast<std::size_t>(p.hop)].overhead + hops_[static_cast<std::size_t>(down_hop(j))].overhead;
  q.dst = j;
  q.rtx = false;
  q.stream = static_cast<std::uint32_t>(2 * p.sender + (p.kind == PktKind::kVideo ? 1 : 0));
  hop_enqueue(down_hop(j), t, false);  // forwarded without pacing
}

void CallDriver::sfu_forward(const Pkt& p) {
  const int s = p.sender;
  const int audio_n = spec_.call.audio_last_n;
  for (int j = 0; j < n_; ++j) {
    if (j == s || !present(j)) continue;
    if (p.kind == PktKind::kAudio) {
      if (audio_n > 0) {
        int rank = 0;
        for (int r : recency_) {
          if (r == j) continue;
          if (r == s) break;
          ++rank;
        }
        if (rank >= audio_n) continue;
      }
      sfu_copy(j, p);
      continue;
    }
    if (svc_) {
      svc_forward(j, p);  // svc.cpp
      continue;
    }
    const std::size_t k = static_cast<std::size_t>(j) * n_ + s;
    if (pend_[k] == p.layer && p.key && p.index == 0) {
      cur_[k] = p.layer;
      pend_[k] = -1;
      emit([&](PacketCallObserver& o) { o.on_layer_switch(j, s, p.layer, sim_.now()); });
    }
    if (cur_[k] == p.layer) sfu_copy(j, p);
  }
}

void CallDriver::sfu_allocate(int j) {
  if (layers_ == 0 || !present(j)) return;
  std::vector<int> recency;
  present_recency(recency);
  int audio_senders = static_cast<int>(recency.size()) - 1;
  if (spec_.call.audio_last_n > 0) audio_senders = std::min(audio_senders, spec_.call.audio_last_n);
  const double budget = hops_[down_hop(j)].cc->target_bps() - audio_senders * audio_wire_;
  std::vector<int> up(n_), keep(n_), ask(n_);
  if (svc_) {  // temporal layers each tile keeps
    std::vector<double> fps(n_);
    chooser_.receiver_fps(j, recency, fps);
    for (int s = 0; s < n_; ++s)
      svc_ttop_[static_cast<std::size_t>(j) * n_ + s] = svc_temporal_layers_kept(spec_.call.media.video, fps[s]) - 1;
  }
  {
    // Probe towards the ideal allocation (every visible sender's asked layer).
    chooser_.receiver_layers(j, recency, active_layers_, kUnlimited, ask);
    double ideal = audio_senders * audio_wire_;
    for (int s = 0; s < n_; ++s)
      if (ask[s] >= 0) ideal += chooser_.layer_wire_bps(s, ask[s]);
    CongestionController& cc = *hops_[down_hop(j)].cc;
    if (ideal > (1 - spec_.hysteresis) * cc.target_bps()) cc.probe_to(sim_.now(), 1.05 * ideal / (1 - spec_.hysteresis));
  }
  chooser_.receiver_layers(j, recency, active_layers_, budget * (1 - spec_.hysteresis), up);
  chooser_.receiver_layers(j, recency, active_layers_, budget, keep);
  for (int s = 0; s < n_; ++s) {
    if (s == j) continue;
    const std::size_t k = static_cast<std::size_t>(j) * n_ + s;
    if (ask[s] < 0) {  // not visible (layout, last-N), camera off, or not present
      cur_[k] = tgt_[k] = pend_[k] = -1;
      continue;
    }
    int want = tgt_[k];
    if (up[s] > want) want = up[s];
    else if (keep[s] < want) want = keep[s];
    want = std::min(want, ask[s]);
    if (want == tgt_[k]) continue;
    tgt_[k] = want;
    if (want < 0) {
      cur_[k] = pend_[k] = -1;
      continue;
    }
    pend_[k] = want;
    request_key(kServer, s, want);
  }
}

}  // namespace p2psim::media::packet::detail
