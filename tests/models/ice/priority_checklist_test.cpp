#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "models/ice/check_list.hpp"
#include "models/ice/priority.hpp"

using namespace p2psim;
using namespace p2psim::ice;

TEST_CASE("candidate priorities follow RFC 8445 5.1.2.1", "[ice]") {
  // priority = 2^24 * type pref + 2^8 * local pref + (256 - component id)
  auto formula = [](double tp, double lp, double comp) { return std::ldexp(tp, 24) + std::ldexp(lp, 8) + (256 - comp); };
  CHECK(candidate_priority(CandidateType::kHost) == static_cast<std::uint32_t>(formula(126, 65535, 1)));
  CHECK(candidate_priority(CandidateType::kPeerReflexive) == static_cast<std::uint32_t>(formula(110, 65535, 1)));
  CHECK(candidate_priority(CandidateType::kServerReflexive) == static_cast<std::uint32_t>(formula(100, 65535, 1)));
  CHECK(candidate_priority(CandidateType::kRelayed) == static_cast<std::uint32_t>(formula(0, 65535, 1)));
  CHECK(candidate_priority(126, 1000, 2) == static_cast<std::uint32_t>(formula(126, 1000, 2)));
  // Ordering implied by the type preferences.
  CHECK(candidate_priority(CandidateType::kHost) > candidate_priority(CandidateType::kPeerReflexive));
  CHECK(candidate_priority(CandidateType::kPeerReflexive) > candidate_priority(CandidateType::kServerReflexive));
  CHECK(candidate_priority(CandidateType::kServerReflexive) > candidate_priority(CandidateType::kRelayed));
}

TEST_CASE("pair priority follows RFC 8445 6.1.2.3 and both agents agree", "[ice]") {
  const std::uint32_t host = candidate_priority(CandidateType::kHost);
  const std::uint32_t relay = candidate_priority(CandidateType::kRelayed);
  for (auto [g, d] : std::vector<std::pair<std::uint32_t, std::uint32_t>>{{host, relay}, {relay, host}, {host, host}, {7, 9}}) {
    const std::uint64_t lo = std::min(g, d), hi = std::max(g, d);
    const std::uint64_t expect = lo * 4294967296ULL + 2 * hi + (g > d ? 1 : 0);
    CHECK(pair_priority(g, d) == expect);
  }
  // The controlling agent's G and the controlled agent's D name the same two candidates,
  // so swapping roles of the *sides* (not of G/D) gives the same value on both ends.
  CheckList a, b;
  std::vector<CandidateKey> la{{CandidateType::kHost, host, 1, 0}};
  std::vector<CandidateKey> lb{{CandidateType::kRelayed, relay, 2, 0}};
  a.form(la, lb, true);
  b.form(lb, la, false);
  CHECK(a.pair(0).priority == b.pair(0).priority);
  CHECK(a.pair(0).priority == pair_priority(host, relay));
}

namespace {
CandidateKey key(CandidateType t, std::uint32_t f, std::uint32_t base = 0) {
  return {t, candidate_priority(t), f, base};
}
}  // namespace

