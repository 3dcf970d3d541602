// RFC 8867 test cases with several media flows sharing one bottleneck, in the packet-mode
// group call (docs/models/media-packet.md "Validation"):
//  - s5.2 variable available capacity with multiple flows: two flows on a bottleneck of
//    4 / 2 / 3.5 / 1 / 2 Mbit/s at 0 / 25 / 50 / 75 / 100 s, 125 s;
//  - s5.4 competing media flows of the same algorithm: three flows on 3.5 Mbit/s, starting
//    at 0, 20 and 40 s, 120 s (the third joins late and must converge).
// Parameters as in RFC 8867 (one-way propagation 50 ms, drop-tail queue 300 ms, no loss);
// the flows are participant 0's peer connections in a mesh, so they share its uplink.
// Pass criteria use RFC 8868 s2's metrics (media rate against the fair share and the
// capacity, queueing delay, convergence time) with thresholds derived here from
// definitions, never from the simulator's output:
//  - fair share: max-min share of the capacity among the flows present, each flow capped
//    by what its encoder can send (the top layer's wire rate);
//  - fairness: Jain's index J = (sum x)^2 / (n sum x^2) over the flows' mean rates.
//    J >= 0.9 allows at most one of three flows at ~1.9x the others ((a+2)^2/(3(a^2+2)) =
//    0.9 at a = 1.9), or two flows at a ratio of ~1.9 (J(1, 1.9) = 0.92): a delay-based
//    controller is expected to share within a factor of two, not exactly (RFC 8867 s5.4
//    "expected behavior": the flows converge towards their fair share);
//  - utilisation: the flows together send 60-110 % of the capacity (no starvation of the
//    link, no sustained overshoot that only the queue would absorb);
//  - queueing delay: mean below 100 ms, a third of the 300 ms buffer (a delay-based
//    controller keeps no standing queue);
//  - convergence of a late flow: within 20 s of its start, its rate reaches 80 % of its
//    fair share. 20 s: from the 300 kbit/s start rate at GCC's 8 %/s multiplicative
//    increase, 80 % of 1.17 Mbit/s takes ln(0.93 / 0.3) / ln(1.08) = 14.7 s; 20 s leaves
//    room for the others to back off.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "models/media/group_call.hpp"
#include "models/media/packet/packet_call.hpp"

using namespace p2psim;
using namespace p2psim::media;
using namespace p2psim::media::packet;

namespace {

// Watches participant 0's uplink (the bottleneck) and its peer connections' targets.
struct BottleneckWatch final : PacketCallObserver {
  // Per receiver of participant 0: the target as a step function (t, bps).
  std::map<int, std::vector<std::pair<double, double>>> targets;
  std::vector<std::pair<double, double>> accepted;  // (t, bytes) into 0's uplink queue
  std::vector<std::pair<double, double>> queueing;  // (t, queueing delay s)
  void on_target(int from, int to, SimTime t, double bps) override {
    if (from == 0) targets[to].push_back({t.seconds(), bps});
  }
  void on_queue(int participant, bool uplink, std::int64_t bytes, SimTime delay, SimTime t) override {
    if (participant != 0 || !uplink) return;
    accepted.push_back({t.seconds(), static_cast<double>(bytes)});
    queueing.push_back({t.seconds(), delay.seconds()});
  }
  // Time mean of flow `to`'s target over [a, b] (value before the first report: 0).
  double mean_target(int to, double a, double b) const {
    const auto it = targets.find(to);
    if (it == targets.end()) return 0;
    const auto& v = it->second;
    double area = 0, cur = 0, t = a;
    for (const auto& [ti, x] : v) {
      if (ti <= a) {
        cur = x;
        continue;
      }
      if (ti >= b) break;
      area += cur * (ti - t);
      t = ti;
      cur = x;
    }
    area += cur * (b - t);
    return area / (b - a);
  }
  // First time >= from at which flow `to`'s target reached `bps` (inf if never).
  double first_reach(int to, double from, double bps) const {
    const auto it = targets.find(to);
    if (it != targets.end())
      for (const auto& [t, x] : it->second)
        if (t >= from && x >= bps) return t;
    return INFINITY;
  }
  double sent_bps(double a, double b) const {
    double bytes = 0;
    for (const auto& [t, x] : accepted)
      if (t >= a && t < b) bytes += x;
    return 8 * bytes / (b - a);
  }
  double mean_queue_s(double a, double b) const {
    double sum = 0;
    int n = 0;
    for (const auto& [t, x] : queueing)
      if (t >= a && t < b) {
        sum += x;
        ++n;
      }
    return n ? sum / n : 0;
  }
};

double jain(const std::vector<double>& x) {
  double s = 0, q = 0;
  for (double v : x) {
    s += v;
    q += v * v;
  }
  return q > 0 ? s * s / (static_cast<double>(x.size()) * q) : 0;
}

// Participant 0 behind the bottleneck uplink, receivers 1..n-1 with fat access; the
// one-way propagation of each path is 50 ms (25 ms on each access link).
PacketCallSpec bottleneck_mesh(int flows, SimTime duration, double capacity) {
  PacketCallSpec s;
  s.call.topology = TopologyKind::kMesh;
  s.call.group_size = flows + 1;
  s.call.duration = duration;
  s.call.core_latency = SimTime::zero();
  s.call.media.audio.enabled = false;
  s.call.access = {AccessProfile{"bottleneck", 1, capacity, 1e9, SimTime::ms(25)},
                   AccessProfile{"fat", 1, 1e9, 1e9, SimTime::ms(25)}};
  s.call.access_assignment.assign(static_cast<std::size_t>(flows + 1), 1);
  s.call.access_assignment[0] = 0;
  PacketAccessSpec pa;
  pa.queue_time = SimTime::ms(300);
  s.access = {pa, pa};
  return s;
}

// The most one flow can use: the top layer's payload plus its packet overhead.
double flow_cap(const PacketCallSpec& s) {
  const MediaProfile& m = s.call.media;
  return wire_bps(video_stream(m.video, m.video.top().bitrate_bps), m.overhead, LegTransport::kUdp);
}

}  // namespace

