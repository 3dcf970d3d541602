#include "models/ice/check_list.hpp"

#include <algorithm>

namespace p2psim::ice {

namespace {
std::uint32_t pack(std::uint32_t local, std::uint32_t remote) { return (local << 16) | (remote & 0xffff); }
std::uint64_t pair_foundation(const CandidateKey& l, const CandidateKey& r) {
  return (static_cast<std::uint64_t>(l.foundation) << 32) | r.foundation;
}
std::uint64_t prio(const CandidateKey& l, const CandidateKey& r, bool controlling) {
  return controlling ? pair_priority(l.priority, r.priority) : pair_priority(r.priority, l.priority);
}
}  // namespace

const char* to_string(PairState s) {
  switch (s) {
    case PairState::kFrozen: return "frozen";
    case PairState::kWaiting: return "waiting";
    case PairState::kInProgress: return "in-progress";
    case PairState::kSucceeded: return "succeeded";
    case PairState::kFailed: return "failed";
  }
  return "?";
}

void CheckList::form(std::span<const CandidateKey> local, std::span<const CandidateKey> remote, bool controlling) {
  pairs_.clear();
  pairs_.reserve(local.size() * remote.size());
  triggered_.clear();
  triggered_head_ = 0;
  for (std::uint32_t li = 0; li < local.size(); ++li) {
    // 6.1.2.4: a server-reflexive local candidate is replaced by its base. The pair keeps
    // the base's priority and foundation: the check is sent from the base.
    const std::uint32_t l = local[li].type == CandidateType::kServerReflexive ? local[li].base : li;
    for (std::uint32_t ri = 0; ri < remote.size(); ++ri) {
      if (local[l].ipv6 != remote[ri].ipv6) continue;  // 6.1.2.2: same IP address family
      CandidatePair p;
      p.local = l;
      p.remote = ri;
      p.priority = prio(local[l], remote[ri], controlling);
      p.foundation = pair_foundation(local[l], remote[ri]);
      pairs_.push_back(p);
    }
  }
  // 6.1.2.3 order, highest first; ties broken by indices for determinism (a stable sort;
  // check lists are short, so insertion sort, which needs no buffer).
  const auto higher = [](const CandidatePair& a, const CandidatePair& b) { return a.priority > b.priority; };
  if (pairs_.size() <= 64) {
    for (std::size_t i = 1; i < pairs_.size(); ++i)
      for (std::size_t j = i; j > 0 && higher(pairs_[j], pairs_[j - 1]); --j) std::swap(pairs_[j], pairs_[j - 1]);
  } else {
    std::stable_sort(pairs_.begin(), pairs_.end(), higher);
  }
  // 6.1.2.4: drop redundant pairs (same local base and remote candidate): keep the first
  // (highest-priority) one. In place: pairs_[0, kept) are the ones kept so far.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    bool dup = false;
    for (std::size_t k = 0; k < kept; ++k)
      if (pairs_[k].local == pairs_[i].local && pairs_[k].remote == pairs_[i].remote) { dup = true; break; }
    if (!dup) pairs_[kept++] = pairs_[i];
  }
  pairs_.resize(std::min(kept, cfg_.max_pairs));  // 6.1.2.5
  // 6.1.2.6: per foundation, the first (highest-priority; all are component 1) is Waiting.
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    bool seen = false;
    for (std::size_t j = 0; j < i; ++j)
      if (pairs_[j].foundation == pairs_[i].foundation) { seen = true; break; }
    pairs_[i].state = seen ? PairState::kFrozen : PairState::kWaiting;
  }
}

int CheckList::find(std::uint32_t local, std::uint32_t remote) const {
  for (std::size_t i = 0; i < pairs_.size(); ++i)
    if (pairs_[i].local == local && pairs_[i].remote == remote) return static_cast<int>(i);
  return -1;
}

std::size_t CheckList::add_pair(std::uint32_t local, const CandidateKey& lkey, std::uint32_t remote,
                                const CandidateKey& rkey, bool controlling) {
  if (int f = find(local, remote); f >= 0) return static_cast<std::size_t>(f);
  CandidatePair p;
  p.local = local;
  p.remote = remote;
  p.priority = prio(lkey, rkey, controlling);
  p.foundation = pair_foundation(lkey, rkey);
  p.state = PairState::kWaiting;
  auto it = std::upper_bound(pairs_.begin(), pairs_.end(), p.priority,
                             [](std::uint64_t v, const CandidatePair& q) { return v > q.priority; });
  const auto at = it - pairs_.begin();
  pairs_.insert(it, p);
  return static_cast<std::size_t>(at);
}

