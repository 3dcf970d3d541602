#include "models/nat/nat.hpp"

#include <algorithm>

namespace p2psim::nat {

using net::Endpoint;
using net::Transport;

const char* to_string(Mapping m) {
  switch (m) {
    case Mapping::endpoint_independent: return "endpoint-independent";
    case Mapping::address_dependent: return "address-dependent";
    case Mapping::address_port_dependent: return "address-and-port-dependent";
  }
  return "?";
}
const char* to_string(Filtering f) {
  switch (f) {
    case Filtering::endpoint_independent: return "endpoint-independent";
    case Filtering::address_dependent: return "address-dependent";
    case Filtering::address_port_dependent: return "address-and-port-dependent";
  }
  return "?";
}
const char* to_string(PortAssignment p) {
  switch (p) {
    case PortAssignment::preserve: return "preserve";
    case PortAssignment::sequential: return "sequential";
    case PortAssignment::random: return "random";
  }
  return "?";
}
const char* short_name(Mapping m) {
  switch (m) {
    case Mapping::endpoint_independent: return "EIM";
    case Mapping::address_dependent: return "ADM";
    case Mapping::address_port_dependent: return "APDM";
  }
  return "?";
}
const char* short_name(Filtering f) {
  switch (f) {
    case Filtering::endpoint_independent: return "EIF";
    case Filtering::address_dependent: return "ADF";
    case Filtering::address_port_dependent: return "APDF";
  }
  return "?";
}

const char* to_string(MappingRule r) {
  switch (r) {
    case MappingRule::port_preserved: return "new mapping, internal port preserved";
    case MappingRule::preserve_fallback: return "new mapping, internal port taken: fallback port";
    case MappingRule::sequential: return "new mapping, next sequential port";
    case MappingRule::random: return "new mapping, random port";
    case MappingRule::reuse_endpoint_independent:
      return "mapping reused: same internal endpoint (endpoint-independent mapping)";
    case MappingRule::reuse_same_address:
      return "mapping reused: same internal endpoint and remote address (address-dependent mapping)";
    case MappingRule::reuse_same_endpoint:
      return "mapping reused: same internal endpoint and remote endpoint (address-and-port-dependent mapping)";
    case MappingRule::expired_timeout: return "mapping expired: no refreshing traffic within the timeout";
  }
  return "?";
}

const char* to_string(FilterRule r) {
  switch (r) {
    case FilterRule::accept_outbound: return "outbound packet translated";
    case FilterRule::accept_endpoint_independent:
      return "accepted: endpoint-independent filtering admits any remote on an active mapping";
    case FilterRule::accept_known_address:
      return "accepted: the mapping has sent to this remote address (address-dependent filtering)";
    case FilterRule::accept_known_endpoint:
      return "accepted: the mapping has sent to this remote address and port (address-and-port-dependent filtering)";
    case FilterRule::drop_no_mapping: return "dropped: no active mapping for this external port";
    case FilterRule::drop_unknown_address:
      return "dropped: the mapping never sent to this remote address (address-dependent filtering)";
    case FilterRule::drop_unknown_endpoint:
      return "dropped: the mapping never sent to this remote address and port (address-and-port-dependent filtering)";
    case FilterRule::drop_hairpin_disabled: return "dropped: hairpinning is disabled";
    case FilterRule::drop_udp_blocked: return "dropped: firewall blocks outbound UDP";
    case FilterRule::drop_tcp_port_blocked: return "dropped: firewall allows outbound TCP only to one port";
    case FilterRule::drop_pool_exhausted: return "dropped: no free external port (pool or mapping limit)";
  }
  return "?";
}

bool is_accept(FilterRule r) {
  return r == FilterRule::accept_outbound || r == FilterRule::accept_endpoint_independent ||
         r == FilterRule::accept_known_address || r == FilterRule::accept_known_endpoint;
}

namespace {
// TLS is TCP to a NAT.
Transport nat_transport(Transport t) { return t == Transport::udp ? Transport::udp : Transport::tcp; }
std::uint64_t internal_index_key(Transport t, Endpoint e) {
  return (e.key() << 1) | (t == Transport::udp ? 0u : 1u);
}
std::uint32_t port_index_key(Transport t, std::uint16_t port) {
  return (std::uint32_t{port} << 1) | (t == Transport::udp ? 0u : 1u);
}
}  // namespace

Nat::Nat(const NatConfig& config, net::Ipv4 external, std::uint64_t seed)
    : config_(&config), external_(external), rng_(seed) {}

SimTime Nat::timeout_of(const Entry& e) const {
  if (e.transport != Transport::udp) return config_->tcp_timeout;
  if (!e.replied || e.local) return config_->udp_unreplied_timeout;
  if (config_->udp_stream_after == SimTime::zero()) return config_->udp_timeout;
  return e.stream ? config_->udp_timeout : config_->udp_unreplied_timeout;
}

void Nat::refresh(Entry& e, SimTime now) const {
  e.last_active = now;
  // nf_conntrack_udp_packet: with a reply seen, time_after(jiffies, stream_ts) selects
  // the stream timeout (and sets ASSURED) -- strictly later than start + 2 s.
  if (e.replied && now > e.created + config_->udp_stream_after) e.stream = true;
}

Endpoint Nat::mapping_key_remote(Endpoint remote) const {
  // Linux-style per-destination port reuse keys every flow by its full 5-tuple (conntrack).
  if (config_->port_reuse_per_destination) return remote;
  switch (config_->mapping) {
    case Mapping::endpoint_independent: return Endpoint{};
    case Mapping::address_dependent: return Endpoint{remote.addr, 0};
    case Mapping::address_port_dependent: return remote;
  }
  return remote;
}

void Nat::expire(std::uint32_t idx, SimTime now) {
  (void)now;
  Entry& e = entries_[idx];
  if (observer_ && !e.local) {
    MappingEvent ev{e.last_active + timeout_of(e), e.transport, e.internal, Endpoint{external_, e.external_port},
                    e.remote_key, MappingRule::expired_timeout};
    observer_->on_mapping_expired(*this, ev);
  }
  for (std::uint32_t f = e.first_filter; f != UINT32_MAX;) {
    const std::uint32_t next = filters_[f].next;
    filters_[f].next = free_filter_;
    free_filter_ = f;
    f = next;
  }
  if (index_) {
    index_->by_port.erase(port_index_key(e.transport, e.external_port), idx);
    index_->by_internal.erase(internal_index_key(e.transport, e.internal), idx);
  }
  e = Entry{};
  e.first_filter = free_entry_;
  free_entry_ = idx;
  --live_;
}

void Nat::sweep(SimTime now) {
  for (std::uint32_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].live && expired(entries_[i], now)) expire(i, now);
}

