// The HTML report of a results directory: one self-contained report.html (inline CSS,
// inline SVG charts drawn by gnuplot, inline JavaScript; it loads nothing from the
// network) that a teacher can open offline and project.
//
// For a run set (results.json): the scenario and its input file, the summary table of the
// kind's headline metrics (mean and 95% CI per sweep point), every metric in a folded
// table, and the charts of app/report/plot/. For an explanation written by
// `p2psim explain --out DIR` (explain.json): per point the outcome, the numbered packet
// story, the sequence diagram and a link to the pcap.
//
// The sequence diagram is Mermaid text drawn in the page by Mermaid's own browser bundle
// (mermaid.min.js, from the npm package `mermaid`), inlined into the file. Where that
// bundle is not found the report keeps the diagram's text and says so.
#pragma once

#include <string>

namespace p2psim::report {

struct HtmlOptions {
  std::string out_file;    // empty: <results dir>/report.html
  std::string mermaid_js;  // path of mermaid.min.js; empty: find_mermaid_js()
};

// mermaid.min.js: $P2PSIM_MERMAID_JS, else next to the running program (build tree:
// <bin>/vendor/mermaid.min.js; installed: <prefix>/share/p2psim/mermaid.min.js).
// "" when none exists.
std::string find_mermaid_js();

struct HtmlReport {
  std::string file;
  std::size_t charts = 0, diagrams = 0;
  bool diagrams_rendered = false;  // the Mermaid bundle was inlined
};

// Writes the report (atomically). Throws std::invalid_argument when `dir` holds neither
// results.json nor explain.json, std::runtime_error when drawing or writing fails.
HtmlReport write_html_report(const std::string& dir, const HtmlOptions& options);

}  // namespace p2psim::report
