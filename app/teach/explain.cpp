#include "app/teach/explain.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
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
#include "models/trace/packet_bytes.hpp"
#include "models/trace/pcap_writer.hpp"
#include "models/trace/sequence_diagram.hpp"

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

namespace {

using net::Endpoint;
using net::NodeId;


std::string ms(SimTime t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", t.milliseconds());
  return buf;
}

std::string hex_tid(const stun::TransactionId& t) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", t.words[0] ^ t.words[1] ^ t.words[2]);
  return buf;
}

std::string preset_phrase(const nat::Preset& p) {
  if (p.layers.empty()) return "no NAT (public address)";
  std::string s = p.name + " (" + nat::short_name(nat::effective_mapping(p.layers)) + "+" +
                  nat::short_name(nat::effective_filtering(p.layers)) + ")";
  return s;
}

std::string filtering_words(nat::Filtering f) {
  switch (f) {
    case nat::Filtering::endpoint_independent: return "endpoint-independent filtering";
    case nat::Filtering::address_dependent: return "address-dependent filtering";
    case nat::Filtering::address_port_dependent: return "address-and-port-dependent filtering";
  }
  return "?";
}

// Everything the run reports, recorded, then rendered.
struct Block {
  SimTime t;
  std::uint64_t order = 0;      // tie-break: recording order
  std::uint64_t packet = 0;     // packet id (0: not a packet)
  std::vector<std::string> lines;
  bool quiet = false;           // birthday mode: hidden unless interesting
};

struct HopRec {
  std::uint64_t packet;
  NodeId from, to;
  SimTime sent, arrive;
  net::Packet p;
};

struct PacketInfo {
  std::size_t block = 0;
  int number = 0;
  NodeId origin = net::kNoNode;
  bool delivered = false;
  bool dropped = false;
  NodeId drop_at = net::kNoNode;
  std::string drop_text;
  net::Packet first;  // as sent
};

class Recorder : public net::NetObserver, public nat::NatObserver {
 public:
  Recorder(net::Network& net, Simulator& sim) : net_(&net), sim_(&sim) {}

  // --- roles
  void name_node(NodeId n, std::string name, std::string mermaid_id, std::string label) {
    names_[n] = std::move(name);
    mermaid_ids_[n] = mermaid_id;
    order_.push_back(n);
    labels_[n] = std::move(label);
  }
  void name_nat(const nat::Nat* nat, NodeId n, std::string preset) {
    nat_nodes_[nat] = n;
    presets_[n] = std::move(preset);
  }
  std::string preset_of(NodeId n) const {
    auto it = presets_.find(n);
    return it == presets_.end() ? std::string() : it->second + ": ";
  }
  const std::string& name(NodeId n) const {
    static const std::string unknown = "?";
    auto it = names_.find(n);
    return it == names_.end() ? unknown : it->second;
  }
  void set_peers(NodeId a, NodeId b) {
    peer_a_ = a;
    peer_b_ = b;
  }
  void add_server(Endpoint e, std::string what) { servers_[e] = std::move(what); }
  void add_public_alias(net::Ipv4 a, NodeId peer) { public_of_[a] = peer; }
  void set_quiet_appdata(bool q) { quiet_appdata_ = q; }

  // Addresses a peer knows it has (host, srflx, relayed): a mapped address outside this
  // set, seen in a check response, is a new peer-reflexive candidate.
  std::set<Endpoint>& known_local(NodeId peer) { return known_local_[peer]; }
  std::set<Endpoint>& advertised(NodeId peer) { return advertised_[peer]; }

  Block& add_block(SimTime t) {
    blocks_.push_back(Block{t, next_order_++, 0, {}, false});
    return blocks_.back();
  }
  void note(SimTime t, std::string line) { add_block(t).lines.push_back(std::move(line)); }

