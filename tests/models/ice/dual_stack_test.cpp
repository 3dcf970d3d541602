// Dual-stack ICE: RFC 8421 / RFC 8445 priorities computed by hand, pairs of one address
// family only (RFC 8445 6.1.2.2), and IPv6 paths that have no NAT (only RFC 6092
// firewalls) connecting directly where IPv4 needs a relay.
#include <catch2/catch.hpp>

#include "models/ice/check_list.hpp"
#include "models/ice/dual_stack.hpp"
#include "models/ice/pair_world.hpp"
#include "models/ice/population.hpp"
#include "models/ice/turn_relay.hpp"
#include "models/nat/preset.hpp"
#include "models/net/ipv6_address.hpp"

using namespace p2psim;
using namespace p2psim::ice;

namespace {
SessionResult run_pair(const std::string& a, const std::string& b, bool v6a, bool v6b, bool turn, bool mdns,
                       SessionResult* out_unused = nullptr, std::uint64_t seed = 3) {
  (void)out_unused;
  TurnRelayFactory f;
  PairSpec s;
  s.nat_a = nat::preset(a).layers;
  s.nat_b = nat::preset(b).layers;
  s.relay = turn ? &f : nullptr;
  s.session.trickle = true;
  s.session.ice.mdns_host_candidates = mdns;
  s.ipv6_a = v6a;
  s.ipv6_b = v6b;
  PairWorld w(s, seed);
  return w.run();
}
}  // namespace

TEST_CASE("RFC 8421 local preferences and RFC 8445 priorities of a dual-stack host, by hand", "[ice][ipv6][priority]") {
  // priority = 2^24 type + 2^8 local + (256 - 1).
  // Single stack: local preference 65535 (RFC 8445 5.1.2.1).
  CHECK(local_preference(false, false) == 65535);
  CHECK(candidate_priority(CandidateType::kHost, local_preference(false, false)) == 2130706431u);
  // Dual stack: IPv6 65535 - 2k, IPv4 65534 - 2k (prefer IPv6, interleave the families).
  CHECK(local_preference(true, true) == 65535);
  CHECK(local_preference(false, true) == 65534);
  CHECK(local_preference(true, true, 1) == 65533);
  CHECK(local_preference(false, true, 1) == 65532);
  // host IPv6: 126 * 16777216 + 65535 * 256 + 255 = 2113929216 + 16776960 + 255
  CHECK(candidate_priority(CandidateType::kHost, local_preference(true, true)) == 2130706431u);
  // host IPv4: 2113929216 + 65534 * 256 + 255 = 2113929216 + 16776704 + 255
  CHECK(candidate_priority(CandidateType::kHost, local_preference(false, true)) == 2130706175u);
  // srflx IPv4: 100 * 16777216 + 16776704 + 255
  CHECK(candidate_priority(CandidateType::kServerReflexive, local_preference(false, true)) == 1694498559u);
  // relayed IPv4: 0 + 16776704 + 255
  CHECK(candidate_priority(CandidateType::kRelayed, local_preference(false, true)) == 16776959u);
  // Interleaving: IPv6 #0 > IPv4 #0 > IPv6 #1 > IPv4 #1 within a type.
  CHECK(local_preference(true, true, 0) > local_preference(false, true, 0));
  CHECK(local_preference(false, true, 0) > local_preference(true, true, 1));
  CHECK(local_preference(true, true, 1) > local_preference(false, true, 1));
}

TEST_CASE("a dual-stack agent's candidates carry those priorities", "[ice][ipv6][priority]") {
  PairSpec s;
  s.nat_a = nat::preset("port-restricted-cone").layers;
  s.nat_b = nat::preset("port-restricted-cone").layers;
  s.ipv6_a = true;
  PairWorld w(s, 1);
  w.run();
  const auto& local = w.session().offerer().local_candidates();
  bool host4 = false, host6 = false, srflx4 = false;
  for (const Candidate& c : local) {
    if (c.key.type == CandidateType::kHost && c.key.ipv6) {
      host6 = true;
      CHECK(c.key.priority == 2130706431u);
      CHECK(c.addr.addr.is_ipv6());
    } else if (c.key.type == CandidateType::kHost) {
      host4 = true;
      CHECK(c.key.priority == 2130706175u);
    } else if (c.key.type == CandidateType::kServerReflexive) {
      srflx4 = true;
      CHECK_FALSE(c.key.ipv6);  // no srflx for IPv6 without mDNS: it would equal the host (5.1.3)
      CHECK(c.key.priority == 1694498559u);
    }
  }
  CHECK(host4);
  CHECK(host6);
  CHECK(srflx4);
  // The IPv4-only answerer keeps 65535.
  for (const Candidate& c : w.session().answerer().local_candidates())
    if (c.key.type == CandidateType::kHost) CHECK(c.key.priority == 2130706431u);
}

TEST_CASE("check list: pairs only join candidates of the same address family", "[ice][ipv6][checklist]") {
  // Local: host IPv4, host IPv6, srflx IPv4 (base 0); remote: host IPv4, host IPv6.
  std::vector<CandidateKey> local = {{CandidateType::kHost, 2130706175u, 1, 0, false},
                                     {CandidateType::kHost, 2130706431u, 2, 1, true},
                                     {CandidateType::kServerReflexive, 1694498559u, 3, 0, false}};
  std::vector<CandidateKey> remote = {{CandidateType::kHost, 2130706175u, 11, 0, false},
                                      {CandidateType::kHost, 2130706431u, 12, 0, true}};
  CheckList cl;
  cl.form(local, remote, true);
  // 2 x 2 same-family combinations, srflx replaced by its base (redundant with host-host).
  REQUIRE(cl.pairs().size() == 2);
  for (const CandidatePair& p : cl.pairs()) CHECK(local[p.local].ipv6 == remote[p.remote].ipv6);
  // The IPv6 pair first: 2^32 * 2130706431 + 2 * 2130706431 + 0 > the IPv4 pair.
  CHECK(cl.pair(0).local == 1);
  CHECK(cl.pair(0).priority == (std::uint64_t{2130706431u} << 32) + 2ull * 2130706431u);
  CHECK(cl.pair(1).local == 0);
}

