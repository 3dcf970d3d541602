// Benchmark: a population of hosts behind the realistic NAT mix establishing ICE sessions
// (STUN gathering, TURN allocation, signalling, checks) on one packet network.
// Target (issue 3): 1,000,000 hosts / 500,000 sessions in <= 30 s and <= 2 GiB on 2 cores.
//
//   bench_ice_population [sessions=500000] [turn=1] [shards=2] [threads=2] [policy=always|on-failure]
// Arguments are positional (the defaults above). The population is split into `shards`
// independent networks run on `threads` threads (models/ice/population.hpp); results
// depend on the shard count, never on the thread count.
// Prints wall time, CPU time, peak RSS, simulated events and the outcome fractions.
//
//   bench_ice_population scale [--rounds R] [--window S] [--equal-density] [N1 N2 ...]
// Cost per session as populations grow (default sizes 50000 250000 500000, 3 rounds, 60 s
// window): each size (one shard, one thread, on-failure, TURN) in its own forked process,
// so its CPU time and peak RSS are its own, the sizes in turn in each of R rounds; prints
// each run's CPU us per session, events per session and peak RSS per session, then the
// median CPU per session of each size and its ratio to the first size's (issue 15's
// target: <= 1.3 at 500,000 against 50,000). --equal-density scales the window with the
// size (first size: S seconds), so that each size has as many sessions under way at once.
// --shard-sessions K splits each population into shards of at most K sessions
// (PopulationSpec::shard_sessions), run one after another on the one thread.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "app/runner/huge_pages.hpp"
#include "models/ice/population.hpp"
#include "models/ice/turn_relay.hpp"
#include "models/nat/nat_mix.hpp"
#include "models/nat/preset.hpp"
#include "sim/stats.hpp"

using namespace p2psim;

namespace {

ice::PopulationSpec bench_spec(std::int64_t sessions, int shards, bool on_failure) {
  ice::PopulationSpec spec;
  spec.sessions = sessions;
  spec.arrival_window = SimTime::s(60);
  spec.cgn_subscribers = 500;  // fits the 504 port blocks of a cgnat carrier's address
  spec.shards = shards;
  if (on_failure) spec.session.relay_policy = ice::RelayPolicy::kOnFailure;
  const nat::NamedNatMix mix = *nat::find_nat_mix("default");  // models/nat/nat_mix.hpp
  for (const nat::NatMixRow& r : mix.rows) spec.mix.push_back({r.preset, nat::preset(r.preset).layers, r.share});
  return spec;
}

ice::TurnRelayConfig bench_turn(std::int64_t sessions) {
  ice::TurnRelayConfig tcfg;
  tcfg.server.relay_addresses.clear();
  // One relay address offers 16384 ports (49152-65535); add enough addresses for every host.
  // (Each shard's TURN server replica gets the same addresses: they are separate networks.)
  tcfg.server.relay_addresses = turn::extra_relay_addresses(static_cast<std::size_t>((2 * sessions) / 16384 + 1));
  return tcfg;
}

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; }

struct ScaleRun {
  double cpu_s = 0, events = 0, maxrss_kib = 0;
};
// One size's run in its own forked process, so its CPU time and peak RSS are its own.
// Returns false when it failed.
bool run_scale_size(std::int64_t n, SimTime window, std::int64_t shard_sessions, ScaleRun& out) {
  int fd[2];
  if (pipe(fd) != 0) return false;
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    close(fd[0]);
    ice::PopulationSpec spec = bench_spec(n, 1, true);
    spec.arrival_window = window;
    spec.shard_sessions = shard_sessions;  // 0: one shard
    ice::TurnRelayFactory relay(bench_turn(n));
    spec.relay = &relay;
    const ice::PopulationResult r = ice::run_population(spec, 1, 1);
    const double ev = static_cast<double>(r.events);
    const ssize_t w = write(fd[1], &ev, sizeof ev);
    _exit(w == sizeof ev ? 0 : 1);
  }
  close(fd[1]);
  double events = 0;
  const ssize_t got = read(fd[0], &events, sizeof events);
  close(fd[0]);
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  if (got != sizeof events || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return false;
  out.cpu_s = seconds(ru.ru_utime) + seconds(ru.ru_stime);
  out.events = events;
  out.maxrss_kib = static_cast<double>(ru.ru_maxrss);
  return true;
}

int scale_usage() {
  std::fprintf(stderr,
               "usage: bench_ice_population scale [--rounds R>=1] [--window S>0] [--equal-density] [--shard-sessions K>=1] "
               "[N1 N2 ...]\n");
  return 2;
}

