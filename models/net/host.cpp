#include "models/net/host.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/net/network.hpp"
#include "models/net/tls.hpp"

namespace p2psim::net {

namespace {
// Linux tcp_syn_retries = 6: SYN sent at 0, 1, 3, 7, 15, 31, 63 s; failure at 127 s
// (initial RTO 1 s, RFC 6298 section 2, doubling).
constexpr std::uint8_t kSynRetries = 6;
bool same_stream_kind(Transport a, Transport b) { return is_stream(a) == is_stream(b); }
}  // namespace

Host::Host(Network& net, NodeId id, Ipv4 address) : id_(id), address_(address), net_(&net) {}

void Host::add_address(Ipv4 a) {
  if (owns(a)) return;
  extra_.push_back(a);
  net_->register_address(id_, a);
}

bool Host::owns(Ipv4 a) const {
  return a == address_ || std::find(extra_.begin(), extra_.end(), a) != extra_.end();
}

Ipv4 Host::ipv6() const {
  for (Ipv4 a : extra_)
    if (a.is_ipv6()) return a;
  return {};
}

Ipv4 Host::source_for(Ipv4 dst) const {
  if (dst.is_ipv6() && !extra_.empty())
    if (const Ipv4 a = ipv6(); !a.is_unspecified()) return a;
  return address_;
}

const Host::Socket* Host::find_exact(Ipv4 addr, std::uint16_t port, Transport t) const {
  if (index_) {
    const std::uint32_t* i = index_->find(socket_key(addr, port, t));
    return i == nullptr ? nullptr : &sockets_[*i];
  }
  for (const auto& s : sockets_)
    if (s.port == port && s.addr == addr && same_stream_kind(s.transport, t)) return &s;
  return nullptr;
}

const Host::Socket* Host::find_socket(Ipv4 addr, std::uint16_t port, Transport t) const {
  if (const Socket* s = find_exact(addr, port, t)) return s;
  return addr.is_unspecified() ? nullptr : find_exact(Ipv4{}, port, t);
}

std::uint16_t Host::bind(std::uint16_t port, PacketSink* sink, std::uint64_t cookie, Transport t, Ipv4 addr) {
  if (port == 0) {
    // Ephemeral range 49152-65535 (RFC 6335 section 6), first free after the last one.
    for (std::uint32_t k = 0; k < 16384; ++k) {
      const std::uint16_t cand = static_cast<std::uint16_t>(49152 + (next_ephemeral_ - 49152 + k) % 16384);
      if (!find_exact(addr, cand, t) && (!addr.is_unspecified() || !find_exact(Ipv4{}, cand, t))) {
        port = cand;
        next_ephemeral_ = static_cast<std::uint16_t>(cand == 65535 ? 49152 : cand + 1);
        break;
      }
    }
    if (port == 0) return 0;
  } else if (find_exact(addr, port, t)) {
    return 0;
  }
  sockets_.push_back(Socket{addr, port, t, sink, cookie});
  if (index_) {
    index_->get_or_insert(socket_key(addr, port, t), static_cast<std::uint32_t>(sockets_.size() - 1));
  } else if (sockets_.size() >= kIndexAt) {
    index_ = std::make_unique<FlatTable64<std::uint32_t>>();
    for (std::uint32_t i = 0; i < sockets_.size(); ++i)
      index_->get_or_insert(socket_key(sockets_[i].addr, sockets_[i].port, sockets_[i].transport), i);
  }
  return port;
}

void Host::unbind(std::uint16_t port, Transport t, Ipv4 addr) {
  const Socket* s = find_exact(addr, port, t);
  if (!s) return;
  const std::uint32_t i = static_cast<std::uint32_t>(s - sockets_.data());
  if (index_) index_->erase(socket_key(addr, port, t));
  if (i + 1 != sockets_.size()) {
    sockets_[i] = sockets_.back();
    if (index_) index_->insert_or_assign(socket_key(sockets_[i].addr, sockets_[i].port, sockets_[i].transport), i);
  }
  sockets_.pop_back();
  if (is_stream(t))
    for (auto& c : conns_)
      if (c.port == port) c.port = 0;  // slot free
}

bool Host::is_bound(std::uint16_t port, Transport t, Ipv4 addr) const { return find_exact(addr, port, t) != nullptr; }

void Host::send(Packet p) {
  if (p.src.addr.is_unspecified()) p.src.addr = source_for(p.dst.addr);
  net_->send(id_, p);
}

void Host::send_udp(std::uint16_t port, Endpoint dst, const Payload& payload, std::uint32_t size) {
  Packet p;
  p.src = Endpoint{source_for(dst.addr), port};
  p.dst = dst;
  p.transport = Transport::udp;
  p.size_bytes = size;
  p.payload = payload;
  net_->send(id_, p);
}

void Host::send_stun(std::uint16_t port, Endpoint dst, const stun::Message& m, Transport t, Ipv4 src_addr) {
  Packet p;
  p.src = Endpoint{src_addr.is_unspecified() ? source_for(dst.addr) : src_addr, port};
  p.dst = dst;
  p.transport = t;
  // Over TLS each message is one TLS record (models/net/tls.hpp).
  p.size_bytes = static_cast<std::uint32_t>(m.encoded_size()) + (t == Transport::tls ? kTlsRecordOverhead : 0);
  p.payload = m;
  net_->send(id_, p);
}

Host::Conn* Host::find_conn(std::uint16_t port, Endpoint remote) {
  for (auto& c : conns_)
    if (c.port == port && c.port != 0 && c.remote == remote) return &c;
  return nullptr;
}

bool Host::is_connected(std::uint16_t port, Endpoint remote) const {
  for (const auto& c : conns_)
    if (c.port == port && c.port != 0 && c.remote == remote) return c.state == ConnState::established;
  return false;
}

void Host::close(std::uint16_t port, Endpoint remote) {
  if (Conn* c = find_conn(port, remote)) {
    send_control(port, remote, c->transport, TcpControl::fin);
    c->port = 0;
  }
}

void Host::send_control(std::uint16_t port, Endpoint remote, Transport t, TcpControl c, Ipv4 src_addr) {
  Packet p;
  p.src = Endpoint{src_addr.is_unspecified() ? source_for(remote.addr) : src_addr, port};
  p.dst = remote;
  p.transport = t;
  p.tcp = c;
  // Handshake sizes (transport payload): TLS 1.3 ClientHello ~ 512 B, server flight
  // (ServerHello .. Finished with a certificate) ~ 4 KB; TCP control segments carry none.
  p.size_bytes = c == TcpControl::tls_hello ? 512 : c == TcpControl::tls_server ? 4096 : 0;
  net_->send(id_, p);
}

void Host::connect(std::uint16_t port, Endpoint remote, Transport t) {
  if (!is_stream(t)) throw std::invalid_argument("connect() needs a stream transport (tcp or tls)");
  if (find_conn(port, remote)) return;
  std::uint32_t idx = 0;
  while (idx < conns_.size() && conns_[idx].port != 0) ++idx;
  if (idx == conns_.size()) conns_.emplace_back();
  conns_[idx] = Conn{port, remote, t, ConnState::syn_sent, 0};
  send_control(port, remote, t, TcpControl::syn);
  net_->sim().schedule_after(SimTime::s(1), [this, idx] { syn_timer(idx); });
}

void Host::syn_timer(std::uint32_t idx) {
  Conn& c = conns_[idx];
  if (c.port == 0 || c.state != ConnState::syn_sent) return;
  if (c.syn_tries >= kSynRetries) {
    const Socket* s = find_socket(address_, c.port, c.transport);
    const std::uint16_t port = c.port;
    const Endpoint remote = c.remote;
    c.port = 0;
    if (s && s->sink) s->sink->on_connect_failed(*this, port, remote, s->cookie);
    return;
  }
  ++c.syn_tries;
  send_control(c.port, c.remote, c.transport, TcpControl::syn);
  net_->sim().schedule_after(SimTime::s(1) * (std::int64_t{1} << c.syn_tries), [this, idx] { syn_timer(idx); });
}

bool Host::deliver(const Packet& p) {
  const Socket* s = find_socket(p.dst.addr, p.dst.port, p.transport);
  if (!is_stream(p.transport)) {
    if (!s) return false;
    if (s->sink) s->sink->on_packet(*this, p, s->cookie);
    return true;
  }
  switch (p.tcp) {
    case TcpControl::syn:
      if (s) send_control(p.dst.port, p.src, p.transport, TcpControl::syn_ack, p.dst.addr);
      else send_control(p.dst.port, p.src, p.transport, TcpControl::rst, p.dst.addr);
      return s != nullptr;
    case TcpControl::tls_hello:
      if (s) send_control(p.dst.port, p.src, p.transport, TcpControl::tls_server, p.dst.addr);
      return true;
    case TcpControl::syn_ack: {
      Conn* c = find_conn(p.dst.port, p.src);
      if (!c || c->state != ConnState::syn_sent) return true;
      if (c->transport == Transport::tls) {
        c->state = ConnState::tls_sent;
        send_control(c->port, c->remote, c->transport, TcpControl::tls_hello);
        return true;
      }
      c->state = ConnState::established;
      if (s && s->sink) s->sink->on_connected(*this, c->port, c->remote, s->cookie);
      return true;
    }
    case TcpControl::tls_server: {
      Conn* c = find_conn(p.dst.port, p.src);
      if (!c || c->state != ConnState::tls_sent) return true;
      c->state = ConnState::established;
      if (s && s->sink) s->sink->on_connected(*this, c->port, c->remote, s->cookie);
      return true;
    }
    case TcpControl::rst: {
      Conn* c = find_conn(p.dst.port, p.src);
      if (!c) return true;
      const std::uint16_t port = c->port;
      c->port = 0;
      if (s && s->sink) s->sink->on_connect_failed(*this, port, p.src, s->cookie);
      return true;
    }
    case TcpControl::fin:
      if (Conn* c = find_conn(p.dst.port, p.src)) c->port = 0;
      return true;
    case TcpControl::data:
      if (!s) return false;
      if (s->sink) s->sink->on_packet(*this, p, s->cookie);
      return true;
  }
  return false;
}

}  // namespace p2psim::net
