#include "models/ice/mdns.hpp"

#include "sim/random.hpp"

namespace p2psim::ice {

std::string mdns_name(std::uint64_t seed) {
  std::uint64_t hi = mix64(seed), lo = mix64(hi ^ 0x6d646e73ull);
  hi = (hi & ~0xF000ull) | 0x4000ull;                          // version 4 (RFC 4122 4.4)
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;   // variant 10
  static const char* hex = "0123456789abcdef";
  std::string s;
  auto put = [&](std::uint64_t v, int from, int to) {
    for (int i = from; i < to; ++i) s += hex[(v >> (60 - 4 * i)) & 0xF];
  };
  put(hi, 0, 8), s += '-', put(hi, 8, 12), s += '-', put(hi, 12, 16), s += '-';
  put(lo, 0, 4), s += '-', put(lo, 4, 16);
  return s + ".local";
}

}  // namespace p2psim::ice
