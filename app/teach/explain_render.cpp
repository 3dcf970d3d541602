#include "app/teach/explain_render.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "models/trace/packet_bytes.hpp"
#include "models/trace/pcap_writer.hpp"
#include "models/trace/tcp_capture.hpp"
#include "models/trace/sequence_diagram.hpp"

namespace p2psim::teach::detail {

void render(Recorder& rec, net::Network& net, const std::vector<NodeId>& lanes, const Side& a, const Side& b,
            NodeId stun_node, NodeId turn_node, const ExplainOptions& options, ExplainResult& out) {
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
    trace::TcpCapture tcp;
    for (const Rec& r : recs) {
      const net::Packet& p = rec.hops()[r.i].p;
      if (net::is_stream(p.transport)) {
        const std::vector<std::uint8_t> bytes = trace::stream_payload(p);
        w.write_tcp(r.t, tcp.segment(p, static_cast<std::uint32_t>(bytes.size())), bytes);
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

}

}  // namespace p2psim::teach::detail