  // --- NetObserver
  void on_hop(const net::Packet& p, NodeId from, NodeId to, SimTime sent, SimTime arrive) override {
    hops_.push_back(HopRec{p.id, from, to, sent, arrive, p});
    PacketInfo& info = packet(p, from, sent);
    const bool outward = net_->kind(from) == net::NodeKind::nat && net_->parent(to) != from;
    if (net_->kind(from) == net::NodeKind::nat) {
      if (outward) sent_to_[from][p.src].insert(p.dst);
      flush_pending(from, info);
      blocks_[info.block].lines.push_back("  " + ms(sent) + "  " + name(from) + " forwards it  " + addr(p) +
                                          (outward ? "   (outside)" : "   (inside)"));
    } else if (from != info.origin) {
      blocks_[info.block].lines.push_back("  " + ms(sent) + "  " + name(from) + " sends it on  " + addr(p));
    }
  }

  void on_deliver(const net::Packet& p, NodeId host, SimTime t) override {
    PacketInfo& info = packet(p, host, t);
    info.delivered = true;
    flush_pending(host, info);
    auto& lines = blocks_[info.block].lines;
    lines.push_back("  " + ms(t) + "  " + name(host) + " receives it on " + p.dst.to_string() + " from " +
                    p.src.to_string());
    learn(p, host, t, lines);
  }

  void on_drop(const net::Packet& p, NodeId at, net::DropReason r, SimTime t) override {
    PacketInfo& info = packet(p, at, t);
    info.dropped = true;
    info.drop_at = at;
    flush_pending(at, info);
    auto& lines = blocks_[info.block].lines;
    if (r == net::DropReason::nat_filtered) {
      if (!filter_text_.empty()) {
        info.drop_text = filter_text_;
        filter_text_.clear();
      } else {
        info.drop_text = name(at) + " dropped it";
      }
      lines.push_back("  " + ms(t) + "  DROPPED by " + info.drop_text);
      ++nat_drops_;
      drops_.push_back(p.id);
    } else {
      switch (r) {
        case net::DropReason::no_route:
          info.drop_text = name(at) + " has no route to " + p.dst.addr.to_string() +
                           (p.dst.addr.is_private() ? ": a private address of another network (a host candidate is "
                                                      "reachable only from its own LAN)"
                                                    : "");
          break;
        case net::DropReason::no_socket: info.drop_text = "no socket is bound on " + p.dst.to_string(); break;
        case net::DropReason::loss: info.drop_text = "random loss on the link"; break;
        default: info.drop_text = net::to_string(r); break;
      }
      lines.push_back("  " + ms(t) + "  LOST: " + info.drop_text);
    }
  }

