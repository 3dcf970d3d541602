// The traffic interface the energy models observe, and the causes energy is charged to.
//
// Any traffic source (the packet-level network, the group-call model's flow rates, the
// keepalive timers in this folder) drives a host's radio through TrafficObserver:
//   on_packet(t, bytes, dir, cause)  one packet of `bytes` on the wire at time t;
//   on_flow(t, up_bps, down_bps)     from t on, the host sends/receives at these rates
//                                    (0, 0 ends the flow).
// Calls must come in non-decreasing t, and t must be >= the Simulator's now(): the radio
// schedules its inactivity timers on the Simulator from t.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "sim/time.hpp"

namespace p2psim::energy {

enum class Direction : std::uint8_t { kUp, kDown };

// Why a packet was sent. Keepalive causes are charged separately in the breakdown.
enum class Cause : std::uint8_t {
  kData,           // application traffic (media, messages, file transfer)
  kNatKeepalive,   // STUN Binding Indication refreshing a NAT mapping (RFC 8445 sec. 11)
  kIceConsent,     // ICE consent freshness check (RFC 7675)
  kTurnRefresh,    // TURN Refresh / CreatePermission / ChannelBind refresh (RFC 8656)
  kHeartbeat,      // signalling-channel heartbeat (e.g. WebSocket ping, RFC 6455)
};
inline constexpr int kCauseCount = 5;

std::string_view cause_name(Cause c);  // "data", "nat_keepalive", "ice_consent", ...

class TrafficObserver {
 public:
  virtual ~TrafficObserver() = default;
  virtual void on_packet(SimTime t, std::int64_t bytes, Direction dir, Cause cause) = 0;
  // Application data (Cause::kData).
  void on_packet(SimTime t, std::int64_t bytes, Direction dir) { on_packet(t, bytes, dir, Cause::kData); }
  // Data flows are always Cause::kData.
  virtual void on_flow(SimTime t, double up_bps, double down_bps) = 0;
};

}  // namespace p2psim::energy
