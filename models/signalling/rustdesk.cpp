#include "models/signalling/rustdesk.hpp"

#include <memory>
#include <unordered_map>

#include "models/net/network.hpp"

namespace p2psim::signalling {

namespace {

enum Kind : std::uint32_t {
  kRegister = 1, kRegisterResp, kPunchReq, kPunchHole, kPunchSent, kPunchResp, kFetchLocal, kLocalAddr,
  kRelayReq, kRequestRelay, kPunch, kConnect, kAck, kUuid, kReady
};
constexpr std::uint64_t kFlagOffline = 1, kFlagLan = 2;
constexpr std::uint16_t kHbbsPort = 21116, kHbbrPort = 21117;  // rustdesk-server defaults

net::Endpoint from_key(std::uint64_t k) {
  return {net::Ipv4(static_cast<std::uint32_t>(k >> 16)), static_cast<std::uint16_t>(k & 0xffff)};
}

struct Counters {
  std::uint64_t packets = 0, bytes = 0;
};

void send_signal(net::Host& h, std::uint16_t port, net::Endpoint to, net::Signal s, std::uint32_t bytes, Counters& c,
                 net::Transport t = net::Transport::udp) {
  net::Packet p;
  p.src = {h.address(), port};
  p.dst = to;
  p.transport = t;
  p.size_bytes = bytes;
  p.payload = s;
  h.send(p);
  ++c.packets;
  c.bytes += bytes;
}

// hbbs: registrations and punch/relay coordination.
class Hbbs : public net::PacketSink {
 public:
  Hbbs(net::Host& h, const RustDeskConfig& cfg, Counters& c, std::size_t peers) : h_(&h), cfg_(&cfg), c_(&c) {
    h.bind(kHbbsPort, this);
    regs_.resize(peers);
  }
  net::Endpoint endpoint() const { return {h_->address(), kHbbsPort}; }
  void on_packet(net::Host&, const net::Packet& p, std::uint64_t) override {
    const auto* s = std::get_if<net::Signal>(&p.payload);
    if (!s) return;
    const SimTime now = h_->network().sim().now();
    switch (s->kind) {
      case kRegister: {
        Reg& r = regs_[s->a];
        r.ep = p.src;
        r.at = now;
        r.valid = true;
        reply(p.src, {kRegisterResp, s->session, 0, 0});
        break;
      }
      case kPunchReq: {  // a = target id, b = requester id
        const Reg& t = regs_[s->a];
        if (!t.valid || now - t.at >= cfg_->register_timeout) {
          reply(p.src, {kPunchResp, s->session, 0, kFlagOffline});
          break;
        }
        requester_[s->session] = p.src;
        // rendezvous_server.rs: same public IP => fetch local address (LAN), else punch.
        if (t.ep.addr == p.src.addr)
          reply(t.ep, {kFetchLocal, s->session, p.src.key(), s->b});
        else
          reply(t.ep, {kPunchHole, s->session, p.src.key(), s->b});
        break;
      }
      case kPunchSent:  // from the target: tell the requester where the target is
        if (auto it = requester_.find(s->session); it != requester_.end())
          reply(it->second, {kPunchResp, s->session, p.src.key(), 0});
        break;
      case kLocalAddr:
        if (auto it = requester_.find(s->session); it != requester_.end())
          reply(it->second, {kPunchResp, s->session, s->a, kFlagLan});
        break;
      case kRelayReq: {  // a = target id, b = uuid
        const Reg& t = regs_[s->a];
        if (t.valid) reply(t.ep, {kRequestRelay, s->session, 0, s->b});
        break;
      }
      default: break;
    }
  }

 private:
  struct Reg {
    net::Endpoint ep;
    SimTime at;
    bool valid = false;
  };
  void reply(net::Endpoint to, net::Signal s) { send_signal(*h_, kHbbsPort, to, s, cfg_->message_bytes, *c_); }
  net::Host* h_;
  const RustDeskConfig* cfg_;
  Counters* c_;
  std::vector<Reg> regs_;
  std::unordered_map<std::uint32_t, net::Endpoint> requester_;  // session -> controller endpoint
};

// hbbr: pairs two TCP connections presenting the same uuid.
class Hbbr : public net::PacketSink {
 public:
  Hbbr(net::Host& h, const RustDeskConfig& cfg, Counters& c) : h_(&h), cfg_(&cfg), c_(&c) {
    h.bind(kHbbrPort, this, 0, net::Transport::tcp);
  }
  net::Endpoint endpoint() const { return {h_->address(), kHbbrPort}; }
  std::uint64_t paired = 0;
  void on_packet(net::Host&, const net::Packet& p, std::uint64_t) override {
    const auto* s = std::get_if<net::Signal>(&p.payload);
    if (!s || s->kind != kUuid) return;
    auto [it, fresh] = waiting_.emplace(s->b, p.src);
    if (fresh) return;
    const net::Endpoint other = it->second;
    waiting_.erase(it);
    ++paired;
    for (net::Endpoint e : {other, p.src})
      send_signal(*h_, kHbbrPort, e, {kReady, s->session, 0, s->b}, cfg_->message_bytes, *c_, net::Transport::tcp);
  }

