// Candidate local preferences of a dual-stack (IPv4 + IPv6) ICE agent, and the address
// family rule of pairing.
//
// RFC 8445 5.1.2.1 leaves the local preference of a host with several addresses to the
// implementation and, for a dual-stack host, points to RFC 8421. RFC 8421 section 4
// asks that IPv6 be preferred, yet that candidates of the two families be interleaved
// (so that a broken IPv6 path cannot hold back every IPv4 check: the ICE form of Happy
// Eyeballs, RFC 8305). p2psim gives the k-th candidate (k = 0, 1, ...) of one type and
// family on a dual-stack host
//     IPv6: 65535 - 2k        IPv4: 65534 - 2k
// so the best IPv6 candidate of a type ranks first, the best IPv4 one right after it,
// and the families alternate from there (the same interleaved countdown as alohartc's
// ICE agent). A single-stack host keeps 65535 - k (RFC 8445 5.1.2.1: one interface).
// Priorities then follow RFC 8445 5.1.2.1 (priority.hpp):
//   host IPv6 on a dual-stack host: 2^24*126 + 2^8*65535 + 255 = 2130706431
//   host IPv4 on a dual-stack host: 2^24*126 + 2^8*65534 + 255 = 2130706175
// Pairs are formed only between candidates of the same address family (RFC 8445
// 6.1.2.2: "... the local and remote candidates ... have the same IP address version").
#pragma once

#include <cstdint>

#include "models/ice/priority.hpp"

namespace p2psim::ice {

// Preconditions: k < 32767.
constexpr std::uint32_t local_preference(bool ipv6, bool dual_stack, std::uint32_t k = 0) {
  if (!dual_stack) return kDefaultLocalPreference - k;
  return (ipv6 ? 65535u : 65534u) - 2 * k;
}

}  // namespace p2psim::ice
