// Both peers behind NATs with address-and-port-dependent mapping and endpoint-independent
// filtering (APDM+EIF, RFC 4787 4.1 and 5). No preset has this combination; it used to
// leave the session unfinished at the run limit (docs/models/ice.md, check list).
//
// Expected outcomes, from the definitions alone:
// - No direct path. Under APDM a NAT gives each destination endpoint its own external
//   port. Let A's check go to B's public endpoint E and arrive from A's endpoint S, the
//   port A's NAT opened for E. B answers S from the port its NAT opened for S. The answer
//   is symmetric (RFC 8445 7.2.5.2.1) only if that port is E, i.e. if B's NAT opened E for
//   S: B sent to S before E existed, while S only exists once A sent to E. Each mapping
//   would have to predate the other, so no check ever succeeds directly, whatever the
//   filtering (EIF lets every check and answer in, which is what makes each side learn a
//   new peer-reflexive candidate per check).
// - With TURN, a relayed candidate's address does not depend on the destination, so a
//   pair with a relayed candidate on one side can succeed: the session is relayed.
// - Without TURN every pair fails; the number of pairs, hence of checks, is bounded by the
//   6.1.2.5 limit, so the check list fails (8.1.2) before the driver's run limit.
#include <catch2/catch.hpp>

#include "models/ice/pair_world.hpp"
#include "models/ice/turn_relay.hpp"

using namespace p2psim;
using namespace p2psim::ice;

namespace {
nat::NatConfig apdm_eif() {
  nat::NatConfig c;
  c.mapping = nat::Mapping::address_port_dependent;
  c.filtering = nat::Filtering::endpoint_independent;
  c.ports = nat::PortAssignment::random;
  return c;
}

PairSpec apdm_eif_pair(RelayFactory* relay) {
  PairSpec spec;
  spec.nat_a = {apdm_eif()};
  spec.nat_b = {apdm_eif()};
  spec.relay = relay;
  return spec;
}

bool relayed_type(CandidateType t) { return t == CandidateType::kRelayed; }
}  // namespace

TEST_CASE("APDM+EIF on both sides: relayed when TURN is offered", "[ice][apdm-eif][turn]") {
  TurnRelayFactory relay;
  for (std::uint64_t seed : {11, 12}) {
    const PairSpec spec = apdm_eif_pair(&relay);
    PairWorld w(spec, seed);
    const SessionResult r = w.run();
    INFO("seed " << seed << ": " << to_string(r.outcome) << " (" << to_string(r.fail_reason) << ") after "
                 << r.setup_time.seconds() << " s");
    REQUIRE(r.outcome == Outcome::kRelayed);
    CHECK(r.fail_reason == FailReason::kNone);
    CHECK(r.setup_time < spec.run_limit);
    CHECK((relayed_type(r.local_type) || relayed_type(r.remote_type)));
    // Both agents agree on one nominated pair, and neither list outgrew the limit.
    const std::size_t limit = spec.session.ice.checks.max_pairs;
    for (IceAgent* g : {&w.session().offerer(), &w.session().answerer()}) {
      CHECK(g->outcome() == Outcome::kRelayed);
      CHECK(g->check_list().pairs().size() <= limit);
      int nominated = 0;
      for (const CandidatePair& p : g->check_list().pairs()) nominated += p.nominated;
      CHECK(nominated == 1);
    }
  }
}

TEST_CASE("APDM+EIF on both sides: ICE fails before the run limit without TURN", "[ice][apdm-eif]") {
  for (std::uint64_t seed : {11, 12}) {
    const PairSpec spec = apdm_eif_pair(nullptr);
    PairWorld w(spec, seed);
    const SessionResult r = w.run();
    INFO("seed " << seed << ": " << to_string(r.outcome) << " (" << to_string(r.fail_reason) << ") after "
                 << r.setup_time.seconds() << " s");
    CHECK(r.outcome == Outcome::kFailed);
    CHECK(r.fail_reason == FailReason::kChecksFailed);  // ICE's own verdict (8.1.2), not the run limit
    CHECK(w.session().done());
    CHECK(r.setup_time < spec.run_limit);
    const std::size_t limit = spec.session.ice.checks.max_pairs;
    bool one_failed = false;
    for (IceAgent* g : {&w.session().offerer(), &w.session().answerer()}) {
      CHECK(g->check_list().pairs().size() <= limit);
      CHECK(g->outcome() != Outcome::kDirect);
      if (g->outcome() == Outcome::kFailed) {
        one_failed = true;
        CHECK(g->check_list().count(PairState::kSucceeded) == 0);
      }
    }
    CHECK(one_failed);
  }
}
