// libwebrtc nomination (semi-aggressive and renomination), continuous checks after
// selection, and ICE restart on a network change, against hand computations from the
// configured latencies and timers (models/ice/nomination.hpp, ice_restart.hpp).
#include <catch2/catch.hpp>

#include "models/ice/ice_restart.hpp"
#include "models/ice/pair_world.hpp"
#include "models/ice/turn_relay.hpp"
#include "models/nat/preset.hpp"

using namespace p2psim;
using namespace p2psim::ice;

namespace {
std::vector<nat::NatConfig> prc() { return nat::preset("port-restricted-cone").layers; }

SessionConfig libwebrtc_session(bool renomination) {
  SessionConfig s;
  s.trickle = true;
  s.keep_alive = true;
  s.ice.nomination.mode = NominationMode::kLibwebrtc;
  s.ice.nomination.renomination = renomination;
  return s;
}

// Both hosts public (no NAT), trickle ICE, no TURN: one host-host pair. Offer and answer
// each cross access (10 ms) + server link (5 ms) to the signalling server, 1 ms processing,
// server link + access to the peer: 31 ms each way.
PairSpec public_pair(const SessionConfig& s) {
  PairSpec p;
  p.session = s;
  p.session.keep_alive = false;
  return p;
}
// Port-restricted cones on both sides, TURN close by, the STUN server 1 s away.
PairSpec far_stun_pair(TurnRelayFactory& relay, const SessionConfig& session) {
  PairSpec spec;
  spec.nat_a = prc();
  spec.nat_b = prc();
  spec.relay = &relay;
  spec.stun_link = net::LinkSpec{SimTime::s(1)};
  spec.session = session;
  return spec;
}

}  // namespace

TEST_CASE("libwebrtc nomination: the first success is selected, one round trip before regular nomination",
          "[ice][nomination]") {
  // Offer at B at 31 ms; B answers and checks A at once (A answers before it has the
  // answer). The answer reaches A at 62 ms; A's (triggered) check leaves then.
  // libwebrtc: that check carries USE-CANDIDATE (semi-aggressive, nothing selected yet);
  // B's own check succeeded at 31 + 40 = 71 ms, so B selects on its arrival at 82 ms, A on
  // the response at 62 + 40 = 102 ms.
  // regular: A's check at 62 ms succeeds at 102 ms; A nominates at the next pacing slot,
  // 62 + Ta 50 = 112 ms; B selects at 132 ms, A at 152 ms.
  {
    PairWorld w(public_pair(libwebrtc_session(false)), 1);
    const SessionResult r = w.run();
    REQUIRE(r.outcome == Outcome::kDirect);
    CHECK(r.setup_time == SimTime::ms(102));
  }
  {
    SessionConfig s = libwebrtc_session(false);
    s.ice.nomination.mode = NominationMode::kRegular;
    PairWorld w(public_pair(s), 1);
    const SessionResult r = w.run();
    REQUIRE(r.outcome == Outcome::kDirect);
    CHECK(r.setup_time == SimTime::ms(152));
  }
  {
    // Renomination: A's checks carry no nomination; on selecting at 102 ms A sends
    // NOMINATION=1 on the selected pair, which B follows on arrival at 122 ms.
    PairWorld w(public_pair(libwebrtc_session(true)), 1);
    const SessionResult r = w.run();
    REQUIRE(r.outcome == Outcome::kDirect);
    CHECK(r.setup_time == SimTime::ms(122));
    CHECK(w.session().answerer().nomination_value() == 1);
  }
}

