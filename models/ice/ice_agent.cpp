#include "models/ice/ice_agent.hpp"
#include "models/ice/agent_wire.hpp"

#include <algorithm>

#include <boost/container/small_vector.hpp>

namespace p2psim::ice {

namespace {
using agent_wire::kKindCheck;
using agent_wire::kKindConsent;
using agent_wire::kKindProbe;
using agent_wire::kKindResponse;
using agent_wire::tid;
using agent_wire::username_for;

std::uint32_t pair_key(std::uint32_t local, std::uint32_t remote) { return (local << 16) | (remote & 0xffff); }

std::uint32_t foundation_of(CandidateType t, net::Ipv4 base, net::Ipv4 server) {
  // RFC 8445 5.1.1.3: same type, base IP, server IP and transport => same foundation.
  return static_cast<std::uint32_t>(mix64((std::uint64_t{base.value} << 32) ^ server.value ^
                                          (std::uint64_t{static_cast<std::uint8_t>(t)} << 60)));
}
}  // namespace

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::kPending: return "pending";
    case Outcome::kDirect: return "direct";
    case Outcome::kRelayed: return "relayed";
    case Outcome::kFailed: return "failed";
  }
  return "?";
}

std::uint32_t IceAgent::foundation(CandidateType t, net::Ipv4 base, net::Ipv4 server) {
  return foundation_of(t, base, server);
}

IceAgent::IceAgent(Simulator& sim, const IceConfig& cfg, AgentIo& io, std::uint32_t id, std::uint32_t session_tag,
                   bool controlling, std::uint64_t seed)
    : sim_(&sim),
      cfg_(&cfg),
      io_(&io),
      id_(id),
      session_tag_(session_tag),
      controlling_(controlling),
      rng_(seed),
      mdns_(cfg.mdns_host_candidates),
      checks_(cfg.checks) {
  tie_breaker_ = rng_.next_u64();
  started_ = sim.now();
}

IceAgent::~IceAgent() = default;

void IceAgent::set_local_candidates(net::Endpoint host, const net::Endpoint* srflx, const net::Endpoint* relayed,
                                    net::Ipv4 stun_server, net::Ipv4 turn_server) {
  local_.clear();
  local_.reserve(4);  // host, server-reflexive, relayed, IPv6 host: one block
  host6_index_ = UINT32_MAX;
  Candidate h;
  h.key = {CandidateType::kHost, candidate_priority(CandidateType::kHost, lp4()),
           foundation_of(CandidateType::kHost, host.addr, {}), 0};
  h.addr = host;
  h.related = host;
  h.mdns_lan = mdns_ ? (lan_ ? lan_ : UINT32_MAX) : 0;
  local_.push_back(h);
  // A server-reflexive address equal to the host address (public host) is redundant
  // (RFC 8445 5.1.3) and dropped, unless the host candidate is an mDNS name (mdns.hpp).
  if (srflx && (*srflx != host || mdns_)) {
    Candidate s;
    s.key = {CandidateType::kServerReflexive, candidate_priority(CandidateType::kServerReflexive, lp4()),
             foundation_of(CandidateType::kServerReflexive, host.addr, stun_server), 0};
    s.addr = *srflx;
    s.related = host;
    local_.push_back(s);
    // Predicted mappings of a sequential NAT: the next ports after the one the STUN
    // server saw; each ranks just below the observed srflx candidate.
    for (int i = 1; i <= cfg_->predict_ports; ++i) {
      const long port = long{srflx->port} + long{i} * cfg_->predict_delta;
      if (port < 1 || port > 65535) break;
      Candidate q = s;
      q.addr.port = static_cast<std::uint16_t>(port);
      q.key.priority = candidate_priority(CandidateType::kServerReflexive, lp4(static_cast<std::uint32_t>(i)));
      q.key.foundation = s.key.foundation ^ static_cast<std::uint32_t>(mix64(static_cast<std::uint64_t>(i)));
      local_.push_back(q);
    }
  }
  if (relayed) {
    Candidate r;
    r.key = {CandidateType::kRelayed, candidate_priority(CandidateType::kRelayed, lp4()),
             foundation_of(CandidateType::kRelayed, host.addr, turn_server), 0};
    r.key.base = static_cast<std::uint32_t>(local_.size());
    r.addr = *relayed;
    r.related = srflx ? *srflx : host;
    relay_index_ = r.key.base;
    local_.push_back(r);
  }
  if (dual_stack()) add_local_host6();
}

