// Draws Charts with gnuplot: for each chart a data file (<id>.dat: one block per series,
// columns x y low high "label"), a script (<id>.gp) and the image (<id>.svg or <id>.png).
// gnuplot (Debian gnuplot-nox) runs once per chart, in the output directory, with a
// time limit; a failure is an error naming the chart and gnuplot's message.
#pragma once

#include <string>

#include "app/report/plot/chart.hpp"

namespace p2psim::report {

enum class ImageFormat { kSvg, kPng };

// The data file and the gnuplot script of `chart` (image file name `image`).
std::string gnuplot_data(const Chart& chart);
std::string gnuplot_script(const Chart& chart, ImageFormat format, const std::string& data_file,
                           const std::string& image_file);

// True when a gnuplot program can be run.
bool gnuplot_available();

// Writes <id>.dat and <id>.gp into `dir` and runs gnuplot there to draw <id>.svg/.png.
// Returns the image's file name. Throws std::runtime_error on any failure.
std::string draw_chart(const Chart& chart, ImageFormat format, const std::string& dir);

}  // namespace p2psim::report
