// Table: an aligned plain-text table for terminal summaries.
//
//   Table t({"topology", "N", "uplink"});
//   t.add_row({"mesh", "4", "7.5Mbps"});
//   t.print(std::cout);
// Columns whose cells all look numeric are right-aligned, others left-aligned.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace p2psim::report {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add_row(std::vector<std::string> cells);
  void print(std::ostream& os, const std::string& indent = "  ") const;
  std::size_t rows() const { return rows_.size(); }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Formats a number for people: up to `digits` significant digits, no exponent for
// ordinary magnitudes, thousands not separated ("12.5", "0.0031", "1.2e+09").
std::string format_number(double v, int digits = 4);
// "12.5 ± 0.3" when the half-width is non-zero, else "12.5".
std::string format_mean_ci(double mean, double half_width, int digits = 4);

}  // namespace p2psim::report
