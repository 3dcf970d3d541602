#include "models/messaging/experiment.hpp"

#include <string>

namespace p2psim::messaging {

AvailabilitySpec default_server_availability() {
  AvailabilitySpec a;
  a.online = {SessionLaw::kExponential, SimTime::from_seconds(720.0 * 3600 * 0.69314718055994530942), 1, 1};
  a.offline = {SessionLaw::kExponential, SimTime::from_seconds(3600.0 * 0.69314718055994530942), 1, 1};
  return a;
}

std::size_t infrastructure_nodes(const MessagingSpec& spec) {
  switch (spec.kind) {
    case ArchitectureKind::kPureP2p: return 0;
    case ArchitectureKind::kStoreAndForward: return 1;
    case ArchitectureKind::kFederation: return static_cast<std::size_t>(spec.federation.servers);
    case ArchitectureKind::kRelay: return static_cast<std::size_t>(spec.relay.relays);
    case ArchitectureKind::kDht: return static_cast<std::size_t>(spec.dht.peers);
  }
  return 0;
}

std::unique_ptr<Architecture> make_architecture(const MessagingSpec& spec, World& world) {
  switch (spec.kind) {
    case ArchitectureKind::kPureP2p: return std::make_unique<PureP2p>(world, spec.p2p);
    case ArchitectureKind::kStoreAndForward: return std::make_unique<StoreAndForward>(world, spec.store_and_forward);
    case ArchitectureKind::kFederation: return std::make_unique<Federation>(world, spec.federation);
    case ArchitectureKind::kRelay: return std::make_unique<RelayNetwork>(world, spec.relay);
    case ArchitectureKind::kDht: return std::make_unique<DhtStorage>(world, spec.dht);
  }
  return nullptr;
}

void schedule_sends(Simulator& sim, Architecture& arch, const Workload& workload) {
  Architecture* a = &arch;
  for (std::uint32_t m = 0; m < workload.messages.size(); ++m)
    sim.schedule_at(workload.messages[m].sent, [a, m] { a->send(m); });
}

MessagingResult run_messaging(const MessagingSpec& spec, std::uint64_t seed, const ReachabilityEnergyModel* energy) {
  const SimTime end = spec.workload.duration + spec.deadline + SimTime::min(1);
  std::vector<Timeline> users, nodes;
  for (int u = 0; u < spec.users; ++u) {
    Rng rng = Rng::stream(seed, "messaging/user/" + std::to_string(u));
    users.push_back(generate_timeline(spec.user_availability, rng, end));
  }
  const AvailabilitySpec& node_av =
      spec.kind == ArchitectureKind::kDht ? spec.peer_availability : spec.server_availability;
  for (std::size_t i = 0; i < infrastructure_nodes(spec); ++i) {
    Rng rng = Rng::stream(seed, "messaging/node/" + std::to_string(i));
    nodes.push_back(generate_timeline(node_av, rng, end));
  }
  const Workload workload = generate_workload(spec.workload, users, seed);

  Simulator sim;
  MessagingMetrics metrics(workload, nodes.size(), spec.deadline);
  World world{sim, users, nodes, workload, metrics, spec.hop_latency, derive_seed(seed, "messaging/arch")};
  std::unique_ptr<Architecture> arch = make_architecture(spec, world);
  schedule_sends(sim, *arch, workload);
  sim.run_until(end);

  MessagingResult r;
  metrics.finish(r);
  SimTime online = SimTime::zero();
  for (const Timeline& tl : users) online += tl.online_time(SimTime::zero(), spec.workload.duration);
  const double user_time = spec.workload.duration.seconds() * static_cast<double>(spec.users);
  r.user_online_fraction = online.seconds() / user_time;
  const ReachabilityProfile prof = arch->reachability();
  r.wakeups_per_online_hour = 3600.0 / prof.wakeup_interval.seconds();
  std::optional<RadioReachabilityEnergy> radio_energy;
  if (!energy && spec.radio) {
    radio_energy.emplace(*spec.radio);
    energy = &*radio_energy;
  }
  if (energy) {
    // Average device over one day at the measured online fraction.
    const SimTime per_day = SimTime::from_seconds(86400.0 * r.user_online_fraction);
    r.has_energy = true;
    r.energy_j_per_user_day = energy->joules(per_day, prof);
    if (per_day > SimTime::zero()) r.reachability_mw_online = r.energy_j_per_user_day / per_day.seconds() * 1000.0;
  }
  return r;
}

}  // namespace p2psim::messaging
