// parallel_for / parallel_drain: independent tasks (replications, sweep points, population
// shards) on a few threads. Their results must be written to per-task slots so that they
// never depend on which thread ran what.
//
// parallel_drain(threads, claim, body): up to `threads` threads each call claim() and run
// body(task) until claim() returns no task; claim() is called under a lock (it may talk to
// other processes, e.g. an MPI counter) and never again by any thread once it has returned
// no task or a body has thrown. parallel_for(n, threads, body) drains the tasks 0..n-1 in
// order (each thread takes the next one when it is free).
//
// The first exception thrown by a body or by claim() stops the hand-out of further tasks;
// it is rethrown in the caller once every thread has finished. With threads <= 1 everything
// runs on the calling thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace p2psim {

template <class Claim, class Body>
void parallel_drain(int threads, Claim&& claim, Body&& body) {
  std::mutex mutex;  // guards claim(), `exhausted` and `error`
  bool exhausted = false;
  std::exception_ptr error;
  auto next = [&]() -> std::optional<std::size_t> {
    std::lock_guard<std::mutex> lock(mutex);
    if (exhausted) return std::nullopt;
    try {
      std::optional<std::size_t> task = claim();
      if (!task) exhausted = true;
      return task;
    } catch (...) {
      if (!error) error = std::current_exception();
      exhausted = true;
      return std::nullopt;
    }
  };
  auto worker = [&] {
    while (const std::optional<std::size_t> task = next()) {
      try {
        body(*task);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        exhausted = true;
        return;
      }
    }
  };
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (int k = 0; k < threads; ++k) pool.emplace_back(worker);
    for (auto& th : pool) th.join();
  }
  if (error) std::rethrow_exception(error);
}

template <class Body>
void parallel_for(std::size_t n, int threads, Body&& body) {
  std::size_t next = 0;
  const std::size_t t = std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), std::max<std::size_t>(n, 1));
  parallel_drain(
      static_cast<int>(t), [&]() -> std::optional<std::size_t> { return next < n ? std::optional<std::size_t>(next++) : std::nullopt; },
      body);
}

}  // namespace p2psim