  // --- NatObserver
  void on_mapping_created(const nat::Nat& nat, const nat::MappingEvent& e) override {
    const NodeId n = nat_node(nat);
    ++mappings_created_;
    std::string why;
    switch (e.rule) {
      case nat::MappingRule::port_preserved: why = "port preservation: external port = internal port"; break;
      case nat::MappingRule::preserve_fallback: why = "the internal port was taken, so another port"; break;
      case nat::MappingRule::sequential: why = "sequential port assignment: the next port"; break;
      case nat::MappingRule::random: why = "random port assignment"; break;
      default: why = nat::to_string(e.rule); break;
    }
    std::string text = name(n) + ": NEW mapping " + e.internal.to_string() + " <-> " + e.external.to_string() +
                       " (" + why + ")";
    auto& existing = mappings_[n][e.internal];
    if (!existing.empty() && nat.config().mapping != nat::Mapping::endpoint_independent) {
      text += "; " + e.internal.to_string() + " already has " + existing.back().to_string() + ", but " +
              nat::to_string(nat.config().mapping) + " mapping gives each new destination " +
              (nat.config().mapping == nat::Mapping::address_dependent ? "address" : "address:port") +
              " (here " + e.remote.to_string() + ") its own mapping";
    }
    existing.push_back(e.external);
    pending_[n].push_back(text);
  }
  void on_mapping_reused(const nat::Nat& nat, const nat::MappingEvent& e) override {
    const NodeId n = nat_node(nat);
    std::string why;
    switch (e.rule) {
      case nat::MappingRule::reuse_endpoint_independent:
        why = "endpoint-independent mapping: the same external port for every destination";
        break;
      case nat::MappingRule::reuse_same_address: why = "same destination address (address-dependent mapping)"; break;
      case nat::MappingRule::reuse_same_endpoint: why = "same destination address and port"; break;
      default: why = nat::to_string(e.rule); break;
    }
    pending_[n].push_back(name(n) + ": reuses mapping " + e.internal.to_string() + " <-> " + e.external.to_string() +
                          " (" + why + ")");
  }
  void on_mapping_expired(const nat::Nat& nat, const nat::MappingEvent& e) override {
    const NodeId n = nat_node(nat);
    const SimTime timeout = nat.config().udp_timeout;
    note(e.at, name(n) + ": mapping " + e.internal.to_string() + " <-> " + e.external.to_string() +
                   " EXPIRED (no refreshing traffic for its timeout; udp timeout " + to_string(timeout) + ")");
    auto& v = mappings_[n][e.internal];
    v.erase(std::remove(v.begin(), v.end(), e.external), v.end());
    sent_to_[n].erase(e.external);
    ++expired_;
  }
  void on_filter(const nat::Nat& nat, const nat::FilterEvent& e) override {
    const NodeId n = nat_node(nat);
    const std::string who = name(n);
    const std::string inside = inside_name(n);
    const std::string f = preset_of(n) + filtering_words(nat.config().filtering);
    std::string text;
    switch (e.rule) {
      case nat::FilterRule::accept_outbound: return;
      case nat::FilterRule::accept_endpoint_independent:
        text = who + ": accepts it (" + f + ": anyone may use an active mapping)";
        break;
      case nat::FilterRule::accept_known_address:
        text = who + ": accepts it (" + f + ": " + inside + " has sent to " + e.remote.addr.to_string() +
               " from " + e.external.to_string() + ")";
        break;
      case nat::FilterRule::accept_known_endpoint:
        text = who + ": accepts it (" + f + ": " + inside + " has sent to " + e.remote.to_string() + " from " +
               e.external.to_string() + ")";
        break;
      case nat::FilterRule::drop_no_mapping:
        filter_text_ = who + ": no active mapping on " + e.external.to_string() + " (nothing inside opened it" +
                       (expired_ ? ", or it expired" : "") + ")";
        break;
      case nat::FilterRule::drop_unknown_address:
      case nat::FilterRule::drop_unknown_endpoint: {
        const bool port = e.rule == nat::FilterRule::drop_unknown_endpoint;
        filter_text_ = who + " (" + f + "): the packet comes from " +
                       (port ? e.remote.to_string() : e.remote.addr.to_string()) + ", but " + inside +
                       " never sent to " + (port ? "that address and port" : "that address") + " from " +
                       e.external.to_string();
        auto it = sent_to_[n].find(e.external);
        if (it != sent_to_[n].end() && !it->second.empty()) {
          filter_text_ += " (it has sent to ";
          int k = 0;
          for (const Endpoint& r : it->second) {
            if (k) filter_text_ += ", ";
            if (k++ == 4) {
              filter_text_ += "...";
              break;
            }
            filter_text_ += r.to_string();
          }
          filter_text_ += ")";
        }
        break;
      }
      case nat::FilterRule::drop_hairpin_disabled: filter_text_ = who + ": hairpinning is off"; break;
      case nat::FilterRule::drop_udp_blocked: filter_text_ = who + ": the firewall blocks outbound UDP"; break;
      case nat::FilterRule::drop_tcp_port_blocked: filter_text_ = who + ": the firewall blocks this TCP port"; break;
      case nat::FilterRule::drop_pool_exhausted: filter_text_ = who + ": no free external port"; break;
    }
    if (!text.empty()) pending_[n].push_back(text);
    last_filter_[n] = e;
  }

  // --- results
  std::vector<Block>& blocks() { return blocks_; }
  const std::vector<HopRec>& hops() const { return hops_; }
  const std::unordered_map<std::uint64_t, PacketInfo>& packets() const { return packets_; }
  std::uint64_t nat_drops() const { return nat_drops_; }
  std::uint64_t mappings_created() const { return mappings_created_; }
  std::uint64_t packets_seen() const { return packets_.size(); }
  const std::vector<std::uint64_t>& drops() const { return drops_; }
  const std::vector<NodeId>& node_order() const { return order_; }
  const std::string& mermaid_id(NodeId n) const { return mermaid_ids_.at(n); }
  bool has_mermaid(NodeId n) const { return mermaid_ids_.count(n) != 0; }
  const std::string& label(NodeId n) const { return labels_.at(n); }
  std::string describe(const net::Packet& p) const;

