#include "app/teach/explain_recorder.hpp"

#include <cstdio>
#include <variant>

namespace p2psim::teach::detail {

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

std::string Recorder::describe(const net::Packet& p) const {
  if (net::is_stream(p.transport)) {
    const std::string over = p.transport == net::Transport::tls ? "TLS" : "TCP";
    switch (p.tcp) {
      case net::TcpControl::syn:
        return "TCP SYN: opens a " + over + " connection to port " + std::to_string(p.dst.port) +
               (p.dst.port == 443 ? " (TURN over TLS on 443, the fallback when UDP gets no answer)" : "");
      case net::TcpControl::syn_ack: return "TCP SYN-ACK: the server accepts the connection";
      case net::TcpControl::tls_hello: return "TLS ClientHello (" + std::to_string(p.size_bytes) + " bytes)";
      case net::TcpControl::tls_server:
        return "TLS ServerHello .. Finished (" + std::to_string(p.size_bytes) + " bytes): the TLS 1.3 handshake completes";
      case net::TcpControl::fin: return "TCP FIN: closes the connection";
      case net::TcpControl::rst: return "TCP RST: the connection is refused or reset";
      case net::TcpControl::data: break;
    }
  }
  const std::string wrap = p.transport == net::Transport::tls   ? "TLS record carrying "
                           : p.transport == net::Transport::tcp ? "TCP segment carrying "
                                                                : "";
  return wrap + describe_datagram(p);
}

std::string Recorder::describe_datagram(const net::Packet& p) const {
  std::string inner;
  if (const stun::Message* m = p.stun()) {
    const bool to_server = servers_.count(p.dst) != 0;
    // Relayed (framed) packets come from the TURN server but carry the peer's message.
    const bool from_server = servers_.count(p.src) != 0 && p.turn.kind == net::TurnEncap::none;
    if (m->method == stun::Method::binding) {
      if (m->cls == stun::Class::request) {
        if (m->has(stun::kPriority))
          inner = std::string("ICE connectivity check") + (m->has(stun::kUseCandidate) ? " with USE-CANDIDATE" : "") +
                  (m->has(stun::kNomination) ? " with NOMINATION " + std::to_string(m->nomination) : "");
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

}  // namespace p2psim::teach::detail
