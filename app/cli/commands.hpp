// The p2psim subcommands. Each lives in app/cli/<name>_command.cpp and registers itself
// on the top-level CLI11 app; main.cpp lists them.
//
// Exit status convention for every command: 0 success; 2 bad input (scenario errors
// naming file:line:column, bad flags); 1 failure while running or writing results.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace p2psim::cli {

// Exit status a command sets for main() to return (commands run inside CLI11 callbacks).
int& exit_status();

// Runs a command's body under the exit-status convention: a ScenarioError, a CLI
// validation error or a std::invalid_argument (bad input) prints "error: ..." and gives 2;
// any other exception prints it and gives 1; otherwise the body's own status.
int run_guarded(const std::function<int()>& body);

void add_run_command(CLI::App& app);       // run, validate, kinds
void add_plan_command(CLI::App& app);      // plan (capacity: smallest fleet under a blocking target)
void add_matrix_command(CLI::App& app);    // matrix (app/cli/matrix_command.cpp)
void add_discover_command(CLI::App& app);  // discover (RFC 5780 NAT classification)
void add_explain_command(CLI::App& app);   // explain
void add_merge_command(CLI::App& app);     // merge (run folders of `run --shard i/n` slices)

void add_plot_command(CLI::App& app);      // plot (app/cli/plot_command.cpp)
void add_report_command(CLI::App& app);    // report (app/cli/report_command.cpp)
void add_schema_command(CLI::App& app);    // schema (app/cli/schema_command.cpp)

// Draws the charts of `results_dir` into `out_dir` (empty: RESULTS/plots) in `format`
// ("svg" or "png"), printing each file; run --plot uses it. Throws on failure.
int plot_after_run(const std::string& results_dir, const std::string& out_dir, const std::string& format);
}  // namespace p2psim::cli
