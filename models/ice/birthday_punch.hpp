// BirthdayPunch: birthday-paradox hole punching between a "hard" side (endpoint-dependent
// mapping with random ports: symmetric NAT) and an "easy" side (endpoint-independent
// mapping), on the packet network. Beyond ICE: used when ICE finds no direct pair.
//
// The hard side binds `hard_ports` (k) UDP sockets and sends one packet from each to the
// easy side's public (server-reflexive) endpoint, opening k mappings on its NAT, each
// filtered to admit that endpoint (RFC 4787 APDF). After `open_lead`, the easy side sends
// `probes` (n) packets from its socket, one every `probe_interval`, to ports drawn
// uniformly from the hard NAT's port range on its public address. A probe that lands on
// one of the k open mappings passes the hard NAT; the hard side answers from that socket
// and the pair is connected when the easy side receives the answer. With R ports in the
// range, P(success) = 1 - (1 - k/R)^n (Tailscale, "How NAT traversal works", 2020;
// birthday.hpp). The easy side's NAT admits the answer because the probe went to exactly
// that endpoint.
#pragma once

#include <cstdint>
#include <vector>

#include "models/net/host.hpp"
#include "sim/random.hpp"
#include "sim/simulator.hpp"

namespace p2psim::ice {

struct BirthdayConfig {
  int hard_ports = 256;                      // k: Tailscale's choice (256 sockets)
  int probes = 1024;                         // n: 1024 probes give 98% at k = 256, R = 65536
  SimTime probe_interval = SimTime::ms(2);   // p2psim choice: 500 probes/s, 1024 in ~2 s
  SimTime open_lead = SimTime::ms(100);      // hard side opens this long before probing
  std::uint16_t port_min = 1024;             // probed range: the hard NAT's pool (RFC 4787 REQ-3a)
  std::uint16_t port_max = 65535;
  std::uint32_t probe_bytes = 32;            // payload of an open/probe packet (p2psim estimate)
};

class BirthdayPunch : public net::PacketSink {
 public:
  // `easy_public`: the easy side's server-reflexive endpoint of socket `easy_port`
  // (bound by the caller to this object with cookie 0, or pass easy_port 0 to have this
  // object bind one; then easy_public must be that socket's mapping).
  BirthdayPunch(Simulator& sim, net::Host& hard, net::Ipv4 hard_public, net::Host& easy, std::uint16_t easy_port,
                net::Endpoint easy_public, const BirthdayConfig& cfg, std::uint64_t seed);
  ~BirthdayPunch() override;
  BirthdayPunch(const BirthdayPunch&) = delete;
  BirthdayPunch& operator=(const BirthdayPunch&) = delete;

  void start();
  // Variant: first learn the easy side's public endpoint with a STUN Binding request
  // from its socket to `stun_server` (RFC 8489), then punch. Requires easy_port 0.
  void start_with_stun(net::Endpoint stun_server);
  bool done() const { return done_; }
  bool success() const { return success_; }
  SimTime connect_time() const { return connected_at_ - started_; }  // valid when success()
  int probes_sent() const { return probes_sent_; }
  std::uint64_t packets() const { return packets_; }
  std::uint64_t bytes() const { return bytes_; }

  void on_packet(net::Host& host, const net::Packet& p, std::uint64_t cookie) override;

 private:
  void probe(std::uint32_t gen);
  void open();

  Simulator* sim_;
  net::Host* hard_;
  net::Ipv4 hard_public_;
  net::Host* easy_;
  std::uint16_t easy_port_;
  bool own_easy_port_ = false;
  net::Endpoint easy_public_;
  BirthdayConfig cfg_;
  Rng rng_;
  std::vector<std::uint16_t> hard_socks_;
  int probes_sent_ = 0;
  std::uint32_t gen_ = 0;
  bool done_ = false, success_ = false;
  SimTime started_, connected_at_;
  std::uint64_t packets_ = 0, bytes_ = 0;
  bool awaiting_stun_ = false;
};

}  // namespace p2psim::ice
