#include "models/turn/server.hpp"

#include <algorithm>

#include "models/net/network.hpp"
#include "models/turn/framing.hpp"

namespace p2psim::turn {

std::vector<net::Ipv4> extra_relay_addresses(std::size_t count) {
  std::vector<net::Ipv4> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    out.push_back(net::Ipv4::of(30, static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)));
  return out;
}

using net::Endpoint;
using net::Packet;
using net::Transport;
using stun::Message;

namespace {
// Lengths of the long-term-credential attributes in the 401 challenge and in the
// authenticated requests (typical coturn values: realm ~ 16 B, nonce 16 B).
constexpr std::uint16_t kRealmLen = 16;
constexpr std::uint16_t kNonceLen = 16;
}  // namespace

Server::Server(net::Host& host, ServerConfig cfg) : host_(&host), cfg_(std::move(cfg)) {
  host.bind(cfg_.port, this, kListener, Transport::udp);
  if (cfg_.tcp) host.bind(cfg_.port, this, kListener, Transport::tcp);
  if (cfg_.tls_port) host.bind(cfg_.tls_port, this, kListener, Transport::tls);
  relay_ips_.push_back(host.address());
  for (auto a : cfg_.relay_addresses) {
    host.add_address(a);
    relay_ips_.push_back(a);
  }
  free_ports_.assign(relay_ips_.size(), cfg_.relay_port_min);
  used_ports_.assign(relay_ips_.size(), 0);
}

Server::~Server() {
  host_->unbind(cfg_.port, Transport::udp);
  if (cfg_.tcp) host_->unbind(cfg_.port, Transport::tcp);
  if (cfg_.tls_port) host_->unbind(cfg_.tls_port, Transport::tls);
  for (const auto& a : allocs_)
    if (a.live) host_->unbind(a.relay.port, Transport::udp, a.relay.addr);
}

std::uint64_t Server::rejected(std::uint16_t code) const {
  auto it = rejected_.find(code);
  return it == rejected_.end() ? 0 : it->second;
}

void Server::on_packet(net::Host&, const Packet& p, std::uint64_t cookie) {
  if (cookie == kListener) handle_client(p);
  else handle_peer(static_cast<std::uint32_t>(cookie), p);
}

void Server::reply(const Packet& req, const Message& m) {
  host_->send_stun(req.dst.port, req.src, m, req.transport, req.dst.addr);
}

void Server::reject(const Packet& req, const Message& m, std::uint16_t code) {
  ++rejected_[code];
  if (observer_) observer_->on_rejected(code, req.src, host_->network().sim().now());
  Message e = stun::make_error(m, code);
  if (code == stun::error::kUnauthorized) {
    e.realm_len = kRealmLen;
    e.set(stun::kRealm);
    e.nonce_len = kNonceLen;
    e.set(stun::kNonce);
  }
  reply(req, e);
}

void Server::handle_client(const Packet& p) {
  const std::uint32_t* found = by_tuple_.find(five_tuple(p.src, p.transport));
  const std::uint32_t id = found == nullptr ? UINT32_MAX : *found;
  const SimTime now = host_->network().sim().now();
  if (p.turn.kind == net::TurnEncap::send_indication || p.turn.kind == net::TurnEncap::channel_data) {
    if (id == UINT32_MAX) return;  // no allocation: silently discarded (sections 11.2, 12.6)
    Allocation& a = allocs_[id];
    a.stats.wire_from_client += p.size_bytes;
    totals_.wire_from_client += p.size_bytes;
    Endpoint peer = p.turn.peer;
    if (p.turn.kind == net::TurnEncap::channel_data) {
      auto ch = std::find_if(a.channels.begin(), a.channels.end(),
                             [&](const Channel& c) { return c.number == p.turn.channel && c.expires > now; });
      if (ch == a.channels.end()) return;
      peer = ch->peer;
    }
    if (!permitted(a, peer.addr, now)) return;
    relay_to_peer(id, peer, p);
    return;
  }
  const Message* m = p.stun();
  if (!m || m->cls != stun::Class::request) return;
  if (m->method == stun::Method::allocate) {
    allocate(p, *m);
    return;
  }
  if (m->method != stun::Method::refresh && m->method != stun::Method::create_permission &&
      m->method != stun::Method::channel_bind)
    return;
  if (id == UINT32_MAX) {
    reject(p, *m, stun::error::kAllocationMismatch);  // 437: no allocation for this 5-tuple
    return;
  }
  if (m->method == stun::Method::refresh) refresh(id, p, *m);
  else if (m->method == stun::Method::create_permission) create_permission(id, p, *m);
  else channel_bind(id, p, *m);
}

