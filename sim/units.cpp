#include "sim/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace p2psim {
namespace detail {

bool split_number_unit(std::string_view text, double& value, std::string& unit) {
  std::size_t i = 0, n = text.size();
  while (i < n && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  const std::size_t start = i;
  std::size_t digits = 0;
  while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  if (i < n && text[i] == '.') {
    ++i;
    while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < n && (text[j] == '+' || text[j] == '-')) ++j;
    std::size_t exp_digits = 0;
    while (j < n && std::isdigit(static_cast<unsigned char>(text[j]))) ++j, ++exp_digits;
    if (exp_digits > 0) i = j;  // otherwise the 'e' starts the unit
  }
  const std::string number(text.substr(start, i - start));
  if (number.size() > 64) return false;
  char* end = nullptr;
  value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value)) return false;
  while (i < n && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::size_t u = i;
  while (u < n && std::isalpha(static_cast<unsigned char>(text[u]))) ++u;
  unit.assign(text.substr(i, u - i));
  while (u < n && std::isspace(static_cast<unsigned char>(text[u]))) ++u;
  return u == n;
}

}  // namespace detail

std::optional<double> parse_rate(std::string_view text) {
  double value = 0;
  std::string unit;
  if (!detail::split_number_unit(text, value, unit)) return std::nullopt;
  double scale = 0;
  if (unit == "bps") scale = 1;
  else if (unit == "kbps") scale = 1e3;
  else if (unit == "Mbps") scale = 1e6;
  else if (unit == "Gbps") scale = 1e9;
  else if (unit == "Tbps") scale = 1e12;
  else if (unit.empty() && value == 0) scale = 1;
  else return std::nullopt;
  const double bps = value * scale;
  if (!std::isfinite(bps) || bps > 1e15) return std::nullopt;
  return bps;
}

std::optional<std::int64_t> parse_size(std::string_view text) {
  double value = 0;
  std::string unit;
  if (!detail::split_number_unit(text, value, unit)) return std::nullopt;
  double scale = 0;
  if (unit == "B") scale = 1;
  else if (unit == "kB" || unit == "KB") scale = 1e3;
  else if (unit == "MB") scale = 1e6;
  else if (unit == "GB") scale = 1e9;
  else if (unit == "KiB") scale = 1024.0;
  else if (unit == "MiB") scale = 1024.0 * 1024;
  else if (unit == "GiB") scale = 1024.0 * 1024 * 1024;
  else if (unit.empty() && value == 0) scale = 1;
  else return std::nullopt;
  const double bytes = value * scale;
  if (!std::isfinite(bytes) || bytes > 4.6e18) return std::nullopt;
  return std::llround(bytes);
}

std::string format_rate(double bps) {
  const char* unit = "bps";
  double v = bps;
  if (std::fabs(bps) >= 1e9) v = bps / 1e9, unit = "Gbps";
  else if (std::fabs(bps) >= 1e6) v = bps / 1e6, unit = "Mbps";
  else if (std::fabs(bps) >= 1e3) v = bps / 1e3, unit = "kbps";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g%s", v, unit);
  return buf;
}

}  // namespace p2psim
