// NAT behaviour discovery (RFC 5780 section 4) run by a host against an RFC 5780 server.
//
// Mapping (section 4.3): test I to the primary address gives XA1 and OTHER-ADDRESS;
// XA1 == local endpoint means no NAT. Test II to (alternate address, primary port):
// XA2 == XA1 means endpoint-independent mapping. Test III to (alternate address,
// alternate port): XA3 == XA2 means address-dependent, else address-and-port-dependent.
// Filtering (section 4.4), from a second local port so that the mapping tests have not
// opened the filter: test II asks (CHANGE-REQUEST) for the answer from the alternate
// address and port: received means endpoint-independent filtering; else test III asks
// for a change of port only: received means address-dependent, else address-and-port-
// dependent filtering. A lost answer is detected by the STUN transaction timeout.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/nat/nat.hpp"
#include "models/net/host.hpp"
#include "models/stun/client.hpp"

namespace p2psim::stun {

struct DiscoveryResult {
  bool udp_blocked = false;     // test I got no answer
  bool behind_nat = false;      // XA1 differs from the local endpoint
  nat::Mapping mapping = nat::Mapping::endpoint_independent;
  nat::Filtering filtering = nat::Filtering::endpoint_independent;
  net::Endpoint local;          // the mapping tests' local endpoint
  net::Endpoint mapped[3];      // XA1, XA2, XA3 (unspecified when not run)
  SimTime duration;             // simulated time the procedure took
  int transactions = 0;
  std::string describe() const;  // "behind NAT: EIM + APDF (mapped 20.0.0.2:5000)"
};

class Discovery : public net::PacketSink {
 public:
  // Uses local ports `mapping_port` and `filtering_port` on `host` (bound here).
  Discovery(net::Host& host, net::Endpoint server, std::uint64_t seed, std::uint16_t mapping_port = 40000,
            std::uint16_t filtering_port = 40001);
  ~Discovery() override;
  // Runs the tests; `done` is called once with the result.
  void start(std::function<void(const DiscoveryResult&)> done);
  bool finished() const { return finished_; }
  const DiscoveryResult& result() const { return result_; }

  void on_packet(net::Host& host, const net::Packet& p, std::uint64_t cookie) override;

 private:
  class Handler;
  void step(int test, const Message* resp);
  void finish();

  net::Host* host_;
  net::Endpoint server_;
  net::Endpoint other_;
  std::uint16_t map_port_, filt_port_;
  ClientTransactions map_tx_, filt_tx_;
  std::unique_ptr<Handler> handler_;
  std::function<void(const DiscoveryResult&)> done_;
  DiscoveryResult result_;
  SimTime started_;
  bool finished_ = false;
};

// One-shot: builds a small network (an RFC 5780 server on two public addresses, a host
// behind `layers`, innermost first), runs discovery and returns the classification.
// Used by the `p2psim discover` command and the tests.
DiscoveryResult discover(const std::vector<nat::NatConfig>& layers, std::uint64_t seed = 1);

}  // namespace p2psim::stun
