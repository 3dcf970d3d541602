// libwebrtc nomination and continuous checks (nomination.hpp): the ContinuousChecks
// schedule and the IceAgent members of the libwebrtc mode.
#include "models/ice/nomination.hpp"

#include <algorithm>

#include "models/ice/ice_agent.hpp"

namespace p2psim::ice {

const char* to_string(NominationMode m) { return m == NominationMode::kRegular ? "regular" : "libwebrtc"; }

void ContinuousChecks::reset(const std::vector<std::uint32_t>& keys) {
  std::vector<Entry> next;
  for (std::uint32_t k : keys) {
    if (std::find(dead_.begin(), dead_.end(), k) != dead_.end()) continue;
    Entry e;
    e.key = k;
    for (const Entry& old : entries_)
      if (old.key == k) e = old;
    next.push_back(e);
  }
  entries_ = std::move(next);
}

bool ContinuousChecks::next(SimTime now, const NominationConfig& cfg, std::uint32_t& key) {
  // Connection::UpdateState: no response for write_timeout since the first unanswered
  // ping -> STATE_WRITE_TIMEOUT, no longer active, no longer pinged.
  for (std::size_t i = 0; i < entries_.size();) {
    if (entries_[i].first_unanswered != SimTime::max() && now - entries_[i].first_unanswered >= cfg.write_timeout) {
      dead_.push_back(entries_[i].key);
      entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  if (entries_.empty()) return false;
  // Least recently pinged first; entries are in priority order, so the first of equals wins.
  std::size_t best = 0;
  for (std::size_t i = 1; i < entries_.size(); ++i)
    if (entries_[i].last_ping < entries_[best].last_ping) best = i;
  Entry& e = entries_[best];
  ++e.pings;
  e.last_ping = now;
  if (e.first_unanswered == SimTime::max()) e.first_unanswered = now;
  key = e.key;
  return true;
}

void ContinuousChecks::answered(std::uint32_t key) {
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(), [key](const Entry& e) { return e.key == key; }),
                 entries_.end());
}

void ContinuousChecks::prefer(std::uint32_t key) {
  for (Entry& e : entries_)
    if (e.key == key) e.last_ping = SimTime::min(-2'000'000);
}

bool ContinuousChecks::contains(std::uint32_t key) const {
  for (const Entry& e : entries_)
    if (e.key == key) return true;
  return false;
}

SimTime ContinuousChecks::interval(const NominationConfig& cfg) const {
  for (const Entry& e : entries_)
    if (e.pings < cfg.min_weak_pings) return cfg.weak_ping_interval;
  return cfg.strong_ping_interval;
}

bool follows_nomination(std::uint32_t value, std::uint64_t prio, std::uint32_t cur_value, std::uint64_t cur_prio) {
  if (value != cur_value) return value > cur_value;
  return prio > cur_prio;
}

// ---- IceAgent, libwebrtc mode ----

namespace {
std::uint32_t key_of(const CandidatePair& p) { return (p.local << 16) | (p.remote & 0xffff); }
}  // namespace

std::uint64_t IceAgent::selected_priority() const {
  const int i = checks_.find(selected_key_ >> 16, selected_key_ & 0xffff);
  return i < 0 ? 0 : checks_.pair(static_cast<std::size_t>(i)).priority;
}

void IceAgent::lw_attrs(stun::Message& m, const CandidatePair& p) const {
  m.clear(stun::kUseCandidate);
  if (!controlling_ || cfg_->nomination.renomination) return;  // NOMINATION goes on pings (lw_ping)
  // SEMI_AGGRESSIVE: nothing selected yet, the selected pair, or a pair better than it.
  if (!completed() || key_of(p) == selected_key_ || p.priority > selected_priority()) m.set(stun::kUseCandidate);
}

void IceAgent::lw_capture_pending() {
  lw_live_.clear();
  for (const CandidatePair& p : checks_.pairs())
    if (p.state == PairState::kFrozen || p.state == PairState::kWaiting || p.state == PairState::kInProgress)
      lw_live_.push_back(key_of(p));
}

void IceAgent::lw_after_select() {
  if (controlling_) {
    nomination_ = 1;
    acked_nomination_ = 0;
  } else {
    nomination_ = 1;
    for (const NomSeen& n : noms_)
      if (n.from == sel_remote_addr_ && (n.via_relay == (sel_local_ == relay_index_))) nomination_ = std::max(nomination_, n.value);
    noms_.clear();
  }
  if (closed_) return;
  lw_refresh();
  lw_arm(sim_->now());
}

void IceAgent::lw_refresh() {
  // PruneConnections: pairs of lower or equal priority than the selected one are pruned;
  // the others stay pingable until they answer or time out.
  const std::uint64_t sel = selected_priority();
  std::vector<std::uint32_t> keys;
  for (const CandidatePair& p : checks_.pairs()) {
    const std::uint32_t k = key_of(p);
    if (k == selected_key_ || p.state == PairState::kSucceeded) continue;
    const bool live = p.state == PairState::kFrozen || p.state == PairState::kWaiting || p.state == PairState::kInProgress ||
                      std::find(lw_live_.begin(), lw_live_.end(), k) != lw_live_.end();
    if (!live) continue;
    if (p.priority <= sel && k != pending_key_) continue;
    keys.push_back(k);
  }
  cont_.reset(keys);
  if (!cont_.empty()) lw_arm(sim_->now());
}

void IceAgent::lw_arm(SimTime t) {
  if (closed_) return;
  if (ping_at_ != SimTime::max() && ping_at_ >= sim_->now() && ping_at_ <= t) return;
  ping_at_ = t;
  const std::uint64_t g = ++ping_gen_;
  at(t, [this, g] { lw_tick(g); });
}

void IceAgent::lw_tick(std::uint64_t g) {
  if (g != ping_gen_ || closed_ || consent_lost_ || !completed()) return;
  ping_at_ = SimTime::max();
  const SimTime now = sim_->now();
  bool sent = false;
  if (controlling_ && cfg_->nomination.renomination && acked_nomination_ < nomination_) {
    // Rule 1 and BuildPingRequest: the selected pair carries NOMINATION until acknowledged.
    const int i = checks_.find(selected_key_ >> 16, selected_key_ & 0xffff);
    if (i >= 0) {
      lw_ping(static_cast<std::size_t>(i), nomination_);
      sent = true;
    }
  }
  std::uint32_t key = 0;
  if (!sent && cont_.next(now, cfg_->nomination, key)) {
    const int i = checks_.find(key >> 16, key & 0xffff);
    if (i >= 0) lw_ping(static_cast<std::size_t>(i), 0);
    sent = true;
  }
  if (sent || !cont_.empty()) lw_arm(now + cont_.interval(cfg_->nomination));
}

void IceAgent::lw_ping(std::size_t i, std::uint32_t nomination) {
  const CandidatePair& p = checks_.pair(i);
  stun::Message m = make_check(p);
  m.tid.words[2] = (kKindPing << 28) | ((nomination & 0xfff) << 16) | (++ping_seq_ & 0xffff);
  if (nomination > 0) {
    m.nomination = nomination;
    m.set(stun::kNomination);
  }
  ++cont_pings_;
  cont_bytes_ += m.encoded_size();
  send(p.local, remote_[p.remote].addr, m);
}

bool IceAgent::lw_on_request(const stun::Message& m, net::Endpoint from, bool via_relay) {
  const std::uint32_t kind = m.tid.words[2] >> 28;
  if (kind != kKindCheckTid && kind != kKindPing) return false;  // consent, probe
  const std::uint32_t value =
      controlling_ ? 0 : m.has(stun::kNomination) ? m.nomination : m.has(stun::kUseCandidate) ? 1u : 0u;
  if (outcome_ == Outcome::kPending) {
    if (value > 0) noms_.push_back({from, via_relay, value});
    if (kind == kKindCheckTid) return false;  // the RFC 8445 path
    // A ping from a peer that has selected: an ordinary check for this side.
    if (!formed_) {
      early_.push_back({from, via_relay, value > 0, m.priority});
      return true;
    }
    handle_check(from, via_relay, value > 0, m.priority);
    return true;
  }
  if (!completed() || closed_) return true;
  const std::uint32_t l = local_for(via_relay, from);
  int r = find_remote(from);
  if (r < 0) {
    if (!checks_.make_room_for_learned(value > 0)) return true;
    r = static_cast<int>(add_peer_reflexive_remote(from, m.priority));
  }
  const auto ru = static_cast<std::uint32_t>(r);
  int idx = checks_.find(l, ru);
  if (idx < 0) {
    if (!checks_.make_room_for_learned(value > 0)) return true;
    idx = static_cast<int>(checks_.add_pair(l, local_[l].key, ru, remote_[ru].key, controlling_));
  }
  const CandidatePair& p = checks_.pair(static_cast<std::size_t>(idx));
  const std::uint32_t key = key_of(p);
  if (value > 0) {
    if (key == selected_key_) {
      nomination_ = std::max(nomination_, value);
      return true;
    }
    if (!follows_nomination(value, p.priority, nomination_, selected_priority())) return true;
    if (p.state == PairState::kSucceeded) {
      lw_select(static_cast<std::size_t>(idx), value);
      return true;
    }
    pending_key_ = key;  // follow once the pair is writable here
    pending_value_ = value;
  }
  lw_refresh();
  cont_.prefer(key);  // rule 3: a triggered check for a pair not yet writable
  lw_arm(sim_->now());
  return true;
}

bool IceAgent::lw_on_response(const stun::Message& m, net::Endpoint from, bool via_relay) {
  const std::uint32_t kind = m.tid.words[2] >> 28;
  if (kind != kKindPing && !(kind == kKindCheckTid && outcome_ != Outcome::kPending)) return false;
  if (!completed() || closed_) return true;
  const std::uint32_t key = m.tid.words[1];
  const int idx = checks_.find(key >> 16, key & 0xffff);
  if (idx < 0) return true;
  CandidatePair& p = checks_.pair(static_cast<std::size_t>(idx));
  if (from != remote_[p.remote].addr || (p.local == relay_index_) != via_relay) return true;
  if (kind == kKindPing) {
    const std::uint32_t nom = (m.tid.words[2] >> 16) & 0xfff;
    if (key == selected_key_ && nom > acked_nomination_) acked_nomination_ = nom;
  }
  if (key == selected_key_) {
    last_consent_ok_ = sim_->now();
    return true;
  }
  if (p.state != PairState::kSucceeded) {
    p.state = PairState::kSucceeded;
    CandidateType lt = local_[p.local].key.type;
    if (p.local != relay_index_ && m.has(stun::kXorMappedAddress)) {
      const int l = find_local(m.xor_mapped_address);
      lt = l >= 0 ? local_[static_cast<std::size_t>(l)].key.type : CandidateType::kPeerReflexive;
    }
    bool known = false;
    for (Valid& v : valid_)
      if (v.key == key) { v.local_type = lt; known = true; }
    if (!known) valid_.push_back({key, lt});
  }
  cont_.answered(key);
  if (controlling_) {
    // ShouldSwitchConnection: both writable and receiving, the higher priority wins.
    if (p.priority > selected_priority()) lw_select(static_cast<std::size_t>(idx), 0);
  } else if (key == pending_key_) {
    lw_select(static_cast<std::size_t>(idx), pending_value_);
  }
  return true;
}

void IceAgent::lw_select(std::size_t i, std::uint32_t value) {
  set_selected(i);
  ++switches_;
  if (controlling_) {
    ++nomination_;  // SwitchSelectedConnectionInternal
  } else {
    nomination_ = value;
    pending_key_ = UINT32_MAX;
  }
  last_consent_ok_ = sim_->now();
  lw_refresh();
  lw_arm(sim_->now());
  if (observer_) observer_->on_switched(*this);
}

}  // namespace p2psim::ice
