#include "app/report/plot/gnuplot.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace p2psim::report {
namespace {

namespace fs = std::filesystem;

// A gnuplot string literal in double quotes (backslash escapes).
std::string gp_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string cell(const std::string& v) { return v.empty() ? "NaN" : v; }

std::string fmt(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string color(std::size_t i) { return kColors[i % (sizeof kColors / sizeof kColors[0])]; }

void write_file(const fs::path& p, const std::string& content) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  if (!f) throw std::runtime_error("cannot write " + p.string());
  f << content;
  f.flush();
  if (!f) throw std::runtime_error("cannot write " + p.string());
}

}  // namespace

std::string gnuplot_data(const Chart& c) {
  std::ostringstream o;
  o << "# p2psim chart " << c.id << ": " << c.title << "\n# columns: x y low high label\n";
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    if (i) o << "\n\n";
    o << "# series " << i << ": " << c.series[i].title << '\n';
    for (const ChartPoint& p : c.series[i].points)
      o << fmt(p.x) << ' ' << cell(p.y) << ' ' << cell(p.low) << ' ' << cell(p.high) << ' '
        << gp_string(p.x_label.empty() ? fmt(p.x) : p.x_label) << '\n';
    if (c.series[i].points.empty()) o << "NaN NaN NaN NaN \"\"\n";
  }
  return o.str();
}

std::string gnuplot_script(const Chart& c, ImageFormat format, const std::string& data, const std::string& image) {
  std::ostringstream o;
  o << "# p2psim chart " << c.id << " (generated; run with: gnuplot " << c.id << ".gp)\n";
  // Many categories: a wider, taller canvas for vertical labels.
  const std::size_t cats = c.x_labels.size();
  const int width = cats > 20 ? 1200 : 900, height = cats > 6 ? 700 : 520;
  if (format == ImageFormat::kSvg)
    o << "set terminal svg size " << width << ',' << height << " dynamic noenhanced font 'Sans,12' background rgb 'white'\n";
  else
    o << "set terminal pngcairo size " << width << ',' << height << " noenhanced font 'Sans,11' background rgb 'white'\n";
  o << "set output " << gp_string(image) << '\n';
  o << "set title " << gp_string(c.title) << '\n';
  o << "set xlabel " << gp_string(c.xlabel) << "\nset ylabel " << gp_string(c.ylabel) << '\n';
  o << "set grid ytics lc rgb '#dddddd'\nset border 3\nset tics nomirror\n";
  o << "set key outside right top vertical Left reverse noopaque\n";
  o << "set datafile missing 'NaN'\n";
  if (c.log_x) o << "set logscale x\n";
  const std::string s = fmt(c.y_scale);
  const bool cat = c.categorical || c.style == ChartStyle::kBars || c.style == ChartStyle::kStacked;
  if (cat) {
    o << "set xtics (";
    for (std::size_t i = 0; i < c.x_labels.size(); ++i) o << (i ? ", " : "") << gp_string(c.x_labels[i]) << ' ' << i;
    o << ")";
    if (c.x_labels.size() > 6) o << " rotate by 90 right font ',9'";
    o << "\nset xrange [-0.6:" << fmt(static_cast<double>(c.x_labels.size()) - 0.4) << "]\n";
  }
  if (c.style == ChartStyle::kBars || c.style == ChartStyle::kStacked) o << "set yrange [0:*]\n";
  for (const auto& [v, label] : c.hlines) {
    o << "set arrow from graph 0, first " << fmt(v / c.y_scale) << " to graph 1, first " << fmt(v / c.y_scale)
      << " nohead dt 2 lw 2 lc rgb '#d62728' front\n";
    o << "set label " << gp_string(label) << " at graph 0.01, first " << fmt(v / c.y_scale)
      << " offset 0,0.6 tc rgb '#d62728' front\n";
  }
  const std::string d = gp_string(data);
  std::string plot;
  const std::size_t n = c.series.size();
  const std::string x = c.style == ChartStyle::kTime ? "($1/3600)" : "1";
  for (std::size_t i = 0; i < n; ++i) {
    const std::string idx = " index " + std::to_string(i);
    const std::string col = " lc rgb '" + color(i) + "'";
    const std::string title = " title " + gp_string(c.series[i].title);
    auto add = [&](const std::string& part) { plot += (plot.empty() ? "plot " : ", \\\n     ") + part; };
    switch (c.style) {
      case ChartStyle::kLines:
      case ChartStyle::kTime:
        if (c.bands)
          add(d + idx + " using " + x + ":($3/" + s + "):($4/" + s + ") with filledcurves" + col +
              " fs transparent solid 0.18 noborder notitle");
        add(d + idx + " using " + x + ":($2/" + s + ") with " +
            (c.style == ChartStyle::kTime ? std::string("lines lw 2") : std::string("linespoints lw 2 pt 7 ps 0.8")) + col +
            title);
        break;
      case ChartStyle::kBars: {
        const double w = 0.8 / static_cast<double>(n);
        const std::string off = "($1-0.4+" + fmt(w * (static_cast<double>(i) + 0.5)) + ")";
        add(d + idx + " using " + off + ":($2/" + s + "):(" + fmt(w) + ") with boxes fs solid 0.75 noborder" + col + title);
        if (c.bands)
          add(d + idx + " using " + off + ":($2/" + s + "):($3/" + s + "):($4/" + s + ") with yerrorbars pt 0 lc rgb '#333333' notitle");
        break;
      }
      case ChartStyle::kStacked:
        add(d + idx + " using 1:($2/" + s + "):($1-0.35):($1+0.35):($3/" + s + "):($4/" + s +
            ") with boxxyerror fs solid 0.8 noborder" + col + title);
        break;
    }
  }
  if (plot.empty()) plot = "plot NaN notitle";
  o << plot << '\n';
  return o.str();
}

bool gnuplot_available() { return std::system("gnuplot --version >/dev/null 2>&1") == 0; }

std::string draw_chart(const Chart& c, ImageFormat format, const std::string& dir) {
  const fs::path d(dir);
  const std::string data = c.id + ".dat", script = c.id + ".gp";
  const std::string image = c.id + (format == ImageFormat::kSvg ? ".svg" : ".png");
  write_file(d / data, gnuplot_data(c));
  write_file(d / script, gnuplot_script(c, format, data, image));
  const fs::path err = d / ("." + c.id + ".err");
  // Bounded: gnuplot gets 60 s per chart.
  const std::string cmd = "cd " + shell_quote(d.string()) + " && timeout 60 gnuplot " + shell_quote(script) +
                          " >/dev/null 2>" + shell_quote(err.filename().string());
  const int rc = std::system(cmd.c_str());
  std::string msg;
  {
    std::ifstream e(err);
    std::ostringstream s;
    s << e.rdbuf();
    msg = s.str();
  }
  std::error_code ec;
  fs::remove(err, ec);
  if (rc != 0 || !fs::exists(d / image) || fs::file_size(d / image) == 0)
    throw std::runtime_error("gnuplot failed on chart " + c.id + (WIFEXITED(rc) && WEXITSTATUS(rc) == 127 ? " (is gnuplot installed? Debian: gnuplot-nox)" : "") +
                             (msg.empty() ? "" : ": " + msg));
  return image;
}

}  // namespace p2psim::report
