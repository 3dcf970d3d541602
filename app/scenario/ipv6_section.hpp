// Scenario parser of the `ipv6:` section (dual stack): the share of hosts with an IPv6
// address and the RFC 6092 firewall the NAT boxes apply to IPv6 paths. Keys are
// documented in docs/scenarios.md ("ipv6 section").
#pragma once

#include "app/scenario/field.hpp"
#include "models/nat/ipv6_firewall.hpp"

namespace p2psim::scenario {

struct Ipv6Spec {
  double share = 0;  // fraction of hosts with IPv6, [0, 1]
  nat::Ipv6FirewallConfig firewall;
};

// { share: <fraction>, firewall: <filtering>, firewall_udp_timeout: <time> }, all optional.
Ipv6Spec parse_ipv6_section(const Field& f);

}  // namespace p2psim::scenario
