// The installed extras stay true to the program: the bash completion lists every
// subcommand `p2psim --help` shows. (Installing and building examples/ against the
// installed package is the ctest p2psim_examples_against_installed_package.)
#include <catch2/catch.hpp>

#include <sstream>

#include "tests/app/cli_tools_support.hpp"

using namespace p2psim::testing;

TEST_CASE("bash completion lists every subcommand", "[install][cli]") {
  if (!have_p2psim()) {
    WARN("p2psim binary not found: skipping");
    return;
  }
  std::string help;
  REQUIRE(run_p2psim("--help", &help) == 0);
  const std::string completion = slurp(source_dir() / "tools" / "completion" / "p2psim.bash");
  const auto line_start = completion.find("local commands=\"");
  REQUIRE(line_start != std::string::npos);
  std::string commands = " ";
  commands.append(completion.substr(line_start + 16, completion.find('"', line_start + 16) - line_start - 16)).append(" ");
  std::istringstream in(help.substr(help.find("Subcommands:") + 12));
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string name;
    if (!(ls >> name)) continue;
    INFO(name);
    CHECK(commands.find(" " + name + " ") != std::string::npos);
    ++n;
  }
  CHECK(n >= 10);
}
