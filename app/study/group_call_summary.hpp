// Summary of a group-call run set: per topology (every swept parameter but the group
// size) a table of rates, CPU and the binding constraints at each N, then the largest N
// that fits per topology and access profile with the constraint that binds first.
#pragma once

#include <ostream>

#include "app/study/study.hpp"

namespace p2psim::study {

void summarize_group_call(const RunSetSummary& s, std::ostream& os);

}  // namespace p2psim::study