int scale(int argc, char** argv) {
  std::vector<std::int64_t> sizes;
  int rounds = 3;
  double window_s = 60;
  bool equal_density = false;
  std::int64_t shard_sessions = 0;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "--rounds" || a == "--window") && i + 1 < argc) {
      char* end = nullptr;
      const double v = std::strtod(argv[++i], &end);
      if (end == argv[i] || *end != 0 || !(v > 0) || v > 1e6) return scale_usage();
      if (a == "--rounds") {
        if (v != std::floor(v)) return scale_usage();
        rounds = static_cast<int>(v);
      } else {
        window_s = v;
      }
    } else if (a == "--equal-density") {
      equal_density = true;
    } else if (a == "--shard-sessions" && i + 1 < argc) {
      char* end = nullptr;
      shard_sessions = std::strtoll(argv[++i], &end, 10);
      if (end == argv[i] || *end != 0 || shard_sessions < 1) return scale_usage();
    } else {
      char* end = nullptr;
      const long long n = std::strtoll(argv[i], &end, 10);
      if (end == argv[i] || *end != 0 || n < 1) return scale_usage();
      sizes.push_back(n);
    }
  }
  if (sizes.empty()) sizes = {50000, 250000, 500000};
  // The window of each size: fixed, or (equal density) proportional to the size, so that as
  // many sessions are under way at once at every size.
  auto window_of = [&](std::int64_t n) {
    const double w = equal_density ? window_s * static_cast<double>(n) / static_cast<double>(sizes.front()) : window_s;
    return SimTime::from_seconds(w);
  };
  if (shard_sessions > 0)
    std::printf("shards of at most %lld sessions, one after another on one thread", static_cast<long long>(shard_sessions));
  else
    std::printf("one shard, one thread");
  std::printf(", relay policy on-failure, TURN on; CPU = user + system;\n");
  std::printf("arrival window %s; %d round(s), the sizes in turn in each round\n",
              equal_density ? "proportional to the size (equal density)" : "fixed", rounds);
  std::printf("%5s %10s %9s %9s %12s %14s %12s %14s\n", "round", "sessions", "window s", "CPU s", "CPU us/sess",
              "events/sess", "peak MiB", "RSS B/sess");
  std::vector<Samples> us(sizes.size());  // CPU us per session, one per round
  std::vector<double> events(sizes.size());
  for (int r = 1; r <= rounds; ++r) {
    for (std::size_t k = 0; k < sizes.size(); ++k) {
      const std::int64_t n = sizes[k];
      ScaleRun run;
      if (!run_scale_size(n, window_of(n), shard_sessions, run))
        return std::fprintf(stderr, "scale: the run of %lld sessions failed\n", static_cast<long long>(n)), 1;
      const double dn = static_cast<double>(n);
      const double us_per_session = run.cpu_s * 1e6 / dn;
      us[k].add(us_per_session);
      events[k] = run.events / dn;
      std::printf("%5d %10lld %9.0f %9.2f %12.1f %14.1f %12.1f %14.0f\n", r, static_cast<long long>(n),
                  window_of(n).seconds(), run.cpu_s, us_per_session, events[k], run.maxrss_kib / 1024.0,
                  run.maxrss_kib * 1024.0 / dn);
      std::fflush(stdout);
    }
  }
  // Medians: this VM's CPU time for one run varies by up to 1.5x (docs/performance.md), so
  // one run per size is no measure of a ratio.
  std::printf("\n%10s %18s %14s %8s\n", "sessions", "median us/sess", "events/sess", "ratio");
  const double base = us.front().quantile(0.5);
  double last = 1;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    const double m = us[k].quantile(0.5);
    last = m / base;
    std::printf("%10lld %18.1f %14.1f %7.2fx\n", static_cast<long long>(sizes[k]), m, events[k], last);
  }
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) == 3) std::printf("load average at the end: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
  std::printf("RATIO median CPU per session, %lld vs %lld sessions: %.2fx\n", static_cast<long long>(sizes.back()),
              static_cast<long long>(sizes.front()), last);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Heap on transparent huge pages (app/runner/huge_pages.hpp; P2PSIM_NO_THP=1 turns it off).
  runner::use_huge_pages(argv);
  if (argc > 1 && std::strcmp(argv[1], "scale") == 0) return scale(argc, argv);
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
  ice::PopulationSpec spec = bench_spec(sessions, shards, on_failure);
  ice::TurnRelayFactory relay(bench_turn(sessions));
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
