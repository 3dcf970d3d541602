#include "app/report/html/report_html.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "app/report/html/report_assets.hpp"
#include "app/report/plot/plot.hpp"
#include "app/study/study.hpp"

namespace p2psim::report {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string esc(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string o;
  o.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    o += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], t[v & 63]};
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    o += {t[v >> 18], t[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    o += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], '='};
  }
  return o;
}

// A gnuplot SVG made fit to sit inside HTML: no XML prolog or doctype, and its ids
// prefixed so that several charts on one page do not share them.
std::string inline_svg(const std::string& svg, const std::string& prefix) {
  std::string s = svg;
  const auto start = s.find("<svg");
  if (start != std::string::npos) s = s.substr(start);
  auto replace_all = [&s](const std::string& from, const std::string& to) {
    for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  };
  replace_all("id='", "id='" + prefix);
  replace_all("id=\"", "id=\"" + prefix);
  replace_all("href='#", "href='#" + prefix);
  replace_all("href=\"#", "href=\"#" + prefix);
  replace_all("url(#", "url(#" + prefix);
  // gnuplot's own click-to-zoom script hooks reference functions the page does not have.
  replace_all("onload=\"if (typeof(gnuplot_svg)!='undefined') gnuplot_svg.Init(evt)\"", "");
  const auto end = s.find('>');
  if (end != std::string::npos) s.insert(end, " class=\"p2psim-chart\" role=\"img\"");
  return s;
}

