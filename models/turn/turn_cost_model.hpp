// TurnCostModel: what relaying media costs a TURN server, as measured on coturn by
// tools/calibrate-turn: CPU time per relayed packet, per relayed payload byte and per
// allocation (Allocate, permission/channel set-up, refreshes and deallocation), and the
// TURN framing each packet carries on the client leg.
//
// Used by the capacity study (relay CPU demand per allocation) and by the group-call flow
// model (TURN server CPU of a call, models/media/topology/topology.hpp turn_relay_cores). Units: CPU seconds of one core; packets and bytes as
// the relay sees them (a packet received on one side and sent on the other counts once).
// Defaults, the machine they were measured on and their sources: docs/models/capacity.md,
// "TURN cost model".
#pragma once

#include <string>

namespace p2psim::turn {

struct TurnCostModel {
  // Defaults: coturn 4.6.1 on one vCPU of an Intel Xeon @ 2.5 GHz over loopback, measured
  // by tools/calibrate-turn on 2026-12-01 (scenarios/cost-models/coturn-4.6.1.yml). The
  // per-byte cost was below what that measurement resolves (fitted 0).
  double cpu_s_per_packet = 5.7e-6;      // core-seconds per relayed packet
  double cpu_s_per_byte = 0;             // core-seconds per relayed payload byte
  double cpu_s_per_allocation = 1.26e-3; // core-seconds per allocation over its life
  double framing_bytes = 4;              // ChannelData header per packet (RFC 8656 section 12.4)
  std::string machine = "coturn 4.6.1, Intel Xeon 2.5 GHz, loopback (tools/calibrate-turn, 2026-12-01)";

  // Cores kept busy relaying `packets_per_s` packets carrying `bytes_per_s` payload bytes.
  // Precondition: both >= 0.
  double cores(double packets_per_s, double bytes_per_s) const {
    return cpu_s_per_packet * packets_per_s + cpu_s_per_byte * bytes_per_s;
  }
  // Cores spent on allocation set-up and teardown at `allocations_per_s`.
  double setup_cores(double allocations_per_s) const { return cpu_s_per_allocation * allocations_per_s; }
  // Bit/s on the client leg of a relayed stream of `payload_bps` sent as `packets_per_s`.
  double wire_bps(double payload_bps, double packets_per_s) const {
    return payload_bps + 8.0 * framing_bytes * packets_per_s;
  }
  // Core-seconds to relay one stream for `seconds` (model prediction for a load point).
  double cpu_seconds(double packets, double bytes, double allocations) const {
    return cpu_s_per_packet * packets + cpu_s_per_byte * bytes + cpu_s_per_allocation * allocations;
  }
};

// Packets per second of one media stream of `bitrate_bps` (payload): audio at one packet
// per 20 ms Opus frame (50/s, RFC 7587 section 4.2 default ptime), video in packets of at
// most 1200 payload bytes (libwebrtc kVideoMtu), whichever gives more packets.
// Precondition: bitrate_bps >= 0.
inline double stream_packet_rate(double bitrate_bps) {
  constexpr double kAudioPps = 50, kMaxPayloadBytes = 1200;
  const double by_size = bitrate_bps / (8.0 * kMaxPayloadBytes);
  return by_size > kAudioPps ? by_size : kAudioPps;
}

}  // namespace p2psim::turn
