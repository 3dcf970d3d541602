// Pieces both group-call summaries (flow mode: group_call_summary.cpp, packet mode:
// group_call_packet.cpp) print with: a metric's mean at a point, printf-style cells, the
// points grouped by every swept key except the group size, and aligned rows.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "app/study/study.hpp"

namespace p2psim::study {

// The mean of `metric` at `p`; NaN when the point lacks it.
double stat(const PointSummary& p, const std::string& metric);
// `v` formatted with the printf format `f` (one double conversion); "-" for NaN.
std::string fmt(const char* f, double v);

// The points grouped by every swept parameter but call.group_size, groups in the order they
// first appear and points inside a group sorted by group size (stable).
struct PointGroups {
  std::vector<std::string> keys;  // "path=value, ..." ("" when only the group size is swept)
  std::map<std::string, std::vector<const PointSummary*>> points;
};
PointGroups group_by_sweep_except_size(const RunSetSummary& s);

// Rows of cells, columns padded to their widest cell: the first left-aligned, the others
// right-aligned; trailing blanks trimmed.
void print_rows(std::ostream& os, const std::vector<std::vector<std::string>>& rows);

}  // namespace p2psim::study
