// Connectivity of a group call's participants for one run, shared by the flow mode
// (group_call_study.cpp) and the packet mode (group_call_packet.cpp): from the
// connectivity section's fractions (relayed_fraction, failed_fraction, relay_tcp) or, with
// connectivity.nat_mix, from simulated ICE sessions (models/ice/call_connectivity.hpp).
#pragma once

#include <cstdint>

#include "app/study/group_call_spec_parser.hpp"

namespace p2psim::study {

// Fills spec.connectivity (left empty, i.e. everything direct, when the section asks for
// nothing). Deterministic in seed.
void fill_call_connectivity(const GroupCallParams& p, media::CallSpec& spec, std::uint64_t seed);

}  // namespace p2psim::study
