// RustDesk-style rendezvous, hole punching and relay fallback (rustdesk/rustdesk-server:
// hbbs = src/rendezvous_server.rs, hbbr = src/relay_server.rs; client constants from
// rustdesk's hbb_common src/config.rs), on the packet network.
//
// - Registration: each peer sends RegisterPeer over UDP to hbbs port 21116 every
//   `register_interval` (REG_INTERVAL 12 s); hbbs records the source endpoint it sees. A
//   peer is online while its last registration is younger than REG_TIMEOUT (30 s).
// - Punch request: the controller sends PunchHoleRequest(target id) to hbbs. Offline
//   target: failure. Same public IP as the target: hbbs asks the target for its local
//   address (FetchLocalAddr/LocalAddr) and the pair connects on the LAN. Otherwise hbbs
//   sends PunchHole(controller's endpoint) to the target's registered endpoint; the target
//   punches (UDP packets to the controller's endpoint, opening its NAT), and reports
//   PunchHoleSent, which hbbs turns into PunchHoleResponse(target's endpoint) for the
//   controller. Both then send to each other's observed endpoints every `punch_period`.
//   (Real RustDesk punches with TCP simultaneous open or UDP/KCP; p2psim models the UDP
//   variant. hbbs carries PunchHoleRequest over TCP; here over the same UDP socket.)
// - Direct when the controller gets an answer within `punch_timeout`; otherwise (or with
//   `always_use_relay`, ALWAYS_USE_RELAY) relay: the controller sends RequestRelay(uuid)
//   via hbbs to the target, and both open TCP connections to hbbr port 21117 and send the
//   uuid; hbbr pairs the two connections and forwards the stream.
// - Relay bandwidth: each relayed session streams `stream_bitrate` each way, limited by
//   hbbr's per-session limit (SINGLE_BANDWIDTH 128 Mb/s) and total limit
//   (TOTAL_BANDWIDTH 1024 Mb/s) shared equally.
#pragma once

#include <cstdint>
#include <vector>

#include "models/ice/population.hpp"
#include "sim/stats.hpp"

namespace p2psim::signalling {

struct RustDeskConfig {
  SimTime register_interval = SimTime::s(12);  // REG_INTERVAL (hbb_common config.rs; 15 s in newer clients)
  SimTime register_timeout = SimTime::s(30);   // REG_TIMEOUT (rendezvous_server.rs)
  SimTime punch_period = SimTime::ms(200);     // p2psim choice: resend period of punch/connect packets
  SimTime punch_timeout = SimTime::s(5);       // p2psim choice: wait for a punched path before relaying
  SimTime connect_timeout = SimTime::s(18);    // CONNECT_TIMEOUT (hbb_common config.rs): give up on the relay
  bool always_use_relay = false;               // ALWAYS_USE_RELAY (hbbs option)
  double stream_bitrate = 4e6;                 // bit/s each way of a remote-desktop stream (p2psim choice)
  double relay_single_bps = 128.0 * 1024 * 1024;  // SINGLE_BANDWIDTH default, relay_server.rs
  double relay_total_bps = 1024.0 * 1024 * 1024;  // TOTAL_BANDWIDTH default, relay_server.rs
  std::uint32_t message_bytes = 64;            // rendezvous protobuf messages (p2psim estimate)
};

struct RustDeskSpec {
  ice::PopulationSpec hosts;  // NAT mix, sessions, latencies (servers: stun_latency = hbbs, turn_latency = hbbr)
  RustDeskConfig cfg;
  SimTime connect_after = SimTime::s(1);  // controllers start after the first registrations
};

struct RustDeskResult {
  std::uint64_t sessions = 0, lan = 0, punched = 0, relayed = 0, failed = 0;
  Samples connect_s;                  // connect time of established sessions
  std::uint64_t control_packets = 0;  // registrations, rendezvous messages, punches
  std::uint64_t control_bytes = 0;
  double relay_bandwidth_bps = 0;     // through hbbr, both directions, after limits
  double relay_demand_bps = 0;        // what relayed sessions would send without limits
  std::vector<ice::PairStats> by_pair;  // per unordered mix pair; "relayed" counts relay
};

RustDeskResult run_rustdesk(const RustDeskSpec& spec, std::uint64_t seed);

}  // namespace p2psim::signalling
