// Capacity traces: a link's rate over time as text, one "time, rate" sample a line
// (time in seconds from the start, rate in bit/s; '#' starts a comment; blank lines
// ignored; times strictly increasing, the first 0). The link holds each rate until the
// next sample (piecewise constant, as Mahimahi-style and ns-3 rate traces are replayed
// at sample granularity). Also a helper for step schedules (RFC 8867 s5.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/net/queued_link.hpp"

namespace p2psim::net {

// Parses a trace. On error returns nullopt and sets `error` to "line N: ...".
std::optional<std::vector<CapacityStep>> parse_capacity_trace(std::string_view text, std::string& error);

// Scales every rate by `factor` (> 0).
std::vector<CapacityStep> scale_schedule(std::vector<CapacityStep> s, double factor);

}  // namespace p2psim::net
