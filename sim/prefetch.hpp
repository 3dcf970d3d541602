// prefetch_lines: the one helper for the engine's lookahead hints (sim/simulator.hpp)
// and the objects they load.
#pragma once

#include <cstddef>

namespace p2psim {

// Starts loading the `bytes` bytes from `p`, one prefetch per 64-byte cache line. Never
// faults, changes nothing: a hint.
inline void prefetch_lines(const void* p, std::size_t bytes) noexcept {
  const char* c = static_cast<const char*>(p);
  for (std::size_t off = 0; off < bytes; off += 64) __builtin_prefetch(c + off);
}

}  // namespace p2psim
