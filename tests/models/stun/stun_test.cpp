#include <catch2/catch.hpp>

#include "models/nat/preset.hpp"
#include "models/net/network.hpp"
#include "models/stun/client.hpp"
#include "models/stun/discovery.hpp"
#include "models/stun/server.hpp"
#include "../net/recorder.hpp"

using namespace p2psim;
using namespace p2psim::net;
using namespace p2psim::stun;

TEST_CASE("message type bits follow RFC 8489 figure 3", "[stun]") {
  CHECK(message_type(Method::binding, Class::request) == 0x0001);
  CHECK(message_type(Method::binding, Class::indication) == 0x0011);
  CHECK(message_type(Method::binding, Class::success) == 0x0101);
  CHECK(message_type(Method::binding, Class::error) == 0x0111);
  CHECK(message_type(Method::allocate, Class::request) == 0x0003);
  CHECK(message_type(Method::allocate, Class::error) == 0x0113);
  CHECK(message_type(Method::send, Class::indication) == 0x0016);
  CHECK(message_type(Method::data, Class::indication) == 0x0017);
  CHECK(message_type(Method::channel_bind, Class::success) == 0x0109);
}

TEST_CASE("encoded sizes: 20-byte header plus 4-byte TLV headers and values padded to 4", "[stun]") {
  TransactionId tid;
  Message req = make_request(Method::binding, tid);
  CHECK(req.encoded_size() == 20);
  Message ok = make_success(req);
  ok.with_xor_mapped(Endpoint{Ipv4::of(1, 2, 3, 4), 5});
  CHECK(ok.encoded_size() == 20 + 4 + 8);
  const std::string phrase = reason_phrase(error::kAllocationQuotaReached);
  CHECK(phrase == "Allocation Quota Reached");
  Message err = make_error(req, error::kAllocationQuotaReached);
  CHECK(err.cls == Class::error);
  CHECK(err.tid == req.tid);
  const std::size_t v = 4 + phrase.size();
  CHECK(err.encoded_size() == 20 + 4 + ((v + 3) / 4) * 4);
  // An ICE check: USERNAME (9 bytes -> 12), PRIORITY, ICE-CONTROLLING, USE-CANDIDATE,
  // MESSAGE-INTEGRITY, FINGERPRINT.
  Message check = make_request(Method::binding, tid);
  check.username_len = 9;
  for (Attr a : {kUsername, kPriority, kIceControlling, kUseCandidate, kMessageIntegrity, kFingerprint}) check.set(a);
  CHECK(check.encoded_size() == 20 + (4 + 12) + (4 + 4) + (4 + 8) + 4 + (4 + 20) + (4 + 4));
  // Send indication with XOR-PEER-ADDRESS and DATA of 100 bytes: 36 bytes of overhead
  // (RFC 8656 section 11: 20 header + 12 XOR-PEER-ADDRESS + 4 DATA header).
  Message send = make_indication(Method::send, tid);
  send.with_peer(Endpoint{Ipv4::of(1, 2, 3, 4), 5});
  send.data_len = 100;
  send.set(kData);
  CHECK(send.encoded_size() == 100 + 36);
}

TEST_CASE("transaction ids are 96 random bits, big-endian on the wire", "[stun]") {
  TransactionId t;
  t.words = {0x01020304, 0x05060708, 0x090A0B0C};
  const auto b = t.bytes();
  for (int i = 0; i < 12; ++i) CHECK(b[i] == i + 1);
}

namespace {
struct Outcome : TransactionHandler {
  int responses = 0, timeouts = 0;
  SimTime at;
  Message last;
  Simulator* sim = nullptr;
  void on_response(const Message& r, const Packet&, std::uint64_t) override {
    ++responses;
    last = r;
    at = sim->now();
  }
  void on_timeout(const Message&, std::uint64_t) override {
    ++timeouts;
    at = sim->now();
  }
};
struct Forward : PacketSink {
  ClientTransactions* tx = nullptr;
  void on_packet(Host&, const Packet& p, std::uint64_t) override { tx->on_packet(p); }
};
}  // namespace

TEST_CASE("retransmissions: 7 sends at RTO 500 ms doubling, timeout after 39.5 s", "[stun]") {
  Simulator sim;
  Network net(sim, 1);
  const NodeId r = net.add_router();
  const NodeId h = net.add_host(r, LinkSpec{SimTime::ms(5)});
  const NodeId dead = net.add_host(r, LinkSpec{SimTime::ms(5)});  // nobody listens
  ClientTransactions tx(net.host(h), 5000, 7);
  Forward fwd;
  fwd.tx = &tx;
  net.host(h).bind(5000, &fwd);
  test::NetLog log;
  net.set_observer(&log);
  Outcome o;
  o.sim = &sim;
  tx.start(make_request(Method::binding, {}), {net.host(dead).address(), 3478}, &o, 0);
  sim.run();
  REQUIRE(log.sent.size() == 7);
  const RetransmitConfig cfg;
  SimTime expect = SimTime::zero();
  for (int k = 0; k < 7; ++k) {
    CHECK(log.sent[k].at == expect);
    expect += cfg.rto * (std::int64_t{1} << k);
  }
  CHECK(o.timeouts == 1);
  CHECK(o.at == SimTime::ms(39500));
  CHECK(cfg.udp_timeout() == SimTime::ms(39500));
  CHECK(tx.pending() == 0);
}

