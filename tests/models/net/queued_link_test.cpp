// QueuedLink and loss models against hand computation: serialisation times, rate
// changes mid-packet, drop-tail limits in bytes and in time, Bernoulli and
// Gilbert-Elliott stationary loss rate and mean burst length (closed forms of the
// two-state Markov chain), jitter bounds without reordering, trace parsing.
#include <catch2/catch.hpp>

#include <vector>

#include "models/net/capacity_trace.hpp"
#include "models/net/queued_link.hpp"

using namespace p2psim;
using namespace p2psim::net;

namespace {
struct Recorder final : LinkSink {
  Simulator* sim;
  std::vector<std::pair<std::uint32_t, SimTime>> got;
  void on_link_arrival(std::uint32_t, std::uint32_t token) override { got.push_back({token, sim->now()}); }
};
}  // namespace

TEST_CASE("serialisation at capacity, then propagation", "[net][queued_link]") {
  Simulator sim;
  Recorder r;
  r.sim = &sim;
  QueuedLinkSpec s;
  s.capacity_bps = 1e6;
  s.propagation = SimTime::ms(20);
  QueuedLink link(sim, s, Rng(1), 0, &r);
  for (std::uint32_t k = 0; k < 10; ++k) REQUIRE(link.send(k, 1200));  // 9.6 ms each at 1 Mbit/s
  CHECK(link.queue_delay() == SimTime::us(96'000));
  sim.run();
  REQUIRE(r.got.size() == 10);
  for (std::uint32_t k = 0; k < 10; ++k) {
    CHECK(r.got[k].first == k);
    CHECK(r.got[k].second == SimTime::ms(20) + SimTime::us(9'600) * (k + 1));
  }
}

TEST_CASE("a rate change in the middle of a packet is integrated exactly", "[net][queued_link]") {
  Simulator sim;
  Recorder r;
  r.sim = &sim;
  QueuedLinkSpec s;
  s.schedule = {{SimTime::zero(), 1e6}, {SimTime::ms(4), 0.5e6}};
  s.propagation = SimTime::zero();
  QueuedLink link(sim, s, Rng(1), 0, &r);
  link.send(0, 1000);  // 8000 bit: 4000 in the first 4 ms, 4000 at 0.5 Mbit/s = 8 ms
  sim.run();
  REQUIRE(r.got.size() == 1);
  CHECK(r.got[0].second == SimTime::ms(12));
  CHECK(link.capacity_at(SimTime::ms(3)) == 1e6);
  CHECK(link.capacity_at(SimTime::ms(4)) == 0.5e6);
}

TEST_CASE("an outage (rate 0) holds packets until capacity returns", "[net][queued_link]") {
  Simulator sim;
  Recorder r;
  r.sim = &sim;
  QueuedLinkSpec s;
  s.schedule = {{SimTime::zero(), 0}, {SimTime::s(1), 1e6}};
  s.propagation = SimTime::zero();
  QueuedLink link(sim, s, Rng(1), 0, &r);
  link.send(0, 125);  // 1000 bit at 1 Mbit/s after the outage: 1 ms
  sim.run();
  REQUIRE(r.got.size() == 1);
  CHECK(r.got[0].second == SimTime::s(1) + SimTime::ms(1));
}

TEST_CASE("drop-tail in bytes and in milliseconds", "[net][queued_link]") {
  Simulator sim;
  Recorder r;
  r.sim = &sim;
  SECTION("bytes: 5000 B holds five 1000-B packets") {
    QueuedLinkSpec s;
    s.capacity_bps = 1e6;
    s.queue_bytes = 5000;
    QueuedLink link(sim, s, Rng(1), 0, &r);
    int accepted = 0;
    for (std::uint32_t k = 0; k < 10; ++k) accepted += link.send(k, 1000);
    CHECK(accepted == 5);
    CHECK(link.dropped_queue() == 5);
    // After 8 ms (one packet serialised) there is room for one more.
    sim.run_until(SimTime::ms(8));
    CHECK(link.send(99, 1000));
    CHECK_FALSE(link.send(100, 1000));
  }
  SECTION("time: 100 ms holds the packets that wait at most 100 ms") {
    QueuedLinkSpec s;
    s.capacity_bps = 1e6;
    s.queue_time = SimTime::ms(100);
    QueuedLink link(sim, s, Rng(1), 0, &r);
    int accepted = 0;
    for (std::uint32_t k = 0; k < 20; ++k) accepted += link.send(k, 1250);  // 10 ms each
    CHECK(accepted == 11);  // waits 0, 10, ..., 100 ms
  }
}

TEST_CASE("Bernoulli loss rate", "[net][loss]") {
  LossProcess l(LossSpec::bernoulli(0.1), Rng(7));
  const int n = 1'000'000;
  int lost = 0;
  for (int i = 0; i < n; ++i) lost += l.lose();
  // sd of the estimate: sqrt(0.1 * 0.9 / 1e6) = 3e-4; 5 sd.
  CHECK(std::abs(lost / double(n) - 0.1) < 1.5e-3);
}

TEST_CASE("Gilbert-Elliott loss: stationary rate and mean burst length", "[net][loss]") {
  // rate 5%, mean burst 3 packets: r = 1/3, p = 0.05 r / 0.95 = 0.017544.
  const LossSpec s = LossSpec::from_rate_and_burst(0.05, 3);
  CHECK(s.r == Approx(1.0 / 3));
  CHECK(s.p == Approx(0.05 / 3 / 0.95));
  CHECK(s.stationary_rate() == Approx(0.05));
  LossProcess l(s, Rng(11));
  const int n = 2'000'000;
  long lost = 0, bursts = 0;
  bool prev = false;
  for (int i = 0; i < n; ++i) {
    const bool x = l.lose();
    lost += x;
    if (x && !prev) ++bursts;
    prev = x;
  }
  // Autocorrelation 1 - p - r = 0.649 inflates the variance by (1+rho)/(1-rho) = 4.7:
  // sd = sqrt(0.0475 * 4.7 / 2e6) = 3.3e-4.
  CHECK(std::abs(lost / double(n) - 0.05) < 2e-3);
  CHECK(std::abs(lost / double(bursts) - 3.0) < 0.1);  // geometric, mean 1/r
  // General form: loss in Good 1-k, in Bad 1-h.
  LossSpec g;
  g.kind = LossKind::kGilbertElliott;
  g.p = 0.1;
  g.r = 0.4;
  g.k = 0.99;
  g.h = 0.3;
  CHECK(g.stationary_rate() == Approx(0.01 * 0.8 + 0.7 * 0.2));
}

TEST_CASE("jitter stays below its bound and never reorders", "[net][queued_link]") {
  Simulator sim;
  Recorder r;
  r.sim = &sim;
  QueuedLinkSpec s;
  s.propagation = SimTime::ms(10);
  s.jitter = SimTime::ms(30);
  QueuedLink link(sim, s, Rng(3), 0, &r);
  for (std::uint32_t k = 0; k < 200; ++k) sim.schedule_at(SimTime::ms(5) * k, [&link, k] { link.send(k, 100); });
  sim.run();
  REQUIRE(r.got.size() == 200);
  for (std::uint32_t k = 0; k < 200; ++k) {
    CHECK(r.got[k].first == k);
    CHECK(r.got[k].second >= SimTime::ms(5) * k + SimTime::ms(10));
    if (k > 0) CHECK(r.got[k].second >= r.got[k - 1].second);
  }
}

TEST_CASE("capacity traces parse and reject bad lines", "[net][trace]") {
  std::string err;
  auto t = parse_capacity_trace("# lte\n0, 2e6\n1.5,1000000\n\n3, 3e6 # up\n", err);
  REQUIRE(t);
  REQUIRE(t->size() == 3);
  CHECK((*t)[1].t == SimTime::ms(1500));
  CHECK((*t)[2].bps == 3e6);
  CHECK_FALSE(parse_capacity_trace("1, 2e6\n", err));
  CHECK(err.find("time 0") != std::string::npos);
  CHECK_FALSE(parse_capacity_trace("0, 2e6\n0, 1e6\n", err));
  CHECK_FALSE(parse_capacity_trace("0, x\n", err));
  CHECK(err.rfind("line 1", 0) == 0);
  CHECK_FALSE(parse_capacity_trace("0, 1e6\n2, 0\n", err));
}
