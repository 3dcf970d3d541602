#include "app/teach/explain.hpp"

#include "app/teach/explain_recorder.hpp"
#include "app/teach/explain_render.hpp"
#include "app/teach/explain_scene.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include "models/ice/birthday.hpp"
#include "models/ice/ice_endpoint.hpp"
#include "models/ice/ice_session.hpp"
#include "models/nat/preset.hpp"
#include "models/net/network.hpp"
#include "models/signalling/signalling_server.hpp"
#include "models/ice/turn_relay.hpp"
#include "models/stun/message.hpp"
#include "models/stun/server.hpp"

namespace p2psim::teach {

const char* to_string(CapturePoint c) {
  switch (c) {
    case CapturePoint::kPeerA: return "a";
    case CapturePoint::kPeerB: return "b";
    case CapturePoint::kNatA: return "nat-a";
    case CapturePoint::kNatB: return "nat-b";
    case CapturePoint::kStun: return "stun";
    case CapturePoint::kTurn: return "turn";
    case CapturePoint::kInternet: return "internet";
  }
  return "?";
}

std::optional<CapturePoint> parse_capture_point(const std::string& s) {
  for (CapturePoint c : {CapturePoint::kPeerA, CapturePoint::kPeerB, CapturePoint::kNatA, CapturePoint::kNatB,
                         CapturePoint::kStun, CapturePoint::kTurn, CapturePoint::kInternet})
    if (s == to_string(c)) return c;
  return std::nullopt;
}

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kDirect: return "direct";
    case Verdict::kRelayed: return "relayed";
    case Verdict::kFailed: return "failed";
  }
  return "?";
}

using namespace detail;

