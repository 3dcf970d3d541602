#include "models/ice/call_connectivity.hpp"

#include <map>

#include "models/ice/pair_world.hpp"
#include "models/ice/turn_relay.hpp"

namespace p2psim::ice {

namespace {
constexpr std::uint16_t kIceTcpServerPort = 443;  // Jitsi Videobridge doc/tcp.md: ICE/TCP port 443 by default
SessionResult run_one(const std::vector<nat::NatConfig>& a, const std::vector<nat::NatConfig>& b, bool turn,
                      std::uint64_t seed) {
  PairSpec spec;
  spec.nat_a = a;
  spec.nat_b = b;
  TurnRelayFactory relay;
  if (turn) spec.relay = &relay;
  PairWorld w(spec, seed);
  return w.run();
}
bool blocks_udp(const std::vector<nat::NatConfig>& layers) {
  for (const auto& c : layers)
    if (c.block_outbound_udp) return true;
  return false;
}
// Every layer's firewall lets an outbound TCP connection to port 443 through.
bool allows_tcp_443(const std::vector<nat::NatConfig>& layers) {
  for (const auto& c : layers)
    if (c.allowed_tcp_port != 0 && c.allowed_tcp_port != kIceTcpServerPort) return false;
  return true;
}
}  // namespace

CallConnectivity ice_call_connectivity(const std::vector<NatShare>& mix, int n, bool mesh, bool turn,
                                       bool server_ice_tcp, std::uint64_t seed) {
  CallConnectivity c;
  Rng rng = Rng::stream(seed, "ice/call-nats");
  double total = 0;
  for (const NatShare& s : mix) total += s.weight;
  c.nat_of.resize(static_cast<std::size_t>(n));
  for (auto& k : c.nat_of) {
    double u = rng.uniform01() * total;
    std::uint32_t i = 0;
    while (i + 1 < mix.size() && u >= mix[i].weight) u -= mix[i++].weight;
    k = i;
  }
  if (mesh) {
    std::map<std::pair<std::uint32_t, std::uint32_t>, Outcome> cache;
    c.peer.assign(static_cast<std::size_t>(n) * n, Outcome::kDirect);
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j) {
        // The lower-indexed participant offers.
        const auto key = std::pair{c.nat_of[i], c.nat_of[j]};
        auto it = cache.find(key);
        if (it == cache.end()) {
          const SessionResult r = run_one(mix[key.first].layers, mix[key.second].layers, turn,
                                          derive_seed(seed, (std::uint64_t{key.first} << 32) | key.second));
          ++c.ice_sessions;
          it = cache.emplace(key, r.outcome).first;
        }
        c.peer[static_cast<std::size_t>(i) * n + j] = it->second;
        c.peer[static_cast<std::size_t>(j) * n + i] = it->second;
      }
  } else {
    std::map<std::uint32_t, ServerLeg> cache;
    c.server.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      const std::uint32_t k = c.nat_of[i];
      auto it = cache.find(k);
      if (it == cache.end()) {
        const SessionResult r = run_one(mix[k].layers, {}, turn, derive_seed(seed, std::uint64_t{k} + 0x5f0));
        ++c.ice_sessions;
        ServerLeg leg = ServerLeg::kFailed;
        if (r.outcome == Outcome::kDirect) leg = ServerLeg::kDirectUdp;
        if (r.outcome == Outcome::kRelayed) leg = blocks_udp(mix[k].layers) ? ServerLeg::kTurnTcp : ServerLeg::kTurnUdp;
        // ICE-TCP to the lite server's passive candidate outranks any relayed pair.
        if (server_ice_tcp && leg != ServerLeg::kDirectUdp && allows_tcp_443(mix[k].layers)) leg = ServerLeg::kDirectTcp;
        it = cache.emplace(k, leg).first;
      }
      c.server[static_cast<std::size_t>(i)] = it->second;
    }
  }
  return c;
}

}  // namespace p2psim::ice
