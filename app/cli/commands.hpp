// The p2psim subcommands. Each lives in app/cli/<name>_command.cpp and registers itself
// on the top-level CLI11 app; main.cpp lists them.
//
// Exit status convention for every command: 0 success; 2 bad input (scenario errors
// naming file:line:column, bad flags); 1 failure while running or writing results.
#pragma once

#include <CLI/CLI.hpp>

namespace p2psim::cli {

// Exit status a command sets for main() to return (commands run inside CLI11 callbacks).
int& exit_status();

void add_run_command(CLI::App& app);       // run, validate, kinds
void add_discover_command(CLI::App& app);  // discover (RFC 5780 NAT classification)
void add_matrix_command(CLI::App& app);    // matrix (ICE outcome per NAT preset pair)
}  // namespace p2psim::cli
