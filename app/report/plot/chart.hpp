// Chart: what one plot shows, independent of the tool that draws it: a style, axes and
// series of points. Values are kept as the text results.csv holds (y, low, high), so the
// data file gnuplot reads carries exactly the numbers of the run; a chart's y_scale is
// applied by the plotting script (e.g. bit/s drawn as Mbit/s), never to the data.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace p2psim::report {

enum class ChartStyle {
  kLines,    // y vs numeric x, one line per series, optional CI band (low..high)
  kBars,     // clustered bars: x categories, one bar per series, optional error bars
  kStacked,  // stacked bars: x categories, each series one layer (low..high = bottom..top)
  kTime,     // time series: x in seconds (drawn in hours), band low..high (min..max)
};

struct ChartPoint {
  double x = 0;          // numeric x, or the category index for categorical charts
  std::string x_label;   // category name (categorical charts) or the x text
  std::string y, low, high;  // value texts; "" = missing (written as NaN)
};

struct ChartSeries {
  std::string title;
  std::vector<ChartPoint> points;
};

struct Chart {
  std::string id;       // file stem: [a-z0-9_-]+
  std::string title;
  std::string caption;  // one sentence for the report: what is drawn and from which metrics
  std::string xlabel, ylabel;
  ChartStyle style = ChartStyle::kLines;
  bool categorical = false;  // x values are category indexes; labels in x_labels
  std::vector<std::string> x_labels;
  bool bands = true;         // draw low..high
  double y_scale = 1;        // the script draws y / y_scale
  bool log_x = false;
  std::vector<std::pair<double, std::string>> hlines;  // reference lines (value in data units, label)
  std::vector<ChartSeries> series;
  std::string metric, x_path;  // for y-vs-x charts: what is drawn (the generic chart skips repeats)
};

}  // namespace p2psim::report
