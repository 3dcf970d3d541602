#include "app/report/plot/plot.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace p2psim::report {
namespace {
namespace fs = std::filesystem;
}

PlotOutput plot_results(const ResultSet& rs, const PlotOptions& opt) {
  PlotOutput out;
  out.out_dir = opt.out_dir.empty() ? (fs::path(rs.dir) / "plots").string() : opt.out_dir;
  const ChartSet set = study_charts(rs, opt.charts);
  out.skipped = set.skipped;
  if (!gnuplot_available()) throw std::runtime_error("gnuplot not found (Debian: apt-get install gnuplot-nox)");

  std::error_code ec;
  fs::create_directories(out.out_dir, ec);
  if (ec) throw std::runtime_error("cannot create " + out.out_dir + ": " + ec.message());
  const fs::path tmp = fs::path(out.out_dir) / ".plot.tmp";
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) throw std::runtime_error("cannot create " + tmp.string() + ": " + ec.message());
  nlohmann::ordered_json index;
  index["results"] = rs.dir;
  index["study"] = rs.study;
  index["charts"] = nlohmann::ordered_json::array();
  std::vector<std::string> names;
  try {
    for (const Chart& c : set.charts) {
      const std::string image = draw_chart(c, opt.format, tmp.string());
      PlotFile f{c.id, c.title, c.caption, (fs::path(out.out_dir) / image).string(),
                 (fs::path(out.out_dir) / (c.id + ".dat")).string(), (fs::path(out.out_dir) / (c.id + ".gp")).string()};
      out.files.push_back(f);
      names.insert(names.end(), {image, c.id + ".dat", c.id + ".gp"});
      index["charts"].push_back({{"id", c.id}, {"title", c.title}, {"caption", c.caption}, {"image", image},
                                 {"data", c.id + ".dat"}, {"script", c.id + ".gp"}});
    }
    index["skipped"] = set.skipped;
    {
      std::ofstream f(tmp / "plots.json", std::ios::binary | std::ios::trunc);
      f << index.dump(2) << '\n';
      f.flush();
      if (!f) throw std::runtime_error("cannot write " + (tmp / "plots.json").string());
    }
    names.push_back("plots.json");
    for (const auto& n : names) {
      fs::rename(tmp / n, fs::path(out.out_dir) / n, ec);
      if (ec) throw std::runtime_error("cannot move " + (tmp / n).string() + " into " + out.out_dir + ": " + ec.message());
    }
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  fs::remove_all(tmp, ec);
  return out;
}

PlotOutput plot_results(const std::string& dir, const PlotOptions& opt) { return plot_results(read_result_set(dir), opt); }

}  // namespace p2psim::report
