// SFU cost model: CPU cores a selective forwarding unit needs for the packets and bytes
// it receives and sends. The one model of SFU CPU in p2psim: the group-call study
// charges it per packet and byte of a call's plan, the capacity study converts it to the
// egress bit/s one core sustains (egress_bps_per_core). Independent of any solver.
//
//   cores = (packets/s in + packets/s out) * packet_cost_s
//         + (bytes/s in + bytes/s out) * srtp_byte_cost_s
// packet_cost_s: per-packet work besides cryptography (socket I/O, RTP parsing and
// rewriting, per-receiver congestion control and pacing, RTCP). srtp_byte_cost_s: SRTP
// unprotect of every byte in and protect of every byte out (AES-128-CM + HMAC-SHA1-80,
// RFC 3711), since an SFU re-encrypts per receiver.
// Defaults represent a LiveKit deployment (its published benchmark); jitsi_2014() the
// Jitsi Videobridge 2014 measurement. Sources and derivations: docs/models/media.md,
// section "One SFU cost model".
#pragma once

namespace p2psim::media {

struct SfuCostModel {
  double packet_cost_s = 103e-6;     // core-seconds per packet in or out (LiveKit benchmark fit)
  double srtp_byte_cost_s = 1.3e-9;  // core-seconds per byte in or out (openssl speed, AES-128-CTR + SHA-1)

  // Preconditions: rates >= 0.
  double cores(double packets_per_s, double bytes_per_s) const {
    return packets_per_s * packet_cost_s + bytes_per_s * srtp_byte_cost_s;
  }
  // Egress bit/s one core sustains when every forwarded packet of `packet_bytes` (wire)
  // also costs 1/fanout of an incoming packet (fanout = egress / ingress).
  // Preconditions: packet_bytes > 0, fanout > 0.
  double egress_bps_per_core(double packet_bytes, double fanout) const {
    const double per_packet = (1.0 + 1.0 / fanout) * (packet_cost_s + packet_bytes * srtp_byte_cost_s);
    return 8.0 * packet_bytes / per_packet;
  }

  // The Jitsi Videobridge 2014 measurement (a Java SFU without per-receiver congestion
  // control): ~550 Mbit/s out at ~0.8 core.
  static SfuCostModel jitsi_2014() { return {12e-6, 1.3e-9}; }
};

// Packet size and fanout of the LiveKit benchmark the default was fitted to (720p
// simulcast, 150 publishers, 150 subscribers: 400 Mbit/s in, 744 Mbit/s out).
inline constexpr double kSfuBenchmarkPacketBytes = 1100;
inline constexpr double kSfuBenchmarkFanout = 744.0 / 400.0;

}  // namespace p2psim::media