std::size_t IceAgent::add_local_srflx(net::Endpoint srflx, net::Endpoint host, net::Ipv4 stun_server) {
  if (srflx == host && !mdns_) return local_.size();  // redundant (RFC 8445 5.1.3)
  for (const Candidate& c : local_)
    if (c.key.type == CandidateType::kServerReflexive && !c.key.ipv6) return local_.size();
  Candidate s;
  s.key = {CandidateType::kServerReflexive, candidate_priority(CandidateType::kServerReflexive, lp4()),
           foundation_of(CandidateType::kServerReflexive, host.addr, stun_server), 0};
  s.addr = srflx;
  s.related = host;
  local_.push_back(s);
  for (int i = 1; i <= cfg_->predict_ports; ++i) {
    const long port = long{srflx.port} + long{i} * cfg_->predict_delta;
    if (port < 1 || port > 65535) break;
    Candidate q = s;
    q.addr.port = static_cast<std::uint16_t>(port);
    q.key.priority = candidate_priority(CandidateType::kServerReflexive, lp4(static_cast<std::uint32_t>(i)));
    q.key.foundation = s.key.foundation ^ static_cast<std::uint32_t>(mix64(static_cast<std::uint64_t>(i)));
    local_.push_back(q);
  }
  return local_.size();  // no pairs: a srflx local candidate is replaced by its base
}

std::size_t IceAgent::add_local_relayed(net::Endpoint relayed, net::Endpoint related, net::Ipv4 turn_server) {
  if (relay_index_ != UINT32_MAX) return local_.size();
  Candidate r;
  r.key = {CandidateType::kRelayed, candidate_priority(CandidateType::kRelayed, lp4()),
           foundation_of(CandidateType::kRelayed, local_.empty() ? net::Ipv4{} : local_[0].addr.addr, turn_server), 0};
  r.key.base = static_cast<std::uint32_t>(local_.size());
  r.addr = relayed;
  r.related = related;
  relay_index_ = r.key.base;
  local_.push_back(r);
  if (formed_ && !closed_ && (outcome_ == Outcome::kPending || lw_continuing())) pair_new_local(relay_index_);
  return local_.size();
}

void IceAgent::pair_new_local(std::uint32_t l) {
  for (std::uint32_t r = 0; r < remote_.size(); ++r) {
    if (checks_.pairs().size() >= checks_.config().max_pairs) break;  // 6.1.2.5
    if (!pairable(local_[l], remote_[r])) continue;                     // 6.1.2.2
    if (checks_.find(l, r) < 0) checks_.add_pair(l, local_[l].key, r, remote_[r].key, controlling_);
  }
  arm(sim_->now());
  if (lw_continuing()) lw_refresh();
}

void IceAgent::pair_new_remote(std::uint32_t r) {
  for (std::uint32_t l = 0; l < local_.size(); ++l) {
    if (local_[l].key.type == CandidateType::kServerReflexive) continue;  // replaced by its base
    if (checks_.pairs().size() >= checks_.config().max_pairs) break;
    if (!pairable(local_[l], remote_[r])) continue;  // 6.1.2.2
    if (checks_.find(l, r) < 0) checks_.add_pair(l, local_[l].key, r, remote_[r].key, controlling_);
  }
  arm(sim_->now());
  if (lw_continuing()) lw_refresh();
}

void IceAgent::update_remote_candidates(std::span<const Candidate> all, std::size_t count) {
  if (closed_ || (outcome_ != Outcome::kPending && !lw_continuing())) return;
  count = std::min(count, all.size());
  if (!formed_) {
    set_remote_candidates(all.first(count));
    return;
  }
  for (std::size_t i = signalled_remote_; i < count; ++i) {
    signalled_remote_ = i + 1;
    if (!resolvable(all[i])) continue;  // an mDNS name of another link: dropped (mdns.hpp)
    if (const int known = find_remote(all[i].addr); known >= 0) {
      // Learned as peer-reflexive from a check before it was signalled: it takes its
      // signalled type (RFC 8445 7.3.1.3; libwebrtc updates such a remote candidate).
      Candidate& c = remote_[static_cast<std::size_t>(known)];
      if (c.key.type == CandidateType::kPeerReflexive) {
        c.key.type = all[i].key.type;
        c.related = all[i].related;
        if (sel_remote_addr_ == c.addr && outcome_ != Outcome::kPending) sel_remote_type_ = c.key.type;
      }
      continue;
    }
    remote_.push_back(all[i]);
    pair_new_remote(static_cast<std::uint32_t>(remote_.size() - 1));
  }
}