std::uint32_t Nat::find_mapping(Transport t, Endpoint internal, Endpoint key_remote, SimTime now) {
  auto matches = [&](std::uint32_t i) {
    const Entry& e = entries_[i];
    return e.live && !e.local && e.transport == t && e.internal == internal && e.remote_key == key_remote;
  };
  std::uint32_t found = UINT32_MAX;
  if (index_) {
    index_->by_internal.for_each(internal_index_key(t, internal), [&](std::uint32_t i) {
      if (!matches(i)) return true;
      found = i;
      return false;
    });
  } else {
    for (std::uint32_t i = 0; i < entries_.size(); ++i)
      if (matches(i)) { found = i; break; }
  }
  if (found != UINT32_MAX && expired(entries_[found], now)) {
    expire(found, now);
    return UINT32_MAX;
  }
  return found;
}

bool Nat::port_in_use(Transport t, std::uint16_t port, Endpoint remote, SimTime now) const {
  const bool per_dest = config_->port_reuse_per_destination;
  auto uses = [&](const Entry& e) {
    return e.live && e.transport == t && e.external_port == port && !expired(e, now) &&
           (!per_dest || e.remote_key == remote);
  };
  if (index_) {
    bool used = false;
    index_->by_port.for_each(port_index_key(t, port), [&](std::uint32_t i) { return !(used = uses(entries_[i])); });
    return used;
  }
  for (const Entry& e : entries_)
    if (uses(e)) return true;
  return false;
}

