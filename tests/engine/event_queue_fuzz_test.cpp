// EventQueue against a reference: a std::priority_queue ordered by (time, seq) with a
// set of cancelled sequence numbers. Random pushes (zero, short, long and huge delays,
// bursts of equal times), cancels and pops with random limits; every pop must return the
// same entry as the reference, and the sizes must agree throughout.
#include <catch2/catch.hpp>

#include <cstring>
#include <queue>
#include <set>
#include <vector>

#include "sim/event_queue.hpp"
#include "sim/random.hpp"

using namespace p2psim;

namespace {

struct Ref {
  std::uint64_t time, seq;
  bool operator>(const Ref& o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

int g_destroyed = 0;
int g_ran = 0;
void invoker_a(void* storage, EventQueue::Op op) {
  const bool run = op == EventQueue::Op::run;
  std::uint64_t v;
  std::memcpy(&v, storage, sizeof v);
  (void)v;
  if (run) ++g_ran;
  ++g_destroyed;
}
void invoker_b(void* storage, EventQueue::Op op) { invoker_a(storage, op); }

EventQueue::Entry make(std::uint64_t time, std::uint64_t seq) {
  EventQueue::Entry e{};
  e.time = time;
  e.seq = seq;
  e.call = seq % 3 == 0 ? &invoker_b : &invoker_a;
  std::memcpy(e.storage, &seq, sizeof seq);  // payload: checked on pop
  std::memcpy(e.storage + 8, &time, sizeof time);
  return e;
}

// Delay classes exercising every level of the radix heap and the small-bucket paths.
std::uint64_t draw_delay(Rng& rng) {
  switch (rng.below(8)) {
    case 0: return 0;                                        // same time: FIFO ties
    case 1: return rng.below(4);                             // level 0
    case 2: return rng.below(64);                            // lowest levels
    case 3: return rng.below(5000);                          // small buckets
    case 4: return rng.below(1'000'000);                     // a millisecond
    case 5: return static_cast<std::uint64_t>(rng.exponential(1e6));
    case 6: return rng.below(std::uint64_t{1} << 40);        // far future
    default: return rng.below(std::uint64_t{1} << 56);      // very far future
  }
}

void run_fuzz(std::uint64_t seed, int ops) {
  Rng rng(seed);
  EventQueue q;
  std::priority_queue<Ref, std::vector<Ref>, std::greater<Ref>> ref;
  std::set<std::uint64_t> pending, cancelled;
  std::uint64_t now = 0, seq = 1;
  for (int op = 0; op < ops; ++op) {
    const std::uint64_t what = rng.below(100);
    if (what < 50) {  // push, sometimes a burst at one time
      const int burst = rng.below(10) == 0 ? 1 + static_cast<int>(rng.below(40)) : 1;
      const std::uint64_t t = now + draw_delay(rng);
      for (int i = 0; i < burst; ++i) {
        q.push(make(t, seq));
        ref.push(Ref{t, seq});
        pending.insert(seq);
        ++seq;
      }
    } else if (what < 60 && !pending.empty()) {  // cancel a random pending entry
      auto it = pending.lower_bound(1 + rng.below(seq));
      if (it == pending.end()) it = pending.begin();
      q.cancel(*it);
      cancelled.insert(*it);
      pending.erase(it);
    } else {  // pop with a limit: now, near, far or unlimited
      std::uint64_t limit;
      switch (rng.below(4)) {
        case 0: limit = now; break;
        case 1: limit = now + rng.below(1000); break;
        case 2: limit = now + rng.below(10'000'000); break;
        default: limit = ~std::uint64_t{0}; break;
      }
      // The reference: skip cancelled heads, then compare with the limit.
      while (!ref.empty() && cancelled.count(ref.top().seq) != 0) {
        cancelled.erase(ref.top().seq);
        ref.pop();
      }
      EventQueue::Entry out{};
      const bool got = q.pop_until(limit, out);
      const bool expect = !ref.empty() && ref.top().time <= limit;
      REQUIRE(got == expect);
      if (got) {
        REQUIRE(out.time == ref.top().time);
        REQUIRE(out.seq == ref.top().seq);
        std::uint64_t payload_seq = 0, payload_time = 0;
        std::memcpy(&payload_seq, out.storage, 8);
        std::memcpy(&payload_time, out.storage + 8, 8);
        REQUIRE(payload_seq == out.seq);
        REQUIRE(payload_time == out.time);
        REQUIRE(out.call == (out.seq % 3 == 0 ? &invoker_b : &invoker_a));
        out.call(out.storage, EventQueue::Op::run);
        now = out.time;
        pending.erase(out.seq);
        ref.pop();
      }
    }
    REQUIRE(q.size() == pending.size());
  }
  // Drain: everything left comes out in order.
  EventQueue::Entry out{};
  while (q.pop_until(~std::uint64_t{0}, out)) {
    while (cancelled.count(ref.top().seq) != 0) {
      cancelled.erase(ref.top().seq);
      ref.pop();
    }
    REQUIRE(out.time == ref.top().time);
    REQUIRE(out.seq == ref.top().seq);
    out.call(out.storage, EventQueue::Op::run);
    ref.pop();
  }
  while (!ref.empty() && cancelled.count(ref.top().seq) != 0) {
    cancelled.erase(ref.top().seq);
    ref.pop();
  }
  CHECK(ref.empty());
  CHECK(q.empty());
}

}  // namespace

TEST_CASE("EventQueue pops exactly the (time, seq) order of a reference heap under random cancels",
          "[engine][event_queue]") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    INFO("seed " << seed);
    run_fuzz(seed, 20000);
  }
}

