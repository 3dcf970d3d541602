// What a packet-mode group call reports as it runs: the events every metric is computed
// from. The call (packet_call.hpp) emits them and computes no metric itself; the built-in
// metrics are an observer too (CallMetrics, call_metrics.hpp), and anyone may add more
// (traces, custom metrics). Observing never changes a run.
//
// Participants are indices 0..N-1; kServerIndex (-1) is the SFU or MCU. A "hop" is one
// transport (mesh: one RTCPeerConnection i -> j; SFU/MCU: i -> server or server -> j),
// named by its two ends. Times are simulation times; callbacks arrive in event order.
#pragma once

#include <cstdint>

#include "sim/time.hpp"

namespace p2psim::media::packet {

inline constexpr int kServerIndex = -1;

enum class MediaKind : std::uint8_t { kAudio, kVideo, kProbe };

// One packet on a hop, as an observer sees it.
struct PacketEvent {
  int from = 0, to = 0;      // the hop's ends (kServerIndex for the server)
  int sender = 0;            // media sender (participant; the MCU mix: its receiver)
  MediaKind kind = MediaKind::kAudio;
  bool rtx = false;          // a retransmission (RFC 4588)
  bool comfort_noise = false;  // audio: a DTX comfort-noise update, not speech
  std::uint32_t seq = 0;     // audio: RTP sequence number of the sender's audio stream
  std::int64_t wire = 0;     // bytes on the wire
  std::int64_t payload = 0;  // media payload bytes
  int overhead = 0;          // header bytes on the wire (IP, UDP/TCP, ChannelData, RTP, SRTP)
};

// Read-only state of the call an observer may query inside a callback.
class CallView {
 public:
  virtual ~CallView() = default;
  virtual SimTime now() const = 0;
  virtual bool present(int participant) const = 0;
  virtual int profile(int participant) const = 0;  // index into CallSpec::access
  // Participant i's uplink: capacity at t (bit/s) and the queueing delay a packet offered now would see.
  virtual double uplink_capacity(int participant, SimTime t) const = 0;
  virtual SimTime uplink_queue_delay(int participant) const = 0;
  virtual std::uint64_t events() const = 0;  // simulator events executed so far
};

class PacketCallObserver {
 public:
  virtual ~PacketCallObserver() = default;
  // A hop's controller has a new target: at the start (t = 0), after each feedback report,
  // and when the hop restarts at a join or leave.
  virtual void on_target(int /*from*/, int /*to*/, SimTime /*t*/, double /*target_bps*/) {}
  // A link accepted a packet that waits `queue_delay`, or dropped one (participant N: the
  // server's ingress (uplink = true) or egress).
  virtual void on_queue(int /*participant*/, bool /*uplink*/, std::int64_t /*bytes*/, SimTime /*queue_delay*/,
                        SimTime /*t*/) {}
  virtual void on_drop(int /*participant*/, bool /*uplink*/, bool /*queue_full*/, SimTime /*t*/) {}
  // Participant i's access link delivered `wire` bytes (uplink: towards the network).
  virtual void on_link_delivered(int /*participant*/, bool /*uplink*/, std::int64_t /*wire*/, SimTime /*t*/) {}
  // A hop's sender put a packet on the wire (media, RTX or probe padding).
  virtual void on_packet_sent(const PacketEvent&, SimTime /*t*/) {}
  // A packet reached the hop's receiver.
  virtual void on_packet_arrived(const PacketEvent&, SimTime /*t*/) {}
  // A packet crossed a TURN relay (a relayed mesh pair, or a participant's leg to the SFU/MCU).
  virtual void on_relayed(const PacketEvent&, SimTime /*t*/) {}
  // A packet was lost on a link (random loss or a full queue) and will not arrive.
  virtual void on_packet_lost(const PacketEvent&, SimTime /*t*/) {}
  // A present receiver got a media packet of `sender`, first sent at `first_sent`.
  virtual void on_media_received(int /*receiver*/, const PacketEvent&, SimTime /*first_sent*/, SimTime /*t*/) {}
  // Codec work (CPU): `who` (a participant or kServerIndex) encoded one video frame of
  // `height` px, decoded `frames` frames of `sender` at `height`, encoded or decoded one
  // audio frame.
  virtual void on_video_encoded(int /*who*/, int /*height*/, SimTime /*t*/) {}
  virtual void on_video_decoded(int /*who*/, int /*sender*/, int /*frames*/, int /*height*/, SimTime /*t*/) {}
  virtual void on_audio_encoded(int /*who*/, SimTime /*t*/) {}
  virtual void on_audio_decoded(int /*who*/, SimTime /*t*/) {}
  // `receiver` rendered a video frame from `sender` (receiver == sender: the MCU's mix).
  virtual void on_render(int /*receiver*/, int /*sender*/, SimTime /*capture*/, SimTime /*render*/) {}
  // `receiver` gave up `frames` video frames of `sender` (decode chain broken).
  virtual void on_frames_abandoned(int /*receiver*/, int /*sender*/, int /*frames*/, SimTime /*t*/) {}
  // An audio packet (RTP sequence `seq` of the stream) reached `receiver`'s playout:
  // played with `mouth_to_ear` (capture to playout plus the frame), or too late.
  // `comfort_noise`: a DTX update rather than speech.
  virtual void on_audio_playout(int /*receiver*/, int /*sender*/, std::uint32_t /*seq*/, bool /*played*/,
                                double /*mouth_to_ear_s*/, bool /*comfort_noise*/, SimTime /*t*/) {}
  // The SFU now forwards `layer` of `sender` to `receiver` (-1: nothing).
  virtual void on_layer_switch(int /*receiver*/, int /*sender*/, int /*layer*/, SimTime /*t*/) {}
  // Every series step (PacketCallSpec::series_step), for time series.
  virtual void on_step(const CallView&) {}
};

}  // namespace p2psim::media::packet
