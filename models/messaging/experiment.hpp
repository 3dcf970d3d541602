// One messaging run: generate availability timelines and the workload, build the chosen
// architecture, send every message in the simulator, and measure.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "models/messaging/architecture.hpp"
#include "models/messaging/availability.hpp"
#include "models/messaging/dht_storage.hpp"
#include "models/messaging/federation.hpp"
#include "models/messaging/metrics.hpp"
#include "models/messaging/pure_p2p.hpp"
#include "models/messaging/radio_reachability.hpp"
#include "models/messaging/reachability.hpp"
#include "models/messaging/relay_network.hpp"
#include "models/messaging/store_and_forward.hpp"
#include "models/messaging/workload.hpp"

namespace p2psim::messaging {

enum class ArchitectureKind { kPureP2p, kStoreAndForward, kFederation, kRelay, kDht };

// Server availability default: MTBF 30 days, MTTR 1 h, exponential (~99.86% available).
AvailabilitySpec default_server_availability();

struct MessagingSpec {
  int users = 200;                          // >= 2
  SimTime deadline = SimTime::h(24);        // delivery deadline for delivery_ratio
  SimTime hop_latency = SimTime::ms(50);    // one-way delay per network leg
  AvailabilitySpec user_availability;       // users
  AvailabilitySpec server_availability = default_server_availability();  // servers, relays
  AvailabilitySpec peer_availability;       // DHT peers (defaults to the users' law)
  WorkloadSpec workload;
  ArchitectureKind kind = ArchitectureKind::kStoreAndForward;
  PureP2pSpec p2p;
  StoreAndForwardSpec store_and_forward;
  FederationSpec federation;
  RelaySpec relay;
  DhtSpec dht;
  // Radio that prices reachability (energy_j_per_user_day); none: not computed.
  std::optional<energy::RadioSpec> radio;
};

// Number of infrastructure nodes (World::nodes) the spec's architecture uses.
std::size_t infrastructure_nodes(const MessagingSpec& spec);

std::unique_ptr<Architecture> make_architecture(const MessagingSpec& spec, World& world);

// Schedules arch.send(m) at every message's send time.
void schedule_sends(Simulator& sim, Architecture& arch, const Workload& workload);

// The whole run. Deterministic in `seed`. `energy` prices reachability; when null and
// spec.radio is set, a RadioReachabilityEnergy with that radio is used.
MessagingResult run_messaging(const MessagingSpec& spec, std::uint64_t seed,
                              const ReachabilityEnergyModel* energy = nullptr);

}  // namespace p2psim::messaging
