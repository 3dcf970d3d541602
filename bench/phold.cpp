// PHOLD benchmark of the event engine (issue 2, "Benchmark").
//
// PHOLD (Fujimoto 1990): N logical processes (LPs) start with M events each. Every event,
// when it runs, schedules exactly one new event at now + Exp(mean) on a uniformly random
// LP, so the pending set stays at N x M events. The run ends at a fixed simulated time.
//
// Time unit: 1 ns (SimTime). Delay: Exp with mean 1 ms by default (--mean-ns), truncated
// to whole nanoseconds (a zero delay is legal and exercises FIFO ties).
//
// Two loops run the same model in one binary:
//   engine:   p2psim::Simulator, the event a 16-byte callable {context*, target LP};
//   baseline: a bare std::priority_queue of {time, seq, lp} ordered by (time, seq).
// Both use the same generator (p2psim::Rng, xoshiro256**), seed and per-event work
// (Model::on_event), and both order ties by insertion sequence, so they process the
// exact same event sequence: the event counts and order-sensitive checksums must be
// equal, and the program exits with status 1 if they are not.
//
// A third loop runs the per-event work alone (same draws, no queue), so that each
// loop's queue cost can be estimated as its time per event minus the work's.
//
// Each measurement runs in a forked child so that its peak RSS (getrusage) is its own.
// Reported, best of --reps: events per CPU second of the run phase (initial scheduling
// excluded; CPU time because the machine is shared), the ratio engine / baseline (also
// on wall-clock time), bytes per pending event from the queue's memory_bytes() (engine)
// or the heap vector's capacity (baseline), and the peak RSS growth of the child divided
// by the pending count (everything the run allocated, including the per-LP counters).
// How to read the figures: bench/README.md.
//
//   ./build/bench_phold                         # N = 1,000 and 100,000, M = 10
//   ./build/bench_phold --n 1000 --m 10 --events 2e7 --reps 5
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <queue>
#include <string>
#include <vector>

#include "sim/random.hpp"
#include "sim/simulator.hpp"

namespace {

using namespace p2psim;

struct Config {
  std::uint32_t n = 1000;      // logical processes
  std::uint32_t m = 10;        // initial events per LP (pending = n * m)
  double mean_ns = 1e6;        // mean of the exponential delay
  std::uint64_t end_ns = 0;    // run all events with time <= end_ns
  std::uint64_t seed = 1;
  std::uint64_t events_hint = 0;  // events of the work-only loop
};

// What one measured run reports back to the parent process.
struct Result {
  std::uint64_t events = 0;
  std::uint64_t checksum = 0;
  double seconds = 0;      // CPU time of the run phase
  double wall_seconds = 0;
  std::uint64_t pending = 0;
  std::uint64_t queue_bytes = 0;  // container memory at the end of the run (peak for both)
  std::int64_t rss_growth_kb = 0; // peak RSS of the run minus RSS before it
};

// The per-event work, identical in both loops.
struct Model {
  explicit Model(const Config& cfg) : rng(cfg.seed), visits(cfg.n, 0), n(cfg.n), mean_ns(cfg.mean_ns) {}
  Rng rng;
  std::vector<std::uint32_t> visits;
  std::uint64_t checksum = 0xcbf29ce484222325ULL;
  std::uint32_t n;
  double mean_ns;

  std::uint64_t delay() { return static_cast<std::uint64_t>(rng.exponential(mean_ns)); }

