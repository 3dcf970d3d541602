#include "models/ice/birthday_punch.hpp"

#include "models/net/network.hpp"

namespace p2psim::ice {

namespace {
constexpr std::uint32_t kOpen = 1, kProbe = 2, kAnswer = 3;
constexpr std::uint64_t kHardCookie = 1, kEasyCookie = 2;
}  // namespace

BirthdayPunch::BirthdayPunch(Simulator& sim, net::Host& hard, net::Ipv4 hard_public, net::Host& easy,
                             std::uint16_t easy_port, net::Endpoint easy_public, const BirthdayConfig& cfg,
                             std::uint64_t seed)
    : sim_(&sim),
      hard_(&hard),
      hard_public_(hard_public),
      easy_(&easy),
      easy_port_(easy_port),
      easy_public_(easy_public),
      cfg_(cfg),
      rng_(seed) {
  if (easy_port_ == 0) {
    easy_port_ = easy.bind(0, this, kEasyCookie);
    own_easy_port_ = true;
  }
}

BirthdayPunch::~BirthdayPunch() {
  ++gen_;
  for (std::uint16_t p : hard_socks_) hard_->unbind(p);
  if (own_easy_port_) easy_->unbind(easy_port_);
}

void BirthdayPunch::start_with_stun(net::Endpoint stun_server) {
  started_ = sim_->now();
  awaiting_stun_ = true;
  stun::TransactionId t;
  t.words = {0xb1d, static_cast<std::uint32_t>(rng_.next_u64()), 1};
  stun::Message m = stun::make_request(stun::Method::binding, t);
  m.set(stun::kFingerprint);
  easy_->send_stun(easy_port_, stun_server, m);
  ++packets_;
  bytes_ += m.encoded_size();
}

void BirthdayPunch::start() {
  started_ = sim_->now();
  open();
}

void BirthdayPunch::open() {
  for (int i = 0; i < cfg_.hard_ports; ++i) {
    const std::uint16_t p = hard_->bind(0, this, kHardCookie);
    if (p == 0) break;
    hard_socks_.push_back(p);
    net::AppData d;
    d.flow = kOpen;
    hard_->send_udp(p, easy_public_, d, cfg_.probe_bytes);
    ++packets_;
    bytes_ += cfg_.probe_bytes;
  }
  const std::uint32_t g = ++gen_;
  sim_->schedule_after(cfg_.open_lead, [this, g] { probe(g); });
}

void BirthdayPunch::probe(std::uint32_t g) {
  if (g != gen_ || done_) return;
  if (probes_sent_ >= cfg_.probes) {
    // Leave time for the last probe's answer: one probe interval per remaining RTT is
    // not known here, so wait a generous second before declaring failure.
    sim_->schedule_after(SimTime::s(1), [this, g] {
      if (g == gen_ && !done_) done_ = true;
    });
    return;
  }
  const std::uint32_t span = std::uint32_t{cfg_.port_max} - cfg_.port_min + 1;
  const auto port = static_cast<std::uint16_t>(cfg_.port_min + rng_.below(span));
  net::AppData d;
  d.flow = kProbe;
  d.seq = static_cast<std::uint32_t>(probes_sent_);
  easy_->send_udp(easy_port_, {hard_public_, port}, d, cfg_.probe_bytes);
  ++probes_sent_;
  ++packets_;
  bytes_ += cfg_.probe_bytes;
  sim_->schedule_after(cfg_.probe_interval, [this, g] { probe(g); });
}

void BirthdayPunch::on_packet(net::Host& host, const net::Packet& p, std::uint64_t cookie) {
  if (awaiting_stun_ && &host == easy_) {
    const stun::Message* m = p.stun();
    if (m && m->cls == stun::Class::success && m->has(stun::kXorMappedAddress)) {
      awaiting_stun_ = false;
      easy_public_ = m->xor_mapped_address;
      open();
    }
    return;
  }
  const auto* d = std::get_if<net::AppData>(&p.payload);
  if (!d || done_) return;
  if (cookie == kHardCookie && d->flow == kProbe && &host == hard_) {
    net::AppData a;
    a.flow = kAnswer;
    hard_->send_udp(p.dst.port, p.src, a, cfg_.probe_bytes);
    ++packets_;
    bytes_ += cfg_.probe_bytes;
  } else if (d->flow == kAnswer && &host == easy_) {
    done_ = true;
    success_ = true;
    connected_at_ = sim_->now();
    ++gen_;
  }
}

}  // namespace p2psim::ice
