// SVC in the packet mode (media.video.scalability: svc, SFU): each sender's one encoder
// codes every frame once as an L3T3-style superframe carrying spatial layers 0..top
// (media_source.hpp: temporal pattern, frame sizes, the bottom-up split into layers),
// uploaded as one stream; the SFU forwards to each receiver the spatial layers up to the
// one its allocator chose and the temporal layers its tile keeps, renumbering frames so
// that the receiver sees a consecutive sequence (an SFU rewrites picture ids when it
// drops temporal layers). Rates and layer choice are the flow model's definitions,
// through the LayerChooser.
#include <algorithm>
#include <cmath>

#include "models/media/packet/call_driver.hpp"

namespace p2psim::media::packet::detail {

void CallDriver::svc_on_target(int i, double video_wire) {
  const SimTime now = sim_.now();
  Hop& hop = hops_[up_hop(i)];
  const int top = std::min({std::max(1, chooser_.sender_layers(i, video_wire)), layers_, kSvcMaxSpatial}) - 1;
  active_layers_[i] = top + 1;
  const double ideal = audio_wire_ + chooser_.layer_wire_bps(i, std::min(layers_, kSvcMaxSpatial) - 1);
  if (ideal > 1.05 * hop.cc->target_bps()) hop.cc->probe_to(now, 1.05 * ideal);
  const std::size_t e = static_cast<std::size_t>(i) * layers_;
  if (!enc_on_[e]) enc_[e].request_key_frame();
  enc_on_[e] = 1;
  enc_[e].set_target(now, std::min(chooser_.layer_payload_bps(i, top), video_wire / (1 + ovh_frac_)));
}

void CallDriver::svc_video_tick(int i) {
  if (active_layers_[i] <= 0) return;
  const SimTime now = sim_.now();
  const int top = active_layers_[i] - 1;
  const std::size_t e = static_cast<std::size_t>(i) * layers_;
  const VideoProfile& v = spec_.call.media.video;
  const EncodedFrame f = enc_[e].encode(now);
  if (f.key) svc_pattern_[i] = 0;
  const int tid = svc_temporal_id(svc_pattern_[i]++, v.temporal_layers);
  // Key frames keep the encoder's key size; delta frames follow the temporal rate shares.
  const double size = f.key ? static_cast<double>(f.bytes) : static_cast<double>(f.bytes) * svc_temporal_size_factor(v, tid);
  std::int64_t bytes = std::max<std::int64_t>(1, std::llround(size));
  bytes += static_cast<std::int64_t>(std::llround(spec_.fec_overhead * static_cast<double>(bytes)));
  double cumulative[kSvcMaxSpatial];
  for (int s = 0; s <= top; ++s) cumulative[s] = chooser_.layer_payload_bps(i, s);
  std::int64_t layer_bytes[kSvcMaxSpatial];
  int layer_packets[kSvcMaxSpatial];
  svc_split(bytes, std::span<const double>(cumulative, static_cast<std::size_t>(top + 1)), f.target_bps, top,
            v.mtu_payload_bytes, layer_bytes, layer_packets);
  Pkt tmpl;
  tmpl.kind = PktKind::kVideo;
  tmpl.sender = i;
  tmpl.dst = kServer;
  tmpl.key = f.key;
  tmpl.tid = static_cast<std::uint8_t>(tid);
  tmpl.svc_top = static_cast<std::uint8_t>(top);
  tmpl.frame = enc_frame_[e]++;
  tmpl.stream = 1;
  tmpl.capture = now;
  tmpl.origin_sent = now;
  int upto = 0;
  for (int s = 0; s <= top; ++s) {
    upto += layer_packets[s];
    tmpl.svc_up_to[s] = static_cast<std::uint16_t>(upto);
    // The encoder codes every spatial layer of the frame (codec_cost.hpp per layer height).
    const int height = chooser_.layers(i)[static_cast<std::size_t>(s)].height;
    emit([&](PacketCallObserver& o) { o.on_video_encoded(i, height, now); });
  }
  for (int s = 0; s <= top; ++s) {
    const int count = layer_packets[s];
    for (int k = 0; k < count; ++k) {
      const std::uint32_t t = alloc();
      Pkt& p = pool_[t];
      p = tmpl;
      p.layer = static_cast<std::int16_t>(s);
      p.res = static_cast<std::int16_t>(s);
      p.index = static_cast<std::uint16_t>(k);
      p.count = static_cast<std::uint16_t>(count);
      p.payload = std::max<std::int64_t>(1, layer_bytes[s] / count + (k == 0 ? layer_bytes[s] % count : 0));
      p.wire = p.payload + overhead_;
      hop_enqueue(up_hop(i), t, true);
    }
  }
}

void CallDriver::svc_forward(int j, const Pkt& p) {
  const std::size_t k = static_cast<std::size_t>(j) * n_ + p.sender;
  // A spatial switch takes effect at the start of a key superframe (requested by PLI).
  if (pend_[k] >= 0 && p.key && p.layer == 0 && p.index == 0) {
    cur_[k] = pend_[k];
    pend_[k] = -1;
  }
  const int cur = cur_[k];
  if (cur < 0 || p.layer > cur || p.tid > svc_ttop_[k]) return;
  // Renumber: the forwarded frames of this receiver are consecutive.
  std::uint32_t id = 0;
  std::pair<std::uint32_t, std::uint32_t>* map = svc_map_.data() + k * kSvcMapSlots;
  if (svc_last_orig_[k] >= 0 && p.frame == static_cast<std::uint32_t>(svc_last_orig_[k])) {
    id = svc_next_new_[k] - 1;
  } else if (svc_last_orig_[k] < 0 || p.frame > static_cast<std::uint32_t>(svc_last_orig_[k])) {
    id = svc_next_new_[k]++;
    svc_last_orig_[k] = p.frame;
    map[id % kSvcMapSlots] = {p.frame, id};
  } else {  // a late packet (retransmission) of an earlier forwarded frame
    const auto* it = std::find_if(map, map + kSvcMapSlots, [&](const auto& m) { return m.first == p.frame && m.second + kSvcMapSlots >= svc_next_new_[k]; });
    if (it == map + kSvcMapSlots) return;
    id = it->second;
  }
  Pkt q = p;
  const int layer = std::min<int>(cur, p.svc_top);
  q.layer = 0;  // one decode chain per sender: spatial switches do not restart it
  q.res = static_cast<std::int16_t>(layer);
  q.count = p.svc_up_to[layer];
  q.frame = id;
  sfu_copy(j, q);
}

}  // namespace p2psim::media::packet::detail