 private:
  PacketInfo& packet(const net::Packet& p, NodeId from, SimTime t) {
    auto it = packets_.find(p.id);
    if (it != packets_.end()) return it->second;
    PacketInfo info;
    info.number = static_cast<int>(packets_.size()) + 1;
    info.origin = from;
    info.first = p;
    Block& b = add_block(t);
    b.packet = p.id;
    b.quiet = quiet_appdata_ && std::holds_alternative<net::AppData>(p.payload);
    info.block = blocks_.size() - 1;
    b.lines.push_back("packet #" + std::to_string(info.number) + ": " + name(from) + " -> " + dest_name(p) + ": " +
                      describe(p));
    b.lines.push_back("  " + ms(t) + "  " + name(from) + " sends it  " + addr(p) +
                      (net_->kind(from) == net::NodeKind::host && is_private(p.src) ? "   (private)" : ""));
    return packets_.emplace(p.id, info).first->second;
  }
  static bool is_private(Endpoint e) { return e.addr.is_private(); }
  static std::string addr(const net::Packet& p) { return p.src.to_string() + " -> " + p.dst.to_string(); }
  std::string dest_name(const net::Packet& p) const {
    auto it = servers_.find(p.dst);
    if (it != servers_.end()) return it->second;
    for (NodeId peer : {peer_a_, peer_b_})
      if (peer != net::kNoNode) {
        for (const Endpoint& e : known_local_.count(peer) ? known_local_.at(peer) : std::set<Endpoint>{})
          if (e == p.dst) return name(peer);
        if (net_->host(peer).owns(p.dst.addr)) return name(peer);
      }
    auto pub = public_of_.find(p.dst.addr);
    if (pub != public_of_.end()) return name(pub->second);
    return p.dst.addr.to_string();
  }
  NodeId nat_node(const nat::Nat& nat) const {
    auto it = nat_nodes_.find(&nat);
    return it == nat_nodes_.end() ? net::kNoNode : it->second;
  }
  std::string inside_name(NodeId nat) const {
    for (NodeId peer : {peer_a_, peer_b_})
      for (NodeId n = peer; n != net::kNoNode && net_->kind(n) != net::NodeKind::router; n = net_->parent(n))
        if (n == nat) return name(peer);
    return "nobody inside";
  }
  void flush_pending(NodeId n, PacketInfo& info) {
    auto it = pending_.find(n);
    if (it == pending_.end()) return;
    for (auto& text : it->second) blocks_[info.block].lines.push_back("  " + ms(sim_->now()) + "  " + text);
    it->second.clear();
  }
  void learn(const net::Packet& p, NodeId host, SimTime t, std::vector<std::string>& lines);

  net::Network* net_;
  Simulator* sim_;
  std::map<NodeId, std::string> names_, mermaid_ids_, labels_, presets_;
  std::vector<NodeId> order_;
  std::map<const nat::Nat*, NodeId> nat_nodes_;
  std::map<Endpoint, std::string> servers_;
  std::map<net::Ipv4, NodeId> public_of_;
  NodeId peer_a_ = net::kNoNode, peer_b_ = net::kNoNode;
  bool quiet_appdata_ = false;
  std::vector<Block> blocks_;
  std::uint64_t next_order_ = 0;
  std::vector<HopRec> hops_;
  std::unordered_map<std::uint64_t, PacketInfo> packets_;
  std::map<NodeId, std::vector<std::string>> pending_;
  std::string filter_text_;
  std::map<NodeId, nat::FilterEvent> last_filter_;
  std::map<NodeId, std::map<Endpoint, std::set<Endpoint>>> sent_to_;
  std::map<NodeId, std::map<Endpoint, std::vector<Endpoint>>> mappings_;
  std::map<NodeId, std::set<Endpoint>> known_local_, advertised_;
  std::uint64_t nat_drops_ = 0, mappings_created_ = 0, expired_ = 0;
  std::vector<std::uint64_t> drops_;
};

