// Connectivity of one group-call run (group_call_connectivity.hpp).
#include "app/study/group_call_connectivity.hpp"

#include "models/ice/call_connectivity.hpp"
#include "sim/random.hpp"

namespace p2psim::study {
namespace {

using media::CallSpec;

// Fills the connectivity hook from fractions (the ICE model can fill it directly instead).
void draw_connectivity(const GroupCallParams& p, CallSpec& s, std::uint64_t seed) {
  if (p.relayed_fraction <= 0 && p.failed_fraction <= 0) return;
  const int n = s.group_size;
  Rng rng = Rng::stream(seed, "media/connectivity");
  auto draw = [&] {
    const double u = rng.uniform01();
    return u < p.failed_fraction ? 2 : u < p.failed_fraction + p.relayed_fraction ? 1 : 0;
  };
  if (s.topology == media::TopologyKind::kMesh || (s.topology == media::TopologyKind::kHybrid && n == 2)) {
    // ICE runs per pair: one outcome for both directions.
    s.connectivity.peer.assign(static_cast<std::size_t>(n) * n, media::PeerPath::kDirect);
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j) {
        const auto path = static_cast<media::PeerPath>(draw());
        s.connectivity.peer[static_cast<std::size_t>(i) * n + j] = path;
        s.connectivity.peer[static_cast<std::size_t>(j) * n + i] = path;
      }
  } else {
    s.connectivity.server.assign(n, media::ServerPath::kDirectUdp);
    for (int i = 0; i < n; ++i) {
      const int d = draw();
      s.connectivity.server[i] = d == 2   ? media::ServerPath::kFailed
                                 : d == 1 ? (p.relay_tcp ? media::ServerPath::kTurnTcp : media::ServerPath::kTurnUdp)
                                          : media::ServerPath::kDirectUdp;
    }
  }
}

// Fills the connectivity hook from simulated ICE sessions (models/ice/call_connectivity.hpp).
void ice_connectivity(const GroupCallParams& p, CallSpec& s, std::uint64_t seed) {
  const int n = s.group_size;
  const bool mesh = s.topology == media::TopologyKind::kMesh || (s.topology == media::TopologyKind::kHybrid && n == 2);
  // ICE-TCP to the server: SFUs (and the SFU of a hybrid call) only; the MCU has no TCP candidate.
  const bool ice_tcp = p.sfu_ice_tcp && s.topology != media::TopologyKind::kMcu;
  const ice::CallConnectivity c = ice::ice_call_connectivity(p.ice_mix, n, mesh, p.ice_turn, ice_tcp, seed);
  if (mesh) {
    s.connectivity.peer.assign(static_cast<std::size_t>(n) * n, media::PeerPath::kDirect);
    for (std::size_t k = 0; k < c.peer.size(); ++k)
      s.connectivity.peer[k] = c.peer[k] == ice::Outcome::kDirect    ? media::PeerPath::kDirect
                               : c.peer[k] == ice::Outcome::kRelayed ? media::PeerPath::kRelayed
                                                                     : media::PeerPath::kFailed;
  } else {
    s.connectivity.server.assign(n, media::ServerPath::kDirectUdp);
    for (int i = 0; i < n; ++i)
      s.connectivity.server[i] = c.server[i] == ice::ServerLeg::kDirectUdp ? media::ServerPath::kDirectUdp
                                 : c.server[i] == ice::ServerLeg::kTurnUdp ? media::ServerPath::kTurnUdp
                                 : c.server[i] == ice::ServerLeg::kTurnTcp   ? media::ServerPath::kTurnTcp
                                 : c.server[i] == ice::ServerLeg::kDirectTcp ? media::ServerPath::kDirectTcp
                                                                             : media::ServerPath::kFailed;
  }
}

}  // namespace

void fill_call_connectivity(const GroupCallParams& p, CallSpec& spec, std::uint64_t seed) {
  if (!p.ice_mix.empty())
    ice_connectivity(p, spec, seed);
  else
    draw_connectivity(p, spec, seed);
}

}  // namespace p2psim::study
