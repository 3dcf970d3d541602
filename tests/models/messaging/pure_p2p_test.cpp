#include <catch2/catch.hpp>

#include <array>
#include <cmath>

#include "models/messaging/experiment.hpp"

using namespace p2psim;
using namespace p2psim::messaging;

namespace {
// P(some attempt at t0, t0 + D, ..., t0 + n D finds both ends online), for exponential
// on (mean a) / off (mean b) sessions.
//
// Derivation. Each end is a two-state continuous-time Markov chain (on -> off at rate
// 1/a, off -> on at rate 1/b, g = 1/a + 1/b), stationary with P(on) = p = a / (a + b).
// Over a step D: P(on | on) = p + (1 - p) e^{-gD}, P(on | off) = p (1 - e^{-gD}).
// Messages are a Poisson process on the sender's online time, so at t0 the sender is on
// (its residual session is Exp(a) by memorylessness) and the recipient, independent, is
// on with probability p. The pair (sender, recipient) is the product chain; carrying the
// probability mass of "not delivered yet" through n steps and removing the (on, on) state
// after each attempt gives the exact answer. Exact because exponential sessions make both
// processes Markov and the start is stationary (the generator draws the initial state
// with probability p).
double p2p_delivery_probability(double a, double b, double step, int n) {
  const double p = a / (a + b), e = std::exp(-(1 / a + 1 / b) * step);
  const double P[2][2] = {{1 - p * (1 - e), p * (1 - e)}, {(1 - p) * (1 - e), p + (1 - p) * e}};  // [from][to], 1 = on
  std::array<double, 4> u{};  // index s * 2 + r
  u[1 * 2 + 0] = 1 - p;       // attempt 0 failed: sender on, recipient off
  for (int k = 1; k <= n; ++k) {
    std::array<double, 4> v{};
    for (int s = 0; s < 2; ++s)
      for (int r = 0; r < 2; ++r)
        for (int s2 = 0; s2 < 2; ++s2)
          for (int r2 = 0; r2 < 2; ++r2) v[s2 * 2 + r2] += u[s * 2 + r] * P[s][s2] * P[r][r2];
    v[3] = 0;  // both on: delivered at attempt k
    u = v;
  }
  return 1 - (u[0] + u[1] + u[2] + u[3]);
}

MessagingSpec p2p_spec(double a_h, double b_h, SimTime step, int n) {
  const double ln2 = std::log(2.0);
  MessagingSpec s;
  s.users = 300;
  s.kind = ArchitectureKind::kPureP2p;
  s.user_availability.online = {SessionLaw::kExponential, SimTime::from_seconds(a_h * 3600 * ln2), 1, 1};
  s.user_availability.offline = {SessionLaw::kExponential, SimTime::from_seconds(b_h * 3600 * ln2), 1, 1};
  s.workload.mode = ConversationMode::kDirect;
  s.workload.contacts = 3;
  s.workload.rate_per_online_hour = 1;
  s.workload.duration = SimTime::h(200);
  s.p2p.retry_interval = step;
  s.p2p.backoff = 1.0;
  s.p2p.max_interval = step;
  s.p2p.give_up_after = step * n;
  s.deadline = step * n + SimTime::s(1);
  s.hop_latency = SimTime::ms(50);
  return s;
}
}  // namespace

TEST_CASE("pure P2P delivery ratio matches the exact Markov-chain probability", "[messaging][p2p]") {
  struct Case {
    double a_h, b_h;
    int step_min, n;
  };
  for (const Case c : {Case{1, 2, 20, 6}, Case{2, 4, 30, 0}, Case{0.5, 1.5, 10, 12}}) {
    const double exact = p2p_delivery_probability(c.a_h * 3600, c.b_h * 3600, c.step_min * 60.0, c.n);
    double sum = 0;
    const int seeds = 3;
    for (int seed = 1; seed <= seeds; ++seed)
      sum += run_messaging(p2p_spec(c.a_h, c.b_h, SimTime::min(c.step_min), c.n), seed).delivery_ratio;
    INFO("a=" << c.a_h << "h b=" << c.b_h << "h step=" << c.step_min << "min n=" << c.n << " exact=" << exact);
    CHECK(sum / seeds == Approx(exact).margin(0.012));
  }
  // One attempt only: the closed form reduces to p.
  CHECK(p2p_delivery_probability(1, 3, 60, 0) == Approx(0.25));
}

TEST_CASE("pure P2P pays one payload copy per delivered pair and no storage", "[messaging][p2p]") {
  MessagingSpec s = p2p_spec(1, 1, SimTime::min(10), 6);
  s.users = 60;
  s.workload.duration = SimTime::h(24);
  const MessagingResult r = run_messaging(s, 3);
  CHECK(r.copies_per_message == Approx(r.delivered_by_end_ratio));  // direct: one recipient each
  CHECK(r.hops_mean == 1.0);
  CHECK(r.peak_total_storage_bytes == 0.0);
  CHECK(r.bytes_per_message == Approx(r.copies_per_message * 1000));
}