std::string Recorder::describe(const net::Packet& p) const {
  std::string inner;
  if (const stun::Message* m = p.stun()) {
    const bool to_server = servers_.count(p.dst) != 0;
    const bool from_server = servers_.count(p.src) != 0;
    if (m->method == stun::Method::binding) {
      if (m->cls == stun::Class::request) {
        if (m->has(stun::kPriority))
          inner = std::string("ICE connectivity check") + (m->has(stun::kUseCandidate) ? " with USE-CANDIDATE" : "");
        else if (to_server)
          inner = "STUN Binding request";
        else
          inner = "ICE Binding request (consent/probe)";
      } else if (m->cls == stun::Class::indication) {
        inner = "ICE keepalive (Binding indication)";
      } else if (m->cls == stun::Class::success) {
        inner = std::string(from_server ? "STUN Binding success" : "ICE check response") +
                (m->has(stun::kXorMappedAddress) ? ", XOR-MAPPED-ADDRESS " + m->xor_mapped_address.to_string() : "");
      } else {
        inner = "Binding error " + std::to_string(m->error_code);
      }
    } else {
      inner = std::string("TURN ") + stun::to_string(m->method) + " " + stun::to_string(m->cls);
      if (m->has(stun::kXorRelayedAddress)) inner += ", relayed " + m->xor_relayed_address.to_string();
      if (m->has(stun::kXorPeerAddress)) inner += ", peer " + m->xor_peer_address.to_string();
      if (m->has(stun::kErrorCode)) inner += ", error " + std::to_string(m->error_code);
    }
    inner += " [tid " + hex_tid(m->tid) + "]";
  } else if (const auto* a = std::get_if<net::AppData>(&p.payload)) {
    inner = "UDP data (flow " + std::to_string(a->flow) + ", seq " + std::to_string(a->seq) + ")";
  } else if (std::holds_alternative<net::Signal>(p.payload)) {
    inner = "signalling message";
  } else {
    inner = "packet";
  }
  switch (p.turn.kind) {
    case net::TurnEncap::none: return inner;
    case net::TurnEncap::channel_data:
      return "TURN ChannelData (channel " + std::to_string(p.turn.channel) + ") carrying " + inner;
    case net::TurnEncap::send_indication: return "TURN Send indication to " + p.turn.peer.to_string() + " carrying " + inner;
    case net::TurnEncap::data_indication:
      return "TURN Data indication from " + p.turn.peer.to_string() + " carrying " + inner;
  }
  return inner;
}

void Recorder::learn(const net::Packet& p, NodeId host, SimTime t, std::vector<std::string>& lines) {
  const stun::Message* m = p.stun();
  if (!m || p.turn.kind != net::TurnEncap::none) return;
  const std::string who = name(host);
  auto& known = known_local_[host];
  if (m->method == stun::Method::allocate && m->cls == stun::Class::success && m->has(stun::kXorRelayedAddress)) {
    lines.push_back("  " + ms(t) + "  " + who + " learns its RELAYED candidate " + m->xor_relayed_address.to_string() +
                    " (an address on the TURN server that relays for it)" +
                    (m->has(stun::kXorMappedAddress)
                         ? "; the TURN server sees it as " + m->xor_mapped_address.to_string()
                         : std::string()));
    known.insert(m->xor_relayed_address);
    if (m->has(stun::kXorMappedAddress)) known.insert(m->xor_mapped_address);
    return;
  }
  if (m->cls == stun::Class::success && m->has(stun::kXorMappedAddress)) {
    const Endpoint mapped = m->xor_mapped_address;
    if (servers_.count(p.src)) {
      if (mapped == p.dst)
        lines.push_back("  " + ms(t) + "  " + who + " learns its mapped address " + mapped.to_string() +
                        ": the same as its own, so no NAT is in the way");
      else
        lines.push_back("  " + ms(t) + "  " + who + " learns its SERVER-REFLEXIVE candidate " + mapped.to_string() +
                        " (what its NAT shows the STUN server)");
      known.insert(mapped);
    } else if (!known.count(mapped)) {
      lines.push_back("  " + ms(t) + "  " + who + " learns a PEER-REFLEXIVE local candidate " + mapped.to_string() +
                      ": the peer saw its check come from an address " + who + " never advertised");
      known.insert(mapped);
    }
  }
  if (m->cls == stun::Class::request && m->has(stun::kPriority)) {
    const NodeId other = host == peer_a_ ? peer_b_ : peer_a_;
    auto& adv = advertised_[other];
    if (!adv.empty() && !adv.count(p.src)) {
      lines.push_back("  " + ms(t) + "  " + who + " learns a PEER-REFLEXIVE remote candidate " + p.src.to_string() +
                      ": " + name(other) + "'s check came from an address not in its candidates");
      adv.insert(p.src);
    }
  }
}

