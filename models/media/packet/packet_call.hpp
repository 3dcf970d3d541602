// Packet-level group call (call.model: packet): the same CallSpec as the flow model
// (group_call.hpp), simulated packet by packet on queued access links with real
// congestion control, so that start-up, capacity changes, queues, loss and freezes show.
//
// Structure (one Simulator per call):
//  - every participant has an uplink and a downlink QueuedLink (capacity from its access
//    profile, optionally a capacity schedule or trace; drop-tail queue, loss, jitter
//    from PacketAccessSpec). An SFU/MCU with a finite ingress or egress capacity has one
//    shared queued link for it (500 ms drop-tail).
//  - transports (hops): mesh i->j (one per RTCPeerConnection: uplink i then downlink j);
//    SFU i->server (uplink) and server->j (downlink). Each hop's sender runs a
//    CongestionController (GCC) fed by transport-wide feedback from the hop's receiver
//    every feedback_interval, paces video at the controller's pacing rate, and answers
//    NACKs with one retransmission (RTX, +2 B, RFC 4588 s4).
//  - media: Opus audio and the statistical video encoder (media_source.hpp). Mesh: one
//    encoder per peer connection at min(top layer, estimate). SFU: simulcast (or one SVC stream, svc.cpp), the layers
//    the LayerChooser enables within the upload estimate; the SFU forwards per receiver
//    the layer the LayerChooser picks from that receiver's downlink estimate, with
//    hysteresis, switching at a key frame it requests by PLI. MCU: one upload encoding per
//    participant (like mesh), and per receiver one mixed video encoded at min(mix rate,
//    downlink estimate) and one audio mix.
//  - receivers: receivers.hpp (frames, jitter buffer, audio playout).
//  - metrics: the call emits events (call_observer.hpp) and computes no metric itself;
//    PacketCallResult comes from the CallMetrics observer (call_metrics.hpp).
// The hybrid topology is not simulated in packet mode (see docs/models/media-packet.md).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "models/media/call_spec.hpp"
#include "models/media/packet/call_observer.hpp"
#include "models/media/packet/congestion_controller.hpp"
#include "models/media/packet/layer_chooser.hpp"
#include "models/media/packet/media_source.hpp"
#include "models/media/packet/quality.hpp"
#include "models/net/queued_link.hpp"

