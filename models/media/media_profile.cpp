#include "models/media/media_profile.hpp"

#include <cmath>

namespace p2psim::media {

int packet_overhead_bytes(const OverheadSpec& o, LegTransport t) {
  const int ip = o.ip == IpVersion::kV4 ? 20 : 40;
  const int rtp = o.rtp_bytes + o.header_extension_bytes + o.srtp_tag_bytes;
  switch (t) {
    case LegTransport::kUdp: return ip + o.udp_bytes + rtp;
    case LegTransport::kTurnUdp: return ip + o.udp_bytes + o.channeldata_bytes + rtp;
    // Over TCP, ChannelData messages are padded to a multiple of 4 bytes (RFC 8656 s12.5);
    // the padding (0-3 B, 1.5 B on average) is left out of this flow-level figure.
    case LegTransport::kTurnTcp: return ip + o.tcp_bytes + o.channeldata_bytes + rtp;
    // ICE-TCP to the media server: RFC 4571 framing, no TURN header. One RTP packet per
    // TCP segment is assumed (flow level; Nagle off, as media stacks set TCP_NODELAY).
    case LegTransport::kDirectTcp: return ip + o.tcp_bytes + o.ice_tcp_framing_bytes + rtp;
  }
  return ip + o.udp_bytes + rtp;
}

std::vector<VideoLayer> VideoProfile::vp8_720p_ladder() { return {{180, 150'000}, {360, 500'000}, {720, 2'500'000}}; }

PacketStream audio_stream(const AudioProfile& a) {
  PacketStream s;
  s.payload_bps = a.bitrate_bps;
  s.packets_per_s = 1.0 / a.frame.seconds();
  return s;
}

PacketStream video_stream(const VideoProfile& v, double bitrate_bps) {
  PacketStream s;
  s.payload_bps = bitrate_bps;
  const double frame_bytes = bitrate_bps / v.fps / 8.0;
  const double packets_per_frame = std::ceil(frame_bytes / static_cast<double>(v.mtu_payload_bytes));
  s.packets_per_s = v.fps * packets_per_frame;
  return s;
}

PacketStream audio_dtx_stream(const AudioProfile& a) {
  PacketStream s;
  s.packets_per_s = 1.0 / a.dtx_interval.seconds();
  s.payload_bps = s.packets_per_s * 8.0 * a.dtx_payload_bytes;
  return s;
}

double temporal_share(const VideoProfile& v, double fps, double& delivered_fps) {
  static constexpr double kShare[3][3] = {{1.0, 1.0, 1.0}, {0.6, 1.0, 1.0}, {0.4, 0.6, 1.0}};
  const int t = v.temporal_layers < 1 ? 1 : v.temporal_layers > 3 ? 3 : v.temporal_layers;
  delivered_fps = v.fps;
  if (fps <= 0 || fps >= v.fps || v.scalability != Scalability::kSvc) return 1.0;
  // Layer count k (1..t) delivers fps / 2^(t-k).
  for (int k = 1; k <= t; ++k) {
    const double f = v.fps / static_cast<double>(1 << (t - k));
    if (f >= fps * (1 - 1e-9)) {
      delivered_fps = f;
      return kShare[t - 1][k - 1];
    }
  }
  return 1.0;
}

double wire_bps(const PacketStream& s, const OverheadSpec& o, LegTransport t) {
  return s.wire_bps(packet_overhead_bytes(o, t));
}

}  // namespace p2psim::media