// Builds one peer's side: its NAT chain (outermost attached to the router) and its host.
struct Side {
  NodeId host = net::kNoNode;
  std::vector<NodeId> nats;  // innermost first
  nat::Preset preset;
};

Side build_side(net::Network& net, NodeId router, const PeerSpec& spec, char letter, net::Ipv4 public_addr,
                net::Ipv4 private_addr, Recorder& rec) {
  Side s;
  s.preset = nat::preset(spec.preset);
  std::vector<nat::NatConfig> layers = s.preset.layers;
  if (spec.udp_timeout)
    for (auto& l : layers) {
      l.udp_timeout = *spec.udp_timeout;
      l.udp_unreplied_timeout = *spec.udp_timeout;
    }
  const std::string L(1, letter);
  net::LinkSpec up;
  up.latency = spec.uplink;
  net::LinkSpec lan;
  lan.latency = spec.lan;
  NodeId parent = router;
  // Outermost first.
  for (std::size_t i = layers.size(); i-- > 0;) {
    const bool outer = i + 1 == layers.size();
    const net::Ipv4 ext = outer ? public_addr : net::Ipv4::of(100, 64, 0, letter == 'A' ? 7 : 20);
    const NodeId n = net.add_nat(parent, layers[i], outer ? up : lan, ext);
    const std::string kind = (layers.size() > 1 && outer) ? "CGN" : "NAT";
    const std::string nm = kind + " " + L;
    rec.name_node(n, nm, kind + L,
                  nm + " (" + nat::short_name(layers[i].mapping) + "+" + nat::short_name(layers[i].filtering) + ") " +
                      ext.to_string());
    rec.name_nat(&net.nat(n), n, s.preset.name);
    s.nats.insert(s.nats.begin(), n);
    parent = n;
  }
  s.host = net.add_host(parent, layers.empty() ? up : lan, layers.empty() ? public_addr : private_addr);
  rec.name_node(s.host, L, L, "Peer " + L + " " + net.host(s.host).address().to_string());
  return s;
}

class SessionWatch : public ice::SessionObserver, public ice::AgentObserver {
 public:
  void on_session_done(ice::IceSession&, const ice::SessionResult& r) override {
    done = true;
    result = r;
    if (on_done) on_done();
  }
  void on_probe_result(ice::IceAgent&, bool answered) override {
    probe = answered;
    if (on_probe) on_probe();
  }
  bool done = false;
  ice::SessionResult result;
  std::optional<bool> probe;
  std::function<void()> on_done, on_probe;
};

// Forwards signalling to the session and tells the story.
class SignalTap : public signalling::SignallingPeer {
 public:
  SignalTap(Recorder& rec, Simulator& sim, signalling::SignallingPeer& target, std::string to, std::string from,
            std::string what, const ice::IceAgent& sender_agent, NodeId sender)
      : rec_(&rec), sim_(&sim), target_(&target), to_(std::move(to)), from_(std::move(from)), what_(std::move(what)),
        agent_(&sender_agent), sender_(sender) {}
  void on_signal(const signalling::Envelope& e) override {
    Block& b = rec_->add_block(sim_->now());
    std::string line = "signalling: " + from_ + "'s " + what_ + " reaches " + to_ +
                       " through the signalling server; candidates:";
    auto& adv = rec_->advertised(sender_);
    for (std::size_t i = 0; i < e.a && i < agent_->local_candidates().size(); ++i) {
      const ice::Candidate& c = agent_->local_candidates()[i];
      line += ' ';
      line += ice::to_string(c.key.type);
      line += ' ';
      line += c.addr.to_string();
      adv.insert(c.addr);
      rec_->known_local(sender_).insert(c.addr);
    }
    b.lines.push_back(line);
    target_->on_signal(e);
  }

