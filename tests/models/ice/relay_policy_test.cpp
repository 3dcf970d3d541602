// The relay-gathering policy of IceSession: `always` (RFC 8445 5.1.1.2) against
// `on-failure` (host + srflx first; TURN allocation and an ICE restart, RFC 8445 9, only
// when direct connectivity fails or is late).
//
// Expected outcomes come from the RFC 4787 definitions of the presets (argued at each
// case); expected times from RFC 8489 6.2.1 (a transaction with RTO >= 500 ms, Rc = 7 and
// Rm = 16 gives up no earlier than (1 + 2 + ... + 32 + 16) RTO = 79 x 500 ms = 39.5 s after
// its first request) and from the configured fallback time.
#include <catch2/catch.hpp>

#include <map>

#include "models/ice/pair_world.hpp"
#include "models/ice/population.hpp"
#include "models/ice/turn_relay.hpp"
#include "models/nat/preset.hpp"

using namespace p2psim;
using namespace p2psim::ice;

namespace {

// RFC 8489 6.2.1: earliest give-up time of a STUN transaction (connectivity checks use an
// RTO of at least 500 ms, RFC 8445 14.3; gathering uses 500 ms).
SimTime transaction_timeout() {
  const SimTime rto = SimTime::ms(500);
  SimTime t = SimTime::zero();
  for (int k = 0; k < 6; ++k) t += rto * (std::int64_t{1} << k);  // waits after sends 1..6
  return t + rto * 16;                                             // Rm x RTO after send 7
}

struct Run {
  SessionResult r;
  bool relayed_a = false, relayed_b = false;
  std::uint64_t server_allocations = 0;
  std::uint32_t agent_a = 0, agent_b = 0;
  bool offerer_has_relay = false;
};

Run run(const std::string& a, const std::string& b, RelayPolicy policy, SimTime fallback_after = SimTime::s(5),
        bool turn = true, std::uint64_t seed = 5) {
  // Relay-policy semantics with one allocation per endpoint: TLS only after UDP fails (the
  // parallel UDP/TLS race is tested in trickle_test.cpp).
  TurnRelayConfig rc;
  rc.parallel_tls = false;
  TurnRelayFactory relay(rc);
  PairSpec spec;
  spec.nat_a = nat::preset(a).layers;
  spec.nat_b = nat::preset(b).layers;
  spec.relay = turn ? &relay : nullptr;
  spec.session.relay_policy = policy;
  spec.session.relay_fallback_after = fallback_after;
  PairWorld w(spec, seed);
  Run out;
  out.r = w.run();
  out.relayed_a = w.endpoint_a().relayed().has_value();
  out.relayed_b = w.endpoint_b().relayed().has_value();
  if (turn) out.server_allocations = relay.server()->allocations_created();
  out.agent_a = w.session().offerer().id();
  out.agent_b = w.session().answerer().id();
  for (const Candidate& c : w.session().offerer().local_candidates())
    out.offerer_has_relay |= c.key.type == CandidateType::kRelayed;
  return out;
}

}  // namespace

TEST_CASE("RFC 8489 transaction timeout used below is 39.5 s", "[ice][relaypolicy]") {
  CHECK(transaction_timeout() == SimTime::ms(39500));
}

TEST_CASE("on-failure: a pair with a direct path makes no TURN allocation", "[ice][relaypolicy]") {
  // Full cone (EIM+EIF) with port-restricted cone (EIM+APDF): the port-restricted side's
  // check to the full cone's server-reflexive address passes the EIF filter; the reply
  // leaves from the same mapping (EIM), i.e. from the very endpoint the check went to, so
  // it passes the APDF filter: a direct pair exists, no relay is needed.
  for (auto [a, b] : {std::pair{"full-cone", "port-restricted-cone"}, std::pair{"port-restricted-cone", "full-cone"}}) {
    INFO(a << " -> " << b);
    const Run on = run(a, b, RelayPolicy::kOnFailure);
    CHECK(on.r.outcome == Outcome::kDirect);
    CHECK_FALSE(on.r.relay_fallback);
    CHECK(on.r.relay_allocations == 0);
    CHECK_FALSE(on.relayed_a);
    CHECK_FALSE(on.relayed_b);
    CHECK(on.server_allocations == 0);
    // The same pair under `always`: same outcome, but both endpoints allocated.
    const Run al = run(a, b, RelayPolicy::kAlways);
    CHECK(al.r.outcome == Outcome::kDirect);
    CHECK_FALSE(al.r.relay_fallback);
    CHECK(al.r.relay_allocations == 2);
    CHECK(al.server_allocations == 2);
  }
}

TEST_CASE("on-failure: a pair that needs TURN relays after an ICE restart at the fallback time", "[ice][relaypolicy]") {
  // Port-restricted cone (EIM+APDF) with symmetric (APDM+APDF): the symmetric side's check
  // leaves from a fresh port the cone never sent to (dropped by APDF); the cone's check goes
  // to the symmetric side's server-reflexive port, whose APDF filter only admits the STUN
  // server. No direct pair: the session must relay, which under on-failure needs a restart.
  const SimTime after = SimTime::s(5);
  for (auto [a, b] : {std::pair{"port-restricted-cone", "symmetric"}, std::pair{"symmetric", "port-restricted-cone"}}) {
    INFO(a << " -> " << b);
    const Run on = run(a, b, RelayPolicy::kOnFailure, after);
    REQUIRE(on.r.outcome == Outcome::kRelayed);
    CHECK(on.r.relay_fallback);
    CHECK(on.r.fallback_at == after);  // the timer (ICE failure would be >= 39.5 s)
    CHECK(on.r.setup_time >= after);
    CHECK(on.r.relay_allocations == 2);
    CHECK(on.relayed_a);
    CHECK(on.relayed_b);
    CHECK(on.server_allocations == 2);
    // The restart ran fresh agents (ids other than the first attempt's 2 id, 2 id + 1 with
    // PairWorld's session id 1), and the new offer carried the relayed candidate.
    CHECK(on.agent_a != 2);
    CHECK(on.agent_b != 3);
    CHECK(on.agent_a != on.agent_b);
    CHECK(on.offerer_has_relay);
    CHECK((on.r.local_type == CandidateType::kRelayed || on.r.remote_type == CandidateType::kRelayed));
    // Offer and answer twice.
    CHECK(on.r.signalling_messages == 4);
  }
}

