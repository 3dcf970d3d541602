// Scale check of the packet network and NATs: N hosts, each behind its own NAT (preset
// mix), each sends one STUN Binding request to a server and gets the response through
// its NAT. Prints wall time, events and peak RSS.
//   bench_net_scale [hosts=1000000]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "models/nat/preset.hpp"
#include "models/net/network.hpp"
#include "models/stun/server.hpp"

using namespace p2psim;
using namespace p2psim::net;

namespace {
struct Counter : PacketSink {
  std::uint64_t got = 0;
  void on_packet(Host&, const Packet&, std::uint64_t) override { ++got; }
};
}  // namespace

int main(int argc, char** argv) {
  const std::uint32_t n = argc > 1 ? static_cast<std::uint32_t>(std::atol(argv[1])) : 1000000;
  const auto t0 = std::chrono::steady_clock::now();
  Simulator sim;
  Network net(sim, 1);
  const NodeId core = net.add_router("core");
  std::vector<NodeId> regions;
  for (int i = 0; i < 8; ++i) {
    regions.push_back(net.add_router());
    net.add_link(core, regions.back(), LinkSpec{SimTime::ms(5 + 3 * i)});
  }
  const NodeId srv = net.add_host(core, LinkSpec{SimTime::ms(1)});
  stun::Server server(net.host(srv));
  const char* mix[] = {"full-cone", "restricted-cone", "port-restricted-cone", "symmetric", "linux-masquerade"};
  std::vector<std::vector<nat::NatConfig>> layers;
  for (const char* m : mix) layers.push_back(nat::preset(m).layers);
  Counter counter;
  std::vector<NodeId> hosts;
  hosts.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const NodeId gw = net.add_nat_chain(regions[i % regions.size()], layers[i % 5], LinkSpec{SimTime::ms(10)},
                                        LinkSpec{SimTime::ms(1)});
    const NodeId h = net.add_host(gw, LinkSpec{SimTime::ms(1)});
    net.host(h).bind(5000, &counter);
    hosts.push_back(h);
  }
  const auto t1 = std::chrono::steady_clock::now();
  stun::Message req = stun::make_request(stun::Method::binding, {});
  for (std::uint32_t i = 0; i < n; ++i) {
    Host& h = net.host(hosts[i]);
    req.tid.words[0] = i;
    // Spread the requests over 10 s.
    sim.schedule_at(SimTime::ns(static_cast<std::int64_t>(i) * 10'000'000'000 / n),
                    [&h, &server] {
                      stun::Message m = stun::make_request(stun::Method::binding, {});
                      h.send_stun(5000, server.primary(), m);
                    });
  }
  sim.run();
  const auto t2 = std::chrono::steady_clock::now();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("hosts %u  responses %llu  events %llu  build %.2f s  run %.2f s  peak RSS %.0f MiB\n", n,
              static_cast<unsigned long long>(counter.got), static_cast<unsigned long long>(sim.events_executed()),
              std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count(),
              ru.ru_maxrss / 1024.0);
  return counter.got == n ? 0 : 1;
}
