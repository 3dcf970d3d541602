// Parser of the group-call study's sections (call, access, layouts, devices, media,
// servers, connectivity) into a plain media::CallSpec plus the connectivity options the
// study applies per run. Every key is documented in docs/scenarios.md.
#pragma once

#include <vector>

#include "app/scenario/field.hpp"
#include "models/ice/call_connectivity.hpp"
#include "models/media/call_spec.hpp"

namespace p2psim::study {

struct GroupCallParams {
  media::CallSpec spec;
  double relayed_fraction = 0;  // mesh: of peer pairs; SFU/MCU: of participants
  double failed_fraction = 0;
  bool relay_tcp = false;
  // connectivity.nat_mix: participants' NATs; paths then come from simulated ICE sessions.
  std::vector<ice::NatShare> ice_mix;
  bool ice_turn = true;
  // connectivity.sfu_ice_tcp: the SFU is ICE-lite with a passive ICE-TCP candidate on 443.
  bool sfu_ice_tcp = true;
  bool packet = false;  // call.model: packet (the packet mode, group_call_packet.cpp)
};

// Throws scenario::ScenarioError (file:line:column: key: expected ..., got ...).
GroupCallParams parse_group_call_params(const scenario::Field& root);

}  // namespace p2psim::study