std::string fmt_num(double v) {
  char buf[40];
  if (v != 0 && (std::fabs(v) >= 1e6 || std::fabs(v) < 1e-3))
    std::snprintf(buf, sizeof buf, "%.4g", v);
  else
    std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void summary_table(std::ostringstream& o, const ResultSet& rs, const std::vector<std::string>& metrics) {
  o << "<div class=\"scroll\"><table class=\"summary\"><thead><tr><th class=\"key\">point</th>";
  for (const auto& p : rs.sweep_paths) o << "<th class=\"key\">" << esc(p) << "</th>";
  auto is_bps = [](const std::string& m) { return m.size() > 4 && m.compare(m.size() - 4, 4, "_bps") == 0; };
  for (const auto& m : metrics) o << "<th>" << esc(m) << (is_bps(m) ? " (Mbit/s)" : "") << "</th>";
  o << "</tr></thead><tbody>\n";
  for (std::size_t p = 0; p < rs.points(); ++p) {
    o << "<tr><td class=\"key\">" << p << "</td>";
    for (const auto& v : rs.point_params[p]) o << "<td class=\"key\">" << esc(v) << "</td>";
    for (const auto& m : metrics) {
      const SummaryRow* r = rs.find(p, m);
      if (!r) {
        o << "<td>-</td>";
        continue;
      }
      o << "<td title=\"mean " << esc(r->mean) << ", 95% CI [" << esc(r->low) << ", " << esc(r->high) << "], n " << esc(r->n)
        << "\">";
      const double scale = is_bps(m) ? 1e6 : 1;
      auto shown = [&](const std::string& t) { return t.empty() ? std::string("-") : fmt_num(std::strtod(t.c_str(), nullptr) / scale); };
      o << shown(r->mean);
      // Half-widths below 1e-9 of the mean are rounding noise of identical replications.
      const double mean = std::strtod(r->mean.c_str(), nullptr), hw = std::strtod(r->half_width.c_str(), nullptr);
      if (!r->half_width.empty() && hw > 1e-9 * std::fabs(mean)) o << " &plusmn; " << shown(r->half_width);
      o << "</td>";
    }
    o << "</tr>\n";
  }
  o << "</tbody></table></div>\n";
}

void run_set_sections(std::ostringstream& o, const ResultSet& rs, HtmlReport& rep) {
  o << "<section id=\"scenario\"><h2>Scenario</h2><dl class=\"facts\">";
  auto fact = [&](const char* k, const std::string& v) {
    if (!v.empty()) o << "<dt>" << k << "</dt><dd>" << esc(v) << "</dd>";
  };
  fact("name", rs.name);
  fact("study", rs.study);
  fact("description", rs.description);
  fact("file", rs.file);
  const json& sc = rs.json["scenario"];
  if (sc.contains("seed")) fact("seed", sc["seed"].dump());
  if (sc.contains("replications")) fact("replications per point", sc["replications"].dump());
  std::string sweep;
  for (const auto& p : rs.sweep_paths) sweep += (sweep.empty() ? "" : ", ") + p;
  fact("swept", sweep.empty() ? "nothing (one point)" : sweep);
  fact("sweep points", std::to_string(rs.points()));
  fact("p2psim", rs.version);
  o << "</dl>\n<details><summary>Scenario input</summary>";
  std::string text;
  if (!rs.file.empty() && fs::exists(rs.file)) {
    try {
      text = slurp(rs.file);
    } catch (const std::exception&) {
    }
  }
  o << "<pre class=\"input\">" << esc(text.empty() ? rs.json["input"].dump(2) : text) << "</pre></details></section>\n";

  std::vector<std::string> headline;
  if (const study::StudyKind* k = study::find_study_kind(rs.study))
    for (const auto& m : k->headline)
      if (rs.has_metric(m)) headline.push_back(m);
  if (headline.empty()) {
    const auto all = rs.metrics();
    headline.assign(all.begin(), all.begin() + static_cast<long>(std::min<std::size_t>(all.size(), 6)));
  }
  o << "<section id=\"summary\"><h2>Summary</h2><p class=\"muted\">Mean over replications &plusmn; half-width of the "
       "95% confidence interval (hover a cell for the interval and n).</p>\n";
  summary_table(o, rs, headline);
  o << "<details><summary>Every metric (" << rs.metrics().size() << ")</summary>\n";
  summary_table(o, rs, rs.metrics());
  o << "</details></section>\n";

  // Charts: drawn as SVG into a scratch directory, then inlined.
  o << "<section id=\"plots\"><h2>Plots</h2>\n";
  if (!gnuplot_available()) {
    o << "<p class=\"note\">No charts: gnuplot is not installed (Debian: gnuplot-nox).</p></section>\n";
    return;
  }
  // A private scratch directory (mkdtemp), so a report never writes beside the results.
  std::string tmpl = (fs::temp_directory_path() / "p2psim-report-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a temporary directory in " + fs::temp_directory_path().string());
  const fs::path scratch = tmpl;
  std::error_code ec;
  PlotOptions popt;
  popt.out_dir = scratch.string();
  PlotOutput plots;
  try {
    plots = plot_results(rs, popt);
  } catch (...) {
    fs::remove_all(scratch, ec);
    throw;
  }
  std::size_t k = 0;
  for (const PlotFile& f : plots.files) {
    o << "<figure class=\"chart\" id=\"chart-" << esc(f.id) << "\">" << inline_svg(slurp(f.image), std::string("c").append(std::to_string(k++)).append("_"))
      << "<figcaption><b>" << esc(f.title) << ".</b> " << esc(f.caption) << "</figcaption></figure>\n";
  }
  rep.charts = plots.files.size();
  fs::remove_all(scratch, ec);
  if (plots.files.empty()) o << "<p class=\"note\">No chart applies to these results.</p>\n";
  if (!plots.skipped.empty()) {
    o << "<details><summary>Charts not drawn (" << plots.skipped.size() << ")</summary><ul>";
    for (const auto& s : plots.skipped) o << "<li>" << esc(s) << "</li>";
    o << "</ul></details>\n";
  }
  o << "</section>\n";
}

void explain_sections(std::ostringstream& o, const json& j, HtmlReport& rep) {
  o << "<section id=\"explain\"><h2>Connection attempts, step by step</h2>\n";
  if (j["scenario"].contains("file"))
    o << "<p class=\"muted\">Scenario " << esc(j["scenario"].value("file", "(flags only)")) << "; pcap captured at "
      << esc(j["scenario"].value("capture", "")) << ".</p>\n";
  std::size_t k = 0;
  for (const auto& p : j["points"]) {
    ++k;
    std::string params;
    for (auto it = p["params"].begin(); it != p["params"].end(); ++it)
      params += (params.empty() ? "" : ", ") + it.key() + "=" + it.value().get<std::string>();
    o << "<article class=\"point\" id=\"point-" << k << "\"><h3>Point " << k << (params.empty() ? "" : ": " + esc(params))
      << "</h3>\n<p class=\"outcome\"><b>" << esc(p.value("verdict", "")) << "</b> &mdash; " << esc(p.value("outcome", ""))
      << "</p>\n";
    o << "<h4>Sequence diagram</h4><div class=\"diagram\"><pre class=\"mermaid\">" << esc(p.value("mermaid", ""))
      << "</pre></div>\n";
    ++rep.diagrams;
    const std::string pcap = p.value("pcap_file", "");
    if (!pcap.empty())
      o << "<p>Packets: <a class=\"pcap\" href=\"" << esc(pcap) << "\" download>" << esc(pcap) << "</a> ("
        << p.value("pcap_packets", 0) << " packets; open in Wireshark or <code>tshark -r " << esc(pcap)
        << " --enable-heuristic stun_udp -V</code>).</p>\n";
    o << "<h4>The story, numbered</h4><pre class=\"story\">";
    for (const auto& line : p["narrative"]) o << esc(line.get<std::string>()) << '\n';
    o << "</pre></article>\n";
  }
  o << "</section>\n";
}

std::string exe_dir() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  buf[n] = '\0';
  return fs::path(buf).parent_path().string();
}

}  // namespace

