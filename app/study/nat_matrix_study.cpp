// Study kind "nat-matrix": the ICE outcome for every ordered pair of the chosen NAT
// presets, with or without TURN, each cell one simulated session
// (models/ice/outcome_matrix.hpp). Metrics per cell: outcome code and setup time.
#include <memory>
#include <ostream>

#include "app/report/table.hpp"
#include "app/study/ice_spec.hpp"
#include "app/study/study.hpp"
#include "models/ice/outcome_matrix.hpp"
#include "models/ice/turn_relay.hpp"
#include "models/nat/preset.hpp"

namespace p2psim::study {

namespace {

using scenario::Field;

struct MatrixStudySpec {
  std::vector<std::string> presets;
  bool turn = false;
  ice::PairSpec base;
};

// Outcome codes in the metrics: 2 direct, 1 relayed, 0 failed.
double code(ice::Outcome o) { return o == ice::Outcome::kDirect ? 2 : o == ice::Outcome::kRelayed ? 1 : 0; }

class MatrixStudy : public Study {
 public:
  explicit MatrixStudy(MatrixStudySpec s) : s_(std::move(s)) {}
  RunResult run(std::uint64_t seed) const override {
    ice::PairSpec base = s_.base;
    ice::TurnRelayFactory relay;
    base.relay = s_.turn ? &relay : nullptr;
    const auto cells = ice::run_matrix(s_.presets, base, seed);
    RunResult out;
    double direct = 0, relayed = 0, failed = 0;
    for (const auto& c : cells) {
      const std::string n = "cell_" + metric_name(c.offerer) + "__" + metric_name(c.answerer);
      out.metrics.push_back({n + "_outcome", code(c.result.outcome)});
      out.metrics.push_back({n + "_setup_s", c.result.outcome == ice::Outcome::kFailed ? 0 : c.result.setup_time.seconds()});
      direct += c.result.outcome == ice::Outcome::kDirect;
      relayed += c.result.outcome == ice::Outcome::kRelayed;
      failed += c.result.outcome == ice::Outcome::kFailed;
    }
    const double n = static_cast<double>(cells.size());
    out.metrics.insert(out.metrics.begin(), {{"direct_fraction", direct / n}, {"relayed_fraction", relayed / n},
                                             {"failed_fraction", failed / n}});
    return out;
  }
  const std::vector<std::string>& presets() const { return s_.presets; }

 private:
  MatrixStudySpec s_;
};

std::unique_ptr<Study> parse(const Field& root) {
  MatrixStudySpec s;
  const Field m = root.require("matrix");
  m.allow_only({"presets", "turn", "access_latency", "server_latency"});
  if (auto p = m.get("presets")) {
    p->expect_sequence();
    for (const Field& f : p->items()) {
      std::string name;
      parse_preset(f, &name);
      s.presets.push_back(name);
    }
    if (s.presets.empty()) p->fail_expected("at least one NAT preset");
  } else {
    s.presets = nat::preset_names();
  }
  s.turn = m.get_bool("turn", false);
  const SimTime acc = m.get_time("access_latency", SimTime::ms(10), SimTime::zero(), SimTime::s(5));
  s.base.access_a.latency = acc;
  s.base.access_b.latency = acc;
  s.base.server_link.latency = m.get_time("server_latency", SimTime::ms(5), SimTime::zero(), SimTime::s(5));
  browser_ice_defaults(s.base.session);  // trickle + libwebrtc nomination + mDNS host candidates; ice.trickle / ice.nomination to change
  if (auto f = root.get("ice")) parse_ice_section(*f, s.base.session);
  return std::make_unique<MatrixStudy>(std::move(s));
}

void summarize(const RunSetSummary& sum, std::ostream& os) {
  for (const PointSummary& p : sum.points) {
    // Recover the preset list from the metric names (cell_<a>__<b>_outcome, row-major).
    std::vector<std::string> rows;
    for (const auto& st : p.stats) {
      const std::string& n = st.name;
      if (n.rfind("cell_", 0) != 0 || n.size() < 8 || n.compare(n.size() - 8, 8, "_outcome") != 0) continue;
      const std::string body = n.substr(5, n.size() - 13);
      const std::string a = body.substr(0, body.find("__"));
      if (rows.empty() || rows.back() != a) {
        bool seen = false;
        for (const auto& r : rows) seen |= r == a;
        if (!seen) rows.push_back(a);
      }
    }
    for (const auto& [path, val] : p.params) os << path << "=" << val << "  ";
    if (!p.params.empty()) os << '\n';
    std::vector<std::string> header{"offerer \\ answerer"};
    header.insert(header.end(), rows.begin(), rows.end());
    report::Table t(header);
    for (const auto& a : rows) {
      std::vector<std::string> row{a};
      for (const auto& b : rows) {
        const auto* o = p.find("cell_" + a + "__" + b + "_outcome");
        const auto* st = p.find("cell_" + a + "__" + b + "_setup_s");
        std::string cell = "-";
        if (o) {
          cell = o->mean >= 1.5 ? "direct" : o->mean >= 0.5 ? "relayed" : "failed";
          if (o->mean >= 0.5 && st) cell += " " + report::format_number(st->mean, 3) + "s";
        }
        row.push_back(cell);
      }
      t.add_row(row);
    }
    t.print(os);
    os << '\n';
  }
}

}  // namespace

StudyKind make_nat_matrix_kind() {
  StudyKind k;
  k.name = "nat-matrix";
  k.description = "ICE outcome (direct / relayed / failed, time to connect) for every pair of NAT presets";
  k.sections = {"matrix", "ice"};
  k.parse = parse;
  k.summarize = summarize;
  k.headline = {"direct_fraction", "relayed_fraction", "failed_fraction"};
  return k;
}

}  // namespace p2psim::study