namespace p2psim::media::packet {

// Packet-mode link parameters of one access profile (index-aligned with CallSpec::access).
struct PacketAccessSpec {
  std::vector<net::CapacityStep> uplink_schedule;    // empty = constant AccessProfile::uplink_bps
  std::vector<net::CapacityStep> downlink_schedule;  // empty = constant downlink_bps
  SimTime queue_time = SimTime::ms(500);  // drop-tail limit (see docs: cellular/cable buffers)
  std::int64_t queue_bytes = 0;           // alternative limit in bytes (0 = none)
  net::LossSpec uplink_loss, downlink_loss;
  SimTime jitter = SimTime::zero();
};

// A participant present only during [join, leave).
struct Presence {
  int participant = 0;
  SimTime join = SimTime::zero();
  SimTime leave = SimTime::max();
};

struct PacketCallSpec {
  CallSpec call;
  std::vector<PacketAccessSpec> access;  // empty or one per CallSpec::access entry
  VideoEncoderSpec encoder;
  ControllerSpec controller;
  ControllerKind controller_kind = ControllerKind::kGcc;
  SimTime feedback_interval = SimTime::ms(100);  // libwebrtc RemoteEstimatorProxy default send interval
  bool nack = true;
  SimTime nack_max_rtt = SimTime::ms(500);  // no NACK when the RTT is above this
  double fec_overhead = 0;                  // extra video bytes (FlexFEC/ULPFEC), fraction of payload
  double hysteresis = 0.15;                 // SFU: an up-switch needs the new layers to fit (1 - h) x estimate
  EModelCodec audio_codec;                  // Ie / Bpl
  std::vector<Presence> presence;           // joins and leaves (others: the whole call)
  SimTime series_step = SimTime::s(1);      // time-series resolution
  bool per_stream = false;                  // also report every (receiver, sender) stream (PacketCallResult::streams)
};

struct PacketSeries {
  std::string name, unit;
  std::vector<double> t, v;
};

struct PacketParticipantResult {
  int profile = 0;
  double uplink_delivered_bps = 0, downlink_delivered_bps = 0;  // wire, time mean while present
  double upload_target_bps = 0;   // mean over its sending transports and time
  double video_received_bps = 0;  // payload of video rendered-capable streams received, sum over senders
  double freezes = 0, freeze_s = 0;
  double fps = 0, height = 0;     // mean over received video streams
  double audio_mos = 0;
  double time_to_steady_s = 0;    // first second its video rate reached 90 % of its second-half mean
  // Client CPU in reference cores (codec_cost.hpp, the flow model's cost model): every
  // video frame it encodes (each simulcast layer) and decodes, at the frame's height, and
  // every audio frame, averaged over its time in the call. Not throttled by its device.
  double client_cores = 0;
  double device_capacity = 0;     // its device class's reference cores (device.hpp); inf = unlimited
};

// One (receiver, sender) stream over the time both were present (only with
// PacketCallSpec::per_stream). MCU: the receiver's mix (sender == receiver).
struct PacketStreamResult {
  int receiver = 0, sender = 0;
  double video_received_bps = 0;  // video payload delivered
  double freezes = 0, freeze_s = 0;
  double fps = 0, height = 0;     // decoded frames per second; mean height of decoded frames
  double video_delay_p95_s = 0;   // capture -> render
  double network_delay_p95_s = 0; // media packets, first send -> final arrival
};

struct PacketCallResult {
  std::vector<PacketParticipantResult> participants;
  double video_delay_mean_s = 0, video_delay_p95_s = 0;  // capture -> render
  double audio_delay_mean_s = 0, audio_delay_p95_s = 0;  // mouth to ear
  double network_delay_mean_s = 0, network_delay_p95_s = 0;  // media packets, send -> final arrival
  double queue_delay_mean_s = 0, queue_delay_p95_s = 0, queue_delay_max_s = 0;  // access links
  double loss_before_recovery = 0;  // media packets lost on links / sent
  double loss_after_recovery = 0;   // media packets never delivered / sent (after NACK/RTX; audio late loss excluded)
  double video_frames_lost = 0;     // frames given up (decode chain broken) / frames expected
  double audio_loss = 0;            // audio frames lost or late (missed playout) / expected
  double rtx_overhead = 0;          // retransmitted bytes / media bytes
  double freezes_per_min = 0, freeze_fraction = 0;
  double audio_mos_mean = 0, audio_mos_min = 0;
  double estimate_over_capacity = 0;  // upload targets / uplink capacity, time mean
  double time_to_steady_s = 0;
  // Server: packets and wire bytes per second into plus out of the SFU (or MCU) as
  // measured, and its CPU in cores: SFU from sfu_cost_model.hpp (the flow model's
  // SfuCostModel) over those rates; MCU from codec_cost.hpp over the frames it decodes
  // and encodes. 0 for a mesh.
  double server_packets_per_s = 0, server_bytes_per_s = 0, server_cores = 0;
  // TURN: SRTP packets and bytes per second it relayed (relayed paths only) and its CPU
  // from the capacity study's TurnCostModel (turn_cost_model.hpp), as the flow model.
  double turn_packets_per_s = 0, turn_bytes_per_s = 0, turn_cores = 0;
  std::uint64_t events = 0;
  std::vector<PacketSeries> series;
  std::vector<PacketStreamResult> streams;  // per_stream only, receiver-major
};

// Runs the call. Preconditions: as simulate_group_call; topology mesh, SFU or MCU; access
// empty or sized like call.access. Deterministic in seed. `chooser` may be null (then the
// LayoutLayerChooser: the flow model's layout and layer-choice definitions on each
// participant's layout).
PacketCallResult simulate_packet_call(const PacketCallSpec& spec, std::uint64_t seed,
                                      const LayerChooser* chooser = nullptr,
                                      std::span<PacketCallObserver* const> observers = {});

}  // namespace p2psim::media::packet
