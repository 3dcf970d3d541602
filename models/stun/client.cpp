#include "models/stun/client.hpp"

#include "models/net/network.hpp"

namespace p2psim::stun {

ClientTransactions::ClientTransactions(net::Host& host, std::uint16_t local_port, std::uint64_t seed,
                                       RetransmitConfig cfg)
    : host_(&host), port_(local_port), cfg_(cfg), rng_(seed) {}

TransactionId ClientTransactions::new_tid() {
  TransactionId t;
  const std::uint64_t a = rng_.next_u64();
  const std::uint64_t b = rng_.next_u64();
  t.words = {static_cast<std::uint32_t>(a >> 32), static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b)};
  return t;
}

void ClientTransactions::transmit(Slot& s) {
  ++s.sends;
  ++sent_;
  bytes_ += s.request.encoded_size();
  host_->send_stun(port_, s.server, s.request, s.transport);
}

void ClientTransactions::arm(std::uint32_t slot, SimTime after) {
  const std::uint32_t gen = slots_[slot].gen;
  host_->network().sim().schedule_after(after, Timer{this, slot, gen});
}

void ClientTransactions::prefetch_timer(std::uint32_t slot, Lookahead stage) const noexcept {
  if (stage == Lookahead::far) {
    prefetch_line(this);
  } else if (slot < slots_.size()) {
    const Slot& s = slots_[slot];
    prefetch_line(&s);
    prefetch_line(&s.live);
  }
}

TransactionId ClientTransactions::start(Message request, net::Endpoint server, TransactionHandler* handler,
                                        std::uint64_t cookie, net::Transport t, bool keep_tid) {
  if (!keep_tid) request.tid = new_tid();
  std::uint32_t idx = 0;
  while (idx < slots_.size() && slots_[idx].live) ++idx;
  if (idx == slots_.size()) slots_.emplace_back();
  Slot& s = slots_[idx];
  const std::uint32_t gen = s.gen + 1;
  s = Slot{request, server, handler, cookie, t, 0, true, gen};
  ++pending_;
  transmit(s);
  arm(idx, net::is_stream(t) ? cfg_.ti : cfg_.rto);
  return request.tid;
}

void ClientTransactions::timer(std::uint32_t slot, std::uint32_t gen) {
  Slot& s = slots_[slot];
  if (!s.live || s.gen != gen) return;
  if (net::is_stream(s.transport) || s.sends >= cfg_.rc) {
    s.live = false;
    --pending_;
    if (s.handler) s.handler->on_timeout(s.request, s.cookie);
    return;
  }
  transmit(s);
  // After send k (k = 1..rc-1) wait RTO * 2^(k-1); after the last send wait Rm * RTO.
  const SimTime wait = s.sends >= cfg_.rc ? cfg_.rto * cfg_.rm : cfg_.rto * (std::int64_t{1} << (s.sends - 1));
  arm(slot, wait);
}

bool ClientTransactions::on_packet(const net::Packet& p) {
  const Message* m = p.stun();
  if (!m || (m->cls != Class::success && m->cls != Class::error) || p.turn.kind != net::TurnEncap::none) return false;
  for (auto& s : slots_) {
    if (s.live && s.request.tid == m->tid) {
      s.live = false;
      ++s.gen;
      --pending_;
      if (s.handler) s.handler->on_response(*m, p, s.cookie);
      return true;
    }
  }
  return false;
}

void ClientTransactions::cancel(const TransactionId& tid) {
  for (auto& s : slots_)
    if (s.live && s.request.tid == tid) {
      s.live = false;
      ++s.gen;
      --pending_;
    }
}

}  // namespace p2psim::stun
