// Group-call connectivity from simulated ICE (models/ice/call_connectivity.hpp): the SFU as
// an ICE-lite server with a passive ICE-TCP candidate on 443 (RFC 8445 s2.5, RFC 6544).
//
// Expected legs come from the definitions: the udp-blocked preset drops every outbound UDP
// packet and lets TCP to 443 through, so no UDP pair to the public server can succeed; its
// outbound TCP connection to the server's passive candidate on 443 passes the NAT (RFC 5382
// REQ-1/REQ-2) and the firewall, and a host-TCP pair (type preference 90) outranks a relayed
// pair (0-2), so the leg is ICE-TCP whether or not a TURN server exists. Without the TCP
// candidate the only way out is TURN over TLS/TCP on 443 (or nothing without TURN).
#include <catch2/catch.hpp>

#include "models/ice/call_connectivity.hpp"
#include "models/nat/preset.hpp"

using namespace p2psim;
using namespace p2psim::ice;

namespace {
NatShare share(const std::string& name, double w = 1) { return NatShare{name, nat::preset(name).layers, w}; }
}  // namespace

TEST_CASE("call connectivity: a UDP-blocked participant reaches an ICE-TCP SFU directly", "[ice][call_connectivity]") {
  const std::vector<NatShare> mix = {share("udp-blocked")};
  for (bool turn : {true, false}) {
    const CallConnectivity c = ice_call_connectivity(mix, 4, false, turn, true, 7);
    REQUIRE(c.server.size() == 4);
    for (ServerLeg l : c.server) CHECK(l == ServerLeg::kDirectTcp);
  }
  // Without the SFU's TCP candidate: TURN over TCP as before, failed without TURN.
  for (ServerLeg l : ice_call_connectivity(mix, 4, false, true, false, 7).server) CHECK(l == ServerLeg::kTurnTcp);
  for (ServerLeg l : ice_call_connectivity(mix, 4, false, false, false, 7).server) CHECK(l == ServerLeg::kFailed);
}

TEST_CASE("call connectivity: ICE-TCP needs TCP to 443 and UDP participants stay on UDP", "[ice][call_connectivity]") {
  // A firewall that blocks UDP and allows TCP only to port 80: the SFU's 443 is out of reach.
  NatShare port80 = share("udp-blocked");
  port80.layers[0].allowed_tcp_port = 80;
  for (ServerLeg l : ice_call_connectivity({port80}, 3, false, false, true, 3).server) CHECK(l == ServerLeg::kFailed);
  // Participants whose UDP works keep the direct UDP pair (host UDP 126 > host TCP 90).
  const std::vector<NatShare> mix = {share("port-restricted-cone"), share("symmetric"), share("cgnat")};
  for (ServerLeg l : ice_call_connectivity(mix, 6, false, true, true, 11).server) CHECK(l == ServerLeg::kDirectUdp);
}

TEST_CASE("call connectivity: mesh pairs do not depend on the SFU's ICE-TCP", "[ice][call_connectivity]") {
  const std::vector<NatShare> mix = {share("udp-blocked"), share("symmetric"), share("port-restricted-cone")};
  const CallConnectivity a = ice_call_connectivity(mix, 5, true, true, true, 5);
  const CallConnectivity b = ice_call_connectivity(mix, 5, true, true, false, 5);
  CHECK(a.server.empty());
  CHECK(a.nat_of == b.nat_of);
  CHECK(a.peer == b.peer);
}
