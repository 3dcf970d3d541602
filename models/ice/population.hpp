// Population: many hosts behind a mix of NATs establishing ICE sessions in pairs through
// shared STUN, TURN and signalling servers, on one packet network. The building block of
// the nat-population study and of the 1M-host benchmark.
//
// Topology: one core router; the STUN, TURN and signalling servers hang off it by links
// with their own one-way latencies. Each host sits behind its own NAT chain drawn from the
// mix: the innermost (home) layer is private to the host, outer layers (a carrier-grade
// NAT) are shared by up to `cgn_subscribers` hosts of that preset (one external address
// and port pool for all of them, RFC 6888); which carrier NAT a subscriber gets is drawn at
// random, so its subscribers' sessions are spread over the arrival window.
// Sessions start at uniform times in [0, arrival_window); hosts are created in the order of
// their sessions' start times (session i pairs hosts 2i, the offerer, and 2i+1), so the
// sessions running at any moment sit close together in memory.
//
// Shards: the population may be split into `shards` independent networks (sessions
// k*S/shards .. (k+1)*S/shards - 1 in shard k), each with its own core router, its own
// replica of the STUN, TURN and signalling servers and its own carrier NATs, and run on
// up to `threads` threads. Sessions never interact except through those servers and the
// carrier NATs' port pools, so splitting is exact when the servers have no capacity
// limit that binds (the default) and each shard keeps >= cgn_subscribers hosts per
// carrier NAT; with binding server limits, each shard's replica has the whole limit.
// Results depend on `shards` (each shard has its own seed) but never on `threads`.
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
  // Hosts per carrier NAT (outer layers). 500 fit the 504 port blocks of 128 ports that
  // the `cgnat` preset's one external address holds (ports 1024-65535).
  std::int64_t cgn_subscribers = 500;
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
  int shards = 1;                            // independent sub-networks (see above), >= 1
  // At most this many sessions per shard (0 = no limit): the population has
  // max(shards, ceil(sessions / shard_sessions)) shards, so that a larger population gets
  // more shards of the same size rather than larger ones, and its CPU per session and peak
  // memory per shard stay those of one shard (docs/performance.md).
  std::int64_t shard_sessions = 0;
  // Dual stack: each host gets an IPv6 address with this probability, drawn per host from
  // a stream of its own (Rng::stream(seed, "ipv6")), so the IPv4 draws do not move;
  // in [0, 1], 0 = IPv4 only. NAT boxes filter IPv6 per `ipv6_firewall` (RFC 6092).
  double ipv6_share = 0;
  nat::Ipv6FirewallConfig ipv6_firewall;
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
  std::uint64_t ipv6_hosts = 0;        // hosts given an IPv6 address (ipv6_share)
  std::uint64_t ipv6_sessions = 0;     // connected sessions whose selected pair is IPv6
  // Outcomes per unordered pair of mix entries (i <= j), index i * mix.size() + j.
  std::vector<PairStats> by_pair;
  // Counts of each selected-pair candidate type (offerer side + answerer side), by
  // CandidateType value.
  std::uint64_t selected_types[4] = {0, 0, 0, 0};
  std::uint64_t hosts = 0;
  std::uint64_t events = 0;
  double sim_seconds = 0;
};

// Runs the population on up to `threads` threads (>= 1; results do not depend on it).
// spec.relay, when set, is cloned per shard (RelayFactory::clone) and never used itself.
PopulationResult run_population(const PopulationSpec& spec, std::uint64_t seed, int threads = 1);

// The pieces of run_population, for callers that spread shards elsewhere (MPI ranks):
// the number of shards a run has (spec.shards, raised to ceil(sessions / shard_sessions)
// when that is set, capped at the session count), shard k's
// result, and the merge of shard results (in order of k, into a result whose by_pair has
// mix.size()^2 entries). Merging shards 0..n-1 in order gives run_population's result.
std::int64_t population_shards(const PopulationSpec& spec);
PopulationResult run_population_shard(const PopulationSpec& spec, std::uint64_t seed, std::int64_t k);
void merge_into(PopulationResult& into, const PopulationResult& r);

// Adds `count` hosts to `net` under router `core`, each behind a NAT chain drawn from the
// mix by weight (outer layers shared by spec.cgn_subscribers hosts, each subscriber on a
// carrier NAT drawn at random; latencies from spec). Returns the host nodes, in order;
// `mix_index` receives each host's mix entry.
// Gives each of `hosts` an IPv6 address with probability `share` (its own stream of
// `seed`, one draw per host in order). Returns how many got one.
std::uint64_t add_population_ipv6(net::Network& net, const std::vector<net::NodeId>& hosts, double share,
                                  std::uint64_t seed);

std::vector<net::NodeId> add_population_hosts(net::Network& net, net::NodeId core, const PopulationSpec& spec,
                                              std::int64_t count, Rng& rng, std::vector<std::uint32_t>& mix_index);

}  // namespace p2psim::ice
