// Trickle ICE (RFC 8838): candidates sent as they are found, checks at once, failure only
// after end-of-candidates. The outcome of a session depends on which candidate pairs can
// work (RFC 4787 behaviour of the NATs), not on when candidates are exchanged, so every
// preset pair must end as with vanilla ICE; what changes is the time: the offer no longer
// waits for gathering (one STUN round trip at least).
#include <catch2/catch.hpp>

#include "models/ice/pair_world.hpp"
#include "models/ice/turn_relay.hpp"
#include "models/nat/preset.hpp"

using namespace p2psim;
using namespace p2psim::ice;

namespace {
SessionResult run(const std::string& a, const std::string& b, bool trickle, RelayFactory* relay, std::uint64_t seed = 5) {
  PairSpec s;
  s.nat_a = nat::preset(a).layers;
  s.nat_b = nat::preset(b).layers;
  s.relay = relay;
  s.session.trickle = trickle;
  PairWorld w(s, seed);
  return w.run();
}
}  // namespace

TEST_CASE("trickle ICE ends every preset pair as vanilla ICE does", "[ice][trickle]") {
  for (bool turn : {false, true}) {
    for (const auto& a : nat::preset_names())
      for (const auto& b : nat::preset_names()) {
        TurnRelayFactory f1, f2;
        const SessionResult v = run(a, b, false, turn ? &f1 : nullptr);
        const SessionResult t = run(a, b, true, turn ? &f2 : nullptr);
        INFO(a << " -> " << b << (turn ? " with TURN" : " without TURN"));
        CHECK(to_string(t.outcome) == std::string(to_string(v.outcome)));
        if (v.outcome == Outcome::kDirect && t.outcome == Outcome::kDirect) CHECK(t.setup_time <= v.setup_time);
      }
  }
}

TEST_CASE("trickle: the offer does not wait for the STUN round trip", "[ice][trickle]") {
  // Vanilla: the offerer gathers (STUN round trip) before the offer, the answerer gathers
  // (another round trip) before the answer. Trickle sends both at once.
  const SessionResult v = run("port-restricted-cone", "port-restricted-cone", false, nullptr);
  const SessionResult t = run("port-restricted-cone", "port-restricted-cone", true, nullptr);
  REQUIRE(v.outcome == Outcome::kDirect);
  REQUIRE(t.outcome == Outcome::kDirect);
  CHECK(t.setup_time < v.setup_time);
  CHECK(t.signalling_messages > v.signalling_messages);  // trickled candidates and end-of-candidates
}

TEST_CASE("a UDP-blocked host reaches TURN over TLS in a few round trips with trickle and parallel gathering",
          "[ice][trickle][tls]") {
  // Path host -> TURN server: lan 1 ms + access 10 ms + server link 5 ms = 16 ms one way.
  // TURN over TLS: TCP handshake, TLS 1.3 handshake, Allocate (401), Allocate: 4 round
  // trips = 128 ms. Vanilla ICE with the sequential fallback waits for the UDP Allocate's
  // RFC 8489 timeout, 39.5 s, before even starting TLS.
  const SimTime rfc8489_timeout = SimTime::ms(500) * (1 + 2 + 4 + 8 + 16 + 32) + SimTime::ms(500) * 16;
  REQUIRE(rfc8489_timeout == SimTime::ms(39500));
  TurnRelayConfig sequential;
  sequential.parallel_tls = false;
  TurnRelayFactory f_old(sequential), f_new;
  const SessionResult old_way = run("udp-blocked", "port-restricted-cone", false, &f_old);
  const SessionResult new_way = run("udp-blocked", "port-restricted-cone", true, &f_new);
  REQUIRE(old_way.outcome == Outcome::kRelayed);
  REQUIRE(new_way.outcome == Outcome::kRelayed);
  CHECK(old_way.setup_time > rfc8489_timeout);
  // Relayed candidate after 4 round trips (0.128 s), then signalling and relayed checks:
  // well under a tenth of the old time.
  CHECK(new_way.setup_time > SimTime::ms(128));
  CHECK(new_way.setup_time < rfc8489_timeout / 10);
  // The UDP-blocked answerer, too.
  TurnRelayFactory f_b;
  const SessionResult b = run("port-restricted-cone", "udp-blocked", true, &f_b);
  CHECK(b.outcome == Outcome::kRelayed);
  CHECK(b.setup_time < rfc8489_timeout / 10);
}
