// prefetch_line / prefetch_lines: the one way the engine's lookahead hints
// (sim/simulator.hpp) and the objects they load start loading memory.
//
// Why not __builtin_prefetch alone: a function whose only effects are prefetches looks
// pure to the optimizer (it reads memory and returns nothing), and GCC's -O2/-O3 then
// deletes calls to it as dead code, silently: every hint not inlined into its event's
// invoker was dropped that way. The empty volatile asm below is a side effect the
// optimizer must keep, so a call to a hint function is never removed; it emits no
// instruction and clobbers no memory.
#pragma once

#include <cstddef>

namespace p2psim {

// Starts loading the cache line holding `p`. Never faults, changes nothing: a hint.
inline void prefetch_line(const void* p) noexcept {
  __builtin_prefetch(p);
  __asm__ volatile("" : : "r"(p));
}

// Starts loading the `bytes` bytes from `p`, one prefetch per 64-byte cache line.
inline void prefetch_lines(const void* p, std::size_t bytes) noexcept {
  const char* c = static_cast<const char*>(p);
  for (std::size_t off = 0; off < bytes; off += 64) prefetch_line(c + off);
}

}  // namespace p2psim