void IceAgent::set_remote_end_of_candidates() {
  remote_eoc_ = true;
  check_trickle_failure();
}

void IceAgent::set_local_gathering_done() {
  local_eoc_ = true;
  check_trickle_failure();
}

void IceAgent::check_trickle_failure() {
  if (closed_ || outcome_ != Outcome::kPending || !may_fail()) return;
  if (!formed_ || checks_.pairs().empty() || checks_.all_failed()) {
    if (formed_ || remote_eoc_) fail();
  }
}

void IceAgent::set_remote_candidates(std::span<const Candidate> remote) {
  if (closed_ || outcome_ != Outcome::kPending) return;
  remote_.clear();
  remote_.reserve(remote.size());
  for (const Candidate& c : remote)
    if (resolvable(c)) remote_.push_back(c);  // an mDNS name of another link: dropped (mdns.hpp)
  signalled_remote_ = remote.size();
  boost::container::small_vector<CandidateKey, 8> lk, rk;
  for (const Candidate& c : local_) lk.push_back(c.key);
  for (const Candidate& c : remote_) rk.push_back(c.key);
  checks_.form({lk.data(), lk.size()}, {rk.data(), rk.size()}, controlling_);
  formed_ = true;
  started_checks_at_ = sim_->now();
  for (const EarlyCheck& e : early_) handle_check(e.from, e.via_relay, e.use_candidate, e.priority);
  early_.clear();
  early_.shrink_to_fit();
  if (checks_.pairs().empty()) {
    if (may_fail()) fail();
    return;
  }
  arm(sim_->now());
}

void IceAgent::send(std::uint32_t local, net::Endpoint to, const stun::Message& m) {
  ++ctl_packets_;
  ctl_bytes_ += m.encoded_size();
  if (local == relay_index_)
    io_->send_relayed(*this, to, m);
  else
    io_->send_direct(*this, to, m);
}

stun::Message IceAgent::make_check(const CandidatePair& p) const {
  stun::Message m = stun::make_request(stun::Method::binding, tid(id_, pair_key(p.local, p.remote), kKindCheck, p.transaction));
  // 7.1.1: PRIORITY is that of a peer-reflexive candidate learned through this base.
  m.priority = candidate_priority(CandidateType::kPeerReflexive, (local_[p.local].key.priority >> 8) & 0xFFFF);
  m.set(stun::kPriority);
  m.tie_breaker = tie_breaker_;
  m.set(controlling_ ? stun::kIceControlling : stun::kIceControlled);
  if (controlling_ && p.use_candidate) m.set(stun::kUseCandidate);
  if (lw()) lw_attrs(m, p);
  m.username_tag = username_for(session_tag_, !controlling_);
  m.username_len = cfg_->username_bytes;
  m.set(stun::kUsername);
  m.set(stun::kMessageIntegrity);
  m.set(stun::kFingerprint);
  return m;
}

void IceAgent::send_check(std::size_t i) {
  const CandidatePair& p = checks_.pair(i);
  ++checks_sent_;
  send(p.local, remote_[p.remote].addr, make_check(p));
}

std::uint32_t IceAgent::local_for(bool via_relay, net::Endpoint from) const {
  if (via_relay) return relay_index_;
  return from.addr.is_ipv6() && host6_index_ != UINT32_MAX ? host6_index_ : 0;  // the base of that family
}

int IceAgent::find_remote(net::Endpoint a) const {
  for (std::size_t i = 0; i < remote_.size(); ++i)
    if (remote_[i].addr == a) return static_cast<int>(i);
  return -1;
}

int IceAgent::find_local(net::Endpoint a) const {
  for (std::size_t i = 0; i < local_.size(); ++i)
    if (local_[i].addr == a) return static_cast<int>(i);
  return -1;
}

void IceAgent::on_stun(const stun::Message& m, net::Endpoint from, bool via_relay) {
  if (closed_ || m.method != stun::Method::binding) return;
  if (via_relay && relay_index_ == UINT32_MAX) return;
  switch (m.cls) {
    case stun::Class::request: on_request(m, from, via_relay); break;
    case stun::Class::success: on_response(m, from, via_relay); break;
    default: break;  // indications are keepalives: nothing to do; no error responses here
  }
}

