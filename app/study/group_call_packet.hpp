// The packet mode of study kind "group-call" (call.model: packet): parses the `packet`
// section into media::packet::PacketCallSpec, runs simulate_packet_call, reports
// metrics, time series and a summary. Called from group_call_study.cpp only.
#pragma once

#include <iosfwd>
#include <memory>

#include "app/study/group_call_spec_parser.hpp"
#include "app/study/study.hpp"

namespace p2psim::study {

// `params`: the flow model's spec and connectivity section, already parsed from the shared sections.
std::unique_ptr<Study> parse_group_call_packet(const scenario::Field& root, const GroupCallParams& params);
// True if the run set came from packet mode (it has packet metrics).
bool is_packet_summary(const RunSetSummary& s);
void summarize_group_call_packet(const RunSetSummary& s, std::ostream& os);

}  // namespace p2psim::study