  // Runs event at `now` on `lp`; returns the delay and target of the event it schedules.
  inline void on_event(std::uint64_t now, std::uint32_t lp, std::uint64_t& next_delay, std::uint32_t& target) {
    ++visits[lp];
    checksum = (checksum ^ now) * 0x100000001b3ULL;  // FNV-style: order sensitive
    checksum = (checksum ^ lp) * 0x100000001b3ULL;
    next_delay = delay();
    target = static_cast<std::uint32_t>(rng.below(n));
  }
};

long max_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

long current_rss_kb() {
  // /proc/self/statm: size resident ... in pages.
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long size = 0, resident = 0;
  if (std::fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
  std::fclose(f);
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// CPU time of this (single-threaded) process: on a shared machine, wall-clock time mostly
// measures the other tenants; CPU time measures our work (cache contention remains).
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
using Clock = std::chrono::steady_clock;

// ---- engine loop ----------------------------------------------------------------------
struct EngineRun {
  explicit EngineRun(const Config& cfg) : model(cfg) {}
  Simulator sim;
  Model model;
};

// The event: 16 bytes, trivially copyable, so it is stored inline in the queue entry.
struct Hop {
  EngineRun* run;
  std::uint32_t lp;
  void operator()() const {
    std::uint64_t d = 0;
    std::uint32_t target = 0;
    run->model.on_event(static_cast<std::uint64_t>(run->sim.now().count_ns()), lp, d, target);
    run->sim.schedule_after(SimTime::ns(static_cast<std::int64_t>(d)), Hop{run, target});
  }
};
static_assert(sizeof(Hop) == 16);

Result run_engine(const Config& cfg) {
  const long rss0 = current_rss_kb();
  auto r = std::make_unique<EngineRun>(cfg);
  for (std::uint32_t lp = 0; lp < cfg.n; ++lp)
    for (std::uint32_t j = 0; j < cfg.m; ++j)
      r->sim.schedule_at(SimTime::ns(static_cast<std::int64_t>(r->model.delay())), Hop{r.get(), lp});
  const double c0 = cpu_seconds();
  const auto t0 = Clock::now();
  r->sim.run_until(SimTime::ns(static_cast<std::int64_t>(cfg.end_ns)));
  const auto t1 = Clock::now();
  const double c1 = cpu_seconds();
  Result res;
  res.events = r->sim.events_executed();
  res.checksum = r->model.checksum;
  res.seconds = c1 - c0;
  res.wall_seconds = std::chrono::duration<double>(t1 - t0).count();
  res.pending = r->sim.pending();
  res.queue_bytes = r->sim.queue().memory_bytes();
  res.rss_growth_kb = max_rss_kb() - rss0;
  return res;
}

// ---- baseline loop --------------------------------------------------------------------
struct Ev {
  std::uint64_t time;
  std::uint64_t seq;
  std::uint32_t lp;
};
struct Later {
  bool operator()(const Ev& a, const Ev& b) const { return a.time != b.time ? a.time > b.time : a.seq > b.seq; }
};
// std::priority_queue with access to its vector, to report its capacity.
struct Heap : std::priority_queue<Ev, std::vector<Ev>, Later> {
  std::size_t capacity_bytes() const { return c.capacity() * sizeof(Ev); }
};

Result run_baseline(const Config& cfg) {
  const long rss0 = current_rss_kb();
  Model model(cfg);
  Heap heap;
  std::uint64_t seq = 1;
  for (std::uint32_t lp = 0; lp < cfg.n; ++lp)
    for (std::uint32_t j = 0; j < cfg.m; ++j) heap.push(Ev{model.delay(), seq++, lp});
  std::uint64_t events = 0;
  const double c0 = cpu_seconds();
  const auto t0 = Clock::now();
  while (!heap.empty() && heap.top().time <= cfg.end_ns) {
    const Ev e = heap.top();
    heap.pop();
    ++events;
    std::uint64_t d = 0;
    std::uint32_t target = 0;
    model.on_event(e.time, e.lp, d, target);
    heap.push(Ev{e.time + d, seq++, target});
  }
  const auto t1 = Clock::now();
  const double c1 = cpu_seconds();
  Result res;
  res.events = events;
  res.checksum = model.checksum;
  res.seconds = c1 - c0;
  res.wall_seconds = std::chrono::duration<double>(t1 - t0).count();
  res.pending = heap.size();
  res.queue_bytes = heap.capacity_bytes();
  res.rss_growth_kb = max_rss_kb() - rss0;
  return res;
}

// ---- the per-event work alone --------------------------------------------------------
// The same draws and counter updates for `cfg.events_hint` events, with no queue: its
// time per event, subtracted from a loop's, leaves that loop's queue cost.
Result run_work_only(const Config& cfg) {
  Model model(cfg);
  std::uint64_t now = 0;
  std::uint32_t lp = 0;
  const double c0 = cpu_seconds();
  for (std::uint64_t i = 0; i < cfg.events_hint; ++i) {
    std::uint64_t d = 0;
    model.on_event(now, lp, d, lp);
    now += d >> 10;
  }
  const double c1 = cpu_seconds();
  Result res;
  res.events = cfg.events_hint;
  res.checksum = model.checksum;
  res.seconds = c1 - c0;
  return res;
}

// Runs `fn(cfg)` in a forked child (own peak RSS) and returns its result.
template <class Fn>
Result in_child(Fn fn, const Config& cfg, bool fork_each) {
  if (!fork_each) return fn(cfg);
  int fds[2];
  if (pipe(fds) != 0) {
    std::perror("pipe");
    std::exit(3);
  }
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(3);
  }
  if (pid == 0) {
    close(fds[0]);
    const Result r = fn(cfg);
    const ssize_t w = write(fds[1], &r, sizeof r);
    _exit(w == static_cast<ssize_t>(sizeof r) ? 0 : 1);
  }
  close(fds[1]);
  Result r;
  const ssize_t got = read(fds[0], &r, sizeof r);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != static_cast<ssize_t>(sizeof r) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "bench_phold: measurement child failed\n");
    std::exit(3);
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"PHOLD benchmark: p2psim::Simulator vs a bare std::priority_queue loop"};
  std::vector<std::uint32_t> sizes{1000, 100000};
  std::uint32_t m = 10;
  double events_target = 5e6;
  double mean_ns = 1e6;
  std::uint64_t seed = 1;
  int reps = 3;
  bool no_fork = false;
  app.add_option("--n", sizes, "numbers of logical processes, one run each")->delimiter(',');
  app.add_option("--m", m, "initial events per logical process")->check(CLI::Range(1u, 1000000u));
  app.add_option("--events", events_target,
                 "approximate events per run; sets end time = events * mean / (n * m)")
      ->check(CLI::Range(1.0, 1e11));
  app.add_option("--mean-ns", mean_ns, "mean exponential delay in ns")->check(CLI::Range(1.0, 1e15));
  app.add_option("--seed", seed, "generator seed");
  app.add_option("--reps", reps, "repetitions per loop; the best is reported")->check(CLI::Range(1, 100));
  app.add_flag("--no-fork", no_fork, "measure in this process (peak RSS then not per run)");
  CLI11_PARSE(app, argc, argv);

