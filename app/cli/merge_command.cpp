// `p2psim merge DIR... --out OUT`: the final results of a run set executed as slices
// (`p2psim run SCENARIO --shard i/n --out DIR`, e.g. one per batch-scheduler array task).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/commands.hpp"
#include "app/runner/campaign.hpp"

namespace p2psim::cli {

void add_merge_command(CLI::App& app) {
  struct Args {
    std::vector<std::string> dirs;
    std::string out;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* merge = app.add_subcommand(
      "merge", "Merge the run folders of `run --shard i/n` slices into the results a single run writes");
  merge->add_option("dirs", a->dirs, "Run folders, one per slice")->required();
  merge->add_option("--out", a->out, "Output directory for results.json, results.csv, timeseries.csv")->required();
  merge->add_flag("-q,--quiet", a->quiet, "Print nothing but errors");
  merge->callback([a] {
    exit_status() = run_guarded([&]() -> int {
      const runner::CampaignOutcome done = runner::merge_run_folders(a->dirs);
      runner::write_results(*done.result, a->out);
      if (!a->quiet) {
        runner::print_summary(*done.result, std::cout);
        std::cout << "\nmerged " << done.reused << " runs from " << a->dirs.size() << " run folder"
                  << (a->dirs.size() == 1 ? "" : "s") << "\nresults: " << a->out << "/results.json, results.csv\n";
      }
      return 0;
    });
  });
}

}  // namespace p2psim::cli