SimTime Server::granted_lifetime(const Message& m) const {
  // RFC 8656 section 7.2: the client's LIFETIME bounded by the server maximum; values
  // below the default get the default.
  if (!m.has(stun::kLifetime)) return cfg_.default_lifetime;
  const SimTime asked = SimTime::s(m.lifetime_s);
  return std::max(cfg_.default_lifetime, std::min(asked, cfg_.max_lifetime));
}

bool Server::take_relay(Endpoint& out, std::uint32_t id) {
  const std::uint32_t span = std::uint32_t{cfg_.relay_port_max} - cfg_.relay_port_min + 1;
  for (std::size_t k = 0; k < relay_ips_.size(); ++k) {
    if (used_ports_[k] >= span) continue;
    for (std::uint32_t tries = 0; tries < span; ++tries) {
      const std::uint16_t port = free_ports_[k];
      free_ports_[k] = port == cfg_.relay_port_max ? cfg_.relay_port_min : static_cast<std::uint16_t>(port + 1);
      if (host_->bind(port, this, id, Transport::udp, relay_ips_[k]) != 0) {
        ++used_ports_[k];
        out = Endpoint{relay_ips_[k], port};
        return true;
      }
    }
  }
  return false;
}

void Server::allocate(const Packet& p, const Message& m) {
  const SimTime now = host_->network().sim().now();
  if (cfg_.require_auth && !m.has(stun::kMessageIntegrity) && !m.has(stun::kMessageIntegritySha256)) {
    ++rejected_[stun::error::kUnauthorized];
    Message e = stun::make_error(m, stun::error::kUnauthorized);
    e.realm_len = kRealmLen;
    e.set(stun::kRealm);
    e.nonce_len = kNonceLen;
    e.set(stun::kNonce);
    reply(p, e);
    return;
  }
  if (const std::uint32_t* existing = by_tuple_.find(five_tuple(p.src, p.transport))) {
    const Allocation& a = allocs_[*existing];
    if (a.tid == m.tid) {  // retransmission of the request that created it
      Message ok = stun::make_success(m);
      ok.xor_relayed_address = a.relay;
      ok.set(stun::kXorRelayedAddress);
      ok.with_lifetime(static_cast<std::uint32_t>((a.expires - now).count_ns() / 1'000'000'000));
      ok.with_xor_mapped(p.src);
      reply(p, ok);
      return;
    }
    reject(p, m, stun::error::kAllocationMismatch);
    return;
  }
  if (!m.has(stun::kRequestedTransport)) {
    reject(p, m, stun::error::kBadRequest);
    return;
  }
  if (m.requested_transport != stun::kProtoUdp) {
    reject(p, m, stun::error::kUnsupportedTransportProtocol);  // TCP relaying (RFC 6062) not modelled
    return;
  }
  std::uint32_t& per_ip = per_client_ip_.get_or_insert(p.src.addr.value, 0);  // valid: no other insert below
  if (cfg_.max_allocations_per_client && per_ip >= cfg_.max_allocations_per_client) {
    reject(p, m, stun::error::kAllocationQuotaReached);  // 486
    return;
  }
  const bool full = (cfg_.max_allocations && active_ >= cfg_.max_allocations) ||
                    (cfg_.capacity_bps > 0 && cfg_.allocation_bps > 0 &&
                     static_cast<double>(active_ + 1) * cfg_.allocation_bps > cfg_.capacity_bps);
  std::uint32_t id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<std::uint32_t>(allocs_.size());
    allocs_.emplace_back();
  }
  Endpoint relay;
  if (full || !take_relay(relay, id)) {
    free_.push_back(id);
    reject(p, m, stun::error::kInsufficientCapacity);  // 508
    return;
  }
  Allocation& a = allocs_[id];
  const std::uint32_t gen = a.gen + 1;
  a = Allocation{};
  a.gen = gen;
  a.live = true;
  a.client = p.src;
  a.server = p.dst;
  a.transport = p.transport;
  a.relay = relay;
  a.tid = m.tid;
  const SimTime life = granted_lifetime(m);
  a.expires = now + life;
  a.tokens = cfg_.max_allocation_bps / 8;
  a.tokens_at = now;
  by_tuple_.insert_or_assign(five_tuple(p.src, p.transport), id);
  ++per_ip;
  ++active_;
  ++created_;
  peak_ = std::max(peak_, active_);
  arm_expiry(id);
  if (observer_) observer_->on_allocation_created(id, p.src, relay, now);
  Message ok = stun::make_success(m);
  ok.xor_relayed_address = relay;
  ok.set(stun::kXorRelayedAddress);
  ok.with_lifetime(static_cast<std::uint32_t>(life.count_ns() / 1'000'000'000));
  ok.with_xor_mapped(p.src);
  ok.set(stun::kMessageIntegrity);
  reply(p, ok);
}

void Server::arm_expiry(std::uint32_t id) {
  const std::uint32_t gen = allocs_[id].gen;
  host_->network().sim().schedule_at(allocs_[id].expires, [this, id, gen] { expiry_timer(id, gen); });
}

void Server::expiry_timer(std::uint32_t id, std::uint32_t gen) {
  Allocation& a = allocs_[id];
  if (!a.live || a.gen != gen) return;
  const SimTime now = host_->network().sim().now();
  if (a.expires > now) {
    arm_expiry(id);  // refreshed since
    return;
  }
  release(id, true);
}

void Server::release(std::uint32_t id, bool expired) {
  Allocation& a = allocs_[id];
  host_->unbind(a.relay.port, Transport::udp, a.relay.addr);
  for (std::size_t k = 0; k < relay_ips_.size(); ++k)
    if (relay_ips_[k] == a.relay.addr) --used_ports_[k];
  by_tuple_.erase(five_tuple(a.client, a.transport));
  std::uint32_t* pc = per_client_ip_.find(a.client.addr.value);
  if (pc != nullptr && --*pc == 0) per_client_ip_.erase(a.client.addr.value);
  a.live = false;
  ++a.gen;
  a.perms.clear();
  a.perms.shrink_to_fit();
  a.channels.clear();
  a.channels.shrink_to_fit();
  --active_;
  free_.push_back(id);
  if (observer_) observer_->on_allocation_ended(id, expired, host_->network().sim().now());
}

void Server::refresh(std::uint32_t id, const Packet& p, const Message& m) {
  const SimTime now = host_->network().sim().now();
  Message ok = stun::make_success(m);
  ok.set(stun::kMessageIntegrity);
  if (m.has(stun::kLifetime) && m.lifetime_s == 0) {
    release(id, false);  // RFC 8656 section 8: lifetime 0 deletes the allocation
    ok.with_lifetime(0);
    reply(p, ok);
    return;
  }
  const SimTime life = granted_lifetime(m);
  allocs_[id].expires = now + life;
  ok.with_lifetime(static_cast<std::uint32_t>(life.count_ns() / 1'000'000'000));
  reply(p, ok);
}

bool Server::permitted(Allocation& a, net::Ipv4 peer, SimTime now) const {
  for (const auto& perm : a.perms)
    if (perm.peer == peer && perm.expires > now) return true;
  return false;
}

void Server::create_permission(std::uint32_t id, const Packet& p, const Message& m) {
  if (!m.has(stun::kXorPeerAddress)) {
    reject(p, m, stun::error::kBadRequest);
    return;
  }
  Allocation& a = allocs_[id];
  const SimTime exp = host_->network().sim().now() + cfg_.permission_lifetime;
  auto it = std::find_if(a.perms.begin(), a.perms.end(),
                         [&](const Permission& x) { return x.peer == m.xor_peer_address.addr; });
  if (it != a.perms.end()) it->expires = exp;
  else a.perms.push_back(Permission{m.xor_peer_address.addr, exp});
  Message ok = stun::make_success(m);
  ok.set(stun::kMessageIntegrity);
  reply(p, ok);
}

void Server::channel_bind(std::uint32_t id, const Packet& p, const Message& m) {
  if (!m.has(stun::kXorPeerAddress) || !m.has(stun::kChannelNumber) || m.channel < kChannelMin ||
      m.channel > kChannelMax) {
    reject(p, m, stun::error::kBadRequest);
    return;
  }
  Allocation& a = allocs_[id];
  const SimTime now = host_->network().sim().now();
  // Section 12.2: a channel is bound to one peer and a peer to one channel.
  for (const auto& c : a.channels)
    if (c.expires > now && ((c.number == m.channel) != (c.peer == m.xor_peer_address))) {
      reject(p, m, stun::error::kBadRequest);
      return;
    }
  auto it = std::find_if(a.channels.begin(), a.channels.end(), [&](const Channel& c) { return c.number == m.channel; });
  if (it != a.channels.end()) {
    it->peer = m.xor_peer_address;
    it->expires = now + cfg_.channel_lifetime;
  } else {
    a.channels.push_back(Channel{m.channel, m.xor_peer_address, now + cfg_.channel_lifetime});
  }
  // The binding also installs or refreshes a permission for the peer's address.
  const SimTime pexp = now + cfg_.permission_lifetime;
  auto perm = std::find_if(a.perms.begin(), a.perms.end(),
                           [&](const Permission& x) { return x.peer == m.xor_peer_address.addr; });
  if (perm != a.perms.end()) perm->expires = std::max(perm->expires, pexp);
  else a.perms.push_back(Permission{m.xor_peer_address.addr, pexp});
  Message ok = stun::make_success(m);
  ok.set(stun::kMessageIntegrity);
  reply(p, ok);
}

bool Server::police(Allocation& a, std::uint32_t bytes, SimTime now) {
  if (cfg_.max_allocation_bps <= 0) return true;
  const double rate = cfg_.max_allocation_bps / 8;  // bytes per second; burst = 1 s
  a.tokens = std::min(rate, a.tokens + rate * (now - a.tokens_at).seconds());
  a.tokens_at = now;
  if (a.tokens < bytes) {
    ++a.stats.dropped_policed;
    ++totals_.dropped_policed;
    return false;
  }
  a.tokens -= bytes;
  return true;
}

void Server::relay_to_peer(std::uint32_t id, Endpoint peer, const Packet& p) {
  Allocation& a = allocs_[id];
  const SimTime now = host_->network().sim().now();
  const std::uint32_t inner = inner_size(p);
  if (!police(a, inner, now)) return;
  Packet out;
  out.src = a.relay;
  out.dst = peer;
  out.transport = Transport::udp;
  out.size_bytes = inner;
  out.payload = p.payload;
  a.stats.bytes_to_peer += inner;
  ++a.stats.packets_to_peer;
  totals_.bytes_to_peer += inner;
  ++totals_.packets_to_peer;
  if (observer_) observer_->on_relayed(id, true, inner, now);
  host_->send(out);
}

void Server::handle_peer(std::uint32_t id, const Packet& p) {
  if (id >= allocs_.size() || !allocs_[id].live) return;
  Allocation& a = allocs_[id];
  const SimTime now = host_->network().sim().now();
  if (!permitted(a, p.src.addr, now)) {
    ++a.stats.dropped_no_permission;
    ++totals_.dropped_no_permission;
    if (observer_) observer_->on_permission_drop(id, p.src, now);
    return;
  }
  if (!police(a, p.size_bytes, now)) return;
  Packet out;
  out.src = a.server;
  out.dst = a.client;
  out.transport = a.transport;
  out.payload = p.payload;
  auto ch = std::find_if(a.channels.begin(), a.channels.end(),
                         [&](const Channel& c) { return c.peer == p.src && c.expires > now; });
  if (ch != a.channels.end()) {
    out.turn = net::TurnFraming{net::TurnEncap::channel_data, ch->number, static_cast<std::uint16_t>(p.size_bytes), p.src};
  } else {
    out.turn = net::TurnFraming{net::TurnEncap::data_indication, 0, static_cast<std::uint16_t>(p.size_bytes), p.src};
  }
  out.size_bytes = framed_size(out.turn.kind, p.size_bytes, a.transport);
  a.stats.bytes_to_client += p.size_bytes;
  a.stats.wire_to_client += out.size_bytes;
  ++a.stats.packets_to_client;
  totals_.bytes_to_client += p.size_bytes;
  totals_.wire_to_client += out.size_bytes;
  ++totals_.packets_to_client;
  if (observer_) observer_->on_relayed(id, false, p.size_bytes, now);
  host_->send(out);
}

}  // namespace p2psim::turn