void IceAgent::on_request(const stun::Message& m, net::Endpoint from, bool via_relay) {
  if (!m.has(stun::kUsername) || m.username_tag != username_for(session_tag_, controlling_)) return;  // 7.3
  // 7.3.1.2: success response, XOR-MAPPED-ADDRESS = the source as seen here.
  stun::Message r = stun::make_success(m);
  r.with_xor_mapped(from);
  r.set(stun::kMessageIntegrity);
  r.set(stun::kFingerprint);
  send(local_for(via_relay, from), from, r);
  if (lw() && lw_on_request(m, from, via_relay)) return;
  if (outcome_ != Outcome::kPending || m.tid.words[2] >> 28 != kKindCheck) return;  // consent/keepalive
  const bool use = (m.has(stun::kUseCandidate) || m.has(stun::kNomination)) && !controlling_;
  if (!formed_) {
    early_.push_back({from, via_relay, use, m.priority});
    return;
  }
  handle_check(from, via_relay, use, m.priority);
}

std::uint32_t IceAgent::add_peer_reflexive_remote(net::Endpoint from, std::uint32_t priority) {
  // 7.3.1.3: a peer-reflexive remote candidate, priority from the PRIORITY attribute,
  // a foundation of its own.
  Candidate c;
  c.key = {CandidateType::kPeerReflexive, priority, 0x80000000u | static_cast<std::uint32_t>(remote_.size()), 0};
  c.key.ipv6 = from.addr.is_ipv6();
  c.addr = from;
  c.related = from;
  remote_.push_back(c);
  return static_cast<std::uint32_t>(remote_.size() - 1);
}

void IceAgent::handle_check(net::Endpoint from, bool via_relay, bool use_candidate, std::uint32_t priority) {
  if (outcome_ != Outcome::kPending) return;
  const std::uint32_t l = local_for(via_relay, from);
  int r = find_remote(from);
  // 6.1.2.5: a pair this check would add must fit under the pair limit; if it does not,
  // the check was answered (7.3.1.2) and nothing else happens.
  if ((r < 0 || checks_.find(l, static_cast<std::uint32_t>(r)) < 0) && !checks_.make_room_for_learned(use_candidate))
    return;
  if (r < 0) r = static_cast<int>(add_peer_reflexive_remote(from, priority));
  const auto ru = static_cast<std::uint32_t>(r);
  int idx = checks_.find(l, ru);
  if (idx < 0) idx = static_cast<int>(checks_.add_pair(l, local_[l].key, ru, remote_[ru].key, controlling_));
  checks_.trigger(static_cast<std::size_t>(idx));  // 7.3.1.4
  if (use_candidate) {
    // 7.3.1.5: nominated if the pair is (or becomes) valid.
    if (checks_.pair(idx).state == PairState::kSucceeded) {
      complete(static_cast<std::size_t>(idx));
      return;
    }
    nominate_on_success_.push_back(pair_key(l, ru));
  }
  arm(last_check_ + cfg_->checks.ta > sim_->now() ? last_check_ + cfg_->checks.ta : sim_->now());
}

