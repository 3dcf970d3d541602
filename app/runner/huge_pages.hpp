// Transparent huge pages for the heap, for processes whose simulations span gigabytes.
//
// A large population's hosts, NATs and sessions are touched in a sliding window; with 4 KiB
// pages most of those accesses also miss the TLB. glibc (>= 2.35) backs malloc with
// transparent huge pages (madvise) when asked through the tunable glibc.malloc.hugetlb=1,
// which it reads at start-up only, so the process re-executes itself once with it set
// (measured: 14% less CPU for `p2psim run` of a 250,000-session population, 20-25% for
// bench_ice_population; docs/performance.md). Addresses never reach a result, so results
// are unchanged. P2PSIM_NO_THP=1, or a GLIBC_TUNABLES of the user's own, leaves the
// process as it is.
#pragma once

namespace p2psim::runner {

// Call first thing in main(), before any thread or file exists. Returns only when the
// process is already set up (or the re-exec failed, in which case it carries on without).
void use_huge_pages(char** argv);

}  // namespace p2psim::runner
