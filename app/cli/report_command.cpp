// p2psim report RESULTS_DIR: one self-contained report.html (app/report/html/).
#include <iostream>
#include <memory>
#include <string>

#include "app/cli/commands.hpp"
#include "app/report/html/report_html.hpp"

namespace p2psim::cli {

void add_report_command(CLI::App& app) {
  struct Args {
    std::string dir, out, mermaid_js;
  };
  auto a = std::make_shared<Args>();
  CLI::App* c = app.add_subcommand(
      "report", "Write one self-contained report.html (scenario, summary tables, plots; explain: story, diagram, pcap link)");
  c->add_option("results", a->dir, "A results directory (p2psim run) or an explanation (p2psim explain --out DIR)")->required();
  c->add_option("--out", a->out, "Report file (default RESULTS/report.html)");
  c->add_option("--mermaid-js", a->mermaid_js,
                "Mermaid browser bundle to inline for the sequence diagrams (default: $P2PSIM_MERMAID_JS or the one built/installed with p2psim)");
  c->callback([a] {
    exit_status() = run_guarded([&] {
      report::HtmlOptions opt;
      opt.out_file = a->out;
      opt.mermaid_js = a->mermaid_js;
      const report::HtmlReport r = report::write_html_report(a->dir, opt);
      std::cout << r.file << " (" << r.charts << " chart" << (r.charts == 1 ? "" : "s");
      if (r.diagrams) std::cout << ", " << r.diagrams << " sequence diagram" << (r.diagrams == 1 ? "" : "s")
                                << (r.diagrams_rendered ? "" : " as text: mermaid.min.js not found");
      std::cout << ")\n";
      return 0;
    });
  });
}

}  // namespace p2psim::cli
