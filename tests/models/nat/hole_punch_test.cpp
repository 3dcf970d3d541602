// UDP hole punching between two hosts behind NAT presets, driven by hand (no ICE): each
// host learns its server-reflexive endpoint from a STUN server, then both send to each
// other's reflexive endpoint and answer whatever source reaches them (peer-reflexive).
// The expected outcome is derived from the RFC 4787 definitions in the test.
#include <catch2/catch.hpp>

#include "models/nat/preset.hpp"
#include "models/net/network.hpp"
#include "models/stun/server.hpp"
#include "../net/recorder.hpp"

using namespace p2psim;
using namespace p2psim::net;

namespace {

// Whether punching succeeds, from the definitions. A's reflexive endpoint was observed by
// the STUN server; under EIM the mapping towards the peer is the same, under ADM/APDM it
// is a new one the peer has never seen. A's packet reaches B when B's NAT filter admits
// A's actual source given what B has sent (to A's reflexive endpoint). A connection needs
// one packet to get through in some direction, after which the receiver answers the
// observed source (peer-reflexive) and that answer must pass the first sender's filter.
bool expect_connect(const std::vector<nat::NatConfig>& a, const std::vector<nat::NatConfig>& b) {
  if (a.empty() || b.empty()) {
    // A public side: the NATed side's packets to it always arrive; the public side answers
    // the observed source, which is exactly the endpoint the NAT mapped towards it.
    return true;
  }
  const nat::Mapping ma = nat::effective_mapping(a), mb = nat::effective_mapping(b);
  const nat::Filtering fa = nat::effective_filtering(a), fb = nat::effective_filtering(b);
  // Does a packet from X (mapping mx) pass Y's filter fy, Y having sent to X's reflexive
  // endpoint? Same IP always (one external address per NAT); same port iff mx is EIM.
  auto passes = [](nat::Mapping mx, nat::Filtering fy) {
    if (fy == nat::Filtering::endpoint_independent || fy == nat::Filtering::address_dependent) return true;
    return mx == nat::Mapping::endpoint_independent;
  };
  // If A's packet reaches B, B answers A's actual source from its mapping towards it: B's
  // EIM mapping is B's reflexive endpoint, which A has sent to; otherwise a fresh port
  // that A's filter admits only when it ignores ports. Symmetric for B -> A.
  const bool a_to_b = passes(ma, fb) && passes(mb, fa);
  const bool b_to_a = passes(mb, fa) && passes(ma, fb);
  return a_to_b || b_to_a;
}

struct Side {
  NodeId host = 0;
  Endpoint reflexive;
  test::Recorder* rec = nullptr;
};

bool punch(const std::string& pa, const std::string& pb) {
  Simulator sim;
  Network net(sim, 17);
  const NodeId core = net.add_router();
  const NodeId srv = net.add_host(core, LinkSpec{SimTime::ms(5)});
  stun::Server server(net.host(srv));
  test::Recorder ra(sim), rb(sim);
  Side side[2];
  const std::string names[2] = {pa, pb};
  test::Recorder* recs[2] = {&ra, &rb};
  for (int i = 0; i < 2; ++i) {
    const NodeId gw = net.add_nat_chain(core, nat::preset(names[i]).layers, LinkSpec{SimTime::ms(10)},
                                        LinkSpec{SimTime::ms(2)});
    side[i].host = net.add_host(gw, LinkSpec{SimTime::ms(1)});
    side[i].rec = recs[i];
    net.host(side[i].host).bind(5000, recs[i]);
    net.host(side[i].host).send_stun(5000, server.primary(), stun::make_request(stun::Method::binding, {}));
  }
  sim.run();
  for (int i = 0; i < 2; ++i) {
    REQUIRE(side[i].rec->got.size() == 1);
    side[i].reflexive = side[i].rec->got[0].packet.stun()->xor_mapped_address;
    side[i].rec->got.clear();
    // Answer every probe to its observed source (peer-reflexive), once.
    Host* h = &net.host(side[i].host);
    side[i].rec->on_receive = [h](Host&, const Packet& p) {
      if (std::get<AppData>(p.payload).flow != 1) return;
      Packet answer = test::udp({h->address(), 5000}, p.src, 100, 0);
      std::get<AppData>(answer.payload).flow = 2;
      h->send(answer);
    };
  }
  // Simultaneous probes to each other's reflexive endpoint, repeated for 1 s.
  for (int k = 0; k < 10; ++k)
    for (int i = 0; i < 2; ++i) {
      Host* h = &net.host(side[i].host);
      const Endpoint to = side[1 - i].reflexive;
      sim.schedule_at(sim.now() + SimTime::ms(100 * k), [h, to] {
        Packet p = test::udp({h->address(), 5000}, to, 100, 0);
        std::get<AppData>(p.payload).flow = 1;
        h->send(p);
      });
    }
  sim.run();
  // Connected when some answer (flow 2) came back to a prober.
  for (int i = 0; i < 2; ++i)
    for (const auto& g : side[i].rec->got)
      if (std::get<AppData>(g.packet.payload).flow == 2) return true;
  return false;
}

}  // namespace

TEST_CASE("hole punching outcome between every pair of presets matches RFC 4787 semantics", "[nat]") {
  std::vector<std::string> names;
  for (const auto& n : nat::preset_names())
    if (n != "udp-blocked") names.push_back(n);
  for (const auto& a : names)
    for (const auto& b : names) {
      CAPTURE(a, b);
      CHECK(punch(a, b) == expect_connect(nat::preset(a).layers, nat::preset(b).layers));
    }
  // Spot checks of the classic results.
  CHECK_FALSE(expect_connect(nat::preset("port-restricted-cone").layers, nat::preset("symmetric").layers));
  CHECK(expect_connect(nat::preset("restricted-cone").layers, nat::preset("symmetric").layers));
  CHECK_FALSE(expect_connect(nat::preset("symmetric").layers, nat::preset("symmetric").layers));
  CHECK(expect_connect(nat::preset("port-restricted-cone").layers, nat::preset("port-restricted-cone").layers));
}
