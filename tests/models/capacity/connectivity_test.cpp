#include <catch2/catch.hpp>

#include "models/capacity/capacity_model.hpp"
#include "models/capacity/connectivity.hpp"

using namespace p2psim;
using namespace p2psim::capacity;

namespace {
const NatBehaviour kOpen{Mapping::kNone, Filtering::kEndpointIndependent, false};
const NatBehaviour kFullCone{Mapping::kEndpointIndependent, Filtering::kEndpointIndependent, false};
const NatBehaviour kRestricted{Mapping::kEndpointIndependent, Filtering::kAddressDependent, false};
const NatBehaviour kPortRestricted{Mapping::kEndpointIndependent, Filtering::kAddressPortDependent, false};
const NatBehaviour kSymmetric{Mapping::kAddressPortDependent, Filtering::kAddressPortDependent, false};
const NatBehaviour kAdmEif{Mapping::kAddressDependent, Filtering::kEndpointIndependent, false};
PathKind path(NatBehaviour a, NatBehaviour b, bool tcp = true) { return Rfc4787Connectivity::path(a, b, tcp); }
}  // namespace

TEST_CASE("interim connectivity follows RFC 4787 mapping and filtering", "[capacity]") {
  // Endpoint-independent mapping on both sides: the srflx candidates work whatever the filter.
  CHECK(path(kPortRestricted, kPortRestricted) == PathKind::kDirect);
  CHECK(path(kFullCone, kRestricted) == PathKind::kDirect);
  CHECK(path(kOpen, kSymmetric) == PathKind::kDirect);
  // One symmetric side: the cone side must admit the symmetric side's new port.
  CHECK(path(kSymmetric, kFullCone) == PathKind::kDirect);
  CHECK(path(kRestricted, kSymmetric) == PathKind::kDirect);
  CHECK(path(kSymmetric, kPortRestricted) == PathKind::kRelayed);
  CHECK(path(kPortRestricted, kAdmEif) == PathKind::kRelayed);
  // Both sides address-and-port-dependent: every reply leaves from a new port, no
  // symmetric pair ever forms.
  CHECK(path(kSymmetric, kSymmetric) == PathKind::kRelayed);
  const NatBehaviour kApdmEif{Mapping::kAddressPortDependent, Filtering::kEndpointIndependent, false};
  CHECK(path(kApdmEif, kApdmEif) == PathKind::kRelayed);
  // Address-dependent mapping keeps one port towards the peer's address whatever the
  // peer's port: A's check from that port reaches B (EIF), B learns it as peer-reflexive
  // and its triggered check, answered from the same port, is symmetric.
  CHECK(path(kAdmEif, kAdmEif) == PathKind::kDirect);
  const NatBehaviour kApdmAdf{Mapping::kAddressPortDependent, Filtering::kAddressDependent, false};
  CHECK(path(kAdmEif, kApdmAdf) == PathKind::kDirect);
  const NatBehaviour kAdmApdf{Mapping::kAddressDependent, Filtering::kAddressPortDependent, false};
  CHECK(path(kAdmApdf, kAdmApdf) == PathKind::kRelayed);  // no first packet gets in
  // UDP blocked: only TURN over TCP/TLS.
  NatBehaviour blocked = kFullCone;
  blocked.udp_blocked = true;
  CHECK(path(blocked, kOpen) == PathKind::kRelayed);
  CHECK(path(kOpen, blocked, false) == PathKind::kFailed);
  // Symmetric in its arguments.
  for (auto a : {kOpen, kFullCone, kRestricted, kPortRestricted, kSymmetric, kAdmEif})
    for (auto b : {kOpen, kFullCone, kRestricted, kPortRestricted, kSymmetric, kAdmEif}) CHECK(path(a, b) == path(b, a));
}

TEST_CASE("the UDP-blocked side holds the allocation, relayed set-up is slower", "[capacity]") {
  NatBehaviour blocked = kFullCone;
  blocked.udp_blocked = true;
  Rng rng(1);
  const Rfc4787Connectivity conn;
  const PairOutcome o = conn.connect({kOpen, blocked, SimTime::ms(40), SimTime::ms(10), SimTime::ms(20)}, rng);
  CHECK(o.path == PathKind::kRelayed);
  CHECK(o.relay_side == 1);
  const PairOutcome d = conn.connect({kOpen, kFullCone, SimTime::ms(40), SimTime::ms(10), SimTime::ms(20)}, rng);
  CHECK(d.path == PathKind::kDirect);
  // Direct: signalling 100 ms + gathering 2 x 20 ms + one check round trip 40 ms.
  CHECK(d.setup == SimTime::ms(100 + 40 + 40));
  CHECK(o.setup > d.setup);
}

TEST_CASE("relayed fraction of a population follows from its NAT mix", "[capacity]") {
  // Mix: open 10%, full cone 10%, restricted cone 20%, port-restricted 40%, symmetric 20%.
  // A pair is relayed when both are symmetric, or one is symmetric and the other a
  // port-restricted cone: P = s^2 + 2 s q with s = 0.2, q = 0.4.
  CapacitySpec s;
  s.population.users = 50000;
  AccessProfile a;
  a.name = "mixed";
  a.nat_mix = {{kOpen, 0.1}, {kFullCone, 0.1}, {kRestricted, 0.2}, {kPortRestricted, 0.4}, {kSymmetric, 0.2}};
  s.population.access = {a};
  s.traffic.rate_per_s = 5;
  s.traffic.diurnal = false;
  s.traffic.horizon = SimTime::h(2);
  s.traffic.media = {{"audio", 1.0, 32e3}};
  s.relays.servers = {{"r0", 0, 1e12, 1000000, 1e18}};
  s.report.interval = SimTime::min(10);
  const CapacityResult r = run_capacity(s, Rfc4787Connectivity{}, 3);
  const double expected = 0.2 * 0.2 + 2 * 0.2 * 0.4;
  // About 36,000 pairs: the binomial standard error is ~0.0024.
  CHECK(r.relayed_leg_fraction == Approx(expected).margin(0.012));
  CHECK(r.relayed_call_fraction == Approx(expected).margin(0.012));
  CHECK(r.failed == 0);
}

TEST_CASE("connect() agrees with path() for every pair of behaviours", "[capacity]") {
  const Rfc4787Connectivity conn;
  Rng rng(2);
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 12; ++j)
      for (int blocked = 0; blocked < 2; ++blocked) {
        const NatBehaviour a{static_cast<Mapping>(i / 3), static_cast<Filtering>(i % 3), blocked == 1};
        const NatBehaviour b{static_cast<Mapping>(j / 3), static_cast<Filtering>(j % 3), false};
        CHECK(conn.connect({a, b, SimTime::ms(10), SimTime::ms(10), SimTime::ms(10)}, rng).path == path(a, b));
      }
}
