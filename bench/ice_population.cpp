// Benchmark: a population of hosts behind the realistic NAT mix establishing ICE sessions
// (STUN gathering, TURN allocation, signalling, checks) on one packet network.
// Target (issue 3): 1,000,000 hosts / 500,000 sessions in <= 30 s and <= 2 GiB on 2 cores.
//
//   bench_ice_population [sessions=500000] [turn=1] [shards=2] [threads=2] [policy=always|on-failure]
// Arguments are positional (the defaults above). The population is split into `shards`
// independent networks run on `threads` threads (models/ice/population.hpp); results
// depend on the shard count, never on the thread count.
// Prints wall time, CPU time, peak RSS, simulated events and the outcome fractions.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "models/ice/population.hpp"
#include "models/ice/turn_relay.hpp"
#include "models/nat/nat_mix.hpp"
#include "models/nat/preset.hpp"

using namespace p2psim;

int main(int argc, char** argv) {
  // The population's objects span gigabytes and are touched in a sliding window: with 4 KiB
  // pages most accesses also miss the TLB. glibc (>= 2.35) backs malloc with transparent
  // huge pages when asked through this tunable, which is read at start-up only: re-exec
  // once with it set (20-25% less CPU at 250k sessions). P2PSIM_NO_THP=1 turns this off.
  if (!std::getenv("GLIBC_TUNABLES") && !std::getenv("P2PSIM_NO_THP")) {
    setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1);
    execv("/proc/self/exe", argv);  // returns only on failure: carry on without
  }
  const std::int64_t sessions = argc > 1 ? std::atoll(argv[1]) : 500000;
  const bool turn = argc > 2 ? std::atoi(argv[2]) != 0 : true;
  const int shards = argc > 3 ? std::atoi(argv[3]) : 2;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 2;
  const char* policy = argc > 5 ? argv[5] : "always";
  const bool on_failure = std::strcmp(policy, "on-failure") == 0;
  if (sessions < 1 || shards < 1 || threads < 1 || (!on_failure && std::strcmp(policy, "always") != 0)) {
    std::fprintf(stderr,
                 "usage: bench_ice_population [sessions>=1] [turn=0|1] [shards>=1] [threads>=1] [always|on-failure]\n");
    return 2;
  }
  ice::PopulationSpec spec;
  spec.sessions = sessions;
  spec.arrival_window = SimTime::s(60);
  spec.cgn_subscribers = 500;  // fits the 504 port blocks of a cgnat carrier's address
  spec.shards = shards;
  if (on_failure) spec.session.relay_policy = ice::RelayPolicy::kOnFailure;
  const nat::NamedNatMix mix = *nat::find_nat_mix("default");  // models/nat/nat_mix.hpp
  for (const nat::NatMixRow& r : mix.rows) spec.mix.push_back({r.preset, nat::preset(r.preset).layers, r.share});
  ice::TurnRelayConfig tcfg;
  tcfg.server.relay_addresses.clear();
  // One relay address offers 16384 ports (49152-65535); add enough addresses for every host.
  // (Each shard's TURN server replica gets the same addresses: they are separate networks.)
  for (std::int64_t i = 0; i < (2 * sessions) / 16384 + 1; ++i)
    tcfg.server.relay_addresses.push_back(net::Ipv4::of(30, static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
                                                        static_cast<std::uint8_t>(i)));
  ice::TurnRelayFactory relay(tcfg);
  spec.relay = turn ? &relay : nullptr;
  const auto t0 = std::chrono::steady_clock::now();
  ice::PopulationResult r = ice::run_population(spec, 1, threads);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double n = static_cast<double>(r.sessions);
  std::printf("hosts %llu sessions %llu turn %d shards %d threads %d\n", static_cast<unsigned long long>(r.hosts),
              static_cast<unsigned long long>(r.sessions), turn ? 1 : 0, shards, threads);
  const double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
  std::printf("wall %.2f s  cpu %.2f s  peak RSS %.1f MiB  events %llu  simulated %.0f s\n", wall, cpu, ru.ru_maxrss / 1024.0,
              static_cast<unsigned long long>(r.events), r.sim_seconds);
  std::printf("direct %.4f relayed %.4f failed %.4f  setup p50 %.3f s p95 %.3f s\n", r.direct / n, r.relayed / n,
              r.failed / n, r.setup_s.quantile(0.5), r.setup_s.quantile(0.95));
  std::printf("policy %s  events/session %.1f  TURN allocations %llu  fallbacks %llu\n",
              ice::to_string(spec.session.relay_policy), r.events / n, static_cast<unsigned long long>(r.turn_allocations),
              static_cast<unsigned long long>(r.relay_fallbacks));
  return 0;
}
