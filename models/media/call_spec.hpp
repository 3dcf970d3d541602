// CallSpec: everything that defines one group call, as plain structs (filled by the
// group-call study from YAML, or directly by other models and tests).
//
// Defaults are documented with units and sources in docs/models/media.md. Capacities of
// +infinity mean "not a constraint".
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "models/media/codec_cost.hpp"
#include "models/media/device.hpp"
#include "models/media/layout.hpp"
#include "models/media/media_profile.hpp"
#include "models/media/sfu_cost_model.hpp"
#include "models/turn/turn_cost_model.hpp"
#include "sim/time.hpp"

namespace p2psim::media {

inline constexpr double kUnlimited = std::numeric_limits<double>::infinity();

enum class TopologyKind { kMesh, kSfu, kMcu, kHybrid };
const char* to_string(TopologyKind t);

// A named kind of access network. Participants draw one with probability share / sum.
struct AccessProfile {
  std::string name;                   // "fibre", "lte", ...
  double share = 1;                   // relative weight (> 0)
  double uplink_bps = 10e6;           // bit/s
  double downlink_bps = 50e6;         // bit/s
  SimTime latency = SimTime::ms(10);  // one-way, participant to the edge of the core network
  LayoutSpec layout{};                // what its client displays (default all-hd)
  DeviceClass device{};               // its client CPU (default unlimited)
};

// A server (SFU, MCU or TURN relay): network capacity, CPU and delays.
struct ServerSpec {
  double ingress_bps = kUnlimited;    // bit/s into the server
  double egress_bps = kUnlimited;     // bit/s out of the server
  double cpu_cores = kUnlimited;      // cores available
  SimTime latency = SimTime::ms(10);  // one-way, from a participant's core edge to the server
  SimTime processing_delay = SimTime::ms(1);  // forwarding (SFU, TURN) or mixing (MCU) delay
};

// MCU: decode every incoming video, compose and encode one mix per participant; the
// costs come from the call's codec cost model (CallSpec::codec).
struct McuCpuModel {
  int mix_height = 720;                // pixels: resolution of the composed stream
  double mix_bitrate_bps = 0;          // bit/s of the mixed video; 0 = the ladder's top layer
  bool per_participant_mix = true;     // N encodes (each excludes its viewer) vs one shared mix
};

// Connectivity hook for ICE/TURN results. Empty vectors mean "everything direct".
enum class PeerPath : std::uint8_t { kDirect, kRelayed, kFailed };
// kDirectTcp: ICE-TCP (RFC 6544) from the participant's active candidate to the server's
// passive candidate on 443; no TURN server on the path.
enum class ServerPath : std::uint8_t { kDirectUdp, kTurnUdp, kTurnTcp, kDirectTcp, kFailed };
struct Connectivity {
  // Mesh (and 2-party hybrid): size N*N or empty; peer[i*N + j] is the path of the
  // stream i -> j (diagonal ignored). kRelayed goes through the TURN server (both access
  // legs carry ChannelData; TURN ingress and egress are charged); kFailed delivers nothing.
  std::vector<PeerPath> peer;
  // SFU/MCU: size N or empty; how participant i reaches the media server.
  std::vector<ServerPath> server;
};

// A region participants are in (cascaded SFUs: one SFU per region). Participants draw a
// region with probability share / sum (Rng stream "media/region/<i>").
struct Region {
  std::string name;
  double share = 1;  // relative weight (> 0)
};

struct CallSpec {
  TopologyKind topology = TopologyKind::kSfu;
  int group_size = 4;                        // participants, >= 2
  SimTime duration = SimTime::s(60);         // simulated call length
  int last_n = 0;                            // SFU: forward video of the N most recent speakers; 0 = all
  int audio_last_n = 0;                      // SFU: forward audio of the N most recent speakers; 0 = all
                                             // (Jitsi Videobridge loudest.num-loudest = 3 when enabled)
  SimTime speaker_turn_mean = SimTime::s(10);  // mean time between dominant-speaker changes (exponential)
  SimTime core_latency = SimTime::ms(20);    // one-way between two participants' core edges (P2P paths)
  MediaProfile media;
  std::vector<AccessProfile> access = {AccessProfile{"default"}};
  std::vector<int> access_assignment;        // optional: profile index per participant (overrides drawing)
  // Regions (empty: one region, no inter-region latency). region_latency[a * R + b] is the
  // one-way latency between regions a and b (symmetric, 0 on the diagonal); it replaces
  // core_latency between participants of different regions. Without cascade the one SFU
  // (and the MCU) is in region 0.
  std::vector<Region> regions;
  std::vector<SimTime> region_latency;
  std::vector<int> region_assignment;       // optional: region index per participant (overrides drawing)
  bool sfu_cascade = false;                  // one SFU per region, streams relayed once per remote SFU
  ServerSpec sfu;
  ServerSpec mcu{kUnlimited, kUnlimited, kUnlimited, SimTime::ms(10), SimTime::ms(100)};
  ServerSpec turn;
  SfuCostModel sfu_cpu;                      // SFU CPU per packet and byte (sfu_cost_model.hpp)
  turn::TurnCostModel turn_cpu;              // TURN CPU per packet, byte and allocation (the capacity study's model)
  McuCpuModel mcu_cpu;
  CodecCostModel codec;                      // encode/decode cores, clients and MCU
  Connectivity connectivity;
};

}  // namespace p2psim::media