void IceAgent::on_response(const stun::Message& m, net::Endpoint from, bool via_relay) {
  if (m.tid.words[0] != id_) return;
  const std::uint32_t kind = m.tid.words[2] >> 28;
  if (kind == kKindConsent) {
    if (outcome_ != Outcome::kPending && outcome_ != Outcome::kFailed && from == sel_remote_addr_)
      last_consent_ok_ = sim_->now();
    return;
  }
  if (kind == kKindProbe) {
    if (probe_pending_ && m.tid.words[1] == probe_seq_) {
      probe_pending_ = false;
      probe_state_ = 1;
      if (observer_) observer_->on_probe_result(*this, true);
    }
    return;
  }
  if (lw() && lw_on_response(m, from, via_relay)) return;
  if (kind != kKindCheck || outcome_ != Outcome::kPending) return;
  const std::uint32_t key = m.tid.words[1];
  const int idx = checks_.find(key >> 16, key & 0xffff);
  if (idx < 0) return;
  CandidatePair& p = checks_.pair(static_cast<std::size_t>(idx));
  // The current transaction, or one cancelled by a triggered check (7.3.1.4: its response
  // is still accepted for an RTO; p2psim accepts it while the pair is not yet decided).
  const std::uint32_t tn = m.tid.words[2] & 0x0fffffff;
  if (tn > p.transaction || (p.state != PairState::kInProgress && p.state != PairState::kWaiting)) return;
  // 7.2.5.2.1: the response must come from where the request went and arrive where it
  // left from (the relayed candidate or the socket); otherwise the pair fails.
  if (from != remote_[p.remote].addr || (p.local == relay_index_) != via_relay) {
    p.state = PairState::kFailed;
    if (checks_.all_failed()) fail();
    return;
  }
  // 7.2.5.3.1: the mapped address names the valid pair's local candidate.
  CandidateType ltype = local_[p.local].key.type;
  if (p.local != relay_index_ && m.has(stun::kXorMappedAddress)) {
    const int l = find_local(m.xor_mapped_address);
    if (l >= 0) {
      ltype = local_[l].key.type;
    } else {
      Candidate c;
      c.key = {CandidateType::kPeerReflexive, m.priority ? m.priority : candidate_priority(CandidateType::kPeerReflexive),
               0x40000000u | static_cast<std::uint32_t>(local_.size()), p.local};
      c.key.priority = candidate_priority(CandidateType::kPeerReflexive);
      c.key.ipv6 = local_[p.local].key.ipv6;
      c.addr = m.xor_mapped_address;
      c.related = local_[p.local].addr;
      local_.push_back(c);
      ltype = CandidateType::kPeerReflexive;
    }
  }
  bool known = false;
  for (Valid& v : valid_)
    if (v.key == key) { v.local_type = ltype; known = true; }
  if (!known) valid_.push_back({key, ltype});
  const bool carried_use = p.use_candidate && controlling_;
  checks_.on_success(static_cast<std::size_t>(idx));
  if (first_valid_ == SimTime::max()) first_valid_ = sim_->now();
  if (carried_use || (lw() && controlling_)) {  // libwebrtc: the first writable pair is selected
    complete(static_cast<std::size_t>(idx));  // 8.1.1: nominated pair confirmed
    return;
  }
  if (!controlling_) {
    for (std::uint32_t k : nominate_on_success_)
      if (k == key) {
        complete(static_cast<std::size_t>(idx));
        return;
      }
    return;
  }
  maybe_nominate();
  if (!nominating_) arm(first_valid_ + cfg_->nomination_wait);
}

void IceAgent::maybe_nominate() {
  if (!controlling_ || nominating_ || outcome_ != Outcome::kPending) return;
  // Best valid pair; nominate now if no higher-priority pair is still pending, or once
  // the nomination wait has passed.
  int best = -1;
  bool pending_above = false;
  for (std::size_t i = 0; i < checks_.pairs().size(); ++i) {
    const CandidatePair& p = checks_.pair(i);
    if (p.state == PairState::kSucceeded) {
      best = static_cast<int>(i);
      break;
    }
    if (p.state != PairState::kFailed) pending_above = true;
  }
  if (best < 0) return;
  if (pending_above && sim_->now() < first_valid_ + cfg_->nomination_wait) return;
  nominate(static_cast<std::size_t>(best));
}

void IceAgent::nominate(std::size_t i) {
  nominating_ = true;
  checks_.trigger(i, true);
  arm(last_check_ + cfg_->checks.ta > sim_->now() ? last_check_ + cfg_->checks.ta : sim_->now());
}

void IceAgent::set_selected(std::size_t i) {
  const CandidatePair& p = checks_.pair(i);
  const std::uint32_t key = pair_key(p.local, p.remote);
  sel_local_ = p.local;
  sel_local_type_ = local_[p.local].key.type;
  for (const Valid& v : valid_)
    if (v.key == key) sel_local_type_ = v.local_type;
  sel_remote_type_ = remote_[p.remote].key.type;
  sel_remote_addr_ = remote_[p.remote].addr;
  selected_key_ = key;
  checks_.pair(i).nominated = true;
  outcome_ = (p.local == relay_index_ || is_relayed(sel_remote_type_)) ? Outcome::kRelayed : Outcome::kDirect;
}

void IceAgent::complete(std::size_t i) {
  set_selected(i);
  completed_at_ = sim_->now();
  if (lw()) lw_capture_pending();
  checks_.stop_all();  // 8.1.2
  ++gen_;
  armed_at_ = SimTime::max();
  last_consent_ok_ = sim_->now();
  last_sent_selected_ = sim_->now();
  if (observer_) observer_->on_completed(*this);
  // Keepalives and consent only for a session that stays up (the observer may have
  // closed the agent: a set-up-only session schedules no timers it would never use).
  if (!closed_) start_keepalives();
  if (lw()) lw_after_select();
}