 private:
  net::Host* h_;
  const RustDeskConfig* cfg_;
  Counters* c_;
  std::unordered_map<std::uint64_t, net::Endpoint> waiting_;
};

enum class State : std::uint8_t { idle, punching, relaying, done };

class Peer : public net::PacketSink {
 public:
  Peer(net::Host& h, std::uint32_t id, const RustDeskConfig& cfg, Counters& c, net::Endpoint hbbs, net::Endpoint hbbr)
      : h_(&h), id_(id), cfg_(&cfg), c_(&c), hbbs_(hbbs), hbbr_(hbbr) {
    udp_ = h.bind(0, this, 0);
  }
  // Outcome (controllers): 0 pending, 1 lan, 2 punched, 3 relayed, 4 failed.
  int outcome = 0;
  SimTime started, finished;

  void start_registering(SimTime first) {
    h_->network().sim().schedule_at(first, [this] { register_tick(); });
  }
  void connect_to(std::uint32_t target, std::uint32_t session) {
    session_ = session;
    target_ = target;
    started = now();
    state_ = State::punching;
    send({kPunchReq, session_, target, id_}, hbbs_);
    const std::uint32_t g = ++gen_;
    h_->network().sim().schedule_after(cfg_->always_use_relay ? SimTime::zero() : cfg_->punch_timeout,
                                       [this, g] { punch_deadline(g); });
    h_->network().sim().schedule_after(cfg_->connect_timeout, [this, g] { give_up(g); });
  }

  void on_packet(net::Host&, const net::Packet& p, std::uint64_t cookie) override {
    const auto* s = std::get_if<net::Signal>(&p.payload);
    if (!s) return;
    if (cookie == 1) {  // relay TCP connection
      if (s->kind == kReady && state_ == State::relaying && outcome == 0) finish(3);
      return;
    }
    switch (s->kind) {
      case kPunchHole:  // target side: punch towards the controller and tell hbbs
        peer_ep_ = from_key(s->a);
        session_ = s->session;
        send({kPunch, s->session, 0, 0}, peer_ep_);
        send({kPunchSent, s->session, s->b, 0}, hbbs_);
        punch_rounds_ = 0;
        punch_tick(++gen_);
        break;
      case kFetchLocal:
        send({kLocalAddr, s->session, net::Endpoint{h_->address(), udp_}.key(), s->b}, hbbs_);
        break;
      case kPunchResp:  // controller side
        if (state_ != State::punching) break;
        if (s->b & kFlagOffline) {
          finish(4);
          break;
        }
        lan_ = (s->b & kFlagLan) != 0;
        peer_ep_ = from_key(s->a);
        connect_tick(gen_);
        break;
      case kConnect:  // target side: answer the controller wherever it comes from
        if (s->a != id_) send({kAck, s->session, id_, 0}, p.src);  // (a host may reach itself)
        break;
      case kAck:  // the peer's identity is checked (RustDesk's secure handshake)
        if (state_ == State::punching && outcome == 0 && s->a == target_) finish(lan_ ? 1 : 2);
        break;
      case kRequestRelay:  // target side
        open_relay(s->b);
        break;
      default: break;
    }
  }
  void on_connected(net::Host&, std::uint16_t, net::Endpoint remote, std::uint64_t) override {
    send_signal(*h_, tcp_, remote, {kUuid, session_, 0, uuid_}, cfg_->message_bytes, *c_, net::Transport::tcp);
  }
  void on_connect_failed(net::Host&, std::uint16_t, net::Endpoint, std::uint64_t) override {
    if (state_ == State::relaying && outcome == 0 && target_ != UINT32_MAX) finish(4);
  }

 private:
  SimTime now() const { return h_->network().sim().now(); }
  void send(net::Signal s, net::Endpoint to) { send_signal(*h_, udp_, to, s, cfg_->message_bytes, *c_); }
  void register_tick() {
    send({kRegister, 0, id_, 0}, hbbs_);
    h_->network().sim().schedule_after(cfg_->register_interval, [this] { register_tick(); });
  }
  void punch_tick(std::uint32_t g) {
    if (g != gen_ || ++punch_rounds_ > cfg_->punch_timeout.count_ns() / cfg_->punch_period.count_ns()) return;
    send({kPunch, session_, 0, 0}, peer_ep_);
    h_->network().sim().schedule_after(cfg_->punch_period, [this, g] { punch_tick(g); });
  }
  void connect_tick(std::uint32_t g) {
    if (g != gen_ || state_ != State::punching || outcome != 0) return;
    send({kConnect, session_, id_, 0}, peer_ep_);
    h_->network().sim().schedule_after(cfg_->punch_period, [this, g] { connect_tick(g); });
  }
  void punch_deadline(std::uint32_t g) {
    if (g != gen_ || outcome != 0) return;
    state_ = State::relaying;
    uuid_ = mix64((std::uint64_t{session_} << 1) | 1);
    send({kRelayReq, session_, target_, uuid_}, hbbs_);
    open_relay(uuid_);
  }
  void open_relay(std::uint64_t uuid) {
    uuid_ = uuid;
    if (state_ != State::relaying) state_ = State::relaying;
    if (!tcp_) tcp_ = h_->bind(0, this, 1, net::Transport::tcp);
    h_->connect(tcp_, hbbr_, net::Transport::tcp);
  }
  void give_up(std::uint32_t) {
    if (outcome == 0) finish(4);
  }
  void finish(int o) {
    outcome = o;
    finished = now();
    ++gen_;
  }

