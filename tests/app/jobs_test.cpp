// --jobs is a limit on the threads of the whole run set: the runner runs min(jobs, runs)
// runs at a time and lends each jobs / that many threads; a nat-population's shards use
// only what they are lent, and its metrics never depend on it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

#include "app/runner/runner.hpp"
#include "app/study/study.hpp"

using namespace p2psim;

namespace {

// Records the threads each run is lent and how many runs execute at once.
struct Probe {
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::mutex m;
  std::set<int> lent;
};
Probe* g_probe = nullptr;

struct ProbeStudy : study::Study {
  study::RunResult run(std::uint64_t seed) const override { return run_in(seed, study::RunContext{}); }
  study::RunResult run_in(std::uint64_t seed, const study::RunContext& ctx) const override {
    const int now = ++g_probe->running;
    int p = g_probe->peak.load();
    while (now > p && !g_probe->peak.compare_exchange_weak(p, now)) {
    }
    {
      std::lock_guard<std::mutex> lock(g_probe->m);
      g_probe->lent.insert(ctx.threads);
    }
    std::this_thread::yield();
    --g_probe->running;
    return {{{"seed_low", static_cast<double>(seed & 0xffff)}}, {}};
  }
};

const std::vector<study::StudyKind>& probe_kinds() {
  static const std::vector<study::StudyKind> kinds = [] {
    study::StudyKind k;
    k.name = "probe";
    k.sections = {"probe"};
    k.parse = [](const scenario::Field&) { return std::unique_ptr<study::Study>(std::make_unique<ProbeStudy>()); };
    return std::vector<study::StudyKind>{k};
  }();
  return kinds;
}

}  // namespace

TEST_CASE("runner: runs x threads lent per run never exceed --jobs", "[app][runner][jobs]") {
  for (int reps : {1, 2, 3, 8}) {
    for (int jobs : {1, 2, 4, 7}) {
      Probe probe;
      g_probe = &probe;
      const auto s = runner::load_scenario_text("name: p\nstudy: probe\nreplications: " + std::to_string(reps) + "\n",
                                                "p.yaml", {}, &probe_kinds());
      runner::RunOptions o;
      o.jobs = jobs;
      runner::run_scenario(s, o);
      INFO("replications " << reps << ", jobs " << jobs);
      REQUIRE(probe.lent.size() == 1);
      const int lent = *probe.lent.begin();
      const int outer = std::min(jobs, reps);
      CHECK(lent == std::max(1, jobs / outer));
      CHECK(probe.peak.load() <= outer);
      CHECK(probe.peak.load() * lent <= jobs);
      g_probe = nullptr;
    }
  }
}

TEST_CASE("nat-population: shards use the lent threads or ctx.shards, with identical metrics", "[app][ice][jobs]") {
  const auto s = runner::load_scenario_text(
      "name: t\nstudy: nat-population\npopulation: {sessions: 60, arrival_window: 1s, shards: 4, cgn_subscribers: 5}\n"
      "nat_mix: {none: 1, port-restricted-cone: 2, symmetric: 1, cgnat: 1}\n",
      "p.yaml");
  const study::Study& st = *s.points[0].study;
  CHECK(st.shard_count() == 4);
  study::RunContext one;
  const study::RunResult base = st.run_in(7, one);
  for (int threads : {2, 3, 8}) {
    study::RunContext ctx;
    ctx.threads = threads;
    const study::RunResult r = st.run_in(7, ctx);
    REQUIRE(r.metrics.size() == base.metrics.size());
    for (std::size_t i = 0; i < r.metrics.size(); ++i) {
      CHECK(r.metrics[i].name == base.metrics[i].name);
      CHECK(std::memcmp(&r.metrics[i].value, &base.metrics[i].value, sizeof(double)) == 0);
    }
  }
  // An executor that runs the shards in reverse order, as other ranks would, one at a time.
  study::RunContext rev;
  std::size_t asked = 0;
  rev.shards = [&](std::size_t n, const std::function<std::string(std::size_t)>& body) {
    asked = n;
    std::vector<std::string> out(n);
    for (std::size_t k = n; k-- > 0;) out[k] = body(k);
    return out;
  };
  const study::RunResult r = st.run_in(7, rev);
  CHECK(asked == 4);
  REQUIRE(r.metrics.size() == base.metrics.size());
  for (std::size_t i = 0; i < r.metrics.size(); ++i)
    CHECK(std::memcmp(&r.metrics[i].value, &base.metrics[i].value, sizeof(double)) == 0);
  CHECK(st.run(7).metrics.size() == base.metrics.size());
}
