// Study kind "ice-network-change": one ICE session whose offerer changes networks (Wi-Fi to
// LTE) in the middle of the call, recovered by an ICE restart or not
// (models/ice/ice_restart.hpp). Metrics: setup, detection and restart times, the media
// interruption (time without a working selected pair), restarts, outcome after.
#include <memory>
#include <ostream>

#include "app/report/summary_table.hpp"
#include "app/study/ice_spec.hpp"
#include "app/study/study.hpp"
#include "models/ice/ice_restart.hpp"
#include "models/ice/turn_relay.hpp"

namespace p2psim::study {

namespace {

using scenario::Field;

struct ChangeStudySpec {
  ice::NetworkChangeSpec spec;
  bool turn = true;
};

double code(ice::Outcome o) { return o == ice::Outcome::kDirect ? 2 : o == ice::Outcome::kRelayed ? 1 : 0; }

class ChangeStudy : public Study {
 public:
  explicit ChangeStudy(ChangeStudySpec s) : s_(std::move(s)) {}
  RunResult run(std::uint64_t seed) const override {
    ice::NetworkChangeSpec spec = s_.spec;
    ice::TurnRelayFactory relay;
    spec.relay = s_.turn ? &relay : nullptr;
    ice::NetworkChangeWorld w(spec, seed);
    const ice::NetworkChangeResult r = w.run();
    RunResult out;
    auto add = [&](const char* n, double v) { out.metrics.push_back({n, v}); };
    add("connected", r.connected ? 1 : 0);
    add("setup_time_s", r.connected ? r.before.setup_time.seconds() : 0);
    add("outcome_before", code(r.before.outcome));
    add("recovered", r.recovered ? 1 : 0);
    add("outcome_after", r.recovered ? code(r.after.outcome) : 0);
    add("restarts", r.restarts);
    add("detection_s", r.restarts > 0 ? r.detected_after.seconds() : 0);
    add("restart_setup_s", r.recovered ? r.restart_setup.seconds() : 0);
    add("interruption_s", r.interruption.seconds());
    add("control_bytes", static_cast<double>(r.control_bytes));
    return out;
  }

 private:
  ChangeStudySpec s_;
};

std::unique_ptr<Study> parse(const Field& root) {
  ChangeStudySpec s;
  ice::NetworkChangeSpec& n = s.spec;
  const Field f = root.require("network_change");
  f.allow_only({"before", "after", "peer", "at", "run_for", "restart", "detect", "turn", "access_latency",
                 "server_latency"});
  n.nat_before = preset_layers(f, "port-restricted-cone");
  n.nat_after = preset_layers(f, "cgnat");
  n.nat_peer = preset_layers(f, "port-restricted-cone");
  if (auto p = f.get("before")) n.nat_before = parse_preset(*p);
  if (auto p = f.get("after")) n.nat_after = parse_preset(*p);
  if (auto p = f.get("peer")) n.nat_peer = parse_preset(*p);
  n.change_at = f.get_time("at", n.change_at, SimTime::s(1), SimTime::h(1));
  n.run_for = f.get_time("run_for", n.run_for, SimTime::s(2), SimTime::h(2));
  if (n.run_for <= n.change_at) f.require("run_for").fail_expected("a duration longer than network_change.at");
  n.restart = f.get_bool("restart", n.restart);
  n.detect = f.get_enum<ice::ChangeDetection>("detect", n.detect,
                                              {{"consent", ice::ChangeDetection::kConsent},
                                               {"interface", ice::ChangeDetection::kInterface}});
  s.turn = f.get_bool("turn", true);
  const SimTime acc = f.get_time("access_latency", SimTime::ms(10), SimTime::zero(), SimTime::s(5));
  n.access_a.latency = acc;
  n.access_b.latency = acc;
  n.server_link.latency = f.get_time("server_latency", SimTime::ms(5), SimTime::zero(), SimTime::s(5));
  browser_ice_defaults(n.session);
  if (auto i = root.get("ice")) parse_ice_section(*i, n.session);
  return std::make_unique<ChangeStudy>(std::move(s));
}

void summarize(const RunSetSummary& sum, std::ostream& os) {
  report::print_labelled_table(sum,
                               {{"setup s", "setup_time_s"},
                                {"recovered", "recovered"},
                                {"restarts", "restarts"},
                                {"detection s", "detection_s"},
                                {"restart s", "restart_setup_s"},
                                {"interruption s", "interruption_s"}},
                               os);
}

}  // namespace

StudyKind make_ice_network_change_kind() {
  StudyKind k;
  k.name = "ice-network-change";
  k.description = "An ICE session whose offerer changes networks mid-call: media interruption with and without ICE restart";
  k.sections = {"network_change", "ice"};
  k.parse = parse;
  k.summarize = summarize;
  k.headline = {"recovered", "interruption_s", "restarts"};
  return k;
}

}  // namespace p2psim::study
