// Topology: how a group call's media travels (mesh, SFU, MCU, hybrid), one file each
// behind this interface.
//
// A topology turns the call's current state (who spoke most recently) into a StreamPlan:
//  - flows: transport streams over links, each with the rate it offers (demand) and the
//    rate it would offer with unlimited capacity (nominal, the "requested" rate);
//  - end-to-end streams: (sender, receiver, audio|video) pairs, each made of one or two
//    flows (legs), with a one-way latency; these define "delivered at full rate";
//  - server CPU cores the plan needs (the TURN server's: turn_relay_cores, charged by the
//    call model for every topology).
// The call model (group_call.hpp) then shares link capacities max-min fairly.
//
// Links: participant i has uplink 2i and downlink 2i+1; server s has ingress 2N+2s and
// egress 2N+2s+1 (LinkMap).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "models/media/call_spec.hpp"

namespace p2psim::media {

enum class MediaKind : std::uint8_t { kAudio, kVideo };
enum ServerId : int { kSfuServer = 0, kMcuServer = 1, kTurnServer = 2, kServerCount = 3 };
const char* server_name(int s);

struct Participant {
  int profile = 0;  // index into CallSpec::access
  double uplink_bps = 0, downlink_bps = 0;
  SimTime latency;  // one-way access latency
  const LayoutSpec* layout = nullptr;   // its access profile's layout
  const DeviceClass* device = nullptr;  // its access profile's device class
  int region = 0;                       // index into CallSpec::regions (0 without regions)
};

// Links: participant i has uplink 2i and downlink 2i+1; server s has ingress 2N+2s and
// egress 2N+2s+1; with cascaded SFUs, the SFU of region r > 0 has ingress
// 2N+2*kServerCount+2(r-1) and egress one more (region 0's SFU is server kSfuServer).
struct LinkMap {
  int n = 0;
  int sfus = 1;  // SFUs (regions when cascading)
  std::uint32_t up(int i) const { return static_cast<std::uint32_t>(2 * i); }
  std::uint32_t down(int i) const { return static_cast<std::uint32_t>(2 * i + 1); }
  std::uint32_t in(int s) const { return static_cast<std::uint32_t>(2 * n + 2 * s); }
  std::uint32_t out(int s) const { return static_cast<std::uint32_t>(2 * n + 2 * s + 1); }
  std::uint32_t sfu_in(int r) const {
    return r == 0 ? in(kSfuServer) : static_cast<std::uint32_t>(2 * n + 2 * kServerCount + 2 * (r - 1));
  }
  std::uint32_t sfu_out(int r) const { return sfu_in(r) + 1; }
  std::size_t count() const { return static_cast<std::size_t>(2 * n + 2 * kServerCount + 2 * (sfus - 1)); }
};

struct PlannedFlow {
  double demand_bps = 0;     // offered wire rate after sender/server adaptation
  double nominal_bps = 0;    // wire rate with unlimited capacity ("requested")
  double packets_per_s = 0;  // at demand
  std::int32_t parent = -1;  // flow this one forwards (SFU): limited to the parent's delivered fraction
  std::int8_t origin_server = -1;  // server emitting it (regional SFU r > 0: kServerCount + r - 1): its CPU overload throttles the flow
  std::int32_t sender = -1;        // participant whose uplink it leaves (-1: a server)
  std::int32_t receiver = -1;      // participant whose downlink it enters (-1: a server)
  bool encoded_video = false;      // video encoded by `sender`: its client CPU shortage throttles it
  bool inter_sfu = false;          // relayed between two cascaded SFUs
  LegTransport transport = LegTransport::kUdp;  // how its leg travels (TURN legs carry ChannelData)
  std::uint8_t nlinks = 0;
  std::uint32_t links[4] = {};
};

struct EndToEndStream {
  std::int32_t sender = -1, receiver = -1;
  MediaKind kind = MediaKind::kAudio;
  double nominal_payload_bps = 0;  // full rate: what the receiver gets with unlimited capacity
  double payload_bps = 0;          // planned (selected simulcast layer); 0 = not forwarded
  std::int32_t legs[3] = {-1, -1, -1};  // upload, (inter-SFU relay,) download
  SimTime latency;
  bool failed = false;             // no connectivity (ICE failure): counts against connectivity
};

// Why a plan cannot give every receiver what its layout asks, before any sharing.
struct PlanShortfall {
  bool uplink = false;    // a sender cannot send a layer some receiver asks (SFU simulcast/SVC)
  bool downlink = false;  // a receiver's downlink cannot hold every asked layer (SFU allocator)
};

struct StreamPlan {
  std::vector<PlannedFlow> flows;
  std::vector<EndToEndStream> streams;
  double cpu_cores[kServerCount] = {};
  std::vector<double> client_cores;  // per participant, reference cores (codec_cost.hpp)
  std::vector<double> sfu_cores;     // cascade: per regional SFU (cpu_cores[kSfuServer] is their sum)
  double inter_sfu_bps = 0;          // cascade: wire rate planned between SFUs
  PlanShortfall shortfall;
  void clear();
};

struct CallContext {
  const CallSpec& spec;
  const std::vector<Participant>& participants;
  LinkMap links;
  int n() const { return links.n; }
  PeerPath peer_path(int from, int to) const;
  ServerPath server_path(int i) const;
};

class Topology {
 public:
  virtual ~Topology() = default;
  virtual TopologyKind kind() const = 0;
  // Whether plan() depends on the speaker order (then the call replans at every change).
  virtual bool depends_on_speakers(const CallContext&) const { return false; }
  // `recency`: every participant once, most recent speaker first.
  virtual void plan(const CallContext& ctx, std::span<const int> recency, StreamPlan& out) const = 0;
};

std::unique_ptr<Topology> make_mesh_topology();
std::unique_ptr<Topology> make_sfu_topology();
std::unique_ptr<Topology> make_mcu_topology();
std::unique_ptr<Topology> make_hybrid_topology();
std::unique_ptr<Topology> make_topology(TopologyKind kind);

// --- helpers shared by the topologies (topology.cpp)

// One leg between a participant and a media server, direct or through TURN.
struct ServerLeg {
  LegTransport transport = LegTransport::kUdp;
  std::uint8_t nlinks = 0;
  std::uint32_t links[4] = {};
  SimTime latency;  // participant access + path to the server (+ TURN hop and delay)
};
// Upload: participant i -> server s. Download: server s -> participant i.
// Precondition: ctx.server_path(i) != kFailed.
// With cascading SFUs, server kSfuServer means participant i's regional SFU; without, the
// one SFU (and the MCU) is in region 0 and the legs add the region latency to it.
ServerLeg upload_leg(const CallContext& ctx, int i, int server);
ServerLeg download_leg(const CallContext& ctx, int i, int server);
// One-way latency between two participants' regions (core_latency within a region).
SimTime peer_core_latency(const CallContext& ctx, int a, int b);
// One-way latency between the SFUs of regions ra and rb (0 when equal).
SimTime inter_sfu_latency(const CallContext& ctx, int ra, int rb);
// The SFU a participant joins (its region when cascading, else 0).
inline int sfu_of(const CallContext& ctx, int i) { return ctx.spec.sfu_cascade ? ctx.participants[i].region : 0; }

// Appends a flow over `leg`; returns its index.
inline std::int32_t add_flow(StreamPlan& plan, const ServerLeg& leg, double demand, double nominal, double pps,
                             std::int32_t sender, std::int32_t receiver, std::int8_t origin_server = -1,
                             std::int32_t parent = -1) {
  PlannedFlow& f = plan.flows.emplace_back();
  f.demand_bps = demand;
  f.nominal_bps = nominal;
  f.packets_per_s = pps;
  f.sender = sender;
  f.receiver = receiver;
  f.origin_server = origin_server;
  f.parent = parent;
  f.transport = leg.transport;
  f.nlinks = leg.nlinks;
  // All four slots at once (unused ones are zero in both): a fixed 16-byte copy, where a
  // loop over nlinks compiled to `rep movsq`, whose start-up cost made this copy about a
  // quarter of plan_sfu's time (perf, docs/performance.md).
  static_assert(sizeof f.links == sizeof leg.links);
  std::memcpy(f.links, leg.links, sizeof f.links);
  return static_cast<std::int32_t>(plan.flows.size() - 1);
}

// The audio stream participant i sends now: full rate when it is the current dominant
// speaker (recency[0]) or DTX is off, else the DTX comfort-noise stream.
PacketStream sender_audio(const CallContext& ctx, std::span<const int> recency, int i);
// Whether a plan depends on who speaks beyond video priorities (DTX).
inline bool dtx_on(const CallContext& ctx) { return ctx.spec.media.audio.enabled && ctx.spec.media.audio.dtx; }

// TURN allocations the call holds: one per relayed mesh pair (it carries both directions;
// the capacity study's rule, docs/models/capacity.md) and one per participant reaching a
// media server through TURN.
int turn_allocations(const CallContext& ctx);
// TURN server cores the plan needs (CallSpec::turn_cpu, models/turn/turn_cost_model.hpp):
// packets/s and relayed bytes/s (the SRTP packets inside ChannelData) of every flow
// crossing the relay, each counted once, plus turn_allocations x cpu_s_per_allocation
// spread over the call duration.
double turn_relay_cores(const CallContext& ctx, const StreamPlan& plan);
// Whether flow f crosses the TURN server.
inline bool crosses_turn(const CallContext& ctx, const PlannedFlow& f) {
  for (int k = 0; k < f.nlinks; ++k)
    if (f.links[k] == ctx.links.in(kTurnServer)) return true;
  return false;
}

// The plans of the mesh and of the SFU (used by hybrid).
void plan_mesh(const CallContext& ctx, std::span<const int> recency, StreamPlan& out);
void plan_sfu(const CallContext& ctx, std::span<const int> recency, StreamPlan& out);

}  // namespace p2psim::media
