// Study kind "nat-population": a population of hosts behind a NAT mix establishing ICE
// sessions in pairs through shared STUN, TURN and signalling servers
// (models/ice/population.hpp). Reports how often sessions are direct, relayed or failed,
// overall and per NAT-type pair, setup-time quantiles, control traffic and TURN load.
#include <algorithm>
#include <memory>
#include <ostream>

#include <thread>
#include <utility>

#include "app/report/summary_table.hpp"
#include "app/report/table.hpp"
#include "app/scenario/ipv6_section.hpp"
#include "app/study/ice_spec.hpp"
#include "app/study/population_result_codec.hpp"
#include "app/study/study.hpp"
#include "models/ice/population.hpp"
#include "models/ice/turn_relay.hpp"

namespace p2psim::study {

namespace {

using scenario::Field;

struct PopulationStudySpec {
  ice::PopulationSpec pop;
  bool turn = true;
  int relay_addresses = 1;  // the TURN server's relay IP addresses, 16,384 relay ports each
  double media_bps = 0;  // per relayed session and direction, for the TURN bandwidth metric
};

class PopulationStudy : public Study {
 public:
  explicit PopulationStudy(PopulationStudySpec s) : s_(std::move(s)) {}
  // From measured peak RSS of this study path (docs/performance.md, "Memory estimates"),
  // per shard: every session keeps its two hosts, their NATs, ICE endpoints, the session
  // object, its TURN clients (UDP and TLS legs) and allocations until the shard ends
  // (kept per session: 5,800 B when every host allocates a relay, relay_policy always, the
  // default; 3,300 B under on-failure); a session being set up also holds its ICE agents,
  // check lists, transactions and queued events (kAlivePerSession). Sessions being set up
  // at once: those started in the last kSetupHorizonS (the UDP-blocked hosts' STUN
  // timeout, 39.5 s, plus the TURN fallback), i.e. all of them when the arrival window is
  // shorter. Shards run one after another free their memory first
  // (MemoryEstimate::shard_bytes); the run keeps the setup-time samples of every session
  // (8 B, copied once when shards merge). Each constant is the measurement rounded up
  // (estimates 7-16% above the measured peaks).
  static constexpr std::uint64_t kKeptAlways = 5800, kKeptOnFailure = 3300, kAlivePerSession = 2300;
  static constexpr std::uint64_t kShardBase = 16u << 20, kRunBase = 32u << 20;
  static constexpr double kSetupHorizonS = 45;
  MemoryEstimate memory_estimate() const override {
    const auto shards = static_cast<std::uint64_t>(ice::population_shards(s_.pop));
    const auto sessions = static_cast<std::uint64_t>(s_.pop.sessions);
    const std::uint64_t per_shard = (sessions + shards - 1) / shards;
    const double window = s_.pop.arrival_window.seconds();
    std::uint64_t alive = per_shard;
    if (window > kSetupHorizonS)
      alive = std::min(per_shard, static_cast<std::uint64_t>(static_cast<double>(per_shard) * kSetupHorizonS / window) + 1);
    MemoryEstimate e;
    e.shards = shards;
    const std::uint64_t kept = s_.turn && s_.pop.session.relay_policy == ice::RelayPolicy::kAlways ? kKeptAlways : kKeptOnFailure;
    e.shard_bytes = per_shard * kept + alive * kAlivePerSession + kShardBase;
    e.working_bytes = sessions * 16u + kRunBase;
    return e;
  }
  RunResult run(std::uint64_t seed) const override { return run_in(seed, RunContext{}); }
  std::size_t shard_count() const override { return static_cast<std::size_t>(ice::population_shards(s_.pop)); }

