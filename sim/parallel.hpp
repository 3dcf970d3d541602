// parallel_for: runs body(i) for every i in [0, n) on up to `threads` threads, handing out
// indices in order (each thread takes the next one when it is free). Independent runs
// (replications, sweep points, population shards) use it; their results must be written
// to per-index slots so that they never depend on which thread ran what.
//
// The first exception thrown by a body stops the hand-out of further indices; it is
// rethrown in the caller once every thread has finished. With threads <= 1 (or n <= 1)
// everything runs on the calling thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace p2psim {

template <class Body>
void parallel_for(std::size_t n, int threads, Body&& body) {
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      try {
        body(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        next.store(n);
        return;
      }
    }
  };
  const std::size_t t = std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), std::max<std::size_t>(n, 1));
  if (t == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (std::size_t k = 0; k < t; ++k) pool.emplace_back(worker);
    for (auto& th : pool) th.join();
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace p2psim