TEST_CASE("a lost request is retransmitted and the response matched by transaction id", "[stun]") {
  Simulator sim;
  Network net(sim, 2);
  const NodeId r = net.add_router();
  const NodeId srv = net.add_host(r, LinkSpec{SimTime::ms(10)});
  const NodeId gw = net.add_nat(r, nat::preset("symmetric").layers[0], LinkSpec{SimTime::ms(10)});
  const NodeId h = net.add_host(gw, LinkSpec{SimTime::ms(1)});
  Server server(net.host(srv));
  ClientTransactions tx(net.host(h), 5000, 7);
  Forward fwd;
  fwd.tx = &tx;
  net.host(h).bind(5000, &fwd);
  Outcome o;
  o.sim = &sim;
  // Unbind the server for the first 0.6 s so that the first send is lost.
  net.host(srv).unbind(3478);
  sim.schedule_at(SimTime::ms(100), [&] { net.host(srv).bind(3478, &server); });
  tx.start(make_request(Method::binding, {}), server.primary(), &o, 0);
  sim.run();
  CHECK(o.responses == 1);
  CHECK(o.timeouts == 0);
  CHECK(o.at == SimTime::ms(500) + SimTime::ms(2 * 21));
  CHECK(o.last.has(kXorMappedAddress));
  CHECK(o.last.xor_mapped_address.addr == net.nat(gw).external_address());
  CHECK(tx.requests_sent() == 2);
}

TEST_CASE("the RFC 5780 server answers from the address and port CHANGE-REQUEST asks for", "[stun]") {
  Simulator sim;
  Network net(sim, 3);
  const NodeId r = net.add_router();
  const NodeId srv = net.add_host(r, LinkSpec{SimTime::ms(10)});
  const NodeId c = net.add_host(r, LinkSpec{SimTime::ms(10)});
  ServerConfig cfg;
  cfg.alternate = Ipv4::of(198, 51, 100, 77);
  Server server(net.host(srv), cfg);
  test::Recorder rec(sim);
  net.host(c).bind(5000, &rec);
  const Endpoint A1P1 = server.primary();
  struct Case {
    std::uint32_t flags;
    Endpoint from;
  };
  const Case cases[] = {{0, A1P1},
                        {kChangePort, {A1P1.addr, cfg.alt_port}},
                        {kChangeIp, {cfg.alternate, A1P1.port}},
                        {kChangeIp | kChangePort, {cfg.alternate, cfg.alt_port}}};
  for (const auto& k : cases) {
    Message m = make_request(Method::binding, {});
    m.tid.words[0] = k.flags;
    if (k.flags) {
      m.change_flags = k.flags;
      m.set(kChangeRequest);
    }
    net.host(c).send_stun(5000, A1P1, m);
  }
  sim.run();
  REQUIRE(rec.got.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    const Message* m = rec.got[i].packet.stun();
    REQUIRE(m);
    CHECK(m->tid.words[0] == cases[i].flags);
    CHECK(rec.got[i].packet.src == cases[i].from);
    CHECK(m->response_origin == cases[i].from);
    CHECK(m->other_address == Endpoint(cfg.alternate, cfg.alt_port));
    CHECK(m->xor_mapped_address == Endpoint(net.host(c).address(), 5000));
  }
  CHECK(server.requests() == 4);
}

TEST_CASE("a server without an alternate address answers CHANGE-REQUEST with 420", "[stun]") {
  Simulator sim;
  Network net(sim, 3);
  const NodeId r = net.add_router();
  const NodeId srv = net.add_host(r, LinkSpec{SimTime::ms(10)});
  const NodeId c = net.add_host(r, LinkSpec{SimTime::ms(10)});
  Server server(net.host(srv));
  test::Recorder rec(sim);
  net.host(c).bind(5000, &rec);
  Message m = make_request(Method::binding, {});
  m.change_flags = kChangeIp;
  m.set(kChangeRequest);
  net.host(c).send_stun(5000, server.primary(), m);
  sim.run();
  REQUIRE(rec.got.size() == 1);
  CHECK(rec.got[0].packet.stun()->cls == Class::error);
  CHECK(rec.got[0].packet.stun()->error_code == error::kUnknownAttribute);
}

TEST_CASE("RFC 5780 discovery classifies every preset as its definition implies", "[stun]") {
  for (const auto& name : nat::preset_names()) {
    CAPTURE(name);
    const nat::Preset p = nat::preset(name);
    // Expected class from the definition: a firewall blocking UDP leaves test I
    // unanswered; otherwise the chain behaves as its most restrictive layer.
    bool udp_blocked = false;
    for (const auto& l : p.layers) udp_blocked |= l.block_outbound_udp;
    const DiscoveryResult r = discover(p.layers, 11);
    CHECK(r.udp_blocked == udp_blocked);
    if (udp_blocked) continue;
    CHECK(r.behind_nat == !p.layers.empty());
    CHECK(r.mapping == nat::effective_mapping(p.layers));
    CHECK(r.filtering == nat::effective_filtering(p.layers));
    CHECK_FALSE(r.describe().empty());
  }
}

TEST_CASE("discovery distinguishes address-dependent mapping and every filtering class on custom configs", "[stun]") {
  using nat::Filtering;
  using nat::Mapping;
  for (Mapping m : {Mapping::endpoint_independent, Mapping::address_dependent, Mapping::address_port_dependent})
    for (Filtering f :
         {Filtering::endpoint_independent, Filtering::address_dependent, Filtering::address_port_dependent})
      for (auto ports : {nat::PortAssignment::preserve, nat::PortAssignment::sequential, nat::PortAssignment::random}) {
        nat::NatConfig c;
        c.mapping = m;
        c.filtering = f;
        c.ports = ports;
        CAPTURE(nat::to_string(m), nat::to_string(f), nat::to_string(ports));
        const DiscoveryResult r = discover({c}, 5);
        CHECK(r.behind_nat);
        CHECK(r.mapping == m);
        CHECK(r.filtering == f);
      }
}