TEST_CASE("renomination switches from a relayed pair to the direct pair that succeeds later", "[ice][nomination]") {
  // Port-restricted cones on both sides, TURN close by, the STUN server 1 s away: the
  // relayed candidates are trickled long before the server-reflexive ones, so a
  // relayed pair succeeds and is selected first; the direct pairs can only be checked once
  // the server-reflexive candidates arrive (> 2 s: the STUN round trip alone is 2 x 1.011 s).
  for (bool renomination : {false, true}) {
    INFO("renomination " << renomination);
    TurnRelayFactory relay;
    PairSpec spec = far_stun_pair(relay, libwebrtc_session(renomination));
    spec.run_limit = SimTime::ms(1500);  // run() returns here (the session is kept alive)
    PairWorld w(spec, 2);
    const SessionResult r = w.run();
    REQUIRE(r.outcome == Outcome::kRelayed);
    CHECK(r.setup_time < SimTime::s(2));
    IceAgent& a = w.session().offerer();
    IceAgent& b = w.session().answerer();
    CHECK(a.switches() == 0);
    w.sim().run_until(w.sim().now() + SimTime::s(10));
    // Both ends now use the direct pair (each one's remote is the other's srflx address).
    CHECK(a.outcome() == Outcome::kDirect);
    CHECK(b.outcome() == Outcome::kDirect);
    CHECK(a.switches() == 1);
    CHECK(b.switches() == 1);
    REQUIRE(w.endpoint_a().srflx());
    REQUIRE(w.endpoint_b().srflx());
    CHECK(a.selected_remote() == *w.endpoint_b().srflx());
    CHECK(b.selected_remote() == *w.endpoint_a().srflx());
    // The controlling side's nomination counter went 1 -> 2 with the switch; with
    // renomination the controlled side followed value 2, without it a USE-CANDIDATE (1).
    CHECK(a.nomination_value() == 2);
    CHECK(b.nomination_value() == (renomination ? 2u : 1u));
    CHECK_FALSE(a.consent_lost());
  }
  // Regular nomination (RFC 8445 8.1.1) nominates the relayed pair once and keeps it.
  {
    TurnRelayFactory relay;
    PairSpec spec = far_stun_pair(relay, libwebrtc_session(false));
    spec.session.ice.nomination.mode = NominationMode::kRegular;
    spec.run_limit = SimTime::ms(1500);
    PairWorld w(spec, 2);
    REQUIRE(w.run().outcome == Outcome::kRelayed);
    w.sim().run_until(w.sim().now() + SimTime::s(10));
    CHECK(w.session().offerer().outcome() == Outcome::kRelayed);
    CHECK(w.session().offerer().switches() == 0);
    CHECK(w.session().offerer().continuous_pings() == 0);
  }
}

TEST_CASE("continuous checks: pings of the pair above the selected one follow libwebrtc's intervals",
          "[ice][nomination][continuous]") {
  // Port-restricted cones, no TURN: the selected pair is host -> peer's srflx; the only
  // pair above it is host -> peer's host (a private address in another realm), which never
  // answers. From the selection on: pings at t0, t0 + 48 ms, t0 + 96 ms (WEAK_PING_INTERVAL
  // until MIN_PINGS_AT_WEAK_PING_INTERVAL = 3), then every STRONG_PING_INTERVAL 480 ms,
  // until CONNECTION_WRITE_TIMEOUT 15 s after the first: t0 + 96 + 480 k < t0 + 15000 for
  // k = 1..31. 3 + 31 = 34 pings on each side.
  // Sizes: header 20 + USERNAME 4+12 + PRIORITY 8 + ICE-CONTROLLING/-CONTROLLED 12 +
  // MESSAGE-INTEGRITY 24 + FINGERPRINT 8 = 88 B; the controlling side adds USE-CANDIDATE
  // (4 B: a pair better than the selected one, semi-aggressive) = 92 B.
  PairSpec spec;
  spec.nat_a = prc();
  spec.nat_b = prc();
  spec.session = libwebrtc_session(false);
  spec.run_limit = SimTime::s(1);
  PairWorld w(spec, 3);
  REQUIRE(w.run().outcome == Outcome::kDirect);
  IceAgent& a = w.session().offerer();
  IceAgent& b = w.session().answerer();
  REQUIRE(a.selected_local_type() == CandidateType::kServerReflexive);
  w.sim().run_until(w.sim().now() + SimTime::s(30));
  CHECK(a.continuous_pings() == 34);
  CHECK(b.continuous_pings() == 34);
  CHECK(a.continuous_ping_bytes() == 34 * 92);
  CHECK(b.continuous_ping_bytes() == 34 * 88);
  CHECK(a.switches() == 0);
  // Regular nomination: every check stops at completion (RFC 8445 8.1.2).
  spec.session.ice.nomination.mode = NominationMode::kRegular;
  PairWorld r(spec, 3);
  REQUIRE(r.run().outcome == Outcome::kDirect);
  r.sim().run_until(r.sim().now() + SimTime::s(30));
  CHECK(r.session().offerer().continuous_pings() == 0);
  CHECK(r.session().answerer().continuous_pings() == 0);
}