TEST_CASE("pair formation replaces srflx by its base, prunes, orders and freezes per foundation", "[ice]") {
  std::vector<CandidateKey> local{key(CandidateType::kHost, 1, 0), key(CandidateType::kServerReflexive, 2, 0),
                                  key(CandidateType::kRelayed, 3, 2)};
  local[2].base = 2;
  std::vector<CandidateKey> remote{key(CandidateType::kHost, 11), key(CandidateType::kServerReflexive, 12),
                                   key(CandidateType::kRelayed, 13)};
  CheckList cl;
  cl.form(local, remote, true);
  // 3 x 3 = 9 raw pairs; the 3 with the srflx local collapse onto the host base: 6 remain.
  REQUIRE(cl.pairs().size() == 6);
  for (std::size_t i = 0; i + 1 < cl.pairs().size(); ++i) CHECK(cl.pair(i).priority >= cl.pair(i + 1).priority);
  for (const CandidatePair& p : cl.pairs()) CHECK(p.local != 1);  // no pair uses the srflx directly
  // Every pair has its own foundation here, so all start Waiting.
  CHECK(cl.count(PairState::kWaiting) == 6);
  CHECK(cl.count(PairState::kFrozen) == 0);

  // Two remote candidates with the same foundation: only the higher-priority pair waits.
  std::vector<CandidateKey> remote2{key(CandidateType::kHost, 20), key(CandidateType::kHost, 20)};
  remote2[1].priority -= 1;
  std::vector<CandidateKey> local2{key(CandidateType::kHost, 1)};
  CheckList c2;
  c2.form(local2, remote2, false);
  REQUIRE(c2.pairs().size() == 2);
  CHECK(c2.pair(0).state == PairState::kWaiting);
  CHECK(c2.pair(1).state == PairState::kFrozen);
  // Success of the first unfreezes the second (7.2.5.3.3).
  CHECK(c2.start_next_check(SimTime::zero()) == 0);
  c2.on_success(0);
  CHECK(c2.pair(1).state == PairState::kWaiting);
}

TEST_CASE("at most 100 pairs are kept, the highest-priority ones", "[ice]") {
  std::vector<CandidateKey> local, remote;
  for (std::uint32_t i = 0; i < 11; ++i) {
    CandidateKey k = key(CandidateType::kHost, i, i);
    k.priority = candidate_priority(126, 60000 + i);
    local.push_back(k);
    k.foundation = 100 + i;
    remote.push_back(k);
  }
  CheckList cl;
  cl.form(local, remote, true);
  REQUIRE(cl.pairs().size() == 100);
  // The 21 dropped pairs must all rank below the kept ones.
  std::vector<std::uint64_t> all;
  for (auto& l : local)
    for (auto& r : remote) all.push_back(pair_priority(l.priority, r.priority));
  std::sort(all.rbegin(), all.rend());
  CHECK(cl.pair(99).priority == all[99]);
}

TEST_CASE("check pacing, RTO and retransmission schedule (RFC 8445 14.3, RFC 8489 6.2.1)", "[ice]") {
  // 20 pairs, distinct foundations: all Waiting.
  std::vector<CandidateKey> local{key(CandidateType::kHost, 1)};
  std::vector<CandidateKey> remote;
  for (std::uint32_t i = 0; i < 20; ++i) {
    CandidateKey k = key(CandidateType::kHost, 100 + i);
    k.priority -= i;
    remote.push_back(k);
  }
  CheckList cl;
  cl.form(local, remote, true);
  // RTO = max(500 ms, Ta * (waiting + in-progress)) = max(500, 50 * 20) = 1000 ms.
  CHECK(cl.current_rto() == SimTime::ms(1000));
  const int first = cl.start_next_check(SimTime::zero());
  CHECK(first == 0);  // highest priority first
  CHECK(cl.pair(0).rto == SimTime::ms(1000));
  // Requests at RTO * (2^k - 1), k = 0..Rc-1, then failure Rm * RTO after the last one.
  const SimTime rto = cl.pair(0).rto;
  std::vector<SimTime> sends{SimTime::zero()};
  std::vector<int> re, failed;
  SimTime fail_at = SimTime::max();
  for (SimTime t = SimTime::ms(50); t <= SimTime::s(200) && fail_at == SimTime::max(); t += SimTime::ms(50)) {
    re.clear();
    failed.clear();
    cl.poll_timeouts(t, re, failed);
    for (int i : re)
      if (i == 0) sends.push_back(t);
    for (int i : failed)
      if (i == 0) fail_at = t;
    // Keep the other pairs from interfering: do not start them.
  }
  const int rc = cl.config().max_sends, rm = cl.config().rm;
  REQUIRE(static_cast<int>(sends.size()) == rc);
  for (int k = 0; k < rc; ++k) CHECK(sends[k] == rto * ((std::int64_t{1} << k) - 1));
  CHECK(fail_at == rto * ((std::int64_t{1} << (rc - 1)) - 1) + rto * rm);
  CHECK(cl.pair(0).state == PairState::kFailed);
}

