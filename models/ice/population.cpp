#include "models/ice/population.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "models/net/block_deque.hpp"
#include "models/net/network.hpp"
#include "models/stun/server.hpp"
#include "sim/parallel.hpp"

namespace p2psim::ice {

namespace {

class Collector : public SessionObserver {
 public:
  explicit Collector(PopulationResult& r) : r_(&r) {}
  std::vector<std::uint32_t> pair_index;  // per session
  void on_session_done(IceSession& s, const SessionResult& res) override {
    PairStats& ps = r_->by_pair[pair_index[s.id()]];
    switch (res.outcome) {
      case Outcome::kDirect: ++r_->direct; ++ps.direct; break;
      case Outcome::kRelayed: ++r_->relayed; ++ps.relayed; ++r_->turn_sessions; break;
      default: ++r_->failed; ++ps.failed; break;
    }
    if (res.ipv6) ++r_->ipv6_sessions;
    if (res.outcome == Outcome::kDirect || res.outcome == Outcome::kRelayed) {
      r_->setup_s.add(res.setup_time.seconds());
      ++r_->selected_types[static_cast<int>(res.local_type)];
      ++r_->selected_types[static_cast<int>(res.remote_type)];
    }
    r_->control_packets += res.control_packets;
    r_->control_bytes += res.control_bytes;
    r_->signalling_messages += res.signalling_messages;
    if (res.relay_fallback) ++r_->relay_fallbacks;
    // Only the result is needed from here on: free the agents once the callbacks that
    // reported it have returned.
    sim->schedule_after(SimTime::zero(), [&s] { s.release_memory(); });
  }
  Simulator* sim = nullptr;

 private:
  PopulationResult* r_;
};

// Relay clients created on an endpoint's first allocation, one per host (each host has
// one endpoint): under the on-failure relay policy most hosts never allocate and hold no
// client. The client is kept by the endpoint (IceEndpoint::own_relay), so a packet's check
// "is this TURN traffic?" reads the endpoint it reached anyway.
class LazyRelays : public RelayClient {
 public:
  LazyRelays(RelayFactory& factory, net::Network& net) : factory_(&factory), net_(&net) {}
  void allocate(IceEndpoint& e) override {
    std::unique_ptr<RelayClient>& c = e.own_relay();
    if (!c) c = factory_->make_client(*net_, e.host());
    c->allocate(e);
  }
  void send(IceEndpoint& e, net::Endpoint peer, const stun::Message& m) override {
    if (RelayClient* c = e.own_relay().get()) c->send(e, peer, m);
  }
  bool on_packet(IceEndpoint& e, const net::Packet& p) override {
    RelayClient* c = e.own_relay().get();
    return c && c->on_packet(e, p);
  }

 private:
  RelayFactory* factory_;
  net::Network* net_;
};

// The sessions of a shard, created as they start (see run_shard).
struct LiveSessions {
  Simulator& sim;
  const SessionConfig& cfg;
  const GatherConfig& gather;
  signalling::SignallingServer& sig;
  RelayClient* relays;
  std::uint64_t seed;
  net::Network& net;
  const std::vector<net::NodeId>& host_node;
  const std::vector<std::uint32_t>& sig_ids;
  Collector& collector;
  net::BlockDeque<IceEndpoint> eps;
  net::BlockDeque<IceSession> sessions;