bool Nat::block_in_use(Transport t, std::uint16_t start, SimTime now) const {
  const std::uint32_t end = std::uint32_t{start} + config_->port_block_size;
  auto uses = [&](const Entry& e) {
    return e.live && !e.local && e.transport == t && e.external_port >= start && e.external_port < end && !expired(e, now);
  };
  // A carrier NAT holds thousands of mappings: look the block's ports up in the index
  // (every live entry is in by_port) rather than scan them all.
  if (index_ && config_->port_block_size < live_) {
    bool used = false;
    for (std::uint32_t port = start; port < end && !used; ++port)
      index_->by_port.for_each(port_index_key(t, static_cast<std::uint16_t>(port)),
                               [&](std::uint32_t i) { return !(used = uses(entries_[i])); });
    return used;
  }
  for (const Entry& e : entries_)
    if (uses(e)) return true;
  return false;
}

std::vector<std::uint16_t> Nat::blocks_of(net::Ipv4 subscriber) const {
  if (!blocks_) return {};
  const std::uint32_t* i = blocks_->of.find(subscriber.value);
  if (i == nullptr) return {};
  const auto& list = blocks_->lists[*i];
  return std::vector<std::uint16_t>(list.begin(), list.end());
}

std::uint16_t Nat::choose_block_port(Transport t, net::Ipv4 subscriber, Endpoint remote, SimTime now) {
  const NatConfig& c = *config_;
  const std::uint32_t size = c.port_block_size, lo = c.port_min;
  const std::uint32_t nblocks = (std::uint32_t{c.port_max} - lo + 1) / size;
  if (nblocks == 0) return 0;
  if (!blocks_) {
    blocks_ = std::make_unique<PortBlocks>();
    blocks_->taken.assign(nblocks, 0);
  }
  PortBlocks& pb = *blocks_;
  const std::uint32_t list = pb.of.get_or_insert(subscriber.value, static_cast<std::uint32_t>(pb.lists.size()));
  if (list == pb.lists.size()) pb.lists.emplace_back();
  auto& mine = pb.lists[list];
  auto block_index = [&](std::uint16_t start) { return (std::uint32_t{start} - lo) / size; };
  auto free_port_in = [&](std::uint16_t start) -> std::uint16_t {
    const std::uint32_t off = static_cast<std::uint32_t>(rng_.below(size));
    for (std::uint32_t k = 0; k < size; ++k) {
      const std::uint32_t p = start + (off + k) % size;
      if (!port_in_use(t, static_cast<std::uint16_t>(p), remote, now)) return static_cast<std::uint16_t>(p);
    }
    return 0;
  };
  // Inactive blocks (all but the newest, the active one) that no live mapping uses go back
  // to the pool (Juniper: "any inactive block without any ports in use will be freed").
  for (std::size_t i = 0; i + 1 < mine.size();) {
    if (!block_in_use(Transport::udp, mine[i], now) && !block_in_use(Transport::tcp, mine[i], now)) {
      pb.taken[block_index(mine[i])] = 0;
      mine.erase(mine.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  for (auto it = mine.rbegin(); it != mine.rend(); ++it)
    if (const std::uint16_t p = free_port_in(*it)) return p;
  if (c.max_blocks_per_subscriber != 0 && mine.size() >= c.max_blocks_per_subscriber) return 0;  // quota
  const std::uint32_t first = static_cast<std::uint32_t>(rng_.below(nblocks));
  for (std::uint32_t k = 0; k < nblocks; ++k) {
    const auto start = static_cast<std::uint16_t>(lo + ((first + k) % nblocks) * size);
    std::uint8_t& taken = pb.taken[block_index(start)];
    if (taken) continue;
    taken = 1;
    mine.push_back(start);
    return free_port_in(start);
  }
  return 0;  // pool of blocks exhausted
}

std::uint16_t Nat::choose_port(Transport t, std::uint16_t internal_port, Endpoint remote, SimTime now,
                               MappingRule& rule) {
  const NatConfig& c = *config_;
  const std::uint32_t lo = c.port_min, hi = c.port_max;
  const std::uint32_t span = hi - lo + 1;
  const bool parity = c.port_parity;
  auto ok = [&](std::uint32_t p) {
    return p >= lo && p <= hi && (!parity || (p & 1u) == (internal_port & 1u)) &&
           !port_in_use(t, static_cast<std::uint16_t>(p), remote, now);
  };
  auto random_port = [&]() -> std::uint16_t {
    for (int tries = 0; tries < 64; ++tries) {
      const std::uint32_t p = lo + static_cast<std::uint32_t>(rng_.below(span));
      if (ok(p)) return static_cast<std::uint16_t>(p);
    }
    const std::uint32_t start = static_cast<std::uint32_t>(rng_.below(span));
    for (std::uint32_t k = 0; k < span; ++k) {
      const std::uint32_t p = lo + (start + k) % span;
      if (ok(p)) return static_cast<std::uint16_t>(p);
    }
    return 0;
  };
  auto sequential_port = [&]() -> std::uint16_t {
    if (next_seq_port_ == 0) next_seq_port_ = static_cast<std::uint16_t>(lo + rng_.below(span));
    std::uint32_t p = next_seq_port_;
    const std::uint32_t delta = std::max<std::uint32_t>(1, c.port_delta);
    for (std::uint32_t k = 0; k < span; ++k) {
      if (ok(p)) {
        next_seq_port_ = static_cast<std::uint16_t>(lo + (p - lo + delta) % span);
        return static_cast<std::uint16_t>(p);
      }
      p = lo + (p - lo + (parity ? 2 * ((delta + 1) / 2) : delta)) % span;
      if (parity && (p & 1u) != (internal_port & 1u)) p = lo + (p - lo + 1) % span;
    }
    return 0;
  };
  // nf_nat_l4proto_unique_tuple (nf_nat_core.c), source NAT without a port range.
  auto linux_scan = [&]() -> std::uint16_t {
    std::uint32_t min = 1024, size = 65535 - 1024 + 1;
    if (internal_port < 512) {
      min = 1;
      size = 511;
    } else if (internal_port < 1024) {
      min = 600;
      size = 1023 - 600 + 1;
    }
    std::uint32_t off = static_cast<std::uint32_t>(rng_.below(65536));  // get_random_u16()
    std::uint32_t attempts = std::min<std::uint32_t>(size, 128);        // NF_NAT_MAX_ATTEMPTS
    for (;;) {
      for (std::uint32_t i = 0; i < attempts; ++i, ++off) {
        const std::uint32_t p = min + off % size;
        if (!port_in_use(t, static_cast<std::uint16_t>(p), remote, now)) return static_cast<std::uint16_t>(p);
      }
      if (attempts >= size || attempts < 16) return 0;
      attempts /= 2;
      off = static_cast<std::uint32_t>(rng_.below(65536));
    }
  };
  switch (c.ports) {
    case PortAssignment::preserve:
      if (ok(internal_port)) {
        rule = MappingRule::port_preserved;
        return internal_port;
      }
      rule = MappingRule::preserve_fallback;
      switch (c.fallback) {
        case PreserveFallback::random: return random_port();
        case PreserveFallback::sequential: return sequential_port();
        case PreserveFallback::linux_scan: return linux_scan();
      }
      return 0;
    case PortAssignment::sequential:
      rule = MappingRule::sequential;
      return sequential_port();
    case PortAssignment::random:
      rule = MappingRule::random;
      return random_port();
  }
  return 0;
}

void Nat::add_filter(std::uint32_t idx, Endpoint remote) {
  if (config_->filtering == Filtering::endpoint_independent) return;
  const Endpoint key =
      config_->filtering == Filtering::address_dependent ? Endpoint{remote.addr, 0} : remote;
  Entry& e = entries_[idx];
  for (std::uint32_t f = e.first_filter; f != UINT32_MAX; f = filters_[f].next)
    if (filters_[f].remote == key) return;
  std::uint32_t f;
  if (free_filter_ != UINT32_MAX) {
    f = free_filter_;
    free_filter_ = filters_[f].next;
  } else {
    f = static_cast<std::uint32_t>(filters_.size());
    filters_.emplace_back();
  }
  filters_[f] = FilterSlot{key, e.first_filter};
  e.first_filter = f;
}

bool Nat::filter_allows(const Entry& e, Endpoint remote, FilterRule& rule) const {
  switch (config_->filtering) {
    case Filtering::endpoint_independent:
      rule = FilterRule::accept_endpoint_independent;
      return true;
    case Filtering::address_dependent:
      for (std::uint32_t f = e.first_filter; f != UINT32_MAX; f = filters_[f].next)
        if (filters_[f].remote.addr == remote.addr) {
          rule = FilterRule::accept_known_address;
          return true;
        }
      rule = FilterRule::drop_unknown_address;
      return false;
    case Filtering::address_port_dependent:
      for (std::uint32_t f = e.first_filter; f != UINT32_MAX; f = filters_[f].next)
        if (filters_[f].remote == remote) {
          rule = FilterRule::accept_known_endpoint;
          return true;
        }
      rule = FilterRule::drop_unknown_endpoint;
      return false;
  }
  return false;
}

FilterRule Nat::outbound(net::Packet& p, SimTime now) {
  const Transport t = nat_transport(p.transport);
  const NatConfig& c = *config_;
  auto report_drop = [&](FilterRule r) {
    if (observer_) observer_->on_filter(*this, FilterEvent{now, false, p.transport, p.dst, Endpoint{}, p.src, r});
    return r;
  };
  if (t == Transport::udp && c.block_outbound_udp) return report_drop(FilterRule::drop_udp_blocked);
  if (t == Transport::tcp && c.allowed_tcp_port != 0 && p.dst.port != c.allowed_tcp_port)
    return report_drop(FilterRule::drop_tcp_port_blocked);

  const Endpoint key_remote = mapping_key_remote(p.dst);
  std::uint32_t idx = find_mapping(t, p.src, key_remote, now);
  if (idx != UINT32_MAX) {
    Entry& e = entries_[idx];
    refresh(e, now);
    if (observer_) {
      MappingRule rule = MappingRule::reuse_same_endpoint;
      if (!c.port_reuse_per_destination) {
        if (c.mapping == Mapping::endpoint_independent) rule = MappingRule::reuse_endpoint_independent;
        else if (c.mapping == Mapping::address_dependent) rule = MappingRule::reuse_same_address;
      }
      observer_->on_mapping_reused(*this, MappingEvent{now, p.transport, p.src, Endpoint{external_, e.external_port},
                                                       p.dst, rule});
    }
  } else {
    if (now >= next_sweep_) {
      sweep(now);
      next_sweep_ = now + SimTime::s(10);
    }
    if (c.max_mappings != 0 && live_ >= c.max_mappings) return report_drop(FilterRule::drop_pool_exhausted);
    MappingRule rule = MappingRule::random;
    const std::uint16_t port = c.port_block_size ? choose_block_port(t, p.src.addr, p.dst, now)
                                                 : choose_port(t, p.src.port, p.dst, now, rule);
    if (port == 0) return report_drop(FilterRule::drop_pool_exhausted);
    idx = new_entry();
    Entry& e = entries_[idx];
    e.internal = p.src;
    e.remote_key = key_remote;
    e.external_port = port;
    e.transport = t;
    e.last_active = now;
    e.created = now;
    index_entry(idx);
    if (observer_)
      observer_->on_mapping_created(*this, MappingEvent{now, p.transport, p.src, Endpoint{external_, port}, p.dst, rule});
  }
  add_filter(idx, p.dst);
  p.src = Endpoint{external_, entries_[idx].external_port};
  return FilterRule::accept_outbound;
}

std::uint32_t Nat::new_entry() {
  std::uint32_t idx;
  if (free_entry_ != UINT32_MAX) {
    idx = free_entry_;
    free_entry_ = entries_[idx].first_filter;
  } else {
    idx = static_cast<std::uint32_t>(entries_.size());
    entries_.emplace_back();
  }
  entries_[idx] = Entry{};
  entries_[idx].live = true;
  ++live_;
  return idx;
}

void Nat::index_entry(std::uint32_t idx) {
  const Entry& e = entries_[idx];
  if (index_) {
    index_->by_port.insert(port_index_key(e.transport, e.external_port), idx);
    index_->by_internal.insert(internal_index_key(e.transport, e.internal), idx);
  } else if (live_ >= kIndexAt) {
    index_ = std::make_unique<Index>();
    for (std::uint32_t i = 0; i < entries_.size(); ++i)
      if (entries_[i].live) {
        index_->by_port.insert(port_index_key(entries_[i].transport, entries_[i].external_port), i);
        index_->by_internal.insert(internal_index_key(entries_[i].transport, entries_[i].internal), i);
      }
  }
}

void Nat::note_unsolicited(Transport t, Endpoint remote, std::uint16_t port, SimTime now) {
  // A conntrack entry for (remote -> external:port) delivered to the box itself: it holds
  // that reply tuple for the unreplied timeout and forwards nothing.
  if (now >= next_sweep_) {
    sweep(now);
    next_sweep_ = now + SimTime::s(10);
  }
  const std::uint32_t idx = new_entry();
  Entry& e = entries_[idx];
  e.local = true;
  e.remote_key = remote;
  e.external_port = port;
  e.transport = t;
  e.last_active = now;
  e.created = now;
  index_entry(idx);
}

FilterRule Nat::inbound(net::Packet& p, SimTime now) {
  const Transport t = nat_transport(p.transport);
  const std::uint16_t port = p.dst.port;
  // Candidate entries: live, same transport and external port. Without per-destination
  // reuse there is at most one; with it, prefer the flow whose remote is this sender.
  std::uint32_t best = UINT32_MAX, local = UINT32_MAX;
  FilterRule best_rule = FilterRule::drop_no_mapping;
  auto consider = [&](std::uint32_t i) {
    Entry& e = entries_[i];
    if (!e.live || e.transport != t || e.external_port != port) return;
    if (expired(e, now)) {
      expire(i, now);
      return;
    }
    if (e.local) {
      if (e.remote_key == p.src) local = i;
      return;
    }
    FilterRule r = FilterRule::drop_no_mapping;
    const bool ok = filter_allows(e, p.src, r);
    if (best == UINT32_MAX || (ok && !is_accept(best_rule))) {
      best = i;
      best_rule = r;
    }
  };
  if (index_) {
    std::uint32_t cand[16];
    std::size_t n = 0;
    index_->by_port.for_each(port_index_key(t, port), [&](std::uint32_t i) {
      cand[n++] = i;
      return n < 16;
    });
    for (std::size_t k = 0; k < n; ++k) consider(cand[k]);
  } else {
    for (std::uint32_t i = 0; i < entries_.size(); ++i) consider(i);
  }
  const Endpoint internal = best == UINT32_MAX ? Endpoint{} : entries_[best].internal;
  if (observer_)
    observer_->on_filter(*this, FilterEvent{now, true, p.transport, p.src, p.dst, internal, best_rule});
  if (!is_accept(best_rule)) {
    if (config_->inbound_creates_entry && t == Transport::udp) {
      if (local != UINT32_MAX)
        entries_[local].last_active = now;  // the same unsolicited flow again: refreshed
      else
        note_unsolicited(t, p.src, port, now);
    }
    return best_rule;
  }
  Entry& e = entries_[best];
  e.replied = true;
  if (config_->inbound_refresh) refresh(e, now);
  p.dst = e.internal;
  return best_rule;
}

FilterRule Nat::hairpin(net::Packet& p, SimTime now) {
  if (!config_->hairpinning) {
    if (observer_)
      observer_->on_filter(*this, FilterEvent{now, false, p.transport, p.dst, p.dst, p.src,
                                              FilterRule::drop_hairpin_disabled});
    return FilterRule::drop_hairpin_disabled;
  }
  const FilterRule out = outbound(p, now);
  if (!is_accept(out)) return out;
  return inbound(p, now);
}

std::optional<Endpoint> Nat::lookup(Transport t, Endpoint internal, Endpoint remote, SimTime now) const {
  t = nat_transport(t);
  const Endpoint key = mapping_key_remote(remote);
  for (const Entry& e : entries_)
    if (e.live && !e.local && e.transport == t && e.internal == internal && e.remote_key == key && !expired(e, now))
      return Endpoint{external_, e.external_port};
  return std::nullopt;
}

std::size_t Nat::active_mappings(SimTime now) const {
  std::size_t n = 0;
  for (const Entry& e : entries_)
    if (e.live && !e.local && !expired(e, now)) ++n;
  return n;
}

std::size_t Nat::memory_bytes() const {
  std::size_t n = sizeof(*this) + entries_.capacity() * sizeof(Entry) + filters_.capacity() * sizeof(FilterSlot);
  if (index_)
    n += sizeof(Index) + index_->by_port.memory_bytes() + index_->by_internal.memory_bytes();
  if (blocks_) {
    n += sizeof(PortBlocks) + blocks_->taken.capacity() + blocks_->of.memory_bytes() +
         blocks_->lists.capacity() * sizeof(blocks_->lists[0]);
  }
  return n;
}

}  // namespace p2psim::nat
