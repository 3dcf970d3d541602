#include "app/report/table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace p2psim::report {

void Table::add_row(std::vector<std::string> cells) {
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

namespace {
bool numeric(const std::string& s) {
  if (s.empty()) return true;
  const char c = s[0];
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
}
std::size_t display_width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++w;  // count UTF-8 code points
  return w;
}
}  // namespace

void Table::print(std::ostream& os, const std::string& indent) const {
  const std::size_t cols = header_.size();
  std::vector<std::size_t> width(cols, 0);
  std::vector<bool> right(cols, true);
  for (std::size_t c = 0; c < cols; ++c) {
    width[c] = display_width(header_[c]);
    for (const auto& r : rows_) {
      width[c] = std::max(width[c], display_width(r[c]));
      if (!numeric(r[c])) right[c] = false;
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    os << indent;
    for (std::size_t c = 0; c < cols; ++c) {
      const std::size_t pad = width[c] - display_width(cells[c]);
      if (c) os << "  ";
      if (right[c]) os << std::string(pad, ' ') << cells[c];
      else os << cells[c] << (c + 1 < cols ? std::string(pad, ' ') : "");
    }
    os << '\n';
  };
  line(header_);
  std::vector<std::string> rule;
  for (std::size_t c = 0; c < cols; ++c) rule.push_back(std::string(width[c], '-'));
  line(rule);
  for (const auto& r : rows_) line(r);
}

std::string format_number(double v, int digits) {
  if (!std::isfinite(v)) return std::isnan(v) ? "n/a" : (v > 0 ? "inf" : "-inf");
  char buf[64];
  const double a = std::fabs(v);
  if (a != 0 && (a >= 1e9 || a < 1e-4)) std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  else if (a >= std::pow(10.0, digits)) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::string format_mean_ci(double mean, double half_width, int digits) {
  if (half_width <= 0) return format_number(mean, digits);
  return format_number(mean, digits) + " ± " + format_number(half_width, 2);
}

}  // namespace p2psim::report
