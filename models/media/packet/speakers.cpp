// Speakers and visibility in the packet mode: the dominant-speaker process (the flow
// model's: exponential turns, the next speaker uniform among the others) and, for a mesh,
// which peer connections carry video under each receiver's layout (layer_chooser.hpp).
#include <algorithm>

#include "models/media/packet/call_driver.hpp"

namespace p2psim::media::packet::detail {

void CallDriver::speaker_change() {
  const double mean = spec_.call.speaker_turn_mean.seconds();
  sim_.schedule_after(SimTime::from_seconds(speaker_rng_.exponential(mean)), [this] { speaker_change(); });
  if (n_ < 2) return;
  const int cur = recency_.front();
  int next = static_cast<int>(speaker_rng_.below(static_cast<std::uint64_t>(n_ - 1)));
  if (next >= cur) ++next;
  auto it = std::find(recency_.begin(), recency_.end(), next);
  std::rotate(recency_.begin(), it, it + 1);
  if (mesh()) update_mesh_visibility();
}

void CallDriver::present_recency(std::vector<int>& out) const {
  out.clear();
  for (int s : recency_)
    if (present(s)) out.push_back(s);
}

// Mesh: receiver j gets sender i's video only while j's layout shows i (a gallery of
// fewer tiles than participants, audio-only); a peer connection whose video starts sends
// a key frame first.
void CallDriver::update_mesh_visibility() {
  if (layers_ == 0) return;
  std::vector<int> rec, ones(static_cast<std::size_t>(n_), 1), out(static_cast<std::size_t>(n_));
  present_recency(rec);
  mesh_shows_.resize(static_cast<std::size_t>(n_) * n_, 0);
  for (int j = 0; j < n_; ++j) {
    if (present(j)) chooser_.receiver_layers(j, rec, ones, kUnlimited, out);
    else std::fill(out.begin(), out.end(), -1);
    for (int i = 0; i < n_; ++i) {
      if (i == j) continue;
      char& shown = mesh_shows_[static_cast<std::size_t>(j) * n_ + i];
      const char now = out[static_cast<std::size_t>(i)] >= 0 ? 1 : 0;
      if (now && !shown) enc_[static_cast<std::size_t>(mesh_hop(i, j))].request_key_frame();
      shown = now;
    }
  }
}

}  // namespace p2psim::media::packet::detail
