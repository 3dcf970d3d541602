// Benchmark: the dense group-call sweep of issue 11, topology [mesh, sfu, mcu] x
// group_size 2..100 (every integer) x 10 replications = 2,970 runs, through the runner
// with --jobs 2, on the default scenario (layouts, devices, DTX) and on its all-hd
// variant (every receiver asks every 720p layer, the workload of the earlier model).
// Prints wall and CPU seconds of each sweep and the ratio to the all-hd sweep run in
// the same process. Figures: docs/performance.md.
//
//   ./build/bench_group_call_sweep [jobs=2] [replications=10] [max_n=100]   (from the source directory)
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include "app/runner/runner.hpp"

using namespace p2psim;

namespace {

struct Timing {
  double wall = 0, cpu = 0;
  std::size_t runs = 0;
};

Timing sweep(const std::string& file, int jobs, int replications, int max_n) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  YAML::Node doc = YAML::Load(ss.str());
  YAML::Node topo(YAML::NodeType::Sequence), sizes(YAML::NodeType::Sequence);
  for (const char* t : {"mesh", "sfu", "mcu"}) topo.push_back(t);
  for (int n = 2; n <= max_n; ++n) sizes.push_back(n);
  YAML::Node sw(YAML::NodeType::Map);
  sw["call.topology"] = topo;
  sw["call.group_size"] = sizes;
  doc["sweep"] = sw;
  doc["replications"] = replications;
  YAML::Emitter out;
  out << doc;
  const auto loaded = runner::load_scenario_text(out.c_str(), file);
  runner::RunOptions opt;
  opt.jobs = jobs;
  timespec c0{}, c1{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
  const auto t0 = std::chrono::steady_clock::now();
  const auto result = runner::run_scenario(loaded, opt);
  Timing t;
  t.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
  t.cpu = static_cast<double>(c1.tv_sec - c0.tv_sec) + 1e-9 * static_cast<double>(c1.tv_nsec - c0.tv_nsec);
  t.runs = result.runs.size();
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const int jobs = argc > 1 ? std::atoi(argv[1]) : 2;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 10;
  const int max_n = argc > 3 ? std::atoi(argv[3]) : 100;
  std::printf("%-28s %6s %8s %8s %14s\n", "scenario", "runs", "wall_s", "cpu_s", "wall / all-hd");
  const Timing base = sweep("scenarios/mesh-vs-sfu-all-hd.yaml", jobs, reps, max_n);
  std::printf("%-28s %6zu %8.2f %8.2f %14.2f\n", "mesh-vs-sfu-all-hd", base.runs, base.wall, base.cpu, 1.0);
  const Timing def = sweep("scenarios/mesh-vs-sfu.yaml", jobs, reps, max_n);
  std::printf("%-28s %6zu %8.2f %8.2f %14.2f\n", "mesh-vs-sfu (default)", def.runs, def.wall, def.cpu,
              def.wall / base.wall);
  return 0;
}