TEST_CASE("EventQueue destroys every callback exactly once: run, cancelled or left pending",
          "[engine][event_queue]") {
  g_destroyed = 0;
  g_ran = 0;
  int pushed = 0;
  {
    EventQueue q;
    Rng rng(99);
    std::uint64_t seq = 1, now = 0;
    for (int i = 0; i < 3000; ++i) {
      q.push(make(now + draw_delay(rng), seq++));
      ++pushed;
      if (i % 7 == 0) q.cancel(seq - 1);
      if (i % 3 == 0) {
        EventQueue::Entry out{};
        if (q.pop_until(now + 100000, out)) {
          now = out.time;
          out.call(out.storage, EventQueue::Op::run);
        }
      }
    }
  }  // the destructor destroys what is left
  CHECK(g_destroyed == pushed);
}

TEST_CASE("EventQueue keeps FIFO order for thousands of equal times pushed across levels",
          "[engine][event_queue]") {
  EventQueue q;
  std::uint64_t seq = 1;
  // Equal far-future times pushed while the queue's reference point moves towards them.
  std::vector<std::uint64_t> expect;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 40; ++i) {
      q.push(make(1'000'000, seq));
      expect.push_back(seq++);
    }
    q.push(make(static_cast<std::uint64_t>(round) * 10'000 + 5, seq++));  // drives redistributions
    EventQueue::Entry out{};
    REQUIRE(q.pop_until(static_cast<std::uint64_t>(round) * 10'000 + 5, out));
    REQUIRE(out.time == static_cast<std::uint64_t>(round) * 10'000 + 5);
  }
  EventQueue::Entry out{};
  std::size_t i = 0;
  while (q.pop_until(~std::uint64_t{0}, out)) {
    REQUIRE(i < expect.size());
    REQUIRE(out.time == 1'000'000);
    REQUIRE(out.seq == expect[i++]);
  }
  CHECK(i == expect.size());
}

TEST_CASE("EventQueue sorts small buckets at every level, ties and level 12 included",
          "[engine][event_queue]") {
  // Bucket (L, d) relative to time 0 holds [d 2^(5L), (d + 1) 2^(5L)). Up to 15 entries
  // there form one chunk, which is sorted (not redistributed) when it becomes the first
  // bucket; pushes into it afterwards are inserted in order. Times repeat often (ties
  // must stay first-in-first-out) and reach 2^64 - 1 at level 12.
  Rng rng(2024);
  for (unsigned level = 1; level <= 12; ++level) {
    const unsigned digits = level == 12 ? 16 : 32;
    for (int trial = 0; trial < 300; ++trial) {
      INFO("level " << level << " trial " << trial);
      EventQueue q;
      std::priority_queue<Ref, std::vector<Ref>, std::greater<Ref>> ref;
      const std::uint64_t width = std::uint64_t{1} << (5 * level);
      const std::uint64_t lo = (1 + rng.below(digits - 1)) * width;
      std::vector<std::uint64_t> times;
      const auto draw = [&](std::uint64_t from) {
        if (!times.empty() && rng.below(3) == 0) {
          const std::uint64_t t = times[rng.below(times.size())];
          if (t >= from) return t;  // a tie with an earlier push
        }
        const std::uint64_t t = from + rng.below(lo + (width - 1) - from + 1);
        times.push_back(t);
        return t;
      };
      std::uint64_t seq = 1;
      const auto n = 1 + rng.below(15);
      for (std::uint64_t i = 0; i < n; ++i) {
        const std::uint64_t t = draw(lo);
        q.push(make(t, seq));
        ref.push(Ref{t, seq++});
      }
      std::uint64_t now = 0;
      EventQueue::Entry out{};
      while (q.pop_until(~std::uint64_t{0}, out)) {
        REQUIRE(!ref.empty());
        REQUIRE(out.time == ref.top().time);
        REQUIRE(out.seq == ref.top().seq);
        out.call(out.storage, EventQueue::Op::run);
        ref.pop();
        now = out.time;
        if (seq < 40 && rng.below(2) == 0) {  // a push into the bucket being popped
          const std::uint64_t t = draw(now);
          q.push(make(t, seq));
          ref.push(Ref{t, seq++});
        }
      }
      REQUIRE(ref.empty());
    }
  }
}
