// GroupCall: simulates one group call at flow level and reports what every participant
// sends and receives.
//
// Participants draw an access profile (Rng stream "media/participant/<i>", so participant
// i gets the same profile whatever N is). A dominant-speaker process runs on the Simulator:
// speaker turns last Exp(speaker_turn_mean), the next speaker is uniform among the others
// (Rng stream "media/speakers"). At the start and at every speaker change that can alter
// the plan, the topology replans and link capacities are shared max-min fairly:
//   pass 1: flows that leave a participant or a server on their own (uploads, P2P, MCU mixes);
//   pass 2: SFU-forwarded flows, each capped at its upload layer's delivered fraction, on
//           the capacity pass 1 left.
// A server short of CPU throttles the flows it emits by cpu_cores / cores_needed; a TURN
// server short of CPU (its cores from the TURN cost model, turn_relay_cores) throttles
// every flow it relays by the same ratio.
// Metrics are time-weighted over the call by observers (CallObserver).
//
// API for other models (e.g. the battery model): simulate_group_call(spec, seed) returns
// per participant the delivered uplink/downlink wire rates as a step function over time
// (ParticipantResult::trace) and their time means.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "models/media/call_spec.hpp"
#include "models/media/topology/topology.hpp"

namespace p2psim::media {

// Which constraints kept some receiver from what its layout asks (during an interval, or
// at any time of a call). All false when everything fits.
struct CallLimits {
  bool uplink = false;      // a participant's uplink (saturated, or a layer it cannot send)
  bool downlink = false;    // a participant's downlink (saturated, or asked layers cut)
  bool client_cpu = false;  // a client needs more cores than its device has
  bool server_cpu = false;  // a media server (SFU, MCU) or the TURN server needs more cores than it has
  bool server_net = false;  // a server's ingress or egress (SFU, MCU, TURN) is full
  bool any() const { return uplink || downlink || client_cpu || server_cpu || server_net; }
};

// What the network delivered during one interval of constant plan.
struct Allocation {
  const CallContext& ctx;
  const StreamPlan& plan;
  std::span<const double> flow_rate;        // delivered wire bit/s per plan.flows entry
  std::span<const double> stream_fraction;  // per plan.streams entry: delivered / planned, 0 if failed
  std::span<const char> stream_full;        // per plan.streams entry: delivered at full rate
  std::span<const double> link_load;        // per link (LinkMap), delivered bit/s
  std::span<const double> link_capacity;    // per link
  std::span<const char> link_saturated;     // per link
  std::span<const double> client_factor;    // per participant: CPU it has / CPU it needs, capped at 1
  CallLimits limits;                        // constraints binding in this interval
};

// Observes a call; the model calls it for every interval [from, to) of constant allocation.
class CallObserver {
 public:
  virtual ~CallObserver() = default;
  virtual void on_interval(SimTime from, SimTime to, const Allocation& a) = 0;
};

// A delivered-rate step: from time t on, until the next step (or the end of the call).
struct RateStep {
  SimTime t;
  double uplink_bps = 0;    // delivered wire rate leaving the participant
  double downlink_bps = 0;  // delivered wire rate reaching the participant
  double cores = 0;         // client CPU in use, reference cores (min of need and capacity)
};

struct ParticipantResult {
  int profile = 0;                     // index into CallSpec::access
  // Time means over the call, wire bit/s.
  double uplink_requested_bps = 0, uplink_delivered_bps = 0;
  double downlink_requested_bps = 0, downlink_delivered_bps = 0;
  double streams_sent = 0, streams_received = 0;  // time-mean count of active RTP streams
  double full_rate_fraction = 1;       // of its expected incoming streams, time-weighted
  bool all_full = true;                // every expected incoming stream at full rate, always
  bool uplink_saturated = false, downlink_saturated = false;  // at any time
  double client_cores = 0;             // time mean of the reference cores its client needs
  bool cpu_short = false;              // its client lacked cores at any time
  std::vector<RateStep> trace;
};

struct ServerResult {
  double ingress_bps = 0, egress_bps = 0;      // time mean, delivered
  double ingress_requested_bps = 0, egress_requested_bps = 0;
  double cpu_cores = 0, cpu_cores_max = 0;     // needed, time mean and max
  double saturated_time_fraction = 0;          // of the call, ingress or egress full
};

struct CallResult {
  std::vector<ParticipantResult> participants;
  ServerResult servers[kServerCount];  // the SFU entry sums every cascaded SFU
  std::vector<ServerResult> sfus;      // cascade: one per region (SFU of region r)
  double inter_sfu_bps = 0;            // cascade: time mean delivered between SFUs
  double wire_bytes = 0;            // bytes sent on every leg (a relayed stream counts per leg)
  double latency_mean_s = 0, latency_p95_s = 0;  // one-way, over delivered end-to-end streams
  double full_rate_fraction = 0;    // of expected end-to-end streams, time-weighted
  double failed_fraction = 0;       // of expected end-to-end streams without connectivity
  bool all_full = true;             // every participant received everything at full rate
  CallLimits limits;                // constraints that bound at any time of the call
  int replans = 0;                  // allocations computed (1 + speaker changes that mattered)
};

// Runs the call. Preconditions: spec.group_size >= 2; spec.access non-empty with shares
// > 0; connectivity vectors empty or sized N*N / N; last_n >= 0; regions empty or with
// shares > 0 and region_latency sized R*R; region_assignment empty or sized N with valid
// indices. Deterministic in seed.
CallResult simulate_group_call(const CallSpec& spec, std::uint64_t seed,
                               std::span<CallObserver* const> observers = {});

// What "fits" needs of a call: whether every receiver got everything its layout asks at
// full rate throughout, and the constraints that bound at any time. Equal to
// simulate_group_call(spec, seed)'s all_full and limits.
// Shortcut (exact): when the call is symmetric (every participant has the same access
// profile and region and there is no per-participant connectivity), every speaker state
// is a relabelling of the first one (plans depend on participants only through their
// profile, region and path, and on the speaker order only through who is where in it), so
// each interval's all-full and limits equal the first interval's; then only the initial
// allocation is computed.
struct CallFit {
  bool all_full = true;
  CallLimits limits;
};
CallFit group_call_fit(const CallSpec& spec, std::uint64_t seed);
// Whether group_call_fit may take its shortcut for spec.
bool call_is_symmetric(const CallSpec& spec);

// Access profile index for participant i under `seed` (draw by shares).
int draw_access_profile(const CallSpec& spec, std::uint64_t seed, int i);
// Region index for participant i (0 without regions; stream "media/region/<i>").
int draw_region(const CallSpec& spec, std::uint64_t seed, int i);

}  // namespace p2psim::media
