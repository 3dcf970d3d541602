// Benchmark: validating a large sweep (what `p2psim validate` does). The default scenario
// (scenarios/mesh-vs-sfu.yaml) with its sweep replaced by call.topology x call.group_size
// lists of growing size; every point is parsed into a runnable Study. Each size runs in a
// forked child so its peak RSS is its own. Prints CPU seconds, peak RSS, microseconds per
// point, and the per-point cost relative to the smallest size (1.00 = linear growth).
// Figures: docs/performance.md.
//
//   ./build/bench_sweep_load [max_points=10000]      (from the source directory)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/runner/runner.hpp"

using namespace p2psim;

namespace {

std::string scenario_with_sweep(const std::string& base, std::size_t points) {
  // Drop the file's own sweep block (the two indented lines after `sweep:`).
  std::istringstream in(base);
  std::string line, out;
  bool in_sweep = false;
  while (std::getline(in, line)) {
    if (line.rfind("sweep:", 0) == 0) {
      in_sweep = true;
      continue;
    }
    if (in_sweep && line.rfind("  ", 0) == 0) continue;
    in_sweep = false;
    out += line + "\n";
  }
  const std::size_t sizes = points / 4;
  out += "sweep:\n  call.topology: [mesh, sfu, mcu, hybrid]\n  call.group_size: [";
  for (std::size_t i = 0; i < sizes; ++i) out += (i ? ", " : "") + std::to_string(2 + i % 40);
  out += "]\n";
  return out;
}

struct Figures {
  double cpu_s = 0;
  long rss_kb = 0;
  std::size_t points = 0;
};

Figures measure(const std::string& text, std::size_t expected) {
  int fds[2];
  if (pipe(fds) != 0) std::exit(1);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const std::clock_t c0 = std::clock();
    const auto loaded = runner::load_scenario_text(text, "bench.yaml");
    Figures f;
    f.cpu_s = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    f.points = loaded.points.size();
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    f.rss_kb = ru.ru_maxrss;
    if (write(fds[1], &f, sizeof f) != static_cast<ssize_t>(sizeof f)) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  Figures f;
  const bool ok = read(fds[0], &f, sizeof f) == static_cast<ssize_t>(sizeof f);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!ok || f.points != expected) {
    std::fprintf(stderr, "load failed or wrong point count (%zu, expected %zu)\n", f.points, expected);
    std::exit(1);
  }
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t max_points = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000;
  std::ifstream in("scenarios/mesh-vs-sfu.yaml");
  if (!in) {
    std::fprintf(stderr, "run from the source directory (scenarios/mesh-vs-sfu.yaml not found)\n");
    return 1;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::printf("%8s %8s %9s %10s %14s\n", "points", "cpu_s", "rss_MB", "us/point", "RATIO vs first");
  double first_per_point = 0;
  for (std::size_t n = 1000; n <= max_points; n *= 2) {
    const Figures f = measure(scenario_with_sweep(buf.str(), n), n);
    const double per_point = f.cpu_s / static_cast<double>(n) * 1e6;
    if (first_per_point == 0) first_per_point = per_point;
    std::printf("%8zu %8.3f %9.1f %10.1f %13.2fx\n", n, f.cpu_s, f.rss_kb / 1024.0, per_point, per_point / first_per_point);
    if (n < max_points && n * 2 > max_points) n = max_points / 2;  // end exactly at max_points
  }
  return 0;
}