  std::printf("PHOLD: time unit 1 ns; delay Exp(mean %.0f ns) truncated to ns; seed %" PRIu64
              "; best of %d runs, each in a fresh process.\n"
              "ev/s and ns/event use CPU time of the run phase; queue ns = ns/event minus the work-only loop.\n",
              mean_ns, seed, reps);
  bool ok = true;
  for (const std::uint32_t n : sizes) {
    if (n == 0) continue;
    Config cfg;
    cfg.n = n;
    cfg.m = m;
    cfg.mean_ns = mean_ns;
    cfg.seed = seed;
    const double pending = static_cast<double>(n) * m;
    cfg.end_ns = static_cast<std::uint64_t>(events_target * mean_ns / pending);
    Result best_e, best_b, best_w;
    for (int i = 0; i < reps; ++i) {
      const Result e = in_child(run_engine, cfg, !no_fork);
      const Result b = in_child(run_baseline, cfg, !no_fork);
      cfg.events_hint = e.events;
      const Result w = in_child(run_work_only, cfg, !no_fork);
      if (i == 0 || w.seconds < best_w.seconds) best_w = w;
      if (e.events != b.events || e.checksum != b.checksum || e.pending != b.pending) {
        std::fprintf(stderr,
                     "MISMATCH at N=%u: engine %" PRIu64 " events checksum %016" PRIx64 ", baseline %" PRIu64
                     " events checksum %016" PRIx64 "\n",
                     n, e.events, e.checksum, b.events, b.checksum);
        ok = false;
      }
      if (i == 0 || e.seconds < best_e.seconds) best_e = e;
      if (i == 0 || b.seconds < best_b.seconds) best_b = b;
    }
    const double pend = static_cast<double>(best_e.pending);
    const auto ns_per = [](const Result& r) { return r.seconds * 1e9 / static_cast<double>(r.events); };
    const double ns_e = ns_per(best_e), ns_b = ns_per(best_b), ns_w = ns_per(best_w);
    std::printf("\nN = %u processes x M = %u = %.0f pending; end %.3f ms; %" PRIu64
                " events in each loop; checksum %016" PRIx64 " (%s)\n",
                n, m, pend, static_cast<double>(cfg.end_ns) * 1e-6, best_e.events, best_e.checksum,
                best_e.checksum == best_b.checksum && best_e.events == best_b.events ? "equal" : "DIFFERENT");
    std::printf("  %-22s %12s %9s %9s %14s %14s\n", "loop", "events/s", "ns/event", "queue ns", "B/pending", "RSS B/pending");
    std::printf("  %-22s %12.4g %9.1f %9.1f %14.1f %14.1f\n", "p2psim::Simulator", 1e9 / ns_e, ns_e, ns_e - ns_w,
                static_cast<double>(best_e.queue_bytes) / pend, static_cast<double>(best_e.rss_growth_kb) * 1024.0 / pend);
    std::printf("  %-22s %12.4g %9.1f %9.1f %14.1f %14.1f\n", "std::priority_queue", 1e9 / ns_b, ns_b, ns_b - ns_w,
                static_cast<double>(best_b.queue_bytes) / pend, static_cast<double>(best_b.rss_growth_kb) * 1024.0 / pend);
    std::printf("  %-22s %12.4g %9.1f\n", "work only (no queue)", 1e9 / ns_w, ns_w);
    std::printf("  RATIO engine / priority_queue: %.2fx (CPU time), %.2fx (wall clock)\n", ns_b / ns_e,
                best_b.wall_seconds / best_e.wall_seconds);
    std::fflush(stdout);
  }
  if (!ok) {
    std::fprintf(stderr, "bench_phold: engine and baseline disagree: determinism broken\n");
    return 1;
  }
  return 0;
}
