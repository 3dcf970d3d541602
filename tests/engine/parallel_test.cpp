// parallel_for / parallel_drain (sim/parallel.hpp): every task runs exactly once on any
// thread count, claim() is never called again once it has run dry or a task has thrown,
// and the first exception reaches the caller.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <optional>
#include <stdexcept>
#include <vector>

#include "sim/parallel.hpp"

using namespace p2psim;

TEST_CASE("parallel_drain runs every claimed task once and stops claiming when dry", "[engine][parallel]") {
  for (int threads : {1, 2, 5}) {
    const std::size_t n = 97;
    std::vector<std::atomic<int>> ran(n);
    std::size_t next = 0;
    int dry_calls = 0;
    parallel_drain(
        threads,
        [&]() -> std::optional<std::size_t> {
          if (next < n) return next++;
          ++dry_calls;
          return std::nullopt;
        },
        [&](std::size_t k) { ran[k].fetch_add(1); });
    for (std::size_t k = 0; k < n; ++k) REQUIRE(ran[k].load() == 1);
    CHECK(dry_calls == 1);  // the first empty answer ends the hand-out for every thread
  }
}

TEST_CASE("parallel_drain and parallel_for rethrow the first failure and hand out nothing after it",
          "[engine][parallel]") {
  for (int threads : {1, 3}) {
    std::size_t claimed = 0;
    std::atomic<int> ran{0};
    CHECK_THROWS_WITH(parallel_drain(
                          threads,
                          [&]() -> std::optional<std::size_t> {
                            if (claimed == 1000) return std::nullopt;
                            return claimed++;
                          },
                          [&](std::size_t k) {
                            ran.fetch_add(1);
                            if (k == 4) throw std::runtime_error("task 4 failed");
                            std::this_thread::sleep_for(std::chrono::milliseconds(1));
                          }),
                      "task 4 failed");
    // One thread: nothing after task 4. More: the others finish what they hold and stop
    // long before the 1,000 tasks (each takes 1 ms) are gone.
    if (threads == 1) CHECK(claimed == 5);
    CHECK(claimed < 1000);
    CHECK(ran.load() == static_cast<int>(claimed));
  }
  // A claim() that throws ends the drain the same way.
  std::size_t calls = 0;
  CHECK_THROWS_WITH(parallel_drain(
                        2,
                        [&]() -> std::optional<std::size_t> {
                          if (++calls == 3) throw std::runtime_error("counter lost");
                          return calls;
                        },
                        [](std::size_t) {}),
                    "counter lost");
  CHECK(calls == 3);
  std::vector<int> hit(10, 0);
  parallel_for(10, 4, [&](std::size_t k) { hit[k] += 1; });
  for (int h : hit) CHECK(h == 1);
  CHECK_THROWS_WITH(parallel_for(10, 2, [](std::size_t k) { if (k == 0) throw std::runtime_error("first"); }), "first");
}