void IceAgent::fail() {
  if (outcome_ != Outcome::kPending) return;
  outcome_ = Outcome::kFailed;
  completed_at_ = sim_->now();
  checks_.stop_all();
  ++gen_;
  armed_at_ = SimTime::max();
  if (observer_) observer_->on_failed(*this);
}

void IceAgent::close() {
  closed_ = true;
  ++gen_;
  ++ka_gen_;
  probe_pending_ = false;
}

void IceAgent::arm(SimTime t) {
  if (closed_ || outcome_ != Outcome::kPending) return;
  if (t < sim_->now()) t = sim_->now();
  if (armed_at_ != SimTime::max() && armed_at_ >= sim_->now() && armed_at_ <= t) return;
  armed_at_ = t;
  const std::uint64_t g = ++gen_;
  at(t, Wake{this, g});
}

void IceAgent::prefetch_tick(Lookahead stage) const noexcept {
  if (stage == Lookahead::far) {
    prefetch_lines(this, std::min<std::size_t>(5 * 64, sizeof(IceAgent)));
  } else {
    const std::span<const CandidatePair> pairs = checks_.pairs();
    if (!pairs.empty()) prefetch_lines(pairs.data(), 2 * 64);
    if (!remote_.empty()) prefetch_line(remote_.data());
  }
}

void IceAgent::wake(std::uint64_t g) {
  if (g != gen_ || closed_) return;
  armed_at_ = SimTime::max();
  on_tick();
}

namespace {
// Scratch lists for on_tick, shared by the agents of a thread (a million agents need not
// carry two vectors each). Borrowed for the duration of a tick and handed back, so a
// nested tick would just get fresh vectors.
struct TickScratch {
  std::vector<int> retransmit, failed;
};
thread_local TickScratch t_scratch;
struct BorrowedScratch {
  TickScratch s = std::move(t_scratch);
  BorrowedScratch() {
    s.retransmit.clear();
    s.failed.clear();
  }
  ~BorrowedScratch() { t_scratch = std::move(s); }
};
}  // namespace

void IceAgent::on_tick() {
  if (outcome_ != Outcome::kPending) return;
  const SimTime now = sim_->now();
  BorrowedScratch scratch;
  std::vector<int>& retransmit = scratch.s.retransmit;
  std::vector<int>& failed = scratch.s.failed;
  checks_.poll_timeouts(now, retransmit, failed);
  for (int i : retransmit) {
    ++checks_sent_;
    const CandidatePair& p = checks_.pair(static_cast<std::size_t>(i));
    send(p.local, remote_[p.remote].addr, make_check(p));
  }
  if (!failed.empty()) {
    for (int i : failed) {
      const CandidatePair& p = checks_.pair(static_cast<std::size_t>(i));
      if (nominating_ && p.use_candidate) nominating_ = false;  // nomination lost: retry below
    }
    if (checks_.all_failed()) {
      if (may_fail()) fail();  // trickle: more candidates may still come (RFC 8838 8)
      return;
    }
  }
  if (controlling_ && !nominating_ && first_valid_ != SimTime::max()) maybe_nominate();
  if (now >= last_check_ + cfg_->checks.ta && checks_.has_sendable()) {
    const int i = checks_.start_next_check(now);
    if (i >= 0) {
      last_check_ = now;
      send_check(static_cast<std::size_t>(i));
    }
  }
  if (outcome_ != Outcome::kPending) return;
  SimTime next = checks_.next_deadline();
  if (checks_.has_sendable()) {
    const SimTime slot = last_check_ + cfg_->checks.ta > now ? last_check_ + cfg_->checks.ta : now;
    if (slot < next) next = slot;
  }
  if (controlling_ && !nominating_ && first_valid_ != SimTime::max()) {
    const SimTime nt = first_valid_ + cfg_->nomination_wait;
    if (nt > now && nt < next) next = nt;
  }
  if (next == SimTime::max()) {
    // Nothing pending and not completed: every pair is done without a nomination. With
    // trickle, more candidates may still come (RFC 8838 8): check_trickle_failure decides
    // (an agent may have no pair at all yet, e.g. when every signalled candidate was an
    // mDNS name of another link).
    if (!nominating_ && may_fail() && (!controlling_ || first_valid_ == SimTime::max())) {
      if (checks_.all_failed() || checks_.count(PairState::kSucceeded) == 0) fail();
    }
    return;
  }
  arm(next);
}

}  // namespace p2psim::ice