TEST_CASE("on-failure with relay_fallback_after 0 falls back only when ICE fails", "[ice][relaypolicy]") {
  // Every check transaction runs at least 39.5 s before its pair fails, so ICE cannot fail,
  // nor the restart begin, earlier than that after the first checks.
  const Run on = run("port-restricted-cone", "symmetric", RelayPolicy::kOnFailure, SimTime::zero());
  REQUIRE(on.r.outcome == Outcome::kRelayed);
  CHECK(on.r.relay_fallback);
  CHECK(on.r.fallback_at >= transaction_timeout());
  CHECK(on.r.setup_time > on.r.fallback_at);
  CHECK(on.r.relay_allocations == 2);
  CHECK(on.server_allocations == 2);
}

TEST_CASE("on-failure without a TURN server: no fallback, the session fails as under always", "[ice][relaypolicy]") {
  const Run on = run("port-restricted-cone", "symmetric", RelayPolicy::kOnFailure, SimTime::s(5), false);
  CHECK(on.r.outcome == Outcome::kFailed);
  CHECK_FALSE(on.r.relay_fallback);
  CHECK(on.r.relay_allocations == 0);
  const Run al = run("port-restricted-cone", "symmetric", RelayPolicy::kAlways, SimTime::s(5), false);
  CHECK(al.r.outcome == Outcome::kFailed);
}

TEST_CASE("on-failure: a UDP-blocked side allocates during gathering", "[ice][relaypolicy]") {
  // Behind the UDP-blocking firewall the STUN transaction times out (no server-reflexive
  // address), so that side allocates (TURN over TLS) as part of gathering, after the STUN
  // timeout; its peer (port-restricted cone, with a srflx address) allocates nothing, and
  // no restart is needed: the peer reaches the relayed candidate directly.
  const Run on = run("udp-blocked", "port-restricted-cone", RelayPolicy::kOnFailure, SimTime::zero());
  REQUIRE(on.r.outcome == Outcome::kRelayed);
  CHECK_FALSE(on.r.relay_fallback);
  CHECK(on.relayed_a);
  CHECK_FALSE(on.relayed_b);
  CHECK(on.r.relay_allocations == 1);
  CHECK(on.server_allocations == 1);
  CHECK(on.r.setup_time >= transaction_timeout());
  CHECK(on.r.signalling_messages == 2);
  // As the answerer too.
  const Run rev = run("port-restricted-cone", "udp-blocked", RelayPolicy::kOnFailure, SimTime::zero());
  REQUIRE(rev.r.outcome == Outcome::kRelayed);
  CHECK_FALSE(rev.r.relay_fallback);
  CHECK_FALSE(rev.relayed_a);
  CHECK(rev.relayed_b);
  CHECK(rev.r.relay_allocations == 1);
  // Under always both sides allocate.
  const Run al = run("udp-blocked", "port-restricted-cone", RelayPolicy::kAlways);
  CHECK(al.r.outcome == Outcome::kRelayed);
  CHECK(al.r.relay_allocations == 2);
}

TEST_CASE("population: allocations and fallbacks under both policies", "[ice][relaypolicy]") {
  // Port-restricted cones connect directly to each other; every pair with a symmetric host
  // has no direct path (cases above). Under on-failure every relayed session is a fallback
  // that allocated on both sides, and nothing else allocates; under always every host
  // allocates. Outcomes are the same under both policies.
  TurnRelayFactory relay_on, relay_al;
  PopulationSpec spec;
  spec.sessions = 60;
  spec.arrival_window = SimTime::s(2);
  spec.mix = {{"port-restricted-cone", nat::preset("port-restricted-cone").layers, 1},
              {"symmetric", nat::preset("symmetric").layers, 1}};
  spec.session.relay_policy = RelayPolicy::kOnFailure;
  spec.relay = &relay_on;
  const PopulationResult on = run_population(spec, 3);
  spec.session.relay_policy = RelayPolicy::kAlways;
  spec.relay = &relay_al;
  const PopulationResult al = run_population(spec, 3);
  const std::uint64_t cone_pairs = on.by_pair[0].direct + on.by_pair[0].relayed + on.by_pair[0].failed;
  REQUIRE(cone_pairs > 0);
  REQUIRE(cone_pairs < 60);
  for (const PopulationResult* r : {&on, &al}) {
    CHECK(r->direct == cone_pairs);
    CHECK(r->relayed == 60 - cone_pairs);
    CHECK(r->failed == 0);
  }
  CHECK(on.relay_fallbacks == on.relayed);
  CHECK(on.turn_allocations == 2 * on.relay_fallbacks);
  CHECK(al.relay_fallbacks == 0);
  CHECK(al.turn_allocations == 120);
}
