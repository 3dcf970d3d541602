// A NAT behaviour of your own: an address-dependent mapping NAT (RFC 4787 ADM) with
// endpoint-independent filtering and sequential ports, built from NatConfig and driven
// with packets directly, next to the library's "symmetric" preset.
#include <cstdio>
#include <string>

#include "models/nat/nat.hpp"
#include "models/nat/preset.hpp"

using namespace p2psim;

int main() {
  nat::NatConfig mine;  // defaults: RFC 4787 recommendations (see models/nat/nat.hpp)
  mine.mapping = nat::Mapping::address_dependent;
  mine.filtering = nat::Filtering::endpoint_independent;
  mine.ports = nat::PortAssignment::sequential;
  mine.udp_timeout = mine.udp_unreplied_timeout = SimTime::s(30);

  const net::Ipv4 outside = net::Ipv4::of(198, 51, 100, 7);
  const net::Endpoint host(net::Ipv4::of(192, 168, 1, 10), 5000);
  const net::Endpoint stun1(net::Ipv4::of(203, 0, 113, 5), 3478), stun1b(net::Ipv4::of(203, 0, 113, 5), 3479),
      stun2(net::Ipv4::of(203, 0, 113, 9), 3478);

  const nat::NatConfig symmetric = nat::preset("symmetric").layers.at(0);
  for (const nat::NatConfig* cfg : {static_cast<const nat::NatConfig*>(&mine), &symmetric}) {
    nat::Nat n(*cfg, outside, /*seed=*/1);
    std::printf("%s mapping, %s filtering:\n", nat::short_name(cfg->mapping), nat::short_name(cfg->filtering));
    for (const net::Endpoint& dst : {stun1, stun1b, stun2}) {
      net::Packet p;
      p.src = host;
      p.dst = dst;
      n.outbound(p, SimTime::ms(1));
      std::printf("  %s -> %s leaves as %s\n", host.to_string().c_str(), dst.to_string().c_str(), p.src.to_string().c_str());
    }
    // A stranger sends to the first mapping: EIF admits it, APDF drops it.
    net::Packet in;
    in.src = net::Endpoint(net::Ipv4::of(192, 0, 2, 33), 40000);
    in.dst = *n.lookup(net::Transport::udp, host, stun1, SimTime::ms(2));
    const std::string to = in.dst.to_string();
    const nat::FilterRule rule = n.inbound(in, SimTime::ms(2));
    std::printf("  stranger %s -> %s: %s\n", in.src.to_string().c_str(), to.c_str(), nat::to_string(rule));
  }
  return 0;
}