TEST_CASE("dual stack: symmetric <-> symmetric connects directly over IPv6, with or without TURN and mDNS",
          "[ice][ipv6]") {
  for (bool turn : {false, true})
    for (bool mdns : {false, true}) {
      INFO("turn " << turn << " mdns " << mdns);
      // IPv4 only: no direct path between two symmetric NATs (RFC 4787).
      const SessionResult v4 = run_pair("symmetric", "symmetric", false, false, turn, mdns);
      CHECK(v4.outcome == (turn ? Outcome::kRelayed : Outcome::kFailed));
      const SessionResult v6 = run_pair("symmetric", "symmetric", true, true, turn, mdns);
      CHECK(v6.outcome == Outcome::kDirect);
      CHECK(v6.ipv6);
    }
}

TEST_CASE("dual stack: two CGNAT subscribers with IPv6 connect directly over IPv6", "[ice][ipv6]") {
  const SessionResult r = run_pair("cgnat", "symmetric", true, true, true, true);
  CHECK(r.outcome == Outcome::kDirect);
  CHECK(r.ipv6);
}

TEST_CASE("dual stack: with one side IPv4-only, IPv4 pairs are used", "[ice][ipv6]") {
  for (bool mdns : {false, true}) {
    const SessionResult a = run_pair("symmetric", "symmetric", true, false, true, mdns);
    CHECK(a.outcome == Outcome::kRelayed);
    CHECK_FALSE(a.ipv6);
    const SessionResult b = run_pair("port-restricted-cone", "port-restricted-cone", false, true, false, mdns);
    CHECK(b.outcome == Outcome::kDirect);
    CHECK_FALSE(b.ipv6);
  }
}

TEST_CASE("dual stack: a UDP-blocked network blocks IPv6 UDP too", "[ice][ipv6]") {
  const SessionResult r = run_pair("udp-blocked", "none", true, true, false, false);
  CHECK(r.outcome == Outcome::kFailed);
}

TEST_CASE("population: the IPv6 share is drawn per host from its own stream, deterministic per seed",
          "[ice][ipv6][population]") {
  Simulator sim;
  net::Network net(sim, 1);
  const net::NodeId core = net.add_router();
  std::vector<net::NodeId> hosts;
  for (int i = 0; i < 4000; ++i) hosts.push_back(net.add_host(core, net::LinkSpec{SimTime::ms(1)}));
  const std::uint64_t n = add_population_ipv6(net, hosts, 0.3, 42);
  // The same draws by hand: host i gets IPv6 when the i-th uniform of stream (42, "ipv6") < 0.3.
  Rng rng = Rng::stream(42, "ipv6");
  std::uint64_t want = 0;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const bool v6 = rng.uniform01() < 0.3;
    want += v6 ? 1 : 0;
    CHECK(net.host(hosts[i]).ipv6().is_unspecified() == !v6);
  }
  CHECK(n == want);
  // Binomial(4000, 0.3): mean 1200, sd sqrt(4000 * 0.3 * 0.7) = 29.0; within 5 sd.
  CHECK(n > 1200 - 145);
  CHECK(n < 1200 + 145);
  CHECK(add_population_ipv6(net, {}, 0.3, 42) == 0);
}

TEST_CASE("population: IPv6 share 1 turns symmetric <-> symmetric sessions direct", "[ice][ipv6][population]") {
  PopulationSpec spec;
  spec.mix = {{"symmetric", nat::preset("symmetric").layers, 1}};
  spec.sessions = 40;
  spec.session.trickle = true;
  TurnRelayFactory relay;
  spec.relay = &relay;
  const PopulationResult v4 = run_population(spec, 7);
  CHECK(v4.relayed == 40);
  spec.ipv6_share = 1;
  const PopulationResult v6 = run_population(spec, 7);
  CHECK(v6.ipv6_hosts == 80);
  CHECK(v6.direct == 40);
  CHECK(v6.ipv6_sessions == 40);
}

TEST_CASE("population: with IPv6 share s, symmetric <-> symmetric sessions are direct with probability s^2",
          "[ice][ipv6][population]") {
  // Closed form: a session is direct exactly when both hosts drew IPv6 (independent draws
  // of probability s); otherwise IPv4 between two APDM NATs relays (RFC 4787).
  PopulationSpec spec;
  spec.mix = {{"symmetric", nat::preset("symmetric").layers, 1}};
  spec.sessions = 400;
  spec.session.trickle = true;
  TurnRelayFactory relay;
  spec.relay = &relay;
  spec.ipv6_share = 0.5;
  const PopulationResult r = run_population(spec, 11);
  const double direct = static_cast<double>(r.direct) / 400.0;
  // Binomial(400, 0.25): sd = sqrt(0.25 * 0.75 / 400) = 0.0217; within 5 sd.
  CHECK(direct > 0.25 - 0.108);
  CHECK(direct < 0.25 + 0.108);
  CHECK(r.direct + r.relayed == 400);
  CHECK(r.ipv6_sessions == r.direct);
}