  // Session s starts (sessions start in index order).
  void start(std::int64_t s) {
    const std::size_t a = static_cast<std::size_t>(2 * s), b = a + 1;
    for (std::size_t h : {a, b})
      eps.emplace_back(net.host(host_node[h]), gather, relays, derive_seed(seed, static_cast<std::uint64_t>(h)));
    IceSession& sess = sessions.emplace_back(sim, cfg, sig, eps[a], sig_ids[a], eps[b], sig_ids[b],
                                             static_cast<std::uint32_t>(s), seed);
    sess.set_observer(&collector);
    sess.start();
  }
};

}  // namespace

std::vector<net::NodeId> add_population_hosts(net::Network& net, net::NodeId core, const PopulationSpec& spec,
                                              std::int64_t hosts, Rng& rng, std::vector<std::uint32_t>& host_mix) {
  const std::size_t m = spec.mix.size();
  const std::size_t n = static_cast<std::size_t>(hosts);
  double total_w = 0;
  for (const NatShare& s : spec.mix) total_w += s.weight;
  // Each host's NAT preset, by weight.
  host_mix.assign(n, 0);
  std::vector<std::int64_t> count(m, 0);
  for (std::size_t h = 0; h < n; ++h) {
    double u = rng.uniform01() * total_w;
    std::uint32_t k = 0;
    while (k + 1 < m && u >= spec.mix[k].weight) u -= spec.mix[k++].weight;
    host_mix[h] = k;
    ++count[k];
  }
  // Carrier NATs (outer layers): ceil(count / cgn_subscribers) per preset with more than
  // one layer; subscriber i of the preset gets carrier slot[i], a random permutation of
  // cgn_subscribers places on each carrier NAT.
  const net::LinkSpec lan{spec.lan_latency}, inner{spec.inner_latency};
  const std::int64_t per = std::max<std::int64_t>(1, spec.cgn_subscribers);
  std::vector<std::vector<net::NodeId>> carriers(m);
  std::vector<std::vector<std::uint32_t>> slot(m);
  for (std::size_t k = 0; k < m; ++k) {
    if (spec.mix[k].layers.size() <= 1 || count[k] == 0) continue;
    const std::vector<nat::NatConfig> outer(spec.mix[k].layers.begin() + 1, spec.mix[k].layers.end());
    const std::int64_t groups = (count[k] + per - 1) / per;
    for (std::int64_t g = 0; g < groups; ++g)
      carriers[k].push_back(net.add_nat_chain(core, outer, net::LinkSpec{spec.access_latency}, inner));
    std::vector<std::uint32_t>& sl = slot[k];
    sl.resize(static_cast<std::size_t>(count[k]));
    for (std::size_t i = 0; i < sl.size(); ++i) sl[i] = static_cast<std::uint32_t>(static_cast<std::int64_t>(i) / per);
    for (std::size_t i = sl.size(); i > 1; --i) std::swap(sl[i - 1], sl[rng.below(i)]);
  }
  // Every host and its home NAT (the carriers are in): room reserved once.
  net.reserve_nodes(2 * n);
  std::vector<std::size_t> next_slot(m, 0);
  std::vector<net::NodeId> host_node(n);
  const auto spread_ms = spec.access_spread.count_ns() / 1'000'000;
  for (std::size_t h = 0; h < n; ++h) {
    const std::uint32_t k = host_mix[h];
    const NatShare& share = spec.mix[k];
    net::LinkSpec access{spec.access_latency +
                         SimTime::ms(spread_ms > 0 ? static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(spread_ms))) : 0)};
    net::NodeId parent = core;
    if (share.layers.size() > 1) {
      parent = net.add_nat(carriers[k][slot[k][next_slot[k]++]], share.layers.front(), inner);
    } else if (share.layers.size() == 1) {
      parent = net.add_nat(core, share.layers.front(), access);
    }
    host_node[h] = net.add_host(parent, parent == core ? access : lan);
  }
  return host_node;
}

std::uint64_t add_population_ipv6(net::Network& net, const std::vector<net::NodeId>& hosts, double share,
                                  std::uint64_t seed) {
  if (share <= 0) return 0;
  Rng rng = Rng::stream(seed, "ipv6");
  std::uint64_t n = 0;
  for (net::NodeId h : hosts)
    if (rng.uniform01() < share) {
      net.add_ipv6(h);
      ++n;
    }
  return n;
}

