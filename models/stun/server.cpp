#include "models/stun/server.hpp"

namespace p2psim::stun {

Server::Server(net::Host& host, ServerConfig cfg) : host_(&host), cfg_(cfg) {
  host.bind(cfg_.port, this, 0);
  if (supports_rfc5780()) {
    host.add_address(cfg_.alternate);
    host.bind(cfg_.alt_port, this, 0);
  }
  if (cfg_.tcp) host.bind(cfg_.port, this, 0, net::Transport::tcp);
}

Server::~Server() {
  host_->unbind(cfg_.port);
  if (supports_rfc5780()) host_->unbind(cfg_.alt_port);
  if (cfg_.tcp) host_->unbind(cfg_.port, net::Transport::tcp);
}

void Server::on_packet(net::Host& host, const net::Packet& p, std::uint64_t) {
  const Message* req = p.stun();
  if (!req || req->method != Method::binding || req->cls != Class::request) return;
  ++requests_;
  bytes_in_ += p.size_bytes;
  net::Endpoint from = p.dst;  // the address:port the request reached
  Message resp;
  if (req->has(kChangeRequest) && (req->change_flags & (kChangeIp | kChangePort)) != 0) {
    if (!supports_rfc5780() || net::is_stream(p.transport)) {
      resp = make_error(*req, error::kUnknownAttribute);  // RFC 5780 section 6.1 / 7.2
    } else {
      if (req->change_flags & kChangeIp)
        from.addr = from.addr == host.address() ? cfg_.alternate : host.address();
      if (req->change_flags & kChangePort) from.port = from.port == cfg_.port ? cfg_.alt_port : cfg_.port;
    }
  }
  if (!resp.has(kErrorCode)) {
    resp = make_success(*req);
    resp.with_xor_mapped(p.src);  // RFC 8489 section 14.2: the source transport address seen
    if (supports_rfc5780()) {
      // OTHER-ADDRESS: the address and port differing in both from the one the request
      // arrived at (RFC 5780 section 7.4); RESPONSE-ORIGIN: where the response leaves (7.3).
      resp.other_address = net::Endpoint{p.dst.addr == host.address() ? cfg_.alternate : host.address(),
                                         p.dst.port == cfg_.port ? cfg_.alt_port : cfg_.port};
      resp.set(kOtherAddress);
      resp.response_origin = from;
      resp.set(kResponseOrigin);
    }
  }
  resp.software_len = 0;
  bytes_out_ += resp.encoded_size();
  host.send_stun(from.port, p.src, resp, p.transport, from.addr);
}

}  // namespace p2psim::stun
