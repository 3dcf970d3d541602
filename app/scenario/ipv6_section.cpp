#include "app/scenario/ipv6_section.hpp"

namespace p2psim::scenario {

Ipv6Spec parse_ipv6_section(const Field& f) {
  Ipv6Spec s;
  f.allow_only({"share", "firewall", "firewall_udp_timeout"});
  s.share = f.get_double("share", s.share, 0, 1);
  using FF = nat::FirewallFiltering;
  s.firewall.filtering = f.get_enum<FF>("firewall", s.firewall.filtering,
                                        {{"address-and-port-dependent", FF::address_port_dependent},
                                         {"address-dependent", FF::address_dependent},
                                         {"endpoint-independent", FF::endpoint_independent},
                                         {"open", FF::open}});
  s.firewall.udp_timeout = f.get_time("firewall_udp_timeout", s.firewall.udp_timeout, SimTime::s(1), SimTime::h(24));
  return s;
}

}  // namespace p2psim::scenario