void merge_into(PopulationResult& into, const PopulationResult& r) {
  into.sessions += r.sessions;
  into.direct += r.direct;
  into.relayed += r.relayed;
  into.failed += r.failed;
  for (double x : r.setup_s.values()) into.setup_s.add(x);
  into.control_packets += r.control_packets;
  into.control_bytes += r.control_bytes;
  into.signalling_messages += r.signalling_messages;
  into.turn_allocations += r.turn_allocations;
  into.relay_fallbacks += r.relay_fallbacks;
  into.turn_sessions += r.turn_sessions;
  into.ipv6_hosts += r.ipv6_hosts;
  into.ipv6_sessions += r.ipv6_sessions;
  for (std::size_t i = 0; i < into.by_pair.size(); ++i) {
    into.by_pair[i].direct += r.by_pair[i].direct;
    into.by_pair[i].relayed += r.by_pair[i].relayed;
    into.by_pair[i].failed += r.by_pair[i].failed;
  }
  for (int t = 0; t < 4; ++t) into.selected_types[t] += r.selected_types[t];
  into.hosts += r.hosts;
  into.events += r.events;
  into.sim_seconds = std::max(into.sim_seconds, r.sim_seconds);
}

namespace {

// One shard: `n_sessions` sessions on a network of their own.
PopulationResult run_shard(const PopulationSpec& spec, std::int64_t n_sessions, std::uint64_t seed,
                           RelayFactory* relay) {
  PopulationResult res;
  const std::size_t m = spec.mix.size();
  res.by_pair.assign(m * m, {});

  Simulator sim;
  net::Network net(sim, derive_seed(seed, "network"));
  const net::NodeId core = net.add_router("core");
  const net::NodeId stun_node = net.add_host(core, net::LinkSpec{spec.stun_latency});
  stun::Server stun_server(net.host(stun_node));
  const net::NodeId sig_node = net.add_host(core, net::LinkSpec{spec.signalling_latency});
  net::NodeId turn_node = net::kNoNode;
  std::unique_ptr<ServerHandle> turn_server;
  if (relay) {
    turn_node = net.add_host(core, net::LinkSpec{spec.turn_latency});
    turn_server = relay->install_server(net, net.host(turn_node));
  }
  GatherConfig gather = spec.gather;
  if (spec.use_stun) gather.stun_server = stun_server.primary();
  signalling::SignallingServer sig(sim, spec.signalling);

  Rng rng = Rng::stream(seed, "population");
  // Start times first, in order: hosts are created in the order of their sessions.
  std::vector<SimTime> start_at(static_cast<std::size_t>(n_sessions));
  for (SimTime& t : start_at) t = SimTime::from_seconds(rng.uniform01() * spec.arrival_window.seconds());
  std::sort(start_at.begin(), start_at.end());
  const std::int64_t hosts = 2 * n_sessions;
  std::vector<std::uint32_t> host_mix;
  const std::vector<net::NodeId> host_node = add_population_hosts(net, core, spec, hosts, rng, host_mix);
  res.hosts = static_cast<std::uint64_t>(hosts);
  if (spec.ipv6_share > 0) {
    net.set_ipv6_firewall(spec.ipv6_firewall);
    res.ipv6_hosts = add_population_ipv6(net, host_node, spec.ipv6_share, seed);
  }

  // Endpoints, relay clients and sessions.
  std::unique_ptr<LazyRelays> relays;
  if (relay) relays = std::make_unique<LazyRelays>(*relay, net);
  Collector collector(res);
  collector.sim = &sim;
  collector.pair_index.resize(static_cast<std::size_t>(n_sessions));
  std::vector<std::uint32_t> sig_ids(static_cast<std::size_t>(hosts));
  for (std::int64_t s = 0; s < n_sessions; ++s) {
    const std::size_t a = static_cast<std::size_t>(2 * s), b = a + 1;
    sig_ids[a] = sig.attach(nullptr, net.path_latency(host_node[a], sig_node));
    sig_ids[b] = sig.attach(nullptr, net.path_latency(host_node[b], sig_node));
    std::uint32_t i = host_mix[a], j = host_mix[b];
    if (i > j) std::swap(i, j);
    collector.pair_index[static_cast<std::size_t>(s)] = static_cast<std::uint32_t>(i * m + j);
  }
  // A session's endpoints, session object and agents are created when it starts, so the
  // memory they take is that of the sessions under way (the agents are freed when a
  // session is done), not of the whole population up front. Constructed in place, in
  // start-time order (= index order): neighbours in time are neighbours in memory, with no
  // heap block per object. Construction draws nothing and schedules nothing: results are
  // those of creating everything before the run.
  LiveSessions live{sim, spec.session, gather, sig, relays.get(), seed, net, host_node, sig_ids, collector, {}, {}};
  for (std::int64_t s = 0; s < n_sessions; ++s)
    sim.schedule_at(start_at[static_cast<std::size_t>(s)], [&live, s] { live.start(s); });
  res.sessions = static_cast<std::uint64_t>(n_sessions);
  const SimTime limit = spec.arrival_window + spec.run_limit;
  sim.run_until(limit);
  // Sessions still pending at the limit count as failed.
  for (const IceSession& s : live.sessions)
    if (!s.done()) {
      ++res.failed;
      ++res.by_pair[collector.pair_index[s.id()]].failed;
    }
  // Sessions not started by the limit (none: they all start in the arrival window) count as failed.
  for (std::int64_t s = static_cast<std::int64_t>(live.sessions.size()); s < n_sessions; ++s) {
    ++res.failed;
    ++res.by_pair[collector.pair_index[static_cast<std::size_t>(s)]].failed;
  }
  for (const IceEndpoint& e : live.eps)
    if (e.relayed()) ++res.turn_allocations;
  res.events = sim.events_executed();
  res.sim_seconds = sim.now().seconds();
  return res;
}

}  // namespace

