// mDNS host candidates (draft-ietf-mmusic-mdns-ice-candidates, "Using Multicast DNS to
// protect privacy when exposing ICE candidates"): an agent replaces the IP address of a
// host candidate by a name made of a version 4 UUID (RFC 4122) followed by ".local"
// (draft section 3.1, gathering), registered with mDNS (RFC 6762) on its link only. A
// peer resolves such a name by mDNS (section 3.2): only on the same link does that
// succeed; otherwise the candidate is dropped. The address can still be learned as a
// peer-reflexive candidate from the checks the other side sends (RFC 8445 7.3.1.3).
// Chrome turned it on for every page without getUserMedia permission in Chrome 76,
// August 2019 (Q. Wang, "PSA: Private IP addresses exposed by WebRTC changing to mDNS
// hostnames", discuss-webrtc, 13 Aug 2019); libwebrtc obfuscates host candidates through
// its MdnsResponderInterface (rtc_base/mdns_responder_interface.h).
//
// p2psim: a link is the realm behind one NAT box (hosts whose innermost NAT is the same);
// a public host shares its link with nobody. With mDNS on, a server-reflexive candidate
// equal to the host address is kept (libwebrtc keeps it when the host candidate is
// obfuscated, so a public host stays reachable), and an IPv6 host address is also
// signalled as a server-reflexive candidate (what a dual-stack STUN server returns for
// an address no NAT rewrites; the exchange itself is not simulated).
#pragma once

#include <cstdint>
#include <string>

namespace p2psim::ice {

// The LAN id of a candidate or agent: 0 = none (public), else the link number + 1.
constexpr bool mdns_resolvable(std::uint32_t candidate_lan, std::uint32_t resolver_lan) {
  return candidate_lan == 0 || (resolver_lan != 0 && candidate_lan == resolver_lan);
}

// The "<uuid>.local" name of a candidate, deterministic per `seed` (a version 4 UUID in
// RFC 4122 text form), for narratives and SDP text.
std::string mdns_name(std::uint64_t seed);

}  // namespace p2psim::ice
