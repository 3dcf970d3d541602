// mDNS host candidates (draft-ietf-mmusic-mdns-ice-candidates; models/ice/mdns.hpp): names
// resolve only on the same link; across NATs they form no pairs, and peer-reflexive
// discovery still works.
#include <catch2/catch.hpp>

#include <regex>

#include "models/ice/mdns.hpp"
#include "models/ice/pair_world.hpp"
#include "models/ice/turn_relay.hpp"
#include "models/nat/preset.hpp"

using namespace p2psim;
using namespace p2psim::ice;

namespace {
PairSpec spec(const std::string& a, const std::string& b, bool mdns) {
  PairSpec s;
  s.nat_a = nat::preset(a).layers;
  s.nat_b = nat::preset(b).layers;
  s.session.trickle = true;
  s.session.ice.mdns_host_candidates = mdns;
  return s;
}
// Pairs of `agent` whose remote candidate is a (signalled) host candidate.
int host_remote_pairs(const IceAgent& agent) {
  int n = 0;
  for (const CandidatePair& p : agent.check_list().pairs())
    if (agent.remote_candidates()[p.remote].key.type == CandidateType::kHost) ++n;
  return n;
}
}  // namespace

TEST_CASE("mDNS names: a version 4 UUID followed by .local", "[ice][mdns]") {
  const std::regex uuid4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\.local$");
  CHECK(std::regex_match(mdns_name(1), uuid4));
  CHECK(std::regex_match(mdns_name(0xdeadbeef), uuid4));
  CHECK(mdns_name(1) == mdns_name(1));
  CHECK(mdns_name(1) != mdns_name(2));
  CHECK(mdns_resolvable(0, 0));     // an address, not a name
  CHECK(mdns_resolvable(5, 5));     // same link
  CHECK_FALSE(mdns_resolvable(5, 6));
  CHECK_FALSE(mdns_resolvable(5, 0));
}

TEST_CASE("mDNS on: two hosts behind the same NAT connect host <-> host", "[ice][mdns]") {
  for (const char* n : {"port-restricted-cone", "symmetric"}) {
    PairSpec s = spec(n, n, true);
    s.same_lan = true;
    PairWorld w(s, 2);
    const SessionResult r = w.run();
    INFO(n);
    CHECK(r.outcome == Outcome::kDirect);
    CHECK(r.local_type == CandidateType::kHost);
    CHECK(r.remote_type == CandidateType::kHost);
    CHECK(host_remote_pairs(w.session().offerer()) >= 1);  // the name resolved on the LAN
  }
}

TEST_CASE("mDNS on: across NATs host candidates produce no pairs, sessions still connect", "[ice][mdns]") {
  PairWorld w(spec("port-restricted-cone", "port-restricted-cone", true), 2);
  const SessionResult r = w.run();
  CHECK(r.outcome == Outcome::kDirect);
  CHECK(host_remote_pairs(w.session().offerer()) == 0);
  CHECK(host_remote_pairs(w.session().answerer()) == 0);
  for (const Candidate& c : w.session().offerer().remote_candidates()) CHECK(c.key.type != CandidateType::kHost);
  // Without mDNS the private host candidates of the other LAN are paired (and fail).
  PairWorld plain(spec("port-restricted-cone", "port-restricted-cone", false), 2);
  CHECK(plain.run().outcome == Outcome::kDirect);
  CHECK(host_remote_pairs(plain.session().offerer()) >= 1);
}

TEST_CASE("mDNS on: peer-reflexive discovery still works (symmetric <-> full-cone)", "[ice][mdns]") {
  PairWorld w(spec("symmetric", "full-cone", true), 2);
  const SessionResult r = w.run();
  CHECK(r.outcome == Outcome::kDirect);
  bool prflx = false;
  for (const Candidate& c : w.session().answerer().remote_candidates())
    if (c.key.type == CandidateType::kPeerReflexive) prflx = true;
  CHECK(prflx);
}

TEST_CASE("mDNS on: a public host keeps its server-reflexive candidate and stays reachable", "[ice][mdns]") {
  for (const char* other : {"symmetric", "port-restricted-cone"}) {
    PairWorld w(spec("none", other, true), 2);
    INFO(other);
    CHECK(w.run().outcome == Outcome::kDirect);
    bool srflx = false;
    for (const Candidate& c : w.session().offerer().local_candidates())
      if (c.key.type == CandidateType::kServerReflexive) srflx = c.addr == w.session().offerer().local_candidates()[0].addr;
    CHECK(srflx);
  }
}

TEST_CASE("mDNS + trickle: an agent with no pair yet waits for the peer's end-of-candidates", "[ice][mdns][trickle]") {
  // Every host candidate the agent first hears of is an mDNS name of another link, so its
  // check list starts empty; its own relayed candidate arriving then must not make it fail
  // (RFC 8838 8: failure only after end-of-candidates), whatever the timing.
  int failed = 0;
  for (int seed = 1; seed <= 10; ++seed)
    for (int ms : {10, 17, 25, 29}) {
      TurnRelayFactory f;
      PairSpec s = spec("full-cone", "full-cone", true);
      s.relay = &f;
      s.access_a = net::LinkSpec{SimTime::ms(ms)};
      s.access_b = net::LinkSpec{SimTime::ms(10 + seed)};
      PairWorld w(s, static_cast<std::uint64_t>(seed));
      if (w.run().outcome != Outcome::kDirect) ++failed;
    }
  CHECK(failed == 0);
}
