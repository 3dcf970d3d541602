// A STUN server (RFC 8489 Binding) with optional RFC 5780 behaviour-discovery support.
//
// With an alternate address configured, the server listens on {primary, alternate} x
// {port, alt_port}, includes OTHER-ADDRESS and RESPONSE-ORIGIN in responses (RFC 5780
// section 6), and honours CHANGE-REQUEST by answering from the changed address and/or
// port (section 7.2). Without an alternate address a CHANGE-REQUEST is answered with
// 420 Unknown Attribute (RFC 5780 section 6.1).
#pragma once

#include <cstdint>

#include "models/net/host.hpp"
#include "models/stun/message.hpp"

namespace p2psim::stun {

struct ServerConfig {
  std::uint16_t port = 3478;      // RFC 8489 section 9: default STUN port
  std::uint16_t alt_port = 3479;  // RFC 5780 alternate port (conventionally 3479)
  net::Ipv4 alternate;            // alternate address; unspecified = no RFC 5780 support
  bool tcp = false;               // also listen on TCP (port only)
};

class Server : public net::PacketSink {
 public:
  // Binds the ports on `host` and adds the alternate address to it.
  Server(net::Host& host, ServerConfig cfg = {});
  ~Server() override;

  net::Endpoint primary() const { return {host_->address(), cfg_.port}; }
  net::Endpoint other() const { return {cfg_.alternate, cfg_.alt_port}; }
  bool supports_rfc5780() const { return !cfg_.alternate.is_unspecified(); }
  std::uint64_t requests() const { return requests_; }
  std::uint64_t bytes_in() const { return bytes_in_; }
  std::uint64_t bytes_out() const { return bytes_out_; }

  void on_packet(net::Host& host, const net::Packet& p, std::uint64_t cookie) override;

 private:
  net::Host* host_;
  ServerConfig cfg_;
  std::uint64_t requests_ = 0, bytes_in_ = 0, bytes_out_ = 0;
};

}  // namespace p2psim::stun