namespace {
// Wi-Fi behind a port-restricted cone -> LTE with a public address; the peer public; no
// TURN; trickle, libwebrtc nomination. The restart session between two public hosts
// completes in 102 ms (the first test case's timeline, from the restart offer on).
NetworkChangeSpec handover(bool restart, ChangeDetection detect) {
  NetworkChangeSpec s;
  s.nat_before = prc();
  s.session = libwebrtc_session(false);
  s.change_at = SimTime::s(20);
  s.run_for = SimTime::s(90);
  s.restart = restart;
  s.detect = detect;
  return s;
}
}  // namespace

TEST_CASE("ICE restart on a network change: interruption = detection + restart setup", "[ice][restart]") {
  SECTION("detected by the interface change: the restart alone, 102 ms") {
    NetworkChangeWorld w(handover(true, ChangeDetection::kInterface), 4);
    const NetworkChangeResult r = w.run();
    REQUIRE(r.connected);
    REQUIRE(r.recovered);
    CHECK(r.restarts == 1);
    CHECK(r.detected_after == SimTime::zero());
    CHECK(r.restart_setup == SimTime::ms(102));
    CHECK(r.interruption == SimTime::ms(102));
    CHECK(r.after.outcome == Outcome::kDirect);
    REQUIRE(w.restart_session());
    CHECK(w.restart_session()->offerer().controlling());
  }
  SECTION("detected by consent expiry (RFC 7675): 30 s after the last response, within one interval") {
    const NetworkChangeSpec spec = handover(true, ChangeDetection::kConsent);
    NetworkChangeWorld w(spec, 5);
    const NetworkChangeResult r = w.run();
    REQUIRE(r.recovered);
    CHECK(r.restarts == 1);
    // The last response came at most one randomised interval (<= 1.2 x 5 s) before the
    // change, and expiry is seen at a consent tick at most one interval after the 30 s.
    const SimTime i_max = SimTime::from_seconds(1.2 * spec.session.ice.consent_interval.seconds());
    CHECK(r.detected_after >= spec.session.ice.consent_timeout - i_max);
    CHECK(r.detected_after <= spec.session.ice.consent_timeout + i_max);
    CHECK(r.detected_after == w.old_offerer().consent_lost_at() - spec.change_at);
    CHECK(r.restart_setup == SimTime::ms(102));
    CHECK(r.interruption == r.detected_after + SimTime::ms(102));
  }
  SECTION("without a restart the session does not recover") {
    const NetworkChangeSpec spec = handover(false, ChangeDetection::kConsent);
    NetworkChangeWorld w(spec, 5);
    const NetworkChangeResult r = w.run();
    REQUIRE(r.connected);
    CHECK_FALSE(r.recovered);
    CHECK(r.restarts == 0);
    CHECK(r.interruption == spec.run_for - spec.change_at);
    // The peer's consent on the old pair expires too (RFC 7675): it stops sending there.
    CHECK(w.session().answerer().consent_lost());
  }
}
