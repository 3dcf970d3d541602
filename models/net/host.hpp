// A host: an end system with one or more IPv4 addresses and sockets (ports bound per
// transport). Clients, peers and servers (STUN, TURN, signalling) are all hosts.
//
// Receiving is through a PacketSink interface plus a 64-bit cookie per socket (no
// std::function per socket: a million hosts stay small). Sending hands a packet to the
// Network, which moves it hop by hop through links and NATs.
//
// TCP/TLS is a simple connection model (enough for TURN over TCP/TLS on 443): connect()
// sends a SYN through the network (creating NAT state like a real SYN); the listener
// answers SYN-ACK; for TLS a ClientHello / server flight follows (TLS 1.3, 1 RTT, RFC 8446
// section 2). The connection is then up: data segments are delivered reliably and in
// order (a lost segment arrives one retransmission timeout late instead of never).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "models/net/address.hpp"
#include "models/net/flat_map.hpp"
#include "models/net/packet.hpp"
#include "sim/prefetch.hpp"

namespace p2psim::net {

class Host;
class Network;
using NodeId = std::uint32_t;

// Receives packets and connection events for the sockets it was bound to.
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  // A packet for a socket bound with this sink. `p.dst` is the local endpoint (one of the
  // host's addresses), `p.src` the remote as seen by this host (after any NAT).
  virtual void on_packet(Host& host, const Packet& p, std::uint64_t cookie) = 0;
  // A connection opened by Host::connect is established (TCP: SYN-ACK received; TLS: the
  // server's handshake flight received).
  virtual void on_connected(Host& /*host*/, std::uint16_t /*local_port*/, Endpoint /*remote*/,
                            std::uint64_t /*cookie*/) {}
  // A connection attempt was reset (no listener) or got no answer after all SYN retries.
  virtual void on_connect_failed(Host& /*host*/, std::uint16_t /*local_port*/, Endpoint /*remote*/,
                                 std::uint64_t /*cookie*/) {}
};

class Host {
 public:
  Host(Network& net, NodeId id, Ipv4 address);

  NodeId id() const { return id_; }
  Ipv4 address() const { return address_; }  // primary address
  Network& network() const { return *net_; }
  // Adds a further address on the same interface (e.g. the alternate address of an
  // RFC 5780 STUN server). Registers it with the network.
  void add_address(Ipv4 a);
  const std::vector<Ipv4>& extra_addresses() const { return extra_; }
  bool owns(Ipv4 a) const;
  // The host's (first) IPv6 address, or an unspecified one (Network::add_ipv6).
  Ipv4 ipv6() const;
  // Source address for a packet to `dst` when the caller gives none: an address of the
  // destination's family (RFC 6724 section 5 rule 2 picks a source of matching scope;
  // across families no route exists), else the primary address.
  Ipv4 source_for(Ipv4 dst) const;

  // Binds `port` for transport `t` on all of the host's addresses (`addr` unspecified) or
  // on one address; port 0 picks a free ephemeral port (49152-65535, RFC 6335 section 6).
  // For TCP/TLS the socket also listens. A packet goes to the socket bound to its
  // destination address and port, else to the one bound to the port on all addresses.
  // Returns the bound port, or 0 when `port` is already bound for that address.
  std::uint16_t bind(std::uint16_t port, PacketSink* sink, std::uint64_t cookie = 0,
                     Transport t = Transport::udp, Ipv4 addr = {});
  void unbind(std::uint16_t port, Transport t = Transport::udp, Ipv4 addr = {});
  bool is_bound(std::uint16_t port, Transport t = Transport::udp, Ipv4 addr = {}) const;
  std::size_t socket_count() const { return sockets_.size(); }

  // Sends `p`. If p.src.addr is unspecified source_for(p.dst) is used; p.src.port must
  // be a bound port. For stream transports the connection must be established (or `p`
  // is a server's reply on an accepted connection).
  void send(Packet p);
  // Convenience: a UDP datagram from local `port` to `dst` with `payload` of `size` bytes.
  void send_udp(std::uint16_t port, Endpoint dst, const Payload& payload, std::uint32_t size);
  // Convenience: a STUN message over `t` (size from Message::encoded_size()).
  void send_stun(std::uint16_t port, Endpoint dst, const stun::Message& m, Transport t = Transport::udp,
                 Ipv4 src_addr = {});

  // Opens a TCP (t == tcp) or TLS-over-TCP (t == tls) connection from bound local `port`
  // to `remote`. The sink bound to `port` receives on_connected / on_connect_failed.
  void connect(std::uint16_t port, Endpoint remote, Transport t);
  bool is_connected(std::uint16_t port, Endpoint remote) const;
  void close(std::uint16_t port, Endpoint remote);

  // Called by the Network when a packet arrives for this host. Returns false when no
  // socket is bound at the destination port (the network reports a no_socket drop).
  bool deliver(const Packet& p);
  // A lookahead hint (Network's arrival events): starts loading what deliver() reads.
  void prefetch() const noexcept { prefetch_lines(this, 2 * 64); }

 private:
  struct Socket {
    Ipv4 addr;  // unspecified = all addresses
    std::uint16_t port;
    Transport transport;
    PacketSink* sink;
    std::uint64_t cookie;
  };
  enum class ConnState : std::uint8_t { syn_sent, tls_sent, established };
  struct Conn {
    std::uint16_t port;
    Endpoint remote;
    Transport transport;
    ConnState state;
    std::uint8_t syn_tries;
  };
  static std::uint64_t socket_key(Ipv4 addr, std::uint16_t port, Transport t) {
    return (std::uint64_t{addr.value} << 17) | (std::uint64_t{port} << 1) | (is_stream(t) ? 1u : 0u);
  }
  const Socket* find_exact(Ipv4 addr, std::uint16_t port, Transport t) const;
  const Socket* find_socket(Ipv4 addr, std::uint16_t port, Transport t) const;
  Conn* find_conn(std::uint16_t port, Endpoint remote);
  void send_control(std::uint16_t port, Endpoint remote, Transport t, TcpControl c, Ipv4 src_addr = {});
  void syn_timer(std::uint32_t conn_index);

  // Layout: what a delivery reads (addresses, the index pointer, the sockets) comes first,
  // in the first 112 bytes; the network pointer and the connections last.
  NodeId id_;
  Ipv4 address_;
  // Index for hosts with many sockets (TURN relays): socket_key -> position in sockets_.
  static constexpr std::size_t kIndexAt = 16;
  std::unique_ptr<FlatTable64<std::uint32_t>> index_;
  std::vector<Ipv4> extra_;
  // Inline room for two sockets (an ICE endpoint's and a TURN client's): no heap block,
  // and no cache miss beyond the host itself, for a million hosts.
  boost::container::small_vector<Socket, 2> sockets_;
  std::uint16_t next_ephemeral_ = 49152;
  Network* net_;
  std::vector<Conn> conns_;
};

}  // namespace p2psim::net
