// The preset outcome matrix against what RFC 4787 semantics imply.
//
// The expected outcome is derived here from the definitions alone, with an abstract model
// of NAT behaviour that shares no code with the simulator: a NAT maps (internal socket,
// destination) to an external port per its mapping behaviour (EIM: one port; ADM: one per
// destination address; APDM: one per destination endpoint, RFC 4787 4.1) and admits an
// inbound packet on a mapping per its filtering behaviour (EIF: anyone; ADF: addresses
// the mapping has sent to; APDF: endpoints it has sent to, RFC 4787 5). Both peers know
// each other's server-reflexive endpoint; every received check teaches the receiver its
// source (peer-reflexive, RFC 8445 7.3.1.3); a check succeeds when it passes the far NAT
// and its response, sent from the far host's socket to the check's source, passes back and
// comes from the endpoint the check was sent to (RFC 8445 7.2.5.2.1). The peers keep
// checking every endpoint they know until nothing new is learned.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "models/ice/pair_world.hpp"
#include "models/ice/turn_relay.hpp"
#include "models/nat/preset.hpp"

using namespace p2psim;
using namespace p2psim::ice;

namespace {

struct Ep {
  int ip;    // 0 = A's public address, 1 = B's, 2 = STUN server
  int port;  // symbolic
  auto operator<=>(const Ep&) const = default;
};

struct AbstractSide {
  bool public_host = false;
  bool udp_blocked = false;
  nat::Mapping m = nat::Mapping::endpoint_independent;
  nat::Filtering f = nat::Filtering::endpoint_independent;
  int ip = 0;
  std::map<std::pair<int, int>, int> by_addr;  // ADM: dest ip -> port
  std::map<Ep, int> by_ep;                     // APDM: dest endpoint -> port
  std::set<std::pair<int, Ep>> sent;           // (external port, remote endpoint)
  std::set<int> ports;                         // active mappings
  int next_port = 100;

  int map(Ep dst) {
    if (public_host || m == nat::Mapping::endpoint_independent) return touch(1, dst);
    if (m == nat::Mapping::address_dependent) {
      auto [it, fresh] = by_addr.emplace(std::pair{dst.ip, 0}, 0);
      if (fresh) it->second = dst.ip == 2 ? 1 : next_port++;
      return touch(it->second, dst);
    }
    auto [it, fresh] = by_ep.emplace(dst, 0);
    if (fresh) it->second = dst.ip == 2 ? 1 : next_port++;
    return touch(it->second, dst);
  }
  int touch(int port, Ep dst) {
    ports.insert(port);
    sent.insert({port, dst});
    return port;
  }
  bool admits(int port, Ep src) const {
    if (public_host) return port == 1;
    if (!ports.count(port)) return false;
    switch (f) {
      case nat::Filtering::endpoint_independent: return true;
      case nat::Filtering::address_dependent:
        for (const auto& [p, e] : sent)
          if (p == port && e.ip == src.ip) return true;
        return false;
      case nat::Filtering::address_port_dependent: return sent.count({port, src}) > 0;
    }
    return false;
  }
};

AbstractSide abstract_side(const std::vector<nat::NatConfig>& layers, int ip) {
  AbstractSide s;
  s.ip = ip;
  s.public_host = layers.empty();
  // A chain of NATs composes: endpoint-independent only if every layer is; filtering is
  // as strict as the strictest layer.
  for (const nat::NatConfig& c : layers) {
    s.m = std::max(s.m, c.mapping);
    s.f = std::max(s.f, c.filtering);
    s.udp_blocked = s.udp_blocked || c.block_outbound_udp;
  }
  return s;
}

// True if a direct UDP path can be established (derived from the definitions).
bool direct_possible(const std::vector<nat::NatConfig>& a, const std::vector<nat::NatConfig>& b) {
  AbstractSide side[2] = {abstract_side(a, 0), abstract_side(b, 1)};
  if (side[0].udp_blocked || side[1].udp_blocked) return false;
  // STUN: each side's socket has sent to the server: mapping port 1 (the srflx).
  for (auto& s : side) s.map(Ep{2, 0});
  std::set<Ep> known[2] = {{Ep{1, 1}}, {Ep{0, 1}}};
  for (int round = 0; round < 8; ++round) {
    bool learned = false;
    for (int x = 0; x < 2; ++x) {
      const int y = 1 - x;
      for (Ep e : std::set<Ep>(known[x])) {
        const Ep src{side[x].ip, side[x].map(e)};
        if (e.ip != side[y].ip || !side[y].admits(e.port, src)) continue;
        learned |= known[y].insert(src).second;
        // Response from y's socket back to the source.
        const Ep rsrc{side[y].ip, side[y].map(src)};
        if (side[x].admits(src.port, rsrc) && rsrc == e) return true;
      }
    }
    if (!learned && round > 2) break;
  }
  return false;
}

bool direct_possible(const std::string& a_name, const std::string& b_name) {
  return direct_possible(nat::preset(a_name).layers, nat::preset(b_name).layers);
}

SessionResult run(const std::string& a, const std::string& b, std::uint64_t seed = 7) {
  PairSpec spec;
  spec.nat_a = nat::preset(a).layers;
  spec.nat_b = nat::preset(b).layers;
  PairWorld w(spec, seed);
  return w.run();
}

}  // namespace

