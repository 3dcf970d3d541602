#include "models/ice/ice_endpoint.hpp"

#include "models/net/network.hpp"

namespace p2psim::ice {

IceEndpoint::IceEndpoint(net::Host& host, const GatherConfig& cfg, RelayClient* relay, std::uint64_t tid_seed)
    : host_(&host), cfg_(&cfg), relay_(relay) {
  port_ = host.bind(0, this);
  const std::uint64_t a = mix64(tid_seed), b = mix64(a);
  stun_tid_.words = {static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(a >> 32), static_cast<std::uint32_t>(b)};
}

IceEndpoint::~IceEndpoint() {
  ++stun_gen_;
  if (port_) host_->unbind(port_);
}

void IceEndpoint::gather(GatherObserver* obs, RelayGather relay) {
  gather_obs_ = obs;
  gathered_ = false;
  if (cfg_->stun_server && !stun_started_) {
    stun_started_ = true;
    stun_pending_ = true;
    stun_sends_ = 0;
    send_binding();
  }
  if (relay == RelayGather::kAlways) {
    start_relay();
  } else if (relay == RelayGather::kIfNoSrflx) {
    relay_if_no_srflx_ = true;
    if (!stun_pending_ && !srflx_) start_relay();  // STUN over (or none): no srflx
  }
  maybe_done();
}

void IceEndpoint::start_relay() {
  if (!relay_ || relayed_ || relay_pending_) return;
  relay_pending_ = true;
  ++relay_attempts_;
  relay_->allocate(*this);
}

void IceEndpoint::send_binding() {
  stun::Message m = stun::make_request(stun::Method::binding, stun_tid_);
  m.set(stun::kFingerprint);
  host_->send_stun(port_, *cfg_->stun_server, m);
  ++gather_packets_;
  gather_bytes_ += m.encoded_size();
  ++stun_sends_;
  // RFC 8489 6.2.1: waits RTO, 2 RTO, 4 RTO, ... and Rm * RTO after the last send.
  const SimTime wait = stun_sends_ < cfg_->stun_max_sends ? cfg_->stun_rto * (std::int64_t{1} << (stun_sends_ - 1))
                                                          : cfg_->stun_rto * cfg_->stun_rm;
  const std::uint32_t g = ++stun_gen_;
  host_->network().sim().schedule_after(wait, [this, g] { stun_timer(g); });
}

void IceEndpoint::stun_timer(std::uint32_t g) {
  if (g != stun_gen_ || !stun_pending_) return;
  if (stun_sends_ < cfg_->stun_max_sends) {
    send_binding();
    return;
  }
  stun_pending_ = false;  // timed out: no server-reflexive candidate
  if (relay_if_no_srflx_) start_relay();
  maybe_done();
}

void IceEndpoint::on_relay_allocated(std::optional<net::Endpoint> relayed) {
  relayed_ = relayed;
  relay_pending_ = false;
  if (relayed_ && gather_obs_) gather_obs_->on_candidate(*this);
  maybe_done();
}

void IceEndpoint::maybe_done() {
  if (gathered_ || stun_pending_ || relay_pending_) return;
  gathered_ = true;
  if (gather_obs_) gather_obs_->on_gathered(*this);
}

void IceEndpoint::give_candidates(IceAgent& agent) const {
  const net::Endpoint* s = srflx_ ? &*srflx_ : nullptr;
  const net::Endpoint* r = relayed_ ? &*relayed_ : nullptr;
  agent.set_host6(local6());
  agent.set_link(link());
  agent.set_local_candidates(local(), s, r, cfg_->stun_server ? cfg_->stun_server->addr : net::Ipv4{},
                             relayed_ ? relayed_->addr : net::Ipv4{});
}

net::Endpoint IceEndpoint::local6() const {
  const net::Ipv4 a = cfg_->ipv6 ? host_->ipv6() : net::Ipv4{};
  return a.is_unspecified() ? net::Endpoint{} : net::Endpoint{a, port_};
}

std::uint32_t IceEndpoint::link() const {
  const net::Network& net = host_->network();
  const net::NodeId p = net.parent(host_->id());
  return net.kind(p) == net::NodeKind::nat ? p + 1 : 0;
}

void IceEndpoint::trickle_to(IceAgent& agent) const {
  if (srflx_) agent.add_local_srflx(*srflx_, local(), cfg_->stun_server ? cfg_->stun_server->addr : net::Ipv4{});
  if (relayed_) agent.add_local_relayed(*relayed_, srflx_ ? *srflx_ : local(), relayed_->addr);
}

void IceEndpoint::on_relayed_stun(const stun::Message& m, net::Endpoint peer) {
  if (agent_) agent_->on_stun(m, peer, true);
}

void IceEndpoint::send_direct(IceAgent&, net::Endpoint to, const stun::Message& m) { host_->send_stun(port_, to, m); }

void IceEndpoint::send_relayed(IceAgent&, net::Endpoint to, const stun::Message& m) {
  if (relay_) relay_->send(*this, to, m);
}

void IceEndpoint::on_packet(net::Host&, const net::Packet& p, std::uint64_t) {
  if (relay_ && relay_->on_packet(*this, p)) return;
  const stun::Message* m = p.stun();
  if (!m) return;
  if (stun_pending_ && m->tid == stun_tid_ && cfg_->stun_server && p.src == *cfg_->stun_server) {
    if (m->cls == stun::Class::success && m->has(stun::kXorMappedAddress)) srflx_ = m->xor_mapped_address;
    stun_pending_ = false;
    ++stun_gen_;
    if (srflx_ && gather_obs_) gather_obs_->on_candidate(*this);
    if (relay_if_no_srflx_ && !srflx_) start_relay();
    maybe_done();
    return;
  }
  if (agent_) agent_->on_stun(*m, p.src, false);
}

}  // namespace p2psim::ice
