// Study kind "rustdesk": 1:1 remote-desktop sessions the RustDesk way (rendezvous through
// hbbs, UDP hole punching, relay fallback through hbbr) over a NAT mix
// (models/signalling/rustdesk.hpp).
#include <memory>
#include <ostream>

#include "app/report/summary_table.hpp"
#include "app/report/table.hpp"
#include "app/study/ice_spec.hpp"
#include "app/study/study.hpp"
#include "models/signalling/rustdesk.hpp"

namespace p2psim::study {

namespace {

using scenario::Field;

class RustDeskStudy : public Study {
 public:
  explicit RustDeskStudy(signalling::RustDeskSpec s) : s_(std::move(s)) {}
  RunResult run(std::uint64_t seed) const override {
    signalling::RustDeskResult r = signalling::run_rustdesk(s_, seed);
    RunResult out;
    auto add = [&](std::string n, double v) { out.metrics.push_back({std::move(n), v}); };
    const double n = static_cast<double>(r.sessions);
    add("sessions", n);
    add("direct_fraction", (r.lan + r.punched) / n);
    add("lan_fraction", r.lan / n);
    add("punched_fraction", r.punched / n);
    add("relayed_fraction", r.relayed / n);
    add("failed_fraction", r.failed / n);
    add("connect_time_p50_s", r.connect_s.quantile(0.5));
    add("connect_time_p95_s", r.connect_s.quantile(0.95));
    add("control_packets", static_cast<double>(r.control_packets));
    add("control_bytes", static_cast<double>(r.control_bytes));
    add("relay_bandwidth_bps", r.relay_bandwidth_bps);
    add("relay_demand_bps", r.relay_demand_bps);
    const auto& mix = s_.hosts.mix;
    for (std::size_t i = 0; i < mix.size(); ++i)
      for (std::size_t j = i; j < mix.size(); ++j) {
        const ice::PairStats& p = r.by_pair[i * mix.size() + j];
        const double t = static_cast<double>(p.direct + p.relayed + p.failed);
        const std::string base = "pair_" + metric_name(mix[i].name) + "__" + metric_name(mix[j].name);
        add(base + "_sessions", t);
        add(base + "_relayed_fraction", t > 0 ? p.relayed / t : 0);
      }
    return out;
  }

 private:
  signalling::RustDeskSpec s_;
};

std::unique_ptr<Study> parse(const Field& root) {
  signalling::RustDeskSpec s;
  ice::PopulationSpec& p = s.hosts;
  p.sessions = 100;
  if (auto f = root.get("population")) {
    f->allow_only({"sessions", "arrival_window", "cgn_subscribers", "lan_latency", "access_latency", "access_spread",
                   "inner_latency"});
    p.sessions = f->get_int("sessions", p.sessions, 1, 1'000'000);
    p.arrival_window = f->get_time("arrival_window", p.arrival_window, SimTime::zero(), SimTime::h(24));
    p.cgn_subscribers = f->get_int("cgn_subscribers", p.cgn_subscribers, 1, 1'000'000);
    p.lan_latency = f->get_time("lan_latency", p.lan_latency, SimTime::zero(), SimTime::s(1));
    p.access_latency = f->get_time("access_latency", p.access_latency, SimTime::zero(), SimTime::s(5));
    p.access_spread = f->get_time("access_spread", p.access_spread, SimTime::zero(), SimTime::s(5));
    p.inner_latency = f->get_time("inner_latency", p.inner_latency, SimTime::zero(), SimTime::s(1));
  }
  p.mix = parse_ice_nat_mix(root.require("nat_mix"));
  check_carrier_blocks(root, p);
  signalling::RustDeskConfig& c = s.cfg;
  if (auto f = root.get("rustdesk")) {
    f->allow_only({"hbbs_latency", "hbbr_latency", "register_interval", "register_timeout", "punch_period",
                   "punch_timeout", "connect_timeout", "always_use_relay", "stream_bitrate", "relay_single_bandwidth",
                   "relay_total_bandwidth", "message_bytes"});
    p.stun_latency = f->get_time("hbbs_latency", p.stun_latency, SimTime::zero(), SimTime::s(5));
    p.turn_latency = f->get_time("hbbr_latency", p.turn_latency, SimTime::zero(), SimTime::s(5));
    c.register_interval = f->get_time("register_interval", c.register_interval, SimTime::s(1), SimTime::min(10));
    c.register_timeout = f->get_time("register_timeout", c.register_timeout, SimTime::s(1), SimTime::min(10));
    c.punch_period = f->get_time("punch_period", c.punch_period, SimTime::ms(10), SimTime::s(10));
    c.punch_timeout = f->get_time("punch_timeout", c.punch_timeout, SimTime::zero(), SimTime::min(1));
    c.connect_timeout = f->get_time("connect_timeout", c.connect_timeout, SimTime::s(1), SimTime::min(5));
    c.always_use_relay = f->get_bool("always_use_relay", false);
    c.stream_bitrate = f->get_rate("stream_bitrate", c.stream_bitrate, 1e3, 1e10);
    c.relay_single_bps = f->get_rate("relay_single_bandwidth", c.relay_single_bps, 1e3, 1e12);
    c.relay_total_bps = f->get_rate("relay_total_bandwidth", c.relay_total_bps, 1e3, 1e13);
    c.message_bytes = static_cast<std::uint32_t>(f->get_size("message_bytes", c.message_bytes, 1, 65536));
  }
  return std::make_unique<RustDeskStudy>(std::move(s));
}

void summarize(const RunSetSummary& sum, std::ostream& os) {
  report::print_labelled_table(sum,
                               {{"sessions", "sessions"},
                                {"LAN", "lan_fraction"},
                                {"punched", "punched_fraction"},
                                {"relayed", "relayed_fraction"},
                                {"failed", "failed_fraction"},
                                {"connect p50 s", "connect_time_p50_s"},
                                {"connect p95 s", "connect_time_p95_s"},
                                {"relay bps", "relay_bandwidth_bps"}},
                               os);
}

}  // namespace

StudyKind make_rustdesk_kind() {
  StudyKind k;
  k.name = "rustdesk";
  k.description = "1:1 remote desktop, RustDesk style: hbbs rendezvous, UDP hole punching, hbbr relay fallback";
  k.sections = {"population", "nat_mix", "rustdesk"};
  k.parse = parse;
  k.summarize = summarize;
  k.headline = {"direct_fraction", "relayed_fraction", "failed_fraction", "connect_time_p50_s", "relay_bandwidth_bps"};
  return k;
}

}  // namespace p2psim::study
