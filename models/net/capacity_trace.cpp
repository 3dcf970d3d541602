#include "models/net/capacity_trace.hpp"

#include <cmath>
#include <cstdlib>

namespace p2psim::net {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}
bool to_double(std::string_view s, double& out) {
  s = trim(s);
  if (s.empty() || s.size() > 64) return false;
  const std::string buf(s);
  char* end = nullptr;
  out = std::strtod(buf.c_str(), &end);
  return end == buf.c_str() + buf.size() && std::isfinite(out);
}
}  // namespace

std::optional<std::vector<CapacityStep>> parse_capacity_trace(std::string_view text, std::string& error) {
  std::vector<CapacityStep> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (const std::size_t h = line.find('#'); h != std::string_view::npos) line = line.substr(0, h);
    line = trim(line);
    if (line.empty()) continue;
    const std::size_t comma = line.find(',');
    double t = 0, rate = 0;
    auto fail = [&](const char* what) {
      error = "line " + std::to_string(line_no) + ": " + what;
      return std::nullopt;
    };
    if (comma == std::string_view::npos || !to_double(line.substr(0, comma), t) ||
        !to_double(line.substr(comma + 1), rate))
      return fail("expected \"time_s, rate_bps\"");
    if (t < 0 || t > 1e7) return fail("time must be in [0, 1e7] s");
    if (rate < 0 || rate > 1e12) return fail("rate must be in [0, 1e12] bit/s");
    if (out.empty() && t != 0) return fail("the first sample must be at time 0");
    const SimTime st = SimTime::from_seconds(t);
    if (!out.empty() && st <= out.back().t) return fail("times must increase");
    out.push_back({st, rate});
  }
  if (out.empty()) {
    error = "no samples";
    return std::nullopt;
  }
  if (out.back().bps <= 0) {
    error = "line " + std::to_string(line_no) + ": the last rate must be > 0";
    return std::nullopt;
  }
  return out;
}

std::vector<CapacityStep> scale_schedule(std::vector<CapacityStep> s, double factor) {
  for (CapacityStep& c : s) c.bps *= factor;
  return s;
}

}  // namespace p2psim::net
