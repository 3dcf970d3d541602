// Benchmark: packet-mode group calls (models/media/packet). Per case: simulated seconds
// per CPU second and per wall-clock second, events per CPU second, CPU seconds, and the ratio of CPU time to a
// baseline case run in the same process (2-person mesh, 60 s), so machines compare.
// Cases: the issue-12 targets (10-person SFU 60 s, 6-person mesh 60 s with 2.5 Mbit/s
// video, 50-person SFU in speaker layout: every receiver asks the 720p stage and 48 180p
// thumbnails through the shared layout definitions, with every participant's audio and
// with Jitsi's loudest-3 audio routing), the former stand-in (last_n 5) for comparison,
// and growth with N (SFU 4..20) and with call length (10-person SFU 30/60/120 s).
// Figures: docs/performance.md.
//
//   ./build/bench_packet_call
#include <chrono>
#include <cstdio>
#include <ctime>

#include "models/media/packet/packet_call.hpp"

using namespace p2psim;
using namespace p2psim::media;
using namespace p2psim::media::packet;

namespace {

PacketCallSpec make(TopologyKind t, int n, int seconds, int last_n = 0, int audio_last_n = 0,
                    LayoutKind layout = LayoutKind::kAllHd) {
  PacketCallSpec s;
  s.call.topology = t;
  s.call.group_size = n;
  s.call.duration = SimTime::s(seconds);
  s.call.last_n = last_n;
  s.call.audio_last_n = audio_last_n;
  // Access rich enough for every stream at full rate: the cost of the full load.
  s.call.access = {AccessProfile{"fibre", 1, 100e6, 1e9, SimTime::ms(10)}};
  s.call.access[0].layout.kind = layout;
  s.access = {PacketAccessSpec{}};
  return s;
}

double cpu_now() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double run(const char* name, const PacketCallSpec& s, double baseline) {
  const auto w0 = std::chrono::steady_clock::now();
  const double c0 = cpu_now();
  const PacketCallResult r = simulate_packet_call(s, 1);
  const double cpu = cpu_now() - c0;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  const double sim_s = s.call.duration.seconds();
  std::printf("%-40s %10.1f %10.1f %12.0f %12.0f %8.3f %8.2f\n", name, sim_s / cpu, sim_s / wall,
              static_cast<double>(r.events) / cpu, static_cast<double>(r.events), cpu, baseline > 0 ? cpu / baseline : 1.0);
  return cpu;
}

}  // namespace

int main() {
  std::printf("%-40s %10s %10s %12s %12s %8s %8s\n", "case", "sim_s/cpu_s", "sim_s/wall", "events/s", "events", "cpu_s",
              "x_base");
  const double base = run("baseline: mesh N=2 60s", make(TopologyKind::kMesh, 2, 60), 0);
  run("target: sfu N=10 60s", make(TopologyKind::kSfu, 10, 60), base);
  run("target: mesh N=6 60s (2.5 Mbit/s)", make(TopologyKind::kMesh, 6, 60), base);
  run("target: sfu N=50 60s speaker layout", make(TopologyKind::kSfu, 50, 60, 0, 0, LayoutKind::kSpeaker), base);
  run("sfu N=50 60s speaker, audio_last_n 3", make(TopologyKind::kSfu, 50, 60, 0, 3, LayoutKind::kSpeaker), base);
  run("former stand-in: sfu N=50 last_n 5", make(TopologyKind::kSfu, 50, 60, 5, 3), base);
  for (int n : {4, 8, 12, 16, 20}) {
    char name[64];
    std::snprintf(name, sizeof name, "growth N: sfu N=%d 60s", n);
    run(name, make(TopologyKind::kSfu, n, 60), base);
  }
  for (int t : {30, 60, 120}) {
    char name[64];
    std::snprintf(name, sizeof name, "growth T: sfu N=10 %ds", t);
    run(name, make(TopologyKind::kSfu, 10, t), base);
  }
  return 0;
}