TEST_CASE("RFC 8867 s5.2: variable available capacity with multiple flows", "[media][packet][validation][rmcat]") {
  PacketCallSpec s = bottleneck_mesh(2, SimTime::s(125), 4e6);
  s.access[0].uplink_schedule = {{SimTime::s(0), 4.0e6}, {SimTime::s(25), 2.0e6}, {SimTime::s(50), 3.5e6},
                                 {SimTime::s(75), 1.0e6}, {SimTime::s(100), 2.0e6}};
  BottleneckWatch w;
  PacketCallObserver* obs[] = {&w};
  simulate_packet_call(s, 11, nullptr, obs);
  const double cap = flow_cap(s);
  struct Phase {
    double from, to, capacity;
  };
  // Each phase after 10 s of settling (as the s5.1 test): 25 s phases.
  for (const Phase& p : {Phase{10, 25, 4.0e6}, Phase{35, 50, 2.0e6}, Phase{60, 75, 3.5e6}, Phase{85, 100, 1.0e6},
                         Phase{110, 125, 2.0e6}}) {
    const double share = std::min(cap, p.capacity / 2);
    const double a = w.mean_target(1, p.from, p.to), b = w.mean_target(2, p.from, p.to);
    const double sent = w.sent_bps(p.from, p.to);
    const double q = w.mean_queue_s(p.from, p.to);
    INFO("phase " << p.from << "-" << p.to << " s: flows " << a << ", " << b << " (fair " << share << "), Jain "
                  << jain({a, b}) << ", sent " << sent << " of " << p.capacity << ", queue " << q << " s");
    CHECK(jain({a, b}) >= 0.9);
    CHECK(sent >= 0.6 * std::min(p.capacity, 2 * cap));
    CHECK(sent <= 1.1 * p.capacity);
    CHECK(q < 0.1);
  }
}

TEST_CASE("RFC 8867 s5.4: competing media flows with the same algorithm, one joining late", "[media][packet][validation][rmcat]") {
  PacketCallSpec s = bottleneck_mesh(3, SimTime::s(120), 3.5e6);
  // Flow to receiver 1 from 0 s, to 2 from 20 s, to 3 from 40 s (RFC 8867 s5.4 timeline).
  s.presence = {{2, SimTime::s(20), SimTime::max()}, {3, SimTime::s(40), SimTime::max()}};
  BottleneckWatch w;
  PacketCallObserver* obs[] = {&w};
  simulate_packet_call(s, 13, nullptr, obs);
  const double capacity = 3.5e6, share = std::min(flow_cap(s), capacity / 3);
  // Fairness and utilisation over the last 40 s (all three flows present for >= 40 s).
  std::vector<double> rates;
  for (int j = 1; j <= 3; ++j) rates.push_back(w.mean_target(j, 80, 120));
  const double sent = w.sent_bps(80, 120), q = w.mean_queue_s(80, 120);
  INFO("flows " << rates[0] << ", " << rates[1] << ", " << rates[2] << " (fair " << share << "), Jain " << jain(rates)
                << ", sent " << sent << ", queue " << q << " s");
  CHECK(jain(rates) >= 0.9);
  CHECK(sent >= 0.6 * capacity);
  CHECK(sent <= 1.1 * capacity);
  CHECK(q < 0.1);
  // Two flows (20-40 s): shared within the same index after 10 s of settling.
  CHECK(jain({w.mean_target(1, 30, 40), w.mean_target(2, 30, 40)}) >= 0.9);
  // The late flow converges: 80 % of its fair share within 20 s of its start.
  const double reach = w.first_reach(3, 40, 0.8 * share);
  INFO("late flow reached 80 % of its fair share at " << reach << " s");
  CHECK(reach - 40 <= 20);
}
