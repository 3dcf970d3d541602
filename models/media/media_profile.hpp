// Media profiles: what one participant sends (Opus audio, a video simulcast ladder), and
// the per-packet header overhead that turns a codec's payload rate into a wire rate.
//
// Flow-level model: a media stream is a constant bit rate with a constant packet rate.
//   audio: packets/s = 1 / frame duration (one Opus frame per RTP packet, RFC 7587 s4.2)
//   video: a frame of bitrate / fps / 8 bytes is split into ceil(frame / mtu_payload)
//          RTP packets; packets/s = fps * that count
//   wire rate = payload rate + packets/s * 8 * overhead bytes per packet
// Every default below is documented, with its primary source, in docs/models/media.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/turn/framing.hpp"
#include "sim/time.hpp"

namespace p2psim::media {

enum class IpVersion { kV4, kV6 };

// How one leg of a stream travels: plain UDP, through a TURN relay (RFC 8656) over UDP or
// TCP, or straight to a media server over ICE-TCP (RFC 6544). Relayed legs carry a 4-byte
// ChannelData header (RFC 8656 s12.4); ICE-TCP frames every packet with a 2-byte length
// (RFC 4571 s2, as RFC 6544 s3 requires).
enum class LegTransport : std::uint8_t { kUdp, kTurnUdp, kTurnTcp, kDirectTcp };

struct OverheadSpec {
  IpVersion ip = IpVersion::kV4;       // IPv4 header 20 B (RFC 791), IPv6 40 B (RFC 8200)
  int udp_bytes = 8;                   // B; RFC 768
  int tcp_bytes = 20;                  // B; RFC 9293 header without options (TURN over TCP, ICE-TCP)
  int ice_tcp_framing_bytes = 2;       // B; RFC 4571 s2 length prefix per packet on ICE-TCP
  int rtp_bytes = 12;                  // B; RFC 3550 s5.1 fixed header, no CSRC
  int srtp_tag_bytes = 10;             // B; AES_CM_128_HMAC_SHA1_80 tag (RFC 3711 s4.2, RFC 5764)
  int header_extension_bytes = 0;      // B; RFC 8285 extensions (0 = none; ~8-20 in practice)
  int channeldata_bytes = static_cast<int>(turn::kChannelDataHeaderBytes);  // B; RFC 8656 s12.4 (models/turn/framing.hpp)
};

// Bytes of headers per RTP packet on a leg of the given transport.
int packet_overhead_bytes(const OverheadSpec& o, LegTransport t);

// A constant-rate packet stream: payload bit rate and packets per second.
struct PacketStream {
  double payload_bps = 0;
  double packets_per_s = 0;
  // Wire rate (bit/s) with `overhead_bytes` of headers per packet.
  double wire_bps(int overhead_bytes) const { return payload_bps + packets_per_s * 8.0 * overhead_bytes; }
};

struct AudioProfile {
  bool enabled = true;
  double bitrate_bps = 32'000;          // bit/s; libwebrtc Opus fullband default (audio_encoder_opus.cc)
  SimTime frame = SimTime::ms(20);      // Opus frame per packet; RFC 7587 s4.2 / libwebrtc default ptime
  // Opus DTX (RFC 7587 s3.1.3; SDP usedtx, default 0 = off, RFC 7587 s6.1; libwebrtc
  // AudioEncoderOpusConfig::dtx_enabled = false). A silent sender then emits one
  // comfort-noise update every dtx_interval instead of a frame every `frame`.
  bool dtx = false;
  SimTime dtx_interval = SimTime::ms(400);  // libopus MAX_CONSECUTIVE_DTX = 20 frames of 20 ms
  int dtx_payload_bytes = 10;               // B per comfort-noise update (assumption)
};

struct VideoLayer {
  int height = 720;                     // pixels (width follows 16:9)
  double bitrate_bps = 2'500'000;       // bit/s, target rate of this simulcast layer
};

// How a sender offers several resolutions to an SFU: simulcast (one independent encoding
// per layer, libwebrtc's default for VP8) or SVC (one encoding carrying every spatial and
// temporal layer, VP9/AV1 L3T3; the SFU drops layers per receiver).
enum class Scalability : std::uint8_t { kSimulcast, kSvc };

struct VideoProfile {
  bool enabled = true;
  Scalability scalability = Scalability::kSimulcast;
  // SVC: rate of the stream up to spatial layer k = (1 + svc_overhead) x layer k's
  // single-layer rate (inter-layer prediction costs bits; Schwarz, Marpe, Wiegand, IEEE
  // TCSVT 2007: about 10 % for spatial scalability).
  double svc_overhead = 0.10;
  // SVC temporal layers (L3T3: 3): T0 at fps/4, T0+T1 at fps/2, all at fps; the
  // cumulative rate shares are libwebrtc's 3-layer split 0.4 / 0.6 / 1.0
  // (simulcast_rate_allocator.cc, kLayerRateAllocation).
  int temporal_layers = 3;
  // Simulcast ladder, lowest layer first. Default: libwebrtc VP8 720p (simulcast.cc):
  // 320x180 150 kbps, 640x360 500 kbps, 1280x720 2500 kbps.
  std::vector<VideoLayer> layers = vp8_720p_ladder();
  double fps = 30;                      // frames/s; libwebrtc camera capture default 30 fps
  std::int64_t mtu_payload_bytes = 1200;  // B; libwebrtc max RTP payload (kVideoMtu = 1200)

  static std::vector<VideoLayer> vp8_720p_ladder();
  // The top layer (the full-quality stream). Precondition: !layers.empty().
  const VideoLayer& top() const { return layers.back(); }
};

struct MediaProfile {
  AudioProfile audio;
  VideoProfile video;
  OverheadSpec overhead;
};

// Packet streams of the codecs (payload rate and packet rate, no headers).
PacketStream audio_stream(const AudioProfile& a);
// A video stream at `bitrate_bps` under the profile's fps and MTU.
PacketStream video_stream(const VideoProfile& v, double bitrate_bps);

// The silent (DTX) packet stream of an audio profile: one update per dtx_interval.
PacketStream audio_dtx_stream(const AudioProfile& a);

// SVC temporal sub-stream for an asked frame rate: the fewest temporal layers whose frame
// rate covers `fps` (0 = full rate). Returns the kept rate share and writes the frame
// rate it delivers. Precondition: v.temporal_layers in [1, 3].
double temporal_share(const VideoProfile& v, double fps, double& delivered_fps);

// Convenience: wire rate (bit/s) of one stream over a leg.
double wire_bps(const PacketStream& s, const OverheadSpec& o, LegTransport t);

}  // namespace p2psim::media