  RunResult run_in(std::uint64_t seed, const RunContext& ctx) const override {
    ice::PopulationSpec spec = s_.pop;
    ice::TurnRelayConfig relay_cfg;
    relay_cfg.server.relay_addresses = turn::extra_relay_addresses(static_cast<std::size_t>(s_.relay_addresses - 1));
    ice::TurnRelayFactory relay(relay_cfg);
    spec.relay = s_.turn ? &relay : nullptr;
    // Shards run on the threads the runner lends (at most --jobs in all), or wherever
    // ctx.shards puts them (MPI ranks); the result depends on neither.
    ice::PopulationResult r;
    if (ctx.shards) {
      const auto parts = ctx.shards(shard_count(), [&](std::size_t k) {
        return encode_population_result(ice::run_population_shard(spec, seed, static_cast<std::int64_t>(k)));
      });
      r.by_pair.assign(spec.mix.size() * spec.mix.size(), {});
      for (const std::string& p : parts) ice::merge_into(r, decode_population_result(p));
    } else {
      r = ice::run_population(spec, seed, std::max(1, ctx.threads));
    }
    RunResult out;
    auto add = [&](std::string n, double v) { out.metrics.push_back({std::move(n), v}); };
    const double n = static_cast<double>(r.sessions);
    add("sessions", n);
    add("direct_fraction", r.direct / n);
    add("relayed_fraction", r.relayed / n);
    add("failed_fraction", r.failed / n);
    add("setup_time_p50_s", r.setup_s.quantile(0.5));
    add("setup_time_p95_s", r.setup_s.quantile(0.95));
    add("setup_time_mean_s", r.setup_s.mean());
    // More quantiles, so `p2psim plot` can draw the setup-time CDF through them.
    for (const auto& [name, q] : {std::pair<const char*, double>{"setup_time_p10_s", 0.10}, {"setup_time_p25_s", 0.25},
                                  {"setup_time_p75_s", 0.75}, {"setup_time_p90_s", 0.90}, {"setup_time_p99_s", 0.99}})
      add(name, r.setup_s.quantile(q));
    add("control_packets_per_session", r.control_packets / n);
    add("control_bytes_per_session", r.control_bytes / n);
    add("signalling_messages", static_cast<double>(r.signalling_messages));
    add("turn_allocations", static_cast<double>(r.turn_allocations));
    add("turn_relayed_sessions", static_cast<double>(r.turn_sessions));
    add("relay_fallbacks", static_cast<double>(r.relay_fallbacks));
    // Dual stack: hosts with IPv6, and connected sessions whose selected pair is IPv6.
    add("ipv6_host_fraction", r.hosts ? static_cast<double>(r.ipv6_hosts) / static_cast<double>(r.hosts) : 0);
    add("ipv6_session_fraction", static_cast<double>(r.ipv6_sessions) / n);
    // Media through TURN: each relayed session sends media_bps each way via the server
    // (in and out), the ChannelData framing of RFC 8656 12.4 excluded.
    add("turn_bandwidth_bps", 2.0 * s_.media_bps * static_cast<double>(r.turn_sessions));
    add("selected_prflx_candidates", static_cast<double>(r.selected_types[static_cast<int>(ice::CandidateType::kPeerReflexive)]));
    const std::size_t m = spec.mix.size();
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = i; j < m; ++j) {
        const ice::PairStats& p = r.by_pair[i * m + j];
        const double t = static_cast<double>(p.direct + p.relayed + p.failed);
        const std::string base = "pair_" + metric_name(spec.mix[i].name) + "__" + metric_name(spec.mix[j].name);
        add(base + "_sessions", t);
        add(base + "_direct_fraction", t > 0 ? p.direct / t : 0);
        add(base + "_relayed_fraction", t > 0 ? p.relayed / t : 0);
        add(base + "_failed_fraction", t > 0 ? p.failed / t : 0);
      }
    return out;
  }