TEST_CASE("triggered checks go first, a check on a failed pair retries it", "[ice]") {
  std::vector<CandidateKey> local{key(CandidateType::kHost, 1)};
  std::vector<CandidateKey> remote{key(CandidateType::kHost, 10), key(CandidateType::kServerReflexive, 11)};
  CheckList cl;
  cl.form(local, remote, false);
  REQUIRE(cl.pairs().size() == 2);
  // Trigger the lower-priority pair: it is checked before the Waiting higher one.
  CHECK(cl.trigger(1));
  CHECK(cl.start_next_check(SimTime::zero()) == 1);
  CHECK(cl.start_next_check(SimTime::ms(50)) == 0);
  CHECK(cl.start_next_check(SimTime::ms(100)) == -1);
  cl.on_success(1);
  CHECK_FALSE(cl.trigger(1));  // already succeeded: nothing to do
  CHECK(cl.trigger(1, true));  // unless it must carry USE-CANDIDATE
  CHECK(cl.pair(1).use_candidate);
  // Add a peer-reflexive remote: it is inserted by priority and Waiting.
  CandidateKey prflx = key(CandidateType::kPeerReflexive, 12);
  const std::size_t i = cl.add_pair(0, local[0], 2, prflx, false);
  CHECK(cl.pair(i).state == PairState::kWaiting);
  CHECK(cl.pair(i).priority == pair_priority(prflx.priority, local[0].priority));
  CHECK(cl.add_pair(0, local[0], 2, prflx, false) == i);
}

TEST_CASE("learned pairs stay within the pair limit, a nomination replaces a failed pair", "[ice]") {
  // RFC 8445 6.1.2.5 limits the pairs (hence the checks) of the checklist set; 7.3.1.4
  // adds a pair per new peer-reflexive candidate, 7.3.1.5 asks the controlled agent to
  // honour USE-CANDIDATE.
  CheckListConfig cfg;
  cfg.max_pairs = 4;
  std::vector<CandidateKey> local{key(CandidateType::kHost, 1), key(CandidateType::kRelayed, 2)};
  local[1].base = 1;
  std::vector<CandidateKey> remote{key(CandidateType::kHost, 10), key(CandidateType::kServerReflexive, 11)};
  CheckList cl(cfg);
  cl.form(local, remote, false);
  REQUIRE(cl.pairs().size() == 4);  // 2 local bases x 2 remotes: at the limit
  // At the limit an ordinary learned pair does not fit.
  CHECK_FALSE(cl.make_room_for_learned(false));
  // A nomination with no Failed pair to give way: refused too.
  CHECK_FALSE(cl.make_room_for_learned(true));
  CHECK(cl.pairs().size() == 4);
  // Fail the two lowest-priority pairs (the relayed ones): a nomination now replaces the
  // lowest-priority of them and nothing else.
  std::vector<int> re, failed;
  const std::uint64_t lowest = cl.pair(3).priority, second = cl.pair(2).priority;
  for (int k = 0; k < 4; ++k) cl.start_next_check(SimTime::ms(50 * k));
  for (SimTime t = SimTime::zero(); t < SimTime::s(600) && cl.count(PairState::kFailed) < 4; t += SimTime::s(1))
    cl.poll_timeouts(t, re, failed);
  REQUIRE(cl.count(PairState::kFailed) == 4);
  CHECK(cl.make_room_for_learned(true));
  REQUIRE(cl.pairs().size() == 3);
  CHECK(cl.pair(2).priority == second);
  for (const CandidatePair& p : cl.pairs()) CHECK(p.priority != lowest);
  CandidateKey prflx = key(CandidateType::kPeerReflexive, 12);
  cl.add_pair(1, local[1], 2, prflx, false);
  CHECK(cl.pairs().size() == cfg.max_pairs);
  CHECK_FALSE(cl.make_room_for_learned(false));
}
