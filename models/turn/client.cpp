#include "models/turn/client.hpp"

#include <algorithm>

#include "models/net/network.hpp"
#include "models/turn/framing.hpp"

namespace p2psim::turn {

using net::Endpoint;
using stun::Message;

namespace {
constexpr std::uint64_t cookie(std::uint64_t kind, std::uint64_t index) { return kind | (index << 8); }
constexpr std::uint32_t kTimerAllocation = 0;
constexpr std::uint32_t timer_perm(std::size_t i) { return static_cast<std::uint32_t>(1 + 2 * i); }
constexpr std::uint32_t timer_chan(std::size_t i) { return static_cast<std::uint32_t>(2 + 2 * i); }
}  // namespace

Client::Client(net::Host& host, std::uint16_t local_port, ClientConfig cfg, ClientListener* listener,
               std::uint64_t seed)
    : host_(&host),
      port_(host.bind(local_port, this, 0, cfg.transport)),
      cfg_(cfg),
      listener_(listener),
      tx_(host, port_, seed, cfg.retransmit) {}

Client::~Client() { host_->unbind(port_, cfg_.transport); }

Message Client::authed(stun::Method m) const {
  Message msg = stun::make_request(m, {});
  if (authed_) {
    msg.username_len = cfg_.username_len;
    msg.realm_len = 16;
    msg.nonce_len = 16;
    for (auto a : {stun::kUsername, stun::kRealm, stun::kNonce, stun::kMessageIntegrity}) msg.set(a);
  }
  return msg;
}

void Client::allocate() {
  if (allocated_ || allocating_) return;
  allocating_ = true;
  if (net::is_stream(cfg_.transport) && !connected_) {
    host_->connect(port_, cfg_.server, cfg_.transport);
    return;
  }
  send_allocate(false);
}

void Client::on_connected(net::Host&, std::uint16_t, Endpoint, std::uint64_t) {
  connected_ = true;
  if (allocating_) send_allocate(false);
}

void Client::on_connect_failed(net::Host&, std::uint16_t, Endpoint, std::uint64_t) {
  allocating_ = false;
  if (listener_) listener_->on_allocate_failed(0);
}

void Client::send_allocate(bool with_auth) {
  authed_ = authed_ || with_auth;
  Message m = authed(stun::Method::allocate);
  m.requested_transport = stun::kProtoUdp;
  m.set(stun::kRequestedTransport);
  if (cfg_.lifetime_s) m.with_lifetime(cfg_.lifetime_s);
  tx_.start(m, cfg_.server, this, cookie(kAllocate, 0), cfg_.transport);
}

void Client::schedule(SimTime after, std::uint32_t what) {
  const std::uint32_t gen = gen_;
  host_->network().sim().schedule_after(after, [this, what, gen] { timer(what, gen); });
}

void Client::timer(std::uint32_t what, std::uint32_t gen) {
  if (gen != gen_ || !allocated_ || !cfg_.auto_refresh) return;
  if (what == kTimerAllocation) {
    Message m = authed(stun::Method::refresh);
    m.with_lifetime(cfg_.lifetime_s ? cfg_.lifetime_s : lifetime_s_);
    tx_.start(m, cfg_.server, this, cookie(kRefresh, 0), cfg_.transport);
  } else if (what % 2 == 1) {
    send_permission((what - 1) / 2);
  } else {
    send_channel((what - 2) / 2);
  }
}

void Client::create_permission(net::Ipv4 peer) {
  auto it = std::find_if(perms_.begin(), perms_.end(), [&](const Perm& p) { return p.peer == peer; });
  if (it != perms_.end()) return;
  perms_.push_back(Perm{peer, false});
  send_permission(perms_.size() - 1);
}

void Client::send_permission(std::size_t i) {
  Message m = authed(stun::Method::create_permission);
  m.with_peer(Endpoint{perms_[i].peer, 0});
  tx_.start(m, cfg_.server, this, cookie(kPermission, i), cfg_.transport);
}

void Client::bind_channel(Endpoint peer) {
  if (channel_for(peer)) return;
  if (next_channel_ > kChannelMax) return;  // all 4096 numbers used (RFC 8656 12): Send indications
  chans_.push_back(Chan{next_channel_++, peer, false});
  send_channel(chans_.size() - 1);
}

void Client::send_channel(std::size_t i) {
  Message m = authed(stun::Method::channel_bind);
  m.with_peer(chans_[i].peer);
  m.channel = chans_[i].number;
  m.set(stun::kChannelNumber);
  tx_.start(m, cfg_.server, this, cookie(kChannel, i), cfg_.transport);
}

std::uint16_t Client::channel_for(Endpoint peer) const {
  for (const auto& c : chans_)
    if (c.peer == peer && c.confirmed) return c.number;
  return 0;
}

void Client::send(Endpoint peer, const net::Payload& payload, std::uint32_t size) {
  net::Packet p;
  p.src = Endpoint{host_->address(), port_};
  p.dst = cfg_.server;
  p.transport = cfg_.transport;
  p.payload = payload;
  const std::uint16_t ch = channel_for(peer);
  const auto len = static_cast<std::uint16_t>(size);
  p.turn = ch ? net::TurnFraming{net::TurnEncap::channel_data, ch, len, peer}
              : net::TurnFraming{net::TurnEncap::send_indication, 0, len, peer};
  p.size_bytes = framed_size(p.turn.kind, size, cfg_.transport);
  wire_sent_ += p.size_bytes;
  host_->send(p);
}

void Client::release() {
  if (!allocated_) return;
  Message m = authed(stun::Method::refresh);
  m.with_lifetime(0);
  tx_.start(m, cfg_.server, this, cookie(kRefresh, 1), cfg_.transport);
  allocated_ = false;
  ++gen_;
}

void Client::on_packet(net::Host&, const net::Packet& p, std::uint64_t) {
  if (p.turn.kind == net::TurnEncap::data_indication || p.turn.kind == net::TurnEncap::channel_data) {
    if (!listener_) return;
    net::Packet inner = p;
    inner.turn = net::TurnFraming{};
    inner.size_bytes = inner_size(p);
    inner.src = p.turn.peer;
    inner.dst = relayed_;
    inner.transport = net::Transport::udp;
    listener_->on_data(p.turn.peer, inner);
    return;
  }
  tx_.on_packet(p);
}

void Client::on_response(const Message& r, const net::Packet&, std::uint64_t ck) {
  const std::uint64_t kind = ck & 0xFF;
  const std::size_t index = static_cast<std::size_t>(ck >> 8);
  const bool ok = r.cls == stun::Class::success;
  switch (kind) {
    case kAllocate:
      if (!ok && r.error_code == stun::error::kUnauthorized && !authed_) {
        send_allocate(true);  // long-term credentials: repeat with USERNAME/REALM/NONCE/MI
        return;
      }
      allocating_ = false;
      if (!ok) {
        if (listener_) listener_->on_allocate_failed(r.error_code);
        return;
      }
      allocated_ = true;
      relayed_ = r.xor_relayed_address;
      mapped_ = r.xor_mapped_address;
      lifetime_s_ = r.lifetime_s;
      schedule(SimTime::s(lifetime_s_) - cfg_.refresh_margin, kTimerAllocation);
      if (listener_) listener_->on_allocated(relayed_, mapped_);
      return;
    case kRefresh:
      if (index == 1) return;  // release acknowledged
      if (!ok) {
        allocated_ = false;
        ++gen_;
        if (listener_) listener_->on_allocation_lost();
        return;
      }
      lifetime_s_ = r.lifetime_s;
      schedule(SimTime::s(lifetime_s_) - cfg_.refresh_margin, kTimerAllocation);
      return;
    case kPermission:
      if (index < perms_.size()) {
        perms_[index].confirmed = ok;
        if (ok) schedule(cfg_.permission_refresh, timer_perm(index));
        if (listener_) listener_->on_permission(perms_[index].peer, ok);
      }
      return;
    case kChannel:
      if (index < chans_.size()) {
        chans_[index].confirmed = ok;
        if (ok) schedule(SimTime::s(600) - cfg_.refresh_margin, timer_chan(index));
        if (listener_) listener_->on_channel(chans_[index].peer, chans_[index].number, ok);
      }
      return;
  }
}

void Client::on_timeout(const Message&, std::uint64_t ck) {
  const std::uint64_t kind = ck & 0xFF;
  const std::size_t index = static_cast<std::size_t>(ck >> 8);
  if (kind == kAllocate) {
    allocating_ = false;
    if (listener_) listener_->on_allocate_failed(0);
  } else if (kind == kRefresh && index == 0) {
    allocated_ = false;
    ++gen_;
    if (listener_) listener_->on_allocation_lost();
  } else if (kind == kPermission && index < perms_.size()) {
    if (listener_) listener_->on_permission(perms_[index].peer, false);
  } else if (kind == kChannel && index < chans_.size()) {
    if (listener_) listener_->on_channel(chans_[index].peer, chans_[index].number, false);
  }
}

}  // namespace p2psim::turn
