// Ipv6Firewall: the stateful packet filter an IPv6 path crosses instead of a NAT
// (RFC 6092, "simple security" of residential IPv6 CPE). It translates nothing: it keeps
// state records created by outbound packets and admits inbound packets that match one.
//
// Rules (RFC 6092 section in brackets):
// - A UDP flow is initiated from the interior by an outbound packet, which creates (or
//   reuses) a state record of interior and exterior addresses and ports [3.2.3]; an
//   unsolicited inbound packet (no matching record) is dropped. No state is ever
//   created by an inbound packet.
// - Matching an inbound packet against the records, by `filtering`:
//     address-and-port-dependent: the packet's source must be the exterior address and
//       port of a record of its interior destination (a 5-tuple match, what Linux
//       conntrack with "ctstate ESTABLISHED,RELATED -j ACCEPT" and OpenWrt's default
//       IPv6 forward zone do);
//     address-dependent: the exterior address only ("the more stringent filtering"
//       of REC-17);
//     endpoint-independent: any exterior source, to an interior address and port that
//       has a record (REC-17: "SHOULD be endpoint independent by DEFAULT in gateways
//       intended for provisioning without service-provider management");
//     open: no filtering ("transparent mode", REC-49).
// - A record is refreshed by each outbound packet of the flow (REC-16: MUST) and not by
//   inbound ones (REC-16: MAY; p2psim does not). It expires after `udp_timeout` without
//   refresh (REC-14: not less than 2 minutes; DEFAULT 5 minutes).
// - TCP (RFC 6092 3.3.1) is filtered the same way by address and ports (the connection
//   model of models/net/host.hpp has no half-open states to track).
// Expiry is lazy (checked on use), like the NAT's: a firewall schedules no events.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "models/net/packet.hpp"
#include "sim/time.hpp"

namespace p2psim::nat {

enum class FirewallFiltering : std::uint8_t { address_port_dependent, address_dependent, endpoint_independent, open };
const char* to_string(FirewallFiltering f);  // "address-and-port-dependent", ..., "open"

struct Ipv6FirewallConfig {
  // Default address-and-port-dependent: the Linux conntrack rule set of deployed CPE
  // (see above). RFC 6092 REC-17 recommends endpoint-independent for unmanaged gateways:
  // selectable.
  FirewallFiltering filtering = FirewallFiltering::address_port_dependent;
  // REC-14: DEFAULT five minutes, never below two.
  SimTime udp_timeout = SimTime::s(300);
  bool operator==(const Ipv6FirewallConfig&) const = default;
};

class Ipv6Firewall {
 public:
  explicit Ipv6Firewall(const Ipv6FirewallConfig& cfg) : cfg_(cfg) {}

  // A packet from the interior to the exterior: always forwarded; creates or refreshes
  // the record of (p.src, p.dst).
  void outbound(const net::Packet& p, SimTime now);
  // A packet from the exterior to the interior: whether it is forwarded.
  bool inbound(const net::Packet& p, SimTime now);

  const Ipv6FirewallConfig& config() const { return cfg_; }
  // Live records (expired ones may linger until looked up).
  std::size_t records() const { return records_.size(); }

 private:
  struct Key {
    std::uint64_t interior, exterior;  // Endpoint::key() values (+ transport bit)
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept;
  };
  Key key_of(net::Endpoint interior, net::Endpoint exterior, net::Transport t) const;

  Ipv6FirewallConfig cfg_;
  std::unordered_map<Key, SimTime, KeyHash> records_;  // -> expiry time
};

}  // namespace p2psim::nat
