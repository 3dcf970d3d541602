// p2psim plot: the charts a study kind defines are drawn by gnuplot as valid SVG/PNG, a
// chart's data file holds exactly the values of results.csv, and charts whose metrics are
// absent are skipped with a note.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <sstream>

#include "app/report/plot/gnuplot.hpp"
#include "app/report/plot/result_set.hpp"
#include "app/report/plot/study_charts.hpp"
#include "tests/app/cli_tools_support.hpp"

using namespace p2psim::testing;
namespace fs = std::filesystem;
using p2psim::report::split_csv_line;

namespace {

bool have_gnuplot() {
  if (p2psim::report::gnuplot_available()) return true;
  WARN("gnuplot not installed (Debian gnuplot-nox): skipping");
  return false;
}

// Every file parses as XML (Python's standard library parser) and has an <svg> root.
bool valid_svg(const std::vector<fs::path>& files) {
  std::string cmd = "python3 -c 'import sys, xml.etree.ElementTree as E\n"
                    "for f in sys.argv[1:]:\n"
                    "    r = E.parse(f).getroot()\n"
                    "    assert r.tag.endswith(\"svg\"), f\n'";
  for (const auto& f : files) cmd += " '" + f.string() + "'";
  return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
}

// results.csv as (params..., metric) -> {mean, low, high} texts.
std::map<std::string, std::vector<std::string>> csv_index(const fs::path& file, std::size_t swept) {
  std::map<std::string, std::vector<std::string>> out;
  std::istringstream in(slurp(file));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const auto c = split_csv_line(line);
    std::string key;
    for (std::size_t k = 1; k <= swept + 1; ++k) key += c[k] + "|";
    out[key] = {c[swept + 2], c[swept + 4], c[swept + 5]};
  }
  return out;
}

struct DataBlock {
  std::string title;
  std::vector<std::vector<std::string>> rows;  // x y low high label
};

std::vector<DataBlock> read_dat(const fs::path& file) {
  std::vector<DataBlock> blocks;
  std::istringstream in(slurp(file));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# series ", 0) == 0) {
      blocks.push_back({line.substr(line.find(": ") + 2), {}});
    } else if (!line.empty() && line[0] != '#' && !blocks.empty()) {
      std::istringstream ls(line);
      std::vector<std::string> cells(4);
      ls >> cells[0] >> cells[1] >> cells[2] >> cells[3];
      blocks.back().rows.push_back(cells);
    }
  }
  return blocks;
}

}  // namespace

TEST_CASE("plot: group-call charts are valid SVG and their data are results.csv's values", "[plot][cli]") {
  if (!have_p2psim() || !have_gnuplot()) return;
  const auto dir = scratch_dir("plot_group_call");
  REQUIRE(run_p2psim("run scenarios/mesh-vs-sfu.yaml -q --replications 2 --out '" + (dir / "r").string() + "'") == 0);
  std::string out, err;
  REQUIRE(run_p2psim("plot '" + (dir / "r").string() + "'", &out, &err) == 0);
  const fs::path plots = dir / "r" / "plots";
  std::vector<fs::path> svgs;
  for (const char* id : {"uplink", "downlink", "server-egress", "largest-n"}) {
    INFO(id);
    CHECK(fs::exists(plots / (std::string(id) + ".svg")));
    CHECK(fs::exists(plots / (std::string(id) + ".gp")));
    svgs.push_back(plots / (std::string(id) + ".svg"));
  }
  CHECK(fs::exists(plots / "plots.json"));
  CHECK(valid_svg(svgs));

  // uplink.dat: one block per topology; each row's y/low/high are the text of the
  // results.csv row (topology, group size, uplink_delivered_mean_bps).
  const auto csv = csv_index(dir / "r" / "results.csv", 2);
  // As many lines as topologies, as many points as results.csv has rows of the metric.
  std::set<std::string> topologies;
  std::size_t expected_rows = 0;
  for (const auto& [key, v] : csv)
    if (key.size() > 27 && key.compare(key.size() - 27, 27, "|uplink_delivered_mean_bps|") == 0) {
      topologies.insert(key.substr(0, key.find('|')));
      ++expected_rows;
    }
  const auto blocks = read_dat(plots / "uplink.dat");
  REQUIRE(blocks.size() == topologies.size());
  REQUIRE(expected_rows > 0);
  std::size_t rows = 0;
  for (const auto& b : blocks) {
    for (const auto& r : b.rows) {
      const auto it = csv.find(b.title + "|" + r[0] + "|uplink_delivered_mean_bps|");
      REQUIRE(it != csv.end());
      CHECK(r[1] == it->second[0]);
      CHECK(r[2] == it->second[1]);
      CHECK(r[3] == it->second[2]);
      ++rows;
    }
  }
  CHECK(rows == expected_rows);
  fs::remove_all(dir);
}

