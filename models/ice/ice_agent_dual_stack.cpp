// IceAgent members for dual stack (IPv4 + IPv6) and mDNS host candidates; the hooks that
// call them are in ice_agent.cpp. Model: dual_stack.hpp, mdns.hpp.
#include "models/ice/dual_stack.hpp"
#include "models/ice/ice_agent.hpp"
#include "models/ice/mdns.hpp"

namespace p2psim::ice {

std::uint32_t IceAgent::lp4(std::uint32_t k) const { return local_preference(false, dual_stack(), k); }

void IceAgent::add_local_host6() {
  // The IPv6 host candidate (RFC 8421 preference, dual_stack.hpp) on the same socket; no
  // NAT rewrites it, so its server-reflexive address would be redundant (5.1.3) unless
  // the host candidate is an mDNS name.
  const auto idx = static_cast<std::uint32_t>(local_.size());
  Candidate h;
  h.key = {CandidateType::kHost, candidate_priority(CandidateType::kHost, local_preference(true, true)),
           foundation(CandidateType::kHost, host6_.addr, {}), idx};
  h.key.ipv6 = true;
  h.addr = host6_;
  h.related = host6_;
  h.mdns_lan = mdns_ ? (lan_ ? lan_ : UINT32_MAX) : 0;
  host6_index_ = idx;
  local_.push_back(h);
  if (mdns_) {
    Candidate s = h;
    s.key.type = CandidateType::kServerReflexive;
    s.key.priority = candidate_priority(CandidateType::kServerReflexive, local_preference(true, true));
    s.key.foundation = foundation(CandidateType::kServerReflexive, host6_.addr, {});
    s.mdns_lan = 0;
    local_.push_back(s);
  }
}

bool IceAgent::pairable(const Candidate& l, const Candidate& r) const { return l.key.ipv6 == r.key.ipv6; }

bool IceAgent::resolvable(const Candidate& r) const { return mdns_resolvable(r.mdns_lan, lan_); }

}  // namespace p2psim::ice