std::int64_t population_shards(const PopulationSpec& spec) {
  if (spec.mix.empty()) throw std::invalid_argument("population: empty NAT mix");
  if (spec.shards < 1) throw std::invalid_argument("population: shards must be >= 1");
  if (spec.shard_sessions < 0) throw std::invalid_argument("population: shard_sessions must be >= 0");
  std::int64_t n = spec.shards;
  if (spec.shard_sessions > 0) n = std::max(n, (spec.sessions + spec.shard_sessions - 1) / spec.shard_sessions);
  return std::min<std::int64_t>(n, std::max<std::int64_t>(1, spec.sessions));
}

PopulationResult run_population_shard(const PopulationSpec& spec, std::uint64_t seed, std::int64_t k) {
  const std::int64_t shards = population_shards(spec);
  if (k < 0 || k >= shards) throw std::invalid_argument("population: shard index out of range");
  const std::int64_t first = k * spec.sessions / shards, last = (k + 1) * spec.sessions / shards;
  const std::uint64_t shard_seed =
      shards == 1 ? seed : derive_seed(derive_seed(seed, "population-shard"), static_cast<std::uint64_t>(k));
  std::unique_ptr<RelayFactory> relay = spec.relay ? spec.relay->clone() : nullptr;
  return run_shard(spec, last - first, shard_seed, relay.get());
}

PopulationResult run_population(const PopulationSpec& spec, std::uint64_t seed, int threads) {
  const std::int64_t shards = population_shards(spec);
  std::vector<PopulationResult> parts(static_cast<std::size_t>(shards));
  parallel_for(static_cast<std::size_t>(shards), threads, [&](std::size_t k) {
    parts[k] = run_population_shard(spec, seed, static_cast<std::int64_t>(k));
  });
  PopulationResult res;
  res.by_pair.assign(spec.mix.size() * spec.mix.size(), {});
  for (const PopulationResult& r : parts) merge_into(res, r);
  return res;
}

}  // namespace p2psim::ice