std::string find_mermaid_js() {
  if (const char* env = std::getenv("P2PSIM_MERMAID_JS"); env && *env && fs::exists(env)) return env;
  const std::string d = exe_dir();
  if (d.empty()) return {};
  for (const fs::path& p : {fs::path(d) / "vendor" / "mermaid.min.js", fs::path(d) / ".." / "share" / "p2psim" / "mermaid.min.js"})
    if (fs::exists(p)) return fs::weakly_canonical(p).string();
  return {};
}

HtmlReport write_html_report(const std::string& dir, const HtmlOptions& opt) {
  const fs::path d(dir);
  const bool runs = fs::exists(d / "results.json"), explained = fs::exists(d / "explain.json");
  if (!runs && !explained)
    throw std::invalid_argument(dir + ": neither results.json (p2psim run) nor explain.json (p2psim explain --out) here");
  HtmlReport rep;
  rep.file = opt.out_file.empty() ? (d / "report.html").string() : opt.out_file;

  std::ostringstream body;
  std::string title;
  json ex;
  if (explained) {
    try {
      ex = json::parse(slurp(d / "explain.json"));
      (void)ex.at("points");
    } catch (const nlohmann::json::exception& e) {
      throw std::invalid_argument(dir + "/explain.json: " + e.what());
    }
  }
  ResultSet rs;
  if (runs) {
    rs = read_result_set(dir);
    title = rs.name + " (" + rs.study + ")";
    run_set_sections(body, rs, rep);
  }
  if (explained) {
    if (title.empty()) title = "explain " + ex["scenario"].value("file", std::string("(flags)"));
    explain_sections(body, ex, rep);
  }

  std::string mermaid;
  if (rep.diagrams > 0) {
    const std::string path = opt.mermaid_js.empty() ? find_mermaid_js() : opt.mermaid_js;
    if (!path.empty()) mermaid = slurp(path);
  }
  rep.diagrams_rendered = !mermaid.empty();

  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
       "script-src 'unsafe-inline' data:\">\n"
    << "<title>p2psim report: " << esc(title) << "</title>\n<script>" << kErrorHookJs << "</script>\n<style>" << kReportCss
    << "</style></head>\n<body>\n<header><h1>p2psim report: " << esc(title) << "</h1>\n<nav>";
  if (runs) o << "<a href=\"#scenario\">Scenario</a><a href=\"#summary\">Summary</a><a href=\"#plots\">Plots</a>";
  if (explained) o << "<a href=\"#explain\">Step by step</a>";
  o << "</nav></header>\n<pre id=\"p2psim-console-errors\" data-count=\"0\" hidden></pre>\n";
  if (rep.diagrams > 0 && mermaid.empty())
    o << "<p class=\"note\">The sequence diagrams are shown as Mermaid text: mermaid.min.js was not found (set "
         "P2PSIM_MERMAID_JS, or build the p2psim_mermaid_js target; see README).</p>\n";
  o << body.str();
  o << "<footer class=\"muted\"><p>Written by p2psim " << P2PSIM_VERSION
    << " from " << esc(dir) << ". Self-contained: opens offline.</p></footer>\n";
  if (!mermaid.empty())
    o << "<script src=\"data:text/javascript;base64," << base64(mermaid) << "\"></script>\n<script>" << kMermaidRunJs
      << "</script>\n";
  o << "</body></html>\n";

  const fs::path out(rep.file);
  const fs::path tmp = out.parent_path() / std::string(".").append(out.filename().string()).append(".tmp");
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error("cannot write " + tmp.string());
    f << o.str();
    f.flush();
    if (!f) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, out, ec);
  if (ec) throw std::runtime_error("cannot rename " + tmp.string() + " to " + out.string());
  return rep;
}

}  // namespace p2psim::report
