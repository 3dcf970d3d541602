// CongestionController: the sender-side rate controller of one transport (one
// RTCPeerConnection, or one SFU-to-receiver leg), behind one interface so that other
// controllers (NADA, RFC 8698; SCReAM, RFC 8298) can sit beside Google Congestion
// Control (gcc.hpp), the default.
//
// The transport tells the controller what it sent (with transport-wide sequence numbers,
// draft-holmer-rmcat-transport-wide-cc-extensions-01) and hands it each feedback report:
// per packet, received (with its arrival time at the receiver) or lost. The controller
// answers with a target rate, a pacing rate, and probe clusters to send.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "sim/time.hpp"

namespace p2psim::media::packet {

struct PacketResult {
  std::uint64_t tw_seq = 0;
  SimTime sent;
  std::int64_t bytes = 0;     // on the wire
  bool received = false;
  SimTime arrival;            // at the receiver (valid when received)
  int probe_cluster = -1;     // >= 0: padding sent for that probe cluster
};

// A burst the pacer sends at `bps` to measure capacity (libwebrtc ProbeClusterConfig).
struct ProbeCluster {
  int id = 0;
  double bps = 0;
  std::int64_t min_bytes = 0;
  int min_packets = 5;
};

struct ControllerSpec {
  double start_bps = 300'000;    // bit/s; libwebrtc BitrateConstraints start_bitrate_bps
  double min_bps = 5'000;        // bit/s; libwebrtc kCongestionControllerMinBitrate
  double max_bps = 10e6;         // bit/s; the transport sets the sum of what its streams can use
  double pacing_factor = 2.5;    // pacing rate / target (libwebrtc goog_cc kDefaultPaceMultiplier)
  bool probing = true;           // start-up exponential probing
};

class CongestionController {
 public:
  virtual ~CongestionController() = default;
  virtual void on_packet_sent(SimTime now, std::uint64_t tw_seq, std::int64_t bytes, int probe_cluster) = 0;
  // `packets`: one feedback report in transport-wide sequence order; `rtt` the
  // transport's current round-trip estimate.
  virtual void on_feedback(SimTime now, std::span<const PacketResult> packets, SimTime rtt) = 0;
  virtual double target_bps() const = 0;
  virtual double pacing_bps() const = 0;
  virtual void set_max_bps(double bps) = 0;
  // A probe cluster to send now, if the controller wants one.
  virtual std::optional<ProbeCluster> take_probe(SimTime now) = 0;
  // The application could use `bps` (more than the target): probe towards it
  // (libwebrtc ProbeController on a new max allocation / ALR probing; Jitsi
  // Videobridge's bandwidth probing towards the ideal allocation). Rate-limited.
  virtual void probe_to(SimTime now, double bps) = 0;
  // Capacity estimate of the delay-based part (bit/s), for metrics.
  virtual double delay_based_bps() const = 0;
};

enum class ControllerKind : std::uint8_t { kGcc };
std::unique_ptr<CongestionController> make_controller(ControllerKind k, const ControllerSpec& s);

}  // namespace p2psim::media::packet
