// p2psim plot RESULTS_DIR: draws the charts of a finished run set with gnuplot
// (app/report/plot/). `run --plot` calls plot_after_run() after writing results.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/commands.hpp"
#include "app/report/plot/plot.hpp"

namespace p2psim::cli {
namespace {

struct PlotArgs {
  std::string dir, out, format = "svg", x;
  std::vector<std::string> metrics;
};

}  // namespace

int plot_after_run(const std::string& results_dir, const std::string& out_dir, const std::string& format) {
  report::PlotOptions opt;
  opt.out_dir = out_dir;
  opt.format = format == "png" ? report::ImageFormat::kPng : report::ImageFormat::kSvg;
  const report::PlotOutput r = report::plot_results(results_dir, opt);
  for (const auto& f : r.files) std::cout << "plot: " << f.image << "  (" << f.title << ")\n";
  for (const auto& s : r.skipped) std::cout << "plot skipped: " << s << '\n';
  return 0;
}

void add_plot_command(CLI::App& app) {
  auto a = std::make_shared<PlotArgs>();
  CLI::App* c = app.add_subcommand(
      "plot", "Draw the charts of a finished run set with gnuplot (the study kind's charts and metric vs swept parameter)");
  c->add_option("results", a->dir, "Results directory (holds results.json, results.csv)")->required();
  c->add_option("--out", a->out, "Output directory (default RESULTS/plots)");
  c->add_option("--format", a->format, "Image format: svg (default) or png")->check(CLI::IsMember({"svg", "png"}));
  c->add_option("--metric", a->metrics, "Metric for the generic chart (repeatable; default: the study's headline metrics)");
  c->add_option("--x", a->x, "Swept key for the generic chart's x axis (default: the first numeric one)");
  c->callback([a] {
    exit_status() = run_guarded([&] {
      report::PlotOptions opt;
      opt.out_dir = a->out;
      opt.format = a->format == "png" ? report::ImageFormat::kPng : report::ImageFormat::kSvg;
      opt.charts.generic_metrics = a->metrics;
      opt.charts.generic_x = a->x;
      const report::PlotOutput r = report::plot_results(a->dir, opt);
      for (const auto& f : r.files) std::cout << f.image << "  (" << f.title << ")\n";
      for (const auto& s : r.skipped) std::cerr << "skipped " << s << '\n';
      std::cout << r.files.size() << " chart" << (r.files.size() == 1 ? "" : "s") << " in " << r.out_dir
                << " (data files <id>.dat, gnuplot scripts <id>.gp, index plots.json)\n";
      return 0;
    });
  });
}

}  // namespace p2psim::cli