TEST_CASE("plot --format png writes PNG files, and run --plot draws after a run", "[plot][cli]") {
  if (!have_p2psim() || !have_gnuplot()) return;
  const auto dir = scratch_dir("plot_png");
  REQUIRE(run_p2psim("run scenarios/keepalive-interval.yaml -q --plot --out '" + (dir / "r").string() + "'") == 0);
  CHECK(fs::exists(dir / "r" / "plots" / "power-vs-keepalive.svg"));
  CHECK(valid_svg({dir / "r" / "plots" / "power-vs-keepalive.svg"}));
  REQUIRE(run_p2psim("plot '" + (dir / "r").string() + "' --format png --out '" + (dir / "png").string() + "'") == 0);
  const std::string png = slurp(dir / "png" / "power-vs-keepalive.png");
  REQUIRE(png.size() > 8);
  CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  // Power vs keepalive interval, one line per radio; x in seconds from "15s".."300s".
  const auto blocks = read_dat(dir / "png" / "power-vs-keepalive.dat");
  REQUIRE(blocks.size() == 2);
  CHECK(blocks[0].title == "lte");
  REQUIRE(blocks[0].rows.size() == 6);
  CHECK(blocks[0].rows[0][0] == "15");
  CHECK(blocks[0].rows[5][0] == "300");
  fs::remove_all(dir);
}

TEST_CASE("plot: capacity charts over the day, the series being the mean of the replications", "[plot][cli]") {
  if (!have_p2psim() || !have_gnuplot()) return;
  const auto dir = scratch_dir("plot_capacity");
  REQUIRE(run_p2psim("run scenarios/erlang-check.yaml -q --replications 2 --out '" + (dir / "r").string() + "'") == 0);
  REQUIRE(run_p2psim("plot '" + (dir / "r").string() + "'") == 0);
  const fs::path plots = dir / "r" / "plots";
  CHECK(valid_svg({plots / "relay-sessions.svg", plots / "relay-bandwidth.svg", plots / "blocking.svg"}));
  // The blocking chart draws the target line.
  CHECK(slurp(plots / "blocking.gp").find("set arrow") != std::string::npos);
  // relay-sessions.dat at some t: the mean, min and max over the two replications of timeseries.csv.
  std::map<std::string, std::vector<double>> by_t;
  std::istringstream in(slurp(dir / "r" / "timeseries.csv"));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const auto c = split_csv_line(line);  // point,replication,series,unit,t_s,value
    if (c[2] == "relay_sessions") by_t[c[4]].push_back(std::stod(c[5]));
  }
  const auto blocks = read_dat(plots / "relay-sessions.dat");
  REQUIRE(blocks.size() == 1);
  REQUIRE(blocks[0].rows.size() == by_t.size());
  for (const auto& r : blocks[0].rows) {
    const auto& v = by_t.at(r[0]);
    REQUIRE(v.size() == 2);
    CHECK(std::stod(r[1]) == Approx((v[0] + v[1]) / 2));
    CHECK(std::stod(r[2]) == std::min(v[0], v[1]));
    CHECK(std::stod(r[3]) == std::max(v[0], v[1]));
  }
  fs::remove_all(dir);
}

TEST_CASE("plot: a chart whose metrics are absent is skipped with a note", "[plot]") {
  using namespace p2psim::report;
  ResultSet rs;
  rs.study = "group-call";
  rs.name = "renamed";
  rs.sweep_paths = {"call.topology", "call.group_size"};
  rs.point_params = {{"mesh", "2"}, {"mesh", "4"}};
  // Only a downlink metric under its present name, and a new metric no chart knows.
  rs.rows = {{0, "downlink_delivered_mean_bps", "100", "0", "100", "100", "1"},
             {1, "downlink_delivered_mean_bps", "300", "0", "300", "300", "1"},
             {0, "binding_constraint_uplink", "1", "0", "1", "1", "1"},
             {1, "binding_constraint_uplink", "0", "0", "0", "0", "1"}};
  const ChartSet set = study_charts(rs);
  std::vector<std::string> ids;
  for (const auto& c : set.charts) ids.push_back(c.id);
  CHECK(std::find(ids.begin(), ids.end(), "downlink") != ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "uplink") == ids.end());
  std::string skipped;
  for (const auto& s : set.skipped) skipped += s + "\n";
  CHECK(skipped.find("uplink: none of its metrics") != std::string::npos);
  CHECK(skipped.find("largest-n:") != std::string::npos);
  // The downlink chart's single line holds the two points in x order.
  const auto& dl = *std::find_if(set.charts.begin(), set.charts.end(), [](const Chart& c) { return c.id == "downlink"; });
  REQUIRE(dl.series.size() == 1);
  REQUIRE(dl.series[0].points.size() == 2);
  CHECK(dl.series[0].points[0].x == 2);
  CHECK(dl.series[0].points[1].y == "300");
}

TEST_CASE("plot: a directory without results is an error (exit 2)", "[plot][cli]") {
  if (!have_p2psim()) return;
  const auto dir = scratch_dir("plot_empty");
  std::string err;
  CHECK(run_p2psim("plot '" + dir.string() + "'", nullptr, &err) == 2);
  CHECK(err.find("no results.json") != std::string::npos);
  fs::remove_all(dir);
}