 private:
  Recorder* rec_;
  Simulator* sim_;
  signalling::SignallingPeer* target_;
  std::string to_, from_, what_;
  const ice::IceAgent* agent_;
  NodeId sender_;
};

class GatherTap : public ice::GatherObserver {
 public:
  std::function<void()> done;
  void on_gathered(ice::IceEndpoint&) override {
    if (done) done();
  }
};

bool captured(CapturePoint c, const HopRec& h, net::Network& net, const Side& a, const Side& b, NodeId stun,
              NodeId turn, SimTime& t) {
  auto in = [](const std::vector<NodeId>& v, NodeId n) { return std::find(v.begin(), v.end(), n) != v.end(); };
  auto at_node = [&](NodeId n) {
    if (h.from == n) {
      t = h.sent;
      return true;
    }
    if (h.to == n) {
      t = h.arrive;
      return true;
    }
    return false;
  };
  switch (c) {
    case CapturePoint::kPeerA: return at_node(a.host);
    case CapturePoint::kPeerB: return at_node(b.host);
    case CapturePoint::kStun: return stun != net::kNoNode && at_node(stun);
    case CapturePoint::kTurn: return turn != net::kNoNode && at_node(turn);
    case CapturePoint::kNatA:
    case CapturePoint::kNatB: {
      const Side& s = c == CapturePoint::kNatA ? a : b;
      if (s.nats.empty()) return at_node(s.host);
      // Both sides of the chain: segments into the chain from inside or outside.
      if (in(s.nats, h.to)) {
        t = h.arrive;
        return true;
      }
      if (in(s.nats, h.from) && !in(s.nats, h.to)) {
        t = h.sent;
        return true;
      }
      return false;
    }
    case CapturePoint::kInternet: {
      auto is_public = [&](NodeId n) { return net.kind(net.parent(n)) == net::NodeKind::router; };
      t = h.sent;
      return is_public(h.from) && is_public(h.to);
    }
  }
  return false;
}

}  // namespace

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
                                (spec.turn ? "; TURN server" : "; no TURN server"));

  SessionWatch watch;
  signalling::SignallingServer sig(sim);
  ice::GatherConfig gather;
  gather.stun_server = spec.stun ? stun_ep : std::nullopt;
  ice::SessionConfig scfg;
  scfg.keep_alive = spec.idle > SimTime::zero();
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

  // --- render: narrative
  std::vector<Block>& blocks = rec.blocks();
  std::stable_sort(blocks.begin(), blocks.end(), [](const Block& x, const Block& y) {
    return x.t != y.t ? x.t < y.t : x.order < y.order;
  });
  // Birthday mode: show the first three packets each peer sends and every packet that
  // got through (or was answered); count the rest.
  std::map<NodeId, int> shown_from;
  std::uint64_t hidden = 0;
  std::set<std::uint64_t> visible;
  for (Block& bl : blocks) {
    if (!bl.packet) continue;
    const PacketInfo& info = rec.packets().at(bl.packet);
    if (bl.quiet && !info.delivered && shown_from[info.origin]++ >= 3) {
      ++hidden;
      continue;
    }
    bl.quiet = false;
    visible.insert(bl.packet);
  }
  // Retransmissions: a request with the same transaction id and the same addresses as an
  // earlier packet, meeting the same fate, is told in one line.
  std::map<std::string, int> first_of;
  for (Block& bl : blocks) {
    if (!bl.packet || bl.quiet) continue;
    const PacketInfo& info = rec.packets().at(bl.packet);
    const stun::Message* m = info.first.stun();
    if (!m || m->cls != stun::Class::request) continue;
    const std::string fate = info.delivered ? "delivered" : info.dropped ? info.drop_text : "in flight";
    const std::string key = hex_tid(m->tid) + info.first.src.to_string() + info.first.dst.to_string() + fate;
    auto it = first_of.find(key);
    if (it == first_of.end()) {
      first_of[key] = info.number;
      continue;
    }
    const std::string head = bl.lines.front();
    bl.lines = {"packet #" + std::to_string(info.number) + ": retransmission of packet #" + std::to_string(it->second) +
                " (" + info.first.src.to_string() + " -> " + info.first.dst.to_string() + "): " +
                (info.delivered ? "delivered again" : info.dropped ? "again: " + info.drop_text : "in flight")};
  }
  int step = 0;
  bool hidden_noted = false;
  for (const Block& bl : blocks) {
    if (bl.quiet) {
      if (!hidden_noted) {
        out.narrative.push_back("   ... (" + std::to_string(hidden) +
                                " further packets not shown: A's opening packets, dropped by B's NAT because B never "
                                "sent to those ports, and B's probes, dropped by A's NAT because no mapping exists on "
                                "the probed port)");
        hidden_noted = true;
      }
      continue;
    }
    ++step;
    for (std::size_t i = 0; i < bl.lines.size(); ++i)
      out.narrative.push_back(i == 0 ? std::to_string(step) + ". [" + ms(bl.t) + "] " + bl.lines[i] : "    " + bl.lines[i]);
  }
  out.narrative.push_back("OUTCOME: " + out.reason);

  // --- render: Mermaid
  trace::SequenceDiagram d;
  d.set_autonumber(false);
  for (NodeId n : lanes) d.participant(rec.mermaid_id(n), rec.label(n));
  std::map<std::uint64_t, std::size_t> last_hop;
  for (std::size_t i = 0; i < rec.hops().size(); ++i) last_hop[rec.hops()[i].packet] = i;
  for (std::size_t i = 0; i < rec.hops().size(); ++i) {
    const HopRec& h = rec.hops()[i];
    if (!visible.count(h.packet) || !rec.has_mermaid(h.from) || !rec.has_mermaid(h.to)) continue;
    const PacketInfo& info = rec.packets().at(h.packet);
    const bool lost = info.dropped && last_hop[h.packet] == i;
    std::string text = "#" + std::to_string(info.number) + " " + rec.describe(h.p) + "  " + h.p.src.to_string() +
                       " -> " + h.p.dst.to_string();
    d.message(rec.mermaid_id(h.from), rec.mermaid_id(h.to), text,
              lost ? trace::SequenceDiagram::Arrow::kLost : trace::SequenceDiagram::Arrow::kSolid);
    if (lost) d.note_over(rec.mermaid_id(h.to), "dropped: " + info.drop_text);
  }
  d.note_over(rec.mermaid_id(a.host), rec.mermaid_id(b.host), std::string("outcome: ") + to_string(out.verdict));
  out.mermaid = d.render();

  // --- pcap
  if (!options.pcap_path.empty()) {
    struct Rec {
      SimTime t;
      std::size_t i;
    };
    std::vector<Rec> recs;
    for (std::size_t i = 0; i < rec.hops().size(); ++i) {
      SimTime t;
      if (captured(options.capture, rec.hops()[i], net, a, b, stun_node, turn_node, t)) recs.push_back({t, i});
    }
    std::stable_sort(recs.begin(), recs.end(), [](const Rec& x, const Rec& y) { return x.t < y.t; });
    trace::PcapWriter w(options.pcap_path, trace::LinkType::kEthernet);
    for (const Rec& r : recs) {
      const net::Packet& p = rec.hops()[r.i].p;
      if (p.transport != net::Transport::udp) {
        ++out.pcap_skipped;
        continue;
      }
      w.write_udp(r.t, trace::udp_tuple(p), trace::packet_payload(p));
      if (const stun::Message* m = p.stun(); m && p.turn.kind == net::TurnEncap::none) {
        CapturedStun c;
        c.t = r.t;
        c.src_ip = p.src.addr.value;
        c.src_port = p.src.port;
        c.dst_ip = p.dst.addr.value;
        c.dst_port = p.dst.port;
        c.type = m->type();
        c.tid = m->tid.bytes();
        c.has_xor_mapped = m->has(stun::kXorMappedAddress);
        c.xor_mapped_ip = m->xor_mapped_address.addr.value;
        c.xor_mapped_port = m->xor_mapped_address.port;
        out.pcap_stun.push_back(c);
      }
    }
    w.flush();
    out.pcap_packets = w.packets();
  }

  out.packets = rec.packets_seen();
  out.nat_drops = rec.nat_drops();
  out.mappings_created = rec.mappings_created();
  return out;
}

}  // namespace p2psim::teach
