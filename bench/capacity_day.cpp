// Benchmark: one simulated day of a 100,000-user population (scenarios/relay-capacity.yaml)
// at flow level, at the scenario's call rate and at 5x and 10x that rate. Prints CPU and wall-clock
// seconds per replication (single thread), calls and events. Figures: docs/performance.md.
//
//   ./build/bench_capacity_day [scenario]      (from the source directory)
#include <chrono>
#include <ctime>
#include <cstdio>
#include <string>

#include "app/runner/runner.hpp"

using namespace p2psim;

int main(int argc, char** argv) {
  const std::string file = argc > 1 ? argv[1] : std::string("scenarios/relay-capacity.yaml");
  std::printf("%-16s %8s %10s %10s %8s %8s\n", "calls/user/day", "users", "calls", "events", "cpu_s", "wall_s");
  for (const char* rate : {"2", "10", "20"}) {
    const auto loaded = runner::load_scenario(file, {{"traffic.arrivals.calls_per_user_per_day", rate}});
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    const study::RunResult r = loaded.points.at(0).study->run(1);
    const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double calls = 0, events = 0;
    for (const auto& m : r.metrics) {
      if (m.name == "calls_offered") calls = m.value;
      if (m.name == "sim_events") events = m.value;
    }
    std::printf("%-16s %8d %10.0f %10.0f %8.3f %8.3f\n", rate, 100000, calls, events, cpu, wall);
  }
  return 0;
}