  net::Host* h_;
  std::uint32_t id_;
  const RustDeskConfig* cfg_;
  Counters* c_;
  net::Endpoint hbbs_, hbbr_;
  std::uint16_t udp_ = 0, tcp_ = 0;
  std::uint32_t session_ = 0, target_ = UINT32_MAX;
  std::uint32_t gen_ = 0;
  std::int64_t punch_rounds_ = 0;
  State state_ = State::idle;
  bool lan_ = false;
  net::Endpoint peer_ep_;
  std::uint64_t uuid_ = 0;
};

}  // namespace

RustDeskResult run_rustdesk(const RustDeskSpec& spec, std::uint64_t seed) {
  RustDeskResult res;
  const ice::PopulationSpec& ps = spec.hosts;
  const std::size_t m = ps.mix.size();
  res.by_pair.assign(m * m, {});
  Simulator sim;
  net::Network net(sim, derive_seed(seed, "network"));
  const net::NodeId core = net.add_router("core");
  Counters c;
  const std::int64_t hosts = 2 * ps.sessions;
  const net::NodeId hbbs_node = net.add_host(core, net::LinkSpec{ps.stun_latency});
  const net::NodeId hbbr_node = net.add_host(core, net::LinkSpec{ps.turn_latency});
  Hbbs hbbs(net.host(hbbs_node), spec.cfg, c, static_cast<std::size_t>(hosts));
  Hbbr hbbr(net.host(hbbr_node), spec.cfg, c);
  Rng rng = Rng::stream(seed, "rustdesk");
  std::vector<std::uint32_t> mix_index;
  const auto nodes = ice::add_population_hosts(net, core, ps, hosts, rng, mix_index);
  std::vector<std::unique_ptr<Peer>> peers;
  peers.reserve(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    peers.push_back(std::make_unique<Peer>(net.host(nodes[i]), static_cast<std::uint32_t>(i), spec.cfg, c,
                                           hbbs.endpoint(), hbbr.endpoint()));
    peers.back()->start_registering(SimTime::from_seconds(rng.uniform01() * spec.connect_after.seconds()));
  }
  for (std::int64_t s = 0; s < ps.sessions; ++s) {
    Peer* a = peers[static_cast<std::size_t>(2 * s)].get();
    const auto target = static_cast<std::uint32_t>(2 * s + 1);
    const SimTime at = spec.connect_after + SimTime::from_seconds(rng.uniform01() * ps.arrival_window.seconds());
    const auto sid = static_cast<std::uint32_t>(s);
    sim.schedule_at(at, [a, target, sid] { a->connect_to(target, sid); });
  }
  sim.run_until(spec.connect_after + ps.arrival_window + spec.cfg.connect_timeout + SimTime::s(2));
  res.sessions = static_cast<std::uint64_t>(ps.sessions);
  std::uint64_t relayed = 0;
  for (std::int64_t s = 0; s < ps.sessions; ++s) {
    const Peer& a = *peers[static_cast<std::size_t>(2 * s)];
    std::uint32_t i = mix_index[static_cast<std::size_t>(2 * s)], j = mix_index[static_cast<std::size_t>(2 * s + 1)];
    if (i > j) std::swap(i, j);
    ice::PairStats& pst = res.by_pair[i * m + j];
    switch (a.outcome) {
      case 1: ++res.lan; ++pst.direct; break;
      case 2: ++res.punched; ++pst.direct; break;
      case 3: ++res.relayed; ++pst.relayed; ++relayed; break;
      default: ++res.failed; ++pst.failed; break;
    }
    if (a.outcome >= 1 && a.outcome <= 3) res.connect_s.add((a.finished - a.started).seconds());
  }
  res.control_packets = c.packets;
  res.control_bytes = c.bytes;
  // hbbr forwards each relayed stream; a session gets min(stream, single limit) and the
  // total is capped by the server's total limit (equal shares).
  const double per = std::min(spec.cfg.stream_bitrate, spec.cfg.relay_single_bps);
  res.relay_demand_bps = spec.cfg.stream_bitrate * static_cast<double>(relayed);
  res.relay_bandwidth_bps = std::min(per * static_cast<double>(relayed), spec.cfg.relay_total_bps);
  return res;
}

}  // namespace p2psim::signalling
