// Reachability cost: what a user's device does to stay reachable while online under an
// architecture (keepalives on a NAT binding, a held-open request to a home server, a
// connection to a relay, polling a DHT mailbox), and the battery energy that costs.
//
// Every architecture reports a ReachabilityProfile: one request (and optional response)
// per wakeup_interval while online, charged to an energy Cause. A ReachabilityEnergyModel
// prices it; RadioReachabilityEnergy (radio_reachability.hpp) does so with the radio
// power-state models of models/energy/ (LTE, UMTS, Wi-Fi).
#pragma once

#include <cstdint>

#include "models/energy/exchange.hpp"
#include "models/energy/traffic.hpp"
#include "sim/time.hpp"

namespace p2psim::messaging {

struct ReachabilityProfile {
  SimTime wakeup_interval = SimTime::s(30);                   // one exchange per interval while online
  energy::Cause cause = energy::Cause::kHeartbeat;            // energy bucket it is charged to
  std::int64_t request_bytes = energy::wire::kWsPing;         // uplink wire bytes per exchange
  std::int64_t response_bytes = energy::wire::kWsPong;        // downlink wire bytes (0: none)
};

// A NAT keepalive (ICE, RFC 8445 sec. 11): STUN Binding Indication, no response.
inline ReachabilityProfile nat_keepalive_profile(SimTime interval) {
  return {interval, energy::Cause::kNatKeepalive, energy::wire::kBindingIndication, 0};
}
// A heartbeat on a TLS connection to a server or relay, sized as a WebSocket ping/pong
// over TLS 1.3 / TCP / IPv4 (80 B / 76 B; docs/models/energy.md): a lower bound for an
// HTTP long-poll renewal or a DHT lookup RPC.
inline ReachabilityProfile heartbeat_profile(SimTime interval) {
  return {interval, energy::Cause::kHeartbeat, energy::wire::kWsPing, energy::wire::kWsPong};
}

class ReachabilityEnergyModel {
 public:
  virtual ~ReachabilityEnergyModel() = default;
  // Joules a device spends staying reachable for `online` (contiguous) time with
  // `profile`, attributable to the reachability exchanges (promotions and tails they
  // cause), excluding the messages themselves and the radio's idle baseline.
  virtual double joules(SimTime online, const ReachabilityProfile& profile) const = 0;
};

}  // namespace p2psim::messaging
