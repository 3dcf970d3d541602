// ICE agent behaviour on the packet network: regular nomination, keepalives, consent
// freshness (RFC 7675) and NAT mapping expiry, port prediction.
#include <catch2/catch.hpp>

#include "models/ice/pair_world.hpp"
#include "models/nat/preset.hpp"

using namespace p2psim;
using namespace p2psim::ice;

namespace {
nat::NatConfig short_timeout_cone() {
  // Port-restricted cone whose UDP mappings expire after 30 s without outbound traffic
  // (the Linux conntrack unreplied timeout; RFC 4787 REQ-5 allows no less than 2 min,
  // home gateways measured as short as 30 s).
  nat::NatConfig c = nat::preset("port-restricted-cone").layers.front();
  c.udp_timeout = SimTime::s(30);
  c.udp_unreplied_timeout = SimTime::s(30);
  c.inbound_refresh = false;
  return c;
}

PairSpec cone_pair() {
  PairSpec s;
  s.nat_a = {short_timeout_cone()};
  s.nat_b = {short_timeout_cone()};
  s.session.keep_alive = true;
  return s;
}
}  // namespace

TEST_CASE("regular nomination: one pair, chosen by the controlling agent, agreed by both", "[ice][agent]") {
  PairWorld w(cone_pair(), 3);
  const SessionResult r = w.run();
  REQUIRE(r.outcome == Outcome::kDirect);
  IceAgent& a = w.session().offerer();
  IceAgent& b = w.session().answerer();
  CHECK(a.controlling());
  CHECK_FALSE(b.controlling());
  auto nominated = [](const IceAgent& g) {
    int n = 0;
    for (const CandidatePair& p : g.check_list().pairs()) n += p.nominated;
    return n;
  };
  CHECK(nominated(a) == 1);
  CHECK(nominated(b) == 1);
  // Both ends selected the same path: each one's remote is the other's server-reflexive address.
  REQUIRE(w.endpoint_a().srflx());
  REQUIRE(w.endpoint_b().srflx());
  CHECK(a.selected_remote() == *w.endpoint_b().srflx());
  CHECK(b.selected_remote() == *w.endpoint_a().srflx());
  // The controlled agent completes first (on the USE-CANDIDATE check); the controlling one
  // when the response to it arrives, one path round trip later at least.
  CHECK(b.completed_at() <= a.completed_at());
}

TEST_CASE("consent freshness keeps a session through short NAT timeouts", "[ice][agent][consent]") {
  PairWorld w(cone_pair(), 4);
  REQUIRE(w.run().outcome == Outcome::kDirect);
  w.sim().run_until(w.sim().now() + SimTime::min(10));
  CHECK_FALSE(w.session().offerer().consent_lost());
  CHECK_FALSE(w.session().answerer().consent_lost());
}

TEST_CASE("consent is lost 30 s after the peer stops answering (RFC 7675 5.1)", "[ice][agent][consent]") {
  PairWorld w(cone_pair(), 5);
  REQUIRE(w.run().outcome == Outcome::kDirect);
  IceAgent& a = w.session().offerer();
  const SimTime silent_from = w.sim().now();
  w.session().answerer().close();  // the peer goes away without a word
  w.sim().run_until(silent_from + SimTime::min(2));
  REQUIRE(a.consent_lost());
  const IceConfig& cfg = PairSpec{}.session.ice;
  // Last response at most one (randomised) interval before the silence: expiry falls in
  // [timeout - 1.2 interval, timeout + 1.2 interval] after the silence began.
  const SimTime lo = cfg.consent_timeout - SimTime::from_seconds(1.2 * cfg.consent_interval.seconds());
  const SimTime hi = cfg.consent_timeout + SimTime::from_seconds(1.2 * cfg.consent_interval.seconds());
  CHECK(a.consent_lost_at() - silent_from >= lo);
  CHECK(a.consent_lost_at() - silent_from <= hi);
}

TEST_CASE("NAT mapping expiry breaks an idle session, keepalives keep it", "[ice][agent][keepalive]") {
  for (bool keepalive : {false, true}) {
    PairSpec spec = cone_pair();
    spec.session.ice.consent_interval = SimTime::zero();  // isolate the keepalive mechanism
    spec.session.ice.keepalive_interval = keepalive ? SimTime::s(15) : SimTime::zero();
    PairWorld w(spec, 6);
    REQUIRE(w.run().outcome == Outcome::kDirect);
    // Idle for twice the 30 s mapping timeout, then test the path.
    w.sim().run_until(w.sim().now() + SimTime::s(60));
    w.session().offerer().probe_selected();
    w.sim().run_until(w.sim().now() + SimTime::s(40));
    INFO("keepalive " << keepalive);
    CHECK(w.session().offerer().probe_state() == (keepalive ? 1 : 2));
  }
}

TEST_CASE("port prediction connects a sequential symmetric NAT to a port-restricted cone", "[ice][agent][prediction]") {
  PairSpec spec;
  spec.nat_a = nat::preset("symmetric-sequential").layers;
  spec.nat_b = nat::preset("port-restricted-cone").layers;
  {
    PairWorld w(spec, 8);
    CHECK(w.run().outcome == Outcome::kFailed);
  }
  spec.session.ice.predict_ports = 4;
  {
    PairWorld w(spec, 8);
    const SessionResult r = w.run();
    CHECK(r.outcome == Outcome::kDirect);
  }
  // Prediction cannot help against random port assignment.
  spec.nat_a = nat::preset("symmetric").layers;
  {
    PairWorld w(spec, 8);
    CHECK(w.run().outcome == Outcome::kFailed);
  }
}
