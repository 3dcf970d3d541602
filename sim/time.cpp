#include "sim/time.hpp"

#include <cmath>

#include "sim/units.hpp"

namespace p2psim {

SimTime SimTime::from_seconds(double seconds) { return SimTime::ns(std::llround(seconds * 1e9)); }

std::optional<SimTime> parse_time(std::string_view text) {
  double value = 0;
  std::string unit;
  if (!detail::split_number_unit(text, value, unit)) return std::nullopt;
  double scale = 0;
  if (unit == "ns") scale = 1;
  else if (unit == "us") scale = 1e3;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "s") scale = 1e9;
  else if (unit == "min") scale = 60e9;
  else if (unit == "h") scale = 3600e9;
  else if (unit.empty() && value == 0) scale = 1;
  else return std::nullopt;
  const double ns = value * scale;
  if (!std::isfinite(ns) || ns > 9.2e18) return std::nullopt;
  return SimTime::ns(std::llround(ns));
}

std::string to_string(SimTime t) {
  const std::int64_t v = t.count_ns();
  if (v == 0) return "0s";
  struct U { std::int64_t ns; const char* name; };
  static constexpr U units[] = {{3'600'000'000'000, "h"}, {60'000'000'000, "min"},
                                {1'000'000'000, "s"},     {1'000'000, "ms"},
                                {1'000, "us"},            {1, "ns"}};
  for (const U& u : units)
    if (v % u.ns == 0) return std::to_string(v / u.ns) + u.name;
  return std::to_string(v) + "ns";
}

}  // namespace p2psim
