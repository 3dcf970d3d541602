// Study kind "explain": one pair of peers behind chosen NATs trying to connect (see
// app/teach/explain.hpp). As a study it reports the verdict as metrics; `p2psim explain`
// prints the step-by-step narrative of the same scenario.
#include <memory>
#include <ostream>

#include "app/report/summary_table.hpp"

#include "app/study/study.hpp"
#include "app/teach/explain_scenario.hpp"

namespace p2psim::study {
namespace {

class ExplainStudy : public Study {
 public:
  explicit ExplainStudy(teach::ExplainSpec s) : spec_(std::move(s)) {}
  RunResult run(std::uint64_t seed) const override {
    teach::ExplainSpec s = spec_;
    s.seed = seed;
    const teach::ExplainResult r = teach::explain(s);
    RunResult out;
    auto m = [&out](const char* name, double v) { out.metrics.push_back({name, v}); };
    m("connected", r.verdict != teach::Verdict::kFailed ? 1 : 0);
    m("direct", r.verdict == teach::Verdict::kDirect ? 1 : 0);
    m("relayed", r.verdict == teach::Verdict::kRelayed ? 1 : 0);
    m("setup_time_s", r.setup_time.seconds());
    m("packets", static_cast<double>(r.packets));
    m("nat_drops", static_cast<double>(r.nat_drops));
    m("mappings_created", static_cast<double>(r.mappings_created));
    if (r.probe_answered) m("probe_answered", *r.probe_answered ? 1 : 0);
    if (s.method == teach::Method::kBirthday) m("birthday_probes", r.birthday_probes);
    return out;
  }

 private:
  teach::ExplainSpec spec_;
};

}  // namespace

StudyKind make_explain_kind() {
  StudyKind k;
  k.name = "explain";
  k.description = "two peers behind chosen NATs try to connect (ICE or birthday punching); `p2psim explain` narrates it";
  k.sections = {"explain"};
  k.parse = [](const scenario::Field& root) -> std::unique_ptr<Study> {
    return std::make_unique<ExplainStudy>(teach::parse_explain(root));
  };
  k.headline = {"connected",     "direct",        "relayed",  "setup_time_s", "packets",
                "nat_drops",     "probe_answered", "birthday_probes"};
  // The generic table, without the columns no point reported (probe_answered only with an
  // idle period, birthday_probes only for the birthday method).
  k.summarize = [headline = k.headline](const RunSetSummary& s, std::ostream& os) {
    std::vector<std::string> metrics;
    for (const auto& m : headline)
      for (const auto& p : s.points)
        if (p.find(m)) {
          metrics.push_back(m);
          break;
        }
    report::print_metric_table(s, metrics, os);
  };
  return k;
}

}  // namespace p2psim::study