TEST_CASE("outcome matrix without TURN equals RFC 4787 semantics", "[ice][matrix]") {
  const std::vector<std::string>& names = nat::preset_names();
  for (const std::string& a : names)
    for (const std::string& b : names) {
      const SessionResult r = run(a, b);
      const bool expect = direct_possible(a, b);
      INFO(a << " -> " << b << ": " << to_string(r.outcome));
      CHECK((r.outcome == Outcome::kDirect) == expect);
      CHECK(r.outcome != Outcome::kRelayed);
    }
}

TEST_CASE("named cases: port-restricted vs symmetric fails, symmetric vs restricted-cone uses prflx", "[ice][matrix]") {
  CHECK_FALSE(direct_possible("port-restricted-cone", "symmetric"));
  CHECK(run("port-restricted-cone", "symmetric").outcome == Outcome::kFailed);
  CHECK(run("symmetric", "port-restricted-cone").outcome == Outcome::kFailed);
  CHECK(direct_possible("symmetric", "restricted-cone"));
  for (auto [a, b] : {std::pair{"symmetric", "restricted-cone"}, std::pair{"restricted-cone", "symmetric"}}) {
    const SessionResult r = run(a, b);
    INFO(a << " -> " << b);
    REQUIRE(r.outcome == Outcome::kDirect);
    CHECK((r.local_type == CandidateType::kPeerReflexive || r.remote_type == CandidateType::kPeerReflexive));
  }
  // Two cone NATs connect server-reflexive to server-reflexive.
  const SessionResult c = run("port-restricted-cone", "port-restricted-cone");
  REQUIRE(c.outcome == Outcome::kDirect);
  CHECK(c.local_type == CandidateType::kServerReflexive);
  CHECK(c.remote_type == CandidateType::kServerReflexive);
  // Public hosts use their host candidates.
  const SessionResult h = run("none", "none");
  REQUIRE(h.outcome == Outcome::kDirect);
  CHECK(h.local_type == CandidateType::kHost);
  CHECK(h.remote_type == CandidateType::kHost);
}

TEST_CASE("outcome matrix with TURN: direct where RFC 4787 allows, else relayed", "[ice][matrix][turn]") {
  // With a TURN server reachable over UDP or, behind a UDP-blocking firewall, over TLS on
  // port 443, every session connects; it is relayed exactly when no direct path exists.
  const std::vector<std::string> names = {"none", "port-restricted-cone", "symmetric", "cgnat", "udp-blocked"};
  TurnRelayFactory relay;
  for (const std::string& a : names)
    for (const std::string& b : names) {
      PairSpec spec;
      spec.nat_a = nat::preset(a).layers;
      spec.nat_b = nat::preset(b).layers;
      spec.relay = &relay;
      PairWorld w(spec, 11);
      const SessionResult r = w.run();
      INFO(a << " -> " << b << ": " << to_string(r.outcome));
      CHECK(r.outcome == (direct_possible(a, b) ? Outcome::kDirect : Outcome::kRelayed));
      if (r.outcome == Outcome::kRelayed)
        CHECK((r.local_type == CandidateType::kRelayed || r.remote_type == CandidateType::kRelayed));
    }
}

TEST_CASE("every mapping x filtering behaviour pair: direct as RFC 4787 allows, else relayed or ICE failure",
          "[ice][matrix][turn]") {
  // Ten behaviours on each side (public; EIM, ADM, APDM x EIF, ADF, APDF), random port
  // assignment, 100 ordered pairs. Without TURN a session that cannot go direct ends with
  // ICE's own verdict (every pair failed, RFC 8445 8.1.2), not at the run limit; with TURN
  // it is relayed. APDM+EIF on both sides is the case the presets do not cover.
  std::vector<std::vector<nat::NatConfig>> sides{{}};
  for (auto m : {nat::Mapping::endpoint_independent, nat::Mapping::address_dependent,
                 nat::Mapping::address_port_dependent})
    for (auto f : {nat::Filtering::endpoint_independent, nat::Filtering::address_dependent,
                   nat::Filtering::address_port_dependent}) {
      nat::NatConfig c;
      c.mapping = m;
      c.filtering = f;
      c.ports = nat::PortAssignment::random;
      sides.push_back({c});
    }
  auto name = [](const std::vector<nat::NatConfig>& s) {
    return s.empty() ? std::string("public")
                     : std::string(nat::short_name(s[0].mapping)) + "+" + nat::short_name(s[0].filtering);
  };
  TurnRelayFactory relay;
  for (const auto& a : sides)
    for (const auto& b : sides) {
      const bool direct = direct_possible(a, b);
      for (bool turn : {false, true}) {
        PairSpec spec;
        spec.nat_a = a;
        spec.nat_b = b;
        spec.relay = turn ? &relay : nullptr;
        PairWorld w(spec, 13);
        const SessionResult r = w.run();
        INFO(name(a) << " -> " << name(b) << (turn ? " with TURN: " : ": ") << to_string(r.outcome) << " ("
                     << to_string(r.fail_reason) << ")");
        if (direct) {
          CHECK(r.outcome == Outcome::kDirect);
        } else if (turn) {
          CHECK(r.outcome == Outcome::kRelayed);
        } else {
          CHECK(r.outcome == Outcome::kFailed);
          CHECK(r.fail_reason == FailReason::kChecksFailed);
        }
      }
    }
}