 private:
  PopulationStudySpec s_;
};

std::unique_ptr<Study> parse(const Field& root) {
  PopulationStudySpec s;
  ice::PopulationSpec& p = s.pop;
  if (auto f = root.get("population")) {
    f->allow_only({"sessions", "arrival_window", "cgn_subscribers", "lan_latency", "access_latency", "access_spread",
                   "inner_latency", "run_limit", "media_bitrate", "shards", "shard_sessions"});
    p.sessions = f->get_int("sessions", p.sessions, 1, 10'000'000);
    p.arrival_window = f->get_time("arrival_window", p.arrival_window, SimTime::zero(), SimTime::h(24));
    p.cgn_subscribers = f->get_int("cgn_subscribers", p.cgn_subscribers, 1, 1'000'000);
    p.lan_latency = f->get_time("lan_latency", p.lan_latency, SimTime::zero(), SimTime::s(1));
    p.access_latency = f->get_time("access_latency", p.access_latency, SimTime::zero(), SimTime::s(5));
    p.access_spread = f->get_time("access_spread", p.access_spread, SimTime::zero(), SimTime::s(5));
    p.inner_latency = f->get_time("inner_latency", p.inner_latency, SimTime::zero(), SimTime::s(1));
    p.run_limit = f->get_time("run_limit", p.run_limit, SimTime::s(1), SimTime::h(1));
    s.media_bps = f->get_rate("media_bitrate", 0, 0, 1e10);
    p.shards = static_cast<int>(f->get_int("shards", p.shards, 1, 256));
    p.shard_sessions = f->get_int("shard_sessions", p.shard_sessions, 0, 10'000'000);
  }
  p.mix = parse_ice_nat_mix(root.require("nat_mix"));
  check_carrier_blocks(root, p);
  if (auto f = root.get("servers")) {
    f->allow_only({"stun", "turn", "signalling"});
    if (auto st = f->get("stun")) {
      st->allow_only({"enabled", "latency"});
      p.use_stun = st->get_bool("enabled", true);
      p.stun_latency = st->get_time("latency", p.stun_latency, SimTime::zero(), SimTime::s(5));
    }
    if (auto t = f->get("turn")) {
      t->allow_only({"enabled", "latency", "relay_addresses"});
      s.turn = t->get_bool("enabled", true);
      s.relay_addresses = static_cast<int>(t->get_int("relay_addresses", s.relay_addresses, 1, 65536));
      p.turn_latency = t->get_time("latency", p.turn_latency, SimTime::zero(), SimTime::s(5));
    }
    if (auto sg = f->get("signalling")) {
      sg->allow_only({"latency", "processing"});
      p.signalling_latency = sg->get_time("latency", p.signalling_latency, SimTime::zero(), SimTime::s(5));
      p.signalling.processing = sg->get_time("processing", p.signalling.processing, SimTime::zero(), SimTime::s(5));
    }
  }
  if (auto f = root.get("ipv6")) {
    const scenario::Ipv6Spec v6 = scenario::parse_ipv6_section(*f);
    p.ipv6_share = v6.share;
    p.ipv6_firewall = v6.firewall;
  }
  browser_ice_defaults(p.session);  // trickle + libwebrtc nomination + mDNS host candidates; ice.trickle / ice.nomination to change
  if (auto f = root.get("ice")) parse_ice_section(*f, p.session);
  return std::make_unique<PopulationStudy>(std::move(s));
}

void summarize(const RunSetSummary& sum, std::ostream& os) {
  report::print_labelled_table(sum,
                               {{"sessions", "sessions"},
                                {"direct", "direct_fraction"},
                                {"relayed", "relayed_fraction"},
                                {"failed", "failed_fraction"},
                                {"setup p50 s", "setup_time_p50_s"},
                                {"setup p95 s", "setup_time_p95_s"},
                                {"ctl B/session", "control_bytes_per_session"},
                                {"TURN allocs", "turn_allocations"},
                                {"fallbacks", "relay_fallbacks"}},
                               os);
}

}  // namespace

StudyKind make_nat_population_kind() {
  StudyKind k;
  k.name = "nat-population";
  k.description = "Hosts behind a NAT mix establishing ICE sessions via STUN/TURN/signalling: direct, relayed, failed";
  k.sections = {"population", "nat_mix", "servers", "ice", "ipv6"};
  k.parse = parse;
  k.summarize = summarize;
  k.headline = {"direct_fraction", "relayed_fraction", "failed_fraction", "setup_time_p50_s", "setup_time_p95_s"};
  return k;
}

}  // namespace p2psim::study
