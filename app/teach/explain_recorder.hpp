// The recorder of an explain run: what the network and the NATs report through their
// observer hooks (net::NetObserver, nat::NatObserver), kept as time-stamped blocks of
// narrative lines, plus every hop for the sequence diagram and the pcap. It only
// narrates; nothing here decides whether a packet passes.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/nat/nat.hpp"
#include "models/nat/preset.hpp"
#include "models/net/network.hpp"
#include "models/stun/message.hpp"
#include "sim/simulator.hpp"

namespace p2psim::teach::detail {

using net::Endpoint;
using net::NodeId;

std::string ms(SimTime t);                          // "12.0 ms"
std::string hex_tid(const stun::TransactionId& t);  // 8 hex digits folded from the id
std::string preset_phrase(const nat::Preset& p);    // "full-cone (EIM+EIF)"
std::string filtering_words(nat::Filtering f);

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
      } else if (p.dst.addr.is_ipv6()) {
        // No NAT decision: the box's RFC 6092 IPv6 firewall (models/nat/ipv6_firewall.hpp).
        info.drop_text = name(at) + "'s IPv6 firewall (RFC 6092): no state from an outbound packet to " +
                         p.src.to_string() + ", so this unsolicited inbound packet is dropped";
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
  std::string describe_datagram(const net::Packet& p) const;  // the message, without TCP/TLS

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

}  // namespace p2psim::teach::detail
