// Population: many hosts behind a mix of NATs establishing ICE sessions in pairs through
// shared STUN, TURN and signalling servers, on one packet network. The building block of
// the nat-population study and of the 1M-host benchmark.
//
// Topology: one core router; the STUN, TURN and signalling servers hang off it by links
// with their own one-way latencies. Each host sits behind its own NAT chain drawn from the
// mix: the innermost (home) layer is private to the host, outer layers (a carrier-grade
// NAT) are shared by `cgn_subscribers` consecutive hosts of that preset (one external
// address and port pool for all of them, RFC 6888). Session i pairs hosts 2i (offerer)
// and 2i+1 (answerer) and starts at a uniform time in [0, arrival_window).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/ice/ice_session.hpp"
#include "models/ice/pair_world.hpp"
#include "models/nat/nat.hpp"
#include "models/net/network.hpp"
#include "sim/stats.hpp"

namespace p2psim::ice {

struct NatShare {
  std::string name;                    // preset name (reported per pair)
  std::vector<nat::NatConfig> layers;  // innermost first; empty = public host
  double weight = 1;                   // relative share, > 0
};

struct PopulationSpec {
  std::vector<NatShare> mix;
  std::int64_t sessions = 1000;
  SimTime arrival_window = SimTime::s(10);
  std::int64_t cgn_subscribers = 1000;       // hosts per carrier NAT (outer layers)
  SimTime lan_latency = SimTime::ms(1);      // host <-> home NAT
  SimTime access_latency = SimTime::ms(10);  // outermost NAT (or public host) <-> core
  SimTime access_spread = SimTime::ms(20);   // + uniform [0, spread) per host, 1 ms steps
  SimTime inner_latency = SimTime::ms(2);    // home NAT <-> carrier NAT
  SimTime stun_latency = SimTime::ms(15);    // STUN server <-> core
  SimTime turn_latency = SimTime::ms(15);    // TURN server <-> core
  SimTime signalling_latency = SimTime::ms(20);
  bool use_stun = true;
  RelayFactory* relay = nullptr;             // null: no TURN
  SessionConfig session;
  GatherConfig gather;
  signalling::SignallingConfig signalling;
  SimTime run_limit = SimTime::s(200);       // after the last arrival
};

struct PairStats {
  std::uint64_t direct = 0, relayed = 0, failed = 0;
};

struct PopulationResult {
  std::uint64_t sessions = 0, direct = 0, relayed = 0, failed = 0;
  Samples setup_s;                 // setup time of connected sessions, seconds
  std::uint64_t control_packets = 0, control_bytes = 0, signalling_messages = 0;
  std::uint64_t turn_allocations = 0;  // TURN allocations made (endpoints with a relayed candidate)
  std::uint64_t relay_fallbacks = 0;   // sessions that fell back to relays (ICE restart, on-failure policy)
  std::uint64_t turn_sessions = 0;     // sessions whose selected pair is relayed
  // Outcomes per unordered pair of mix entries (i <= j), index i * mix.size() + j.
  std::vector<PairStats> by_pair;
  // Counts of each selected-pair candidate type (offerer side + answerer side), by
  // CandidateType value.
  std::uint64_t selected_types[4] = {0, 0, 0, 0};
  std::uint64_t hosts = 0;
  std::uint64_t events = 0;
  double sim_seconds = 0;
};

PopulationResult run_population(const PopulationSpec& spec, std::uint64_t seed);

// Adds `count` hosts to `net` under router `core`, each behind a NAT chain drawn from the
// mix by weight (outer layers shared by spec.cgn_subscribers hosts; latencies from
// spec). Returns the host nodes; `mix_index` receives each host's mix entry.
std::vector<net::NodeId> add_population_hosts(net::Network& net, net::NodeId core, const PopulationSpec& spec,
                                              std::int64_t count, Rng& rng, std::vector<std::uint32_t>& mix_index);

}  // namespace p2psim::ice
