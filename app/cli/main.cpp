// p2psim command line. Each subcommand lives in its own app/cli/<name>_command.cpp.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli/commands.hpp"
#include "app/runner/huge_pages.hpp"

int main(int argc, char** argv) {
  p2psim::runner::use_huge_pages(argv);  // large populations: heap on huge pages (P2PSIM_NO_THP=1: off)
  CLI::App app{"p2psim " P2PSIM_VERSION ": discrete-event simulator of peer-to-peer communication architectures"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "p2psim " P2PSIM_VERSION);
  p2psim::cli::add_run_command(app);
  p2psim::cli::add_plan_command(app);
  p2psim::cli::add_matrix_command(app);
  p2psim::cli::add_discover_command(app);
  p2psim::cli::add_explain_command(app);
  p2psim::cli::add_merge_command(app);

  p2psim::cli::add_plot_command(app);
  p2psim::cli::add_report_command(app);
  p2psim::cli::add_schema_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return p2psim::cli::exit_status();
}
