// Birthday-paradox punching on the packet network against the analytic success rate.
#include <catch2/catch.hpp>

#include <cmath>

#include "models/ice/birthday.hpp"
#include "models/ice/birthday_punch.hpp"
#include "models/nat/preset.hpp"
#include "models/net/network.hpp"
#include "models/stun/server.hpp"

using namespace p2psim;
using namespace p2psim::ice;

TEST_CASE("birthday punching through a random-port symmetric NAT matches 1-(1-k/R)^n", "[ice][birthday]") {
  const nat::NatConfig hard_cfg = nat::preset("symmetric").layers.front();
  const nat::NatConfig easy_cfg = nat::preset("port-restricted-cone").layers.front();
  REQUIRE(hard_cfg.ports == nat::PortAssignment::random);
  BirthdayConfig cfg;
  cfg.hard_ports = 64;
  cfg.probes = 256;
  cfg.port_min = hard_cfg.port_min;
  cfg.port_max = hard_cfg.port_max;
  const std::int64_t range = std::int64_t{hard_cfg.port_max} - hard_cfg.port_min + 1;
  const double p = 1.0 - std::pow(1.0 - static_cast<double>(cfg.hard_ports) / static_cast<double>(range), cfg.probes);
  const int trials = 400;
  int ok = 0;
  for (int s = 1; s <= trials; ++s) {
    Simulator sim;
    net::Network net(sim, derive_seed(s, "net"));
    const net::NodeId core = net.add_router("core");
    const net::NodeId stun_node = net.add_host(core, net::LinkSpec{SimTime::ms(5)});
    stun::Server stun(net.host(stun_node));
    const net::NodeId hard_nat = net.add_nat(core, hard_cfg, net::LinkSpec{SimTime::ms(10)});
    const net::NodeId easy_nat = net.add_nat(core, easy_cfg, net::LinkSpec{SimTime::ms(10)});
    const net::NodeId hard = net.add_host(hard_nat, net::LinkSpec{SimTime::ms(1)});
    const net::NodeId easy = net.add_host(easy_nat, net::LinkSpec{SimTime::ms(1)});
    BirthdayPunch punch(sim, net.host(hard), net.nat(hard_nat).external_address(), net.host(easy), 0, {}, cfg,
                        derive_seed(s, "punch"));
    punch.start_with_stun(stun.primary());
    sim.run_until(SimTime::s(10));
    ok += punch.success();
    if (punch.success()) CHECK(punch.probes_sent() <= cfg.probes);
  }
  const double rate = static_cast<double>(ok) / trials;
  const double se = std::sqrt(p * (1 - p) / trials);
  INFO("p=" << p << " rate=" << rate);
  CHECK(std::fabs(rate - p) <= 3.29 * se);
}