bool CheckList::make_room_for_learned(bool use_candidate) {
  if (pairs_.size() < cfg_.max_pairs) return true;
  // 6.1.2.5: the agent MUST limit the checks it performs by limiting the pairs. A learned
  // pair does not displace a pair still to be checked (the relayed pairs, lowest in
  // priority, would be the first to go); only a nomination [7.3.1.5], which the controlled
  // agent must be able to honour, replaces the lowest-priority Failed pair, whose check
  // is over. Each nomination adds one pair at most, so the checks stay bounded.
  if (!use_candidate) return false;
  for (std::size_t i = pairs_.size(); i-- > 0;)
    if (pairs_[i].state == PairState::kFailed && !pairs_[i].triggered) {
      pairs_.erase(pairs_.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
  return false;
}

SimTime CheckList::current_rto() const {
  const auto n = static_cast<std::int64_t>(count(PairState::kWaiting) + count(PairState::kInProgress));
  const SimTime paced = cfg_.ta * n;
  return paced > cfg_.min_rto ? paced : cfg_.min_rto;
}

void CheckList::begin_transaction(std::size_t i, SimTime now) {
  CandidatePair& p = pairs_[i];
  // The RTO counts this pair as Waiting or In-Progress, as it is about to be.
  if (p.state != PairState::kWaiting && p.state != PairState::kInProgress) p.state = PairState::kWaiting;
  p.rto = current_rto();
  p.state = PairState::kInProgress;
  p.sends = 1;
  ++p.transaction;
  p.deadline = now + p.rto;
}

int CheckList::start_next_check(SimTime now) {
  // 6.1.4.2 step 1: the triggered-check queue.
  while (triggered_head_ < triggered_.size()) {
    const std::uint32_t key = triggered_[triggered_head_++];
    const int i = find(key >> 16, key & 0xffff);
    if (i < 0) continue;
    pairs_[i].triggered = false;
    if (pairs_[i].state == PairState::kSucceeded && !pairs_[i].use_candidate) continue;
    begin_transaction(static_cast<std::size_t>(i), now);
    return i;
  }
  triggered_.clear();
  triggered_head_ = 0;
  // Step 2: the highest-priority Waiting pair.
  for (std::size_t i = 0; i < pairs_.size(); ++i)
    if (pairs_[i].state == PairState::kWaiting) {
      begin_transaction(i, now);
      return static_cast<int>(i);
    }
  // Step 2 (no Waiting pair): unfreeze the highest-priority Frozen pair whose foundation
  // has no Waiting or In-Progress pair, and check it.
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    if (pairs_[i].state != PairState::kFrozen) continue;
    bool busy = false;
    for (const CandidatePair& q : pairs_)
      if (q.foundation == pairs_[i].foundation &&
          (q.state == PairState::kWaiting || q.state == PairState::kInProgress)) { busy = true; break; }
    if (busy) continue;
    begin_transaction(i, now);
    return static_cast<int>(i);
  }
  return -1;
}

bool CheckList::trigger(std::size_t i, bool use_candidate) {
  CandidatePair& p = pairs_[i];
  if (p.state == PairState::kSucceeded && !use_candidate) return false;
  if (use_candidate) p.use_candidate = true;
  // 7.3.1.4: an In-Progress transaction is cancelled (no more retransmissions), a Failed
  // pair is retried; both become Waiting with a triggered check queued.
  if (p.state != PairState::kSucceeded) p.state = PairState::kWaiting;
  if (!p.triggered) {
    p.triggered = true;
    triggered_.push_back(pack(p.local, p.remote));
  }
  return true;
}

void CheckList::poll_timeouts(SimTime now, std::vector<int>& retransmit, std::vector<int>& failed) {
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    CandidatePair& p = pairs_[i];
    if (p.state != PairState::kInProgress || p.deadline > now) continue;
    if (p.sends < cfg_.max_sends) {
      ++p.sends;
      // Sends at 0, RTO, 3 RTO, 7 RTO, ...: the wait doubles after each send; after the
      // last send the client waits Rm * RTO.
      p.deadline = p.deadline + (p.sends < cfg_.max_sends ? p.rto * (std::int64_t{1} << (p.sends - 1))
                                                          : p.rto * cfg_.rm);
      retransmit.push_back(static_cast<int>(i));
    } else {
      p.state = PairState::kFailed;
      p.use_candidate = false;
      failed.push_back(static_cast<int>(i));
    }
  }
}

void CheckList::unfreeze_foundation(std::uint64_t foundation) {
  for (CandidatePair& q : pairs_)
    if (q.state == PairState::kFrozen && q.foundation == foundation) q.state = PairState::kWaiting;
}

void CheckList::on_success(std::size_t i) {
  CandidatePair& p = pairs_[i];
  p.state = PairState::kSucceeded;
  unfreeze_foundation(p.foundation);  // 7.2.5.3.3
}

void CheckList::stop_all() {
  // 8.1.2: once nominated, Waiting and Frozen pairs are removed and In-Progress
  // transactions stop; they stay in the list, marked Failed, for reporting.
  for (CandidatePair& p : pairs_) {
    if (p.state == PairState::kInProgress || p.state == PairState::kWaiting || p.state == PairState::kFrozen)
      p.state = PairState::kFailed;
    p.triggered = false;
  }
  triggered_.clear();
  triggered_head_ = 0;
}

SimTime CheckList::next_deadline() const {
  SimTime t = SimTime::max();
  for (const CandidatePair& p : pairs_)
    if (p.state == PairState::kInProgress && p.deadline < t) t = p.deadline;
  return t;
}

bool CheckList::has_sendable() const {
  if (triggered_head_ < triggered_.size()) return true;
  for (const CandidatePair& p : pairs_)
    if (p.state == PairState::kWaiting || p.state == PairState::kFrozen) return true;
  return false;
}

bool CheckList::all_failed() const {
  for (const CandidatePair& p : pairs_)
    if (p.state != PairState::kFailed) return false;
  return true;
}

std::size_t CheckList::count(PairState s) const {
  std::size_t n = 0;
  for (const CandidatePair& p : pairs_) n += p.state == s;
  return n;
}

}  // namespace p2psim::ice
