#include "models/ice/population.hpp"

#include <memory>
#include <stdexcept>

#include "models/net/network.hpp"
#include "models/stun/server.hpp"

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
    if (res.outcome == Outcome::kDirect || res.outcome == Outcome::kRelayed) {
      r_->setup_s.add(res.setup_time.seconds());
      ++r_->selected_types[static_cast<int>(res.local_type)];
      ++r_->selected_types[static_cast<int>(res.remote_type)];
    }
    r_->control_packets += res.control_packets;
    r_->control_bytes += res.control_bytes;
    r_->signalling_messages += res.signalling_messages;
    if (res.relay_fallback) ++r_->relay_fallbacks;
  }

 private:
  PopulationResult* r_;
};

}  // namespace

std::vector<net::NodeId> add_population_hosts(net::Network& net, net::NodeId core, const PopulationSpec& spec,
                                              std::int64_t hosts, Rng& rng, std::vector<std::uint32_t>& host_mix) {
  const std::size_t m = spec.mix.size();
  double total_w = 0;
  for (const NatShare& s : spec.mix) total_w += s.weight;
  struct Shared {
    net::NodeId outer = net::kNoNode;
    std::int64_t used = 0;
  };
  std::vector<Shared> shared(m);
  host_mix.assign(static_cast<std::size_t>(hosts), 0);
  std::vector<net::NodeId> host_node(static_cast<std::size_t>(hosts));
  const net::LinkSpec lan{spec.lan_latency}, inner{spec.inner_latency};
  const auto spread_ms = spec.access_spread.count_ns() / 1'000'000;
  for (std::int64_t h = 0; h < hosts; ++h) {
    // Draw the host's NAT preset by weight.
    double u = rng.uniform01() * total_w;
    std::uint32_t k = 0;
    while (k + 1 < m && u >= spec.mix[k].weight) u -= spec.mix[k++].weight;
    host_mix[static_cast<std::size_t>(h)] = k;
    const NatShare& share = spec.mix[k];
    net::LinkSpec access{spec.access_latency +
                         SimTime::ms(spread_ms > 0 ? static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(spread_ms))) : 0)};
    net::NodeId parent = core;
    if (share.layers.size() > 1) {
      // Outer layers shared by cgn_subscribers hosts.
      Shared& sh = shared[k];
      if (sh.outer == net::kNoNode || sh.used >= spec.cgn_subscribers) {
        std::vector<nat::NatConfig> outer(share.layers.begin() + 1, share.layers.end());
        sh.outer = net.add_nat_chain(core, outer, net::LinkSpec{spec.access_latency}, inner);
        sh.used = 0;
      }
      ++sh.used;
      parent = net.add_nat(sh.outer, share.layers.front(), inner);
    } else if (share.layers.size() == 1) {
      parent = net.add_nat(core, share.layers.front(), access);
    }
    host_node[static_cast<std::size_t>(h)] = net.add_host(parent, parent == core ? access : lan);
  }
  return host_node;
}

PopulationResult run_population(const PopulationSpec& spec, std::uint64_t seed) {
  if (spec.mix.empty()) throw std::invalid_argument("population: empty NAT mix");
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
  if (spec.relay) {
    turn_node = net.add_host(core, net::LinkSpec{spec.turn_latency});
    turn_server = spec.relay->install_server(net, net.host(turn_node));
  }
  GatherConfig gather = spec.gather;
  if (spec.use_stun) gather.stun_server = stun_server.primary();
  signalling::SignallingServer sig(sim, spec.signalling);

  Rng rng = Rng::stream(seed, "population");
  const std::int64_t hosts = 2 * spec.sessions;
  std::vector<std::uint32_t> host_mix;
  const std::vector<net::NodeId> host_node = add_population_hosts(net, core, spec, hosts, rng, host_mix);
  res.hosts = static_cast<std::uint64_t>(hosts);

  // Endpoints, relay clients and sessions.
  std::vector<std::unique_ptr<RelayClient>> relays;
  std::vector<std::unique_ptr<IceEndpoint>> eps;
  std::vector<std::unique_ptr<IceSession>> sessions;
  eps.reserve(static_cast<std::size_t>(hosts));
  if (spec.relay) relays.reserve(static_cast<std::size_t>(hosts));
  sessions.reserve(static_cast<std::size_t>(spec.sessions));
  Collector collector(res);
  collector.pair_index.resize(static_cast<std::size_t>(spec.sessions));
  for (std::int64_t h = 0; h < hosts; ++h) {
    net::Host& host = net.host(host_node[static_cast<std::size_t>(h)]);
    RelayClient* rc = nullptr;
    if (spec.relay) {
      relays.push_back(spec.relay->make_client(net, host));
      rc = relays.back().get();
    }
    eps.push_back(std::make_unique<IceEndpoint>(host, gather, rc, derive_seed(seed, static_cast<std::uint64_t>(h))));
  }
  for (std::int64_t s = 0; s < spec.sessions; ++s) {
    const std::size_t a = static_cast<std::size_t>(2 * s), b = a + 1;
    const std::uint32_t sa = sig.attach(nullptr, net.path_latency(host_node[a], sig_node));
    const std::uint32_t sb = sig.attach(nullptr, net.path_latency(host_node[b], sig_node));
    sessions.push_back(std::make_unique<IceSession>(sim, spec.session, sig, *eps[a], sa, *eps[b], sb,
                                                    static_cast<std::uint32_t>(s), seed));
    IceSession* sess = sessions.back().get();
    sess->set_observer(&collector);
    std::uint32_t i = host_mix[a], j = host_mix[b];
    if (i > j) std::swap(i, j);
    collector.pair_index[static_cast<std::size_t>(s)] = static_cast<std::uint32_t>(i * m + j);
    const SimTime at = SimTime::from_seconds(rng.uniform01() * spec.arrival_window.seconds());
    sim.schedule_at(at, [sess] { sess->start(); });
  }
  res.sessions = static_cast<std::uint64_t>(spec.sessions);
  const SimTime limit = spec.arrival_window + spec.run_limit;
  sim.run_until(limit);
  // Sessions still pending at the limit count as failed.
  for (auto& s : sessions)
    if (!s->done()) {
      ++res.failed;
      ++res.by_pair[collector.pair_index[s->id()]].failed;
    }
  for (const auto& e : eps)
    if (e->relayed()) ++res.turn_allocations;
  res.events = sim.events_executed();
  res.sim_seconds = sim.now().seconds();
  return res;
}

}  // namespace p2psim::ice
