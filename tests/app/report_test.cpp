// p2psim report: one self-contained report.html, checked in a real browser (headless
// Chromium, Debian package `chromium`): the page loads with no console errors, and the
// DOM holds the charts (inline SVG) and, for explanations, the rendered sequence diagrams.
#include <catch2/catch.hpp>

#include "app/report/html/report_html.hpp"
#include "tests/app/cli_tools_support.hpp"

using namespace p2psim::testing;
namespace fs = std::filesystem;

namespace {

std::string chromium() {
  for (const char* c : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (fs::exists(c)) return c;
  return {};
}

// The DOM after the page's scripts ran (virtual time lets Mermaid finish), or "" when
// Chromium failed. Bounded: 120 s of real time.
std::string dump_dom(const fs::path& html, const fs::path& scratch) {
  const fs::path out = scratch / "dom.html", profile = scratch / "chromium-profile";
  const std::string cmd = "timeout 120 '" + chromium() +
                          "' --headless --no-sandbox --disable-gpu --disable-background-networking "
                          "--disable-component-update --disable-sync --no-first-run --user-data-dir='" +
                          profile.string() + "' --virtual-time-budget=30000 --dump-dom 'file://" + html.string() + "' >'" +
                          out.string() + "' 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) return {};
  return slurp(out);
}

bool gnuplot_ok() {
  if (have_program("gnuplot")) return true;
  WARN("gnuplot not installed (Debian gnuplot-nox): skipping");
  return false;
}

}  // namespace

TEST_CASE("report: a run set's page holds the scenario, tables and charts, needs no network", "[report][cli]") {
  if (!have_p2psim() || !gnuplot_ok()) return;
  const auto dir = scratch_dir("report_runs");
  REQUIRE(run_p2psim("run scenarios/mesh-vs-sfu.yaml -q --replications 1 --out '" + (dir / "r").string() + "'") == 0);
  std::string out;
  REQUIRE(run_p2psim("report '" + (dir / "r").string() + "'", &out) == 0);
  const fs::path html = dir / "r" / "report.html";
  const std::string page = slurp(html);
  CHECK(page.find("<h2>Scenario</h2>") != std::string::npos);
  CHECK(page.find("<table class=\"summary\">") != std::string::npos);
  CHECK(count_of(page, "class=\"p2psim-chart\"") >= 4);
  CHECK(page.find("id=\"chart-uplink\"") != std::string::npos);
  // Self-contained: nothing is loaded from elsewhere (SVG namespace URIs are names, not loads).
  CHECK(page.find("src=\"http") == std::string::npos);
  CHECK(page.find("href=\"http") == std::string::npos);
  CHECK(page.find("<link") == std::string::npos);
  CHECK(!fs::exists(dir / "r" / "plots"));  // charts drawn in a private scratch directory

  if (chromium().empty()) {
    WARN("chromium not installed: browser check skipped");
    return;
  }
  const std::string dom = dump_dom(html, dir);
  REQUIRE(!dom.empty());
  CHECK(dom.find("id=\"p2psim-console-errors\" data-count=\"0\"") != std::string::npos);
  CHECK(count_of(dom, "class=\"p2psim-chart\"") >= 4);
  fs::remove_all(dir);
}

TEST_CASE("report: an explanation's page draws each sequence diagram and links the pcap", "[report][cli]") {
  if (!have_p2psim()) return;
  const auto dir = scratch_dir("report_explain");
  REQUIRE(run_p2psim("explain scenarios/course/02-symmetric.yaml -q --out '" + dir.string() + "'") == 0);
  std::string out;
  REQUIRE(run_p2psim("report '" + dir.string() + "'", &out) == 0);
  const std::string page = slurp(dir / "report.html");
  CHECK(count_of(page, "<pre class=\"mermaid\">sequenceDiagram") == 4);
  CHECK(page.find("href=\"explain-1.pcap\"") != std::string::npos);
  CHECK(page.find("1. [0.0 ms] setup:") != std::string::npos);  // the numbered story
  if (p2psim::report::find_mermaid_js().empty() && out.find("as text") != std::string::npos) {
    WARN("mermaid.min.js not built (needs npm): diagrams stay text; browser check skipped");
    return;
  }
  if (chromium().empty()) {
    WARN("chromium not installed: browser check skipped");
    return;
  }
  const std::string dom = dump_dom(dir / "report.html", dir);
  REQUIRE(!dom.empty());
  CHECK(dom.find("id=\"p2psim-console-errors\" data-count=\"0\"") != std::string::npos);
  CHECK(dom.find("data-diagrams-rendered=\"4\"") != std::string::npos);
  // Mermaid replaced each diagram's text with an SVG drawing.
  CHECK(count_of(dom, "aria-roledescription=\"sequence\"") == 4);
  fs::remove_all(dir);
}

TEST_CASE("report: a directory with neither results nor an explanation is an error", "[report][cli]") {
  if (!have_p2psim()) return;
  const auto dir = scratch_dir("report_empty");
  std::string err;
  CHECK(run_p2psim("report '" + dir.string() + "'", nullptr, &err) == 2);
  CHECK(err.find("neither results.json") != std::string::npos);
  CHECK(!fs::exists(dir / "report.html"));
  fs::remove_all(dir);
}