ExplainResult explain(const ExplainSpec& spec, const ExplainOptions& options) {
  Simulator sim;
  net::Network net(sim, spec.seed);
  Recorder rec(net, sim);
  net.set_observer(&rec);
  net.set_nat_observer(&rec);
  rec.set_quiet_appdata(spec.method == Method::kBirthday);

  const NodeId router = net.add_router("core");
  net::LinkSpec server_link;
  server_link.latency = spec.server_latency;

  const Side a = build_side(net, router, spec.a, 'A', net::Ipv4::of(198, 51, 100, 7), net::Ipv4::of(192, 168, 1, 10), rec);
  const Side b = build_side(net, router, spec.b, 'B', net::Ipv4::of(192, 0, 2, 33), net::Ipv4::of(10, 0, 0, 20), rec);
  std::string v6_note;
  for (const auto& [side, peer, name] : {std::tuple{&a, &spec.a, "A"}, std::tuple{&b, &spec.b, "B"}})
    if (peer->ipv6) {
      const net::Ipv4 v6 = net.add_ipv6(side->host);
      v6_note += std::string("; ") + name + " also has IPv6 " + v6.to_string() +
                 " (no NAT on IPv6: its NAT boxes filter it as RFC 6092 firewalls)";
    }
  rec.set_peers(a.host, b.host);
  for (const Side* s : {&a, &b})
    for (NodeId n : s->nats) rec.add_public_alias(net.nat(n).external_address(), s->host);

  NodeId stun_node = net::kNoNode, turn_node = net::kNoNode;
  std::unique_ptr<stun::Server> stun_server;
  std::optional<Endpoint> stun_ep;
  if (spec.stun || spec.method == Method::kBirthday) {
    stun_node = net.add_host(router, server_link, net::Ipv4::of(203, 0, 113, 5));
    stun_server = std::make_unique<stun::Server>(net.host(stun_node));
    stun_ep = stun_server->primary();
    rec.name_node(stun_node, "STUN server", "STUN", "STUN server " + stun_ep->to_string());
    rec.add_server(*stun_ep, "STUN server");
  }
  ice::TurnRelayFactory turn_factory;
  std::unique_ptr<ice::ServerHandle> turn_server;
  std::unique_ptr<ice::RelayClient> relay_a, relay_b;
  if (spec.turn && spec.method == Method::kIce) {
    turn_node = net.add_host(router, server_link, net::Ipv4::of(203, 0, 113, 9));
    turn_server = turn_factory.install_server(net, net.host(turn_node));
    if (!turn_server) throw std::invalid_argument("explain: the TURN relay adapter is not available in this build");
    const Endpoint turn_ep(net::Ipv4::of(203, 0, 113, 9), 3478);
    rec.name_node(turn_node, "TURN server", "TURN", "TURN server " + turn_ep.to_string());
    rec.add_server(turn_ep, "TURN server");
    if (turn_factory.server()) rec.add_server(turn_factory.server()->tls_endpoint(), "TURN server (TLS)");
    relay_a = turn_factory.make_client(net, net.host(a.host));
    relay_b = turn_factory.make_client(net, net.host(b.host));
  }

  // Mermaid participant order: A, A's NATs (inner to outer), servers, B's NATs (outer to inner), B.
  std::vector<NodeId> lanes;
  lanes.push_back(a.host);
  for (NodeId n : a.nats) lanes.push_back(n);
  if (stun_node != net::kNoNode) lanes.push_back(stun_node);
  if (turn_node != net::kNoNode) lanes.push_back(turn_node);
  for (auto it = b.nats.rbegin(); it != b.nats.rend(); ++it) lanes.push_back(*it);
  lanes.push_back(b.host);

  ExplainResult out;
  rec.note(SimTime::zero(), "setup: A (" + net.host(a.host).address().to_string() + ") is behind " +
                                preset_phrase(a.preset) + "; B (" + net.host(b.host).address().to_string() +
                                ") is behind " + preset_phrase(b.preset) +
                                (stun_ep ? "; STUN server " + stun_ep->to_string() : "; no STUN server") +
                                (spec.turn ? "; TURN server" : "; no TURN server") + v6_note);

  SessionWatch watch;
  signalling::SignallingServer sig(sim);
  ice::GatherConfig gather;
  gather.stun_server = spec.stun ? stun_ep : std::nullopt;
  ice::SessionConfig scfg;
  scfg.keep_alive = spec.idle > SimTime::zero();
  scfg.trickle = spec.trickle;
  scfg.ice.nomination.mode = spec.nomination;
  scfg.ice.keepalive_interval = spec.keepalive;
  scfg.ice.consent_interval = SimTime::zero();  // consent checks off: the idle period is silent unless keepalives
  const SimTime cap = SimTime::s(120) + spec.idle;

  if (spec.method == Method::kIce) {
    ice::IceEndpoint ep_a(net.host(a.host), gather, relay_a.get(), derive_seed(spec.seed, "explain-a"));
    ice::IceEndpoint ep_b(net.host(b.host), gather, relay_b.get(), derive_seed(spec.seed, "explain-b"));
    const SimTime la = stun_node != net::kNoNode ? net.path_latency(a.host, stun_node) : SimTime::ms(30);
    const SimTime lb = stun_node != net::kNoNode ? net.path_latency(b.host, stun_node) : SimTime::ms(30);
    const std::uint32_t sa = sig.attach(nullptr, la), sb = sig.attach(nullptr, lb);
    ice::IceSession session(sim, scfg, sig, ep_a, sa, ep_b, sb, 1, spec.seed);
    SignalTap tap_b(rec, sim, session, "B", "A", "offer", session.offerer(), a.host);   // delivered to B
    SignalTap tap_a(rec, sim, session, "A", "B", "answer", session.answerer(), b.host);  // delivered to A
    sig.set_peer(sb, &tap_b);
    sig.set_peer(sa, &tap_a);
    session.set_observer(&watch);
    rec.known_local(a.host).insert(ep_a.local());
    rec.known_local(b.host).insert(ep_b.local());

    SimTime done_at;
    watch.on_done = [&] {
      done_at = sim.now();
      if (spec.idle > SimTime::zero() && watch.result.outcome != ice::Outcome::kFailed) {
        session.offerer().set_observer(&watch);
        sim.schedule_after(spec.idle, [&] {
          rec.note(sim.now(), "after " + to_string(spec.idle) + " idle" +
                                  (spec.keepalive > SimTime::zero() ? " (keepalives every " + to_string(spec.keepalive) + ")"
                                                                     : " (no keepalives)") +
                                  ", A probes the selected pair with a Binding request");
          session.offerer().probe_selected();
        });
      } else {
        sim.schedule_after(SimTime::ms(200), [&sim] { sim.stop(); });
      }
    };
    watch.on_probe = [&] { sim.schedule_after(SimTime::ms(200), [&sim] { sim.stop(); }); };
    session.start();
    sim.run_until(cap);

    const ice::SessionResult& r = watch.result;
    out.setup_time = r.setup_time;
    out.probe_answered = watch.probe;
    if (!watch.done || r.outcome == ice::Outcome::kFailed || r.outcome == ice::Outcome::kPending) {
      out.verdict = Verdict::kFailed;
    } else {
      out.verdict = r.outcome == ice::Outcome::kRelayed ? Verdict::kRelayed : Verdict::kDirect;
      out.local_type = std::string(ice::to_string(r.local_type));
      out.remote_type = std::string(ice::to_string(r.remote_type));
    }

    // The reason.
    auto drops_at = [&](const Side& s, std::string* example) {
      int n = 0;
      for (std::uint64_t id : rec.drops()) {
        const PacketInfo& info = rec.packets().at(id);
        if (std::find(s.nats.begin(), s.nats.end(), info.drop_at) == s.nats.end()) continue;
        const stun::Message* m = info.first.stun();
        if (!m || !m->has(stun::kPriority)) continue;
        if (example->empty()) *example = info.drop_text;
        ++n;
      }
      return n;
    };
    std::string ex_a, ex_b;
    const int da = drops_at(a, &ex_a), db = drops_at(b, &ex_b);
    auto drop_sentence = [](const std::string& side, int n, const std::string& ex) {
      return side + "'s NAT dropped " + std::to_string(n) + " ICE check" + (n == 1 ? "" : "s") + "; e.g. " + ex + ".";
    };
    std::string reason;
    if (out.verdict == Verdict::kFailed) {
      reason = "FAILED: no candidate pair worked" + std::string(spec.turn ? "" : " and there is no TURN relay to fall back on") + ".";
      if (db) reason += " " + drop_sentence("B", db, ex_b);
      if (da) reason += " " + drop_sentence("A", da, ex_a);
      const bool a_dep = nat::effective_mapping(a.preset.layers) != nat::Mapping::endpoint_independent;
      const bool b_dep = nat::effective_mapping(b.preset.layers) != nat::Mapping::endpoint_independent;
      if (a_dep || b_dep)
        reason += std::string(" The cause: ") + (a_dep ? "A" : "B") +
                  "'s NAT maps endpoint-dependently, so its checks to the peer leave from a new external port, not "
                  "the server-reflexive one it advertised; the peer's NAT only admits sources its host has sent to, "
                  "and its host can only send to the ports it knows.";
    } else {
      reason = std::string(out.verdict == Verdict::kDirect ? "CONNECTED DIRECTLY" : "CONNECTED THROUGH THE RELAY") +
               " on the pair A " + out.local_type + " <-> B " + out.remote_type + " (" +
               session.offerer().selected_remote().to_string() + " as A sees B), after " + ms(r.setup_time) + ".";
      if (out.verdict == Verdict::kRelayed && turn_node != net::kNoNode) {
        const SimTime via = net.path_latency(a.host, turn_node) + net.path_latency(turn_node, b.host);
        const SimTime direct = net.path_latency(a.host, b.host);
        reason += " No direct pair worked";
        if (db) reason += ": " + drop_sentence("B", db, ex_b);
        else if (da) reason += ": " + drop_sentence("A", da, ex_a);
        else reason += ".";
        reason += " The relay's cost: every packet now goes A -> TURN server -> B, " + ms(via) +
                  " one way instead of " + ms(direct) + " on the direct route; each carries 4 bytes of "
                  "ChannelData framing (36 bytes as a Send/Data indication before a channel is bound); and the "
                  "server receives and sends every packet of both directions.";
      } else if (out.local_type == "prflx" || out.remote_type == "prflx")
        reason += " A peer-reflexive candidate was needed: an endpoint-dependent NAT sent a check from a port "
                  "nobody had advertised, and the other side learned it from that check.";
      else if (out.local_type == "srflx" || out.remote_type == "srflx")
        reason += " The server-reflexive addresses the STUN server reported are where the checks really come "
                  "from (endpoint-independent mapping), and each side's own outgoing check opened its NAT's filter "
                  "for the other (hole punching).";
      if (da + db > 0 && out.verdict == Verdict::kDirect)
        reason += " " + std::to_string(da + db) +
                  " early check(s) were dropped before the other side had opened its filter: normal hole punching.";
    }
    if (out.probe_answered) {
      reason += *out.probe_answered
                    ? " After the idle period the probe was answered: the mappings were still alive."
                    : " After the idle period the probe was NOT answered: a NAT mapping had expired (no refreshing "
                      "traffic within the timeout), so the path is gone.";
    }
    out.reason = reason;
  } else {
    // Birthday punching: B (easy) learns its server-reflexive address, then A (hard) opens
    // k ports towards it and B probes random ports of A's public address.
    ice::IceEndpoint ep_b(net.host(b.host), gather, nullptr, derive_seed(spec.seed, "explain-b"));
    GatherTap gt;
    std::unique_ptr<ice::BirthdayPunch> punch;
    const net::Ipv4 hard_public = a.nats.empty() ? net.host(a.host).address() : net.nat(a.nats.back()).external_address();
    gt.done = [&] {
      if (!ep_b.srflx()) {
        rec.note(sim.now(), "B got no server-reflexive address: cannot punch");
        return;
      }
      rec.note(sim.now(), "birthday punching: A opens " + std::to_string(spec.birthday.hard_ports) +
                              " ports towards B's " + ep_b.srflx()->to_string() + "; B then probes up to " +
                              std::to_string(spec.birthday.probes) + " random ports of " + hard_public.to_string());
      const std::uint16_t port = ep_b.port();
      net.host(b.host).unbind(port);
      punch = std::make_unique<ice::BirthdayPunch>(sim, net.host(a.host), hard_public, net.host(b.host), port,
                                                    *ep_b.srflx(), spec.birthday, derive_seed(spec.seed, "punch"));
      net.host(b.host).bind(port, punch.get(), 0);
      punch->start();
    };
    const SimTime start = sim.now();
    ep_b.gather(&gt);
    const SimTime end = SimTime::s(2) + spec.birthday.open_lead + spec.birthday.probe_interval * spec.birthday.probes +
                        SimTime::s(2);
    sim.run_until(end);
    if (punch && punch->success()) {
      out.verdict = Verdict::kDirect;
      out.setup_time = punch->connect_time();
    } else {
      out.verdict = Verdict::kFailed;
      out.setup_time = sim.now() - start;
    }
    out.birthday_probes = punch ? punch->probes_sent() : 0;
    // The closed form assumes one easy side: B keeps one external port for every
    // destination, so the only unknown is which of A's k ports a probe hits. With both
    // sides endpoint-dependent a probe must hit an open port pair on both ends at once
    // (models/ice/birthday.hpp): the method does not apply and no probability is given.
    const bool b_hard = !b.preset.layers.empty() &&
                        nat::effective_mapping(b.preset.layers) != nat::Mapping::endpoint_independent;
    const bool a_hard = !a.preset.layers.empty() &&
                        nat::effective_mapping(a.preset.layers) != nat::Mapping::endpoint_independent;
    if (b_hard) {
      out.birthday_applies = false;
      out.reason = std::string(out.verdict == Verdict::kDirect ? "CONNECTED, but " : "FAILED: ") +
                   "the birthday method does not apply here: " +
                   (a_hard ? "both A's and B's NATs map" : "B's NAT maps") +
                   " endpoint-dependently, and the method needs an easy side (endpoint-independent mapping) whose "
                   "one server-reflexive port the hard side can aim at. B's probes leave from new external ports "
                   "that A never sent to, so a probe must hit an open port pair on both ends at once (about n^2/2^32 "
                   "expected hits for n probes and n open ports): practically hopeless. B sent " +
                   std::to_string(out.birthday_probes) + " probes. Use a TURN relay.";
    } else {
    const double p = ice::birthday_success_probability(spec.birthday.hard_ports, spec.birthday.probes,
                                                       std::int64_t{spec.birthday.port_max} - spec.birthday.port_min + 1);
    char buf[256];
    std::snprintf(buf, sizeof buf, " With k = %d open ports among R = %d and up to n = %d probes, P(success) = 1 - (1 - k/R)^n = %.3f.",
                  spec.birthday.hard_ports, spec.birthday.port_max - spec.birthday.port_min + 1, spec.birthday.probes, p);
    out.reason = out.verdict == Verdict::kDirect
                     ? "CONNECTED by birthday punching: a probe from B hit one of the ports A's NAT had opened towards B, "
                           "and A answered through it; B had sent " + std::to_string(out.birthday_probes) +
                           " probes when the answer arrived, after " + ms(out.setup_time) + "." + buf
                     : "FAILED: none of B's " + std::to_string(out.birthday_probes) +
                           " probes hit a port A's NAT had opened towards B; every probe was dropped (no mapping)." + buf;
    }
  }

  render(rec, net, lanes, a, b, stun_node, turn_node, options, out);
  out.packets = rec.packets_seen();
  out.nat_drops = rec.nat_drops();
  out.mappings_created = rec.mappings_created();
  return out;
}

}  // namespace p2psim::teach
