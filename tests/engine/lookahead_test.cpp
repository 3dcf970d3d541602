// The Simulator's lookahead window (sim/simulator.hpp): events still run in exact
// (time, sequence) order whatever lands in the window, hints come before the event runs
// (far first) and never after, cancellation and pending() reach the window, and boxed
// callables held in it are destroyed exactly once.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "sim/random.hpp"
#include "sim/simulator.hpp"

using namespace p2psim;

namespace {

struct Log {
  struct Line {
    int id;
    int what;  // 0 far, 1 near, 3 run
  };
  std::vector<Line> lines;
  std::vector<std::pair<std::int64_t, int>> runs;  // (time, id) in run order
};

// A 16-byte callable with a hint: logs its hints and its run.
struct Hinted {
  Log* log;
  int id;
  void operator()() const { log->lines.push_back({id, 3}); }
  void prefetch(Lookahead stage) const noexcept {
    log->lines.push_back({id, stage == Lookahead::far ? 0 : 1});
  }
};
static_assert(sizeof(Hinted) == 16);

}  // namespace

TEST_CASE("events with lookahead hints run in exact (time, sequence) order, hinted far first and never after running",
          "[engine][lookahead]") {
  Simulator sim;
  Log log;
  Rng rng(42);
  // Reference: every event's (time, sequence) key; the run order must be the sorted order.
  std::vector<std::pair<std::int64_t, int>> keys;  // (time, id); ids increase with sequence
  int next_id = 0;
  std::vector<EventId> ids;
  std::vector<bool> cancelled;
  std::function<void(std::int64_t)> add = [&](std::int64_t t) {
    const int id = next_id++;
    keys.emplace_back(t, id);
    cancelled.push_back(false);
    ids.push_back(sim.schedule_at(SimTime::ns(t), Hinted{&log, id}));
  };
  // Plain events that schedule more: short delays land inside the window, long ones in
  // the queue; some cancel a pending event (which may sit in the window).
  for (int i = 0; i < 3000; ++i) {
    const auto t = static_cast<std::int64_t>(rng.below(1'000'000));
    sim.schedule_at(SimTime::ns(t), [&] {
      log.runs.emplace_back(sim.now().count_ns(), -1);
      const std::int64_t now = sim.now().count_ns();
      switch (rng.below(4)) {
        case 0: add(now); break;                                                      // same time
        case 1: add(now + static_cast<std::int64_t>(rng.below(50))); break;            // in the window
        case 2: add(now + static_cast<std::int64_t>(rng.below(100'000))); break;       // later
        default: {
          const std::size_t k = rng.below(ids.size() + 1);
          if (k < ids.size() && !cancelled[k]) {
            // Only events not yet run can be cancelled.
            const bool ran = std::any_of(log.lines.begin(), log.lines.end(),
                                         [&](const Log::Line& l) { return l.id == static_cast<int>(k) && l.what == 3; });
            if (!ran) {
              sim.cancel(ids[k]);
              cancelled[k] = true;
            }
          }
        }
      }
    });
  }
  for (int i = 0; i < 500; ++i) add(static_cast<std::int64_t>(rng.below(1'000'000)));
  sim.run();
  CHECK(sim.pending() == 0);

  // Hints: for each hinted event, the first line is a far hint, every hint precedes its
  // run, and a cancelled event never runs.
  std::map<int, std::vector<int>> by_id;
  std::vector<int> run_order;
  for (const Log::Line& l : log.lines) {
    by_id[l.id].push_back(l.what);
    if (l.what == 3) run_order.push_back(l.id);
  }
  for (int id = 0; id < next_id; ++id) {
    INFO("event " << id);
    const std::vector<int>& w = by_id[id];
    const auto run = std::count(w.begin(), w.end(), 3);
    CHECK(run == (cancelled[static_cast<std::size_t>(id)] ? 0 : 1));
    if (!w.empty()) CHECK(w.front() == 0);
    if (run == 1) CHECK(w.back() == 3);
  }
  // Order: the hinted events that ran, in sorted (time, id) order.
  std::vector<std::pair<std::int64_t, int>> expect;
  for (const auto& k : keys)
    if (!cancelled[static_cast<std::size_t>(k.second)]) expect.push_back(k);
  std::sort(expect.begin(), expect.end());
  std::vector<int> expect_ids;
  for (const auto& k : expect) expect_ids.push_back(k.second);
  CHECK(run_order == expect_ids);
  // The plain events ran in time order as well.
  for (std::size_t i = 1; i < log.runs.size(); ++i) REQUIRE(log.runs[i - 1].first <= log.runs[i].first);
}

TEST_CASE("pending counts the events in the lookahead window, and cancel and stop reach them", "[engine][lookahead]") {
  Simulator sim;
  Log log;
  std::vector<EventId> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(sim.schedule_at(SimTime::ms(10 * (i + 1)), Hinted{&log, i}));
  sim.schedule_at(SimTime::ms(15), [&] { sim.stop(); });
  sim.run();
  // Ran: event 0 and the stopper; the next Simulator::kLookahead events are in the window.
  CHECK(sim.pending() == 19);
  sim.cancel(ids[1]);  // in the window
  sim.cancel(ids[19]);  // in the queue
  CHECK(sim.pending() == 17);
  // A new event due before the window's last one joins the window, in order.
  sim.schedule_at(SimTime::ms(25), Hinted{&log, 100});
  sim.run_until(SimTime::ms(40));
  std::vector<int> ran;
  for (const Log::Line& l : log.lines)
    if (l.what == 3) ran.push_back(l.id);
  CHECK(ran == std::vector<int>{0, 100, 2, 3});
  CHECK(sim.now() == SimTime::ms(40));
  CHECK(sim.pending() == 15);
  sim.run();
  CHECK(sim.pending() == 0);
  CHECK(sim.events_executed() == 2 + 3 + 15);
}

TEST_CASE("boxed callables held in the lookahead window are destroyed exactly once", "[engine][lookahead]") {
  auto counter = std::make_shared<int>(0);
  struct Big {
    std::shared_ptr<int> c;
    std::vector<double> payload;
    void operator()() const { *c += 1; }
    void prefetch(Lookahead) const noexcept { prefetch_line(payload.data()); }
  };
  {
    Simulator sim;
    for (int i = 0; i < 5; ++i) sim.schedule_at(SimTime::s(i + 1), Big{counter, std::vector<double>(8, 1.0)});
    const EventId last = sim.schedule_at(SimTime::s(9), Big{counter, {}});
    sim.schedule_at(SimTime::ms(2500), [&] { sim.stop(); });
    sim.run();  // stops with the events at 3, 4, 5 and 9 s in the window
    CHECK(sim.pending() == 4);
    sim.cancel(last);  // destroyed at once
    CHECK(*counter == 2);
    CHECK(counter.use_count() == 4);  // three pending
  }
  CHECK(counter.use_count() == 1);
}
