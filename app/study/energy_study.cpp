// Study kind "energy": battery cost of a mobile host's connectivity (radio power states
// driven by its keepalives, messages and call traffic). Sections: run, host, keepalives,
// traffic, call. Every key is documented in docs/scenarios.md under "study: energy".
#include <memory>
#include <string>
#include <vector>

#include "app/study/study.hpp"
#include "models/energy/exchange.hpp"
#include "models/energy/flow_trace.hpp"
#include "models/energy/host_energy.hpp"
#include "models/energy/radio_factory.hpp"

namespace p2psim::study {
namespace {

using energy::Cause;
using energy::ExchangeSpec;
using energy::LteParams;
using energy::RadioKind;
using energy::RadioSpec;
using energy::UmtsParams;
using energy::WifiParams;
using scenario::Field;

constexpr SimTime kMaxDuration = SimTime::h(24 * 365);

// ---- call load -------------------------------------------------------------------------
// Per-participant wire rates and coded streams of a group call.
// TODO(media): once models/media is in main, take these from the group-call model
// instead of the textbook formulas below (mesh up/down (N-1)b; SFU up b (or the sum of
// the simulcast layers), down (N-1)b; MCU up b, down b).
enum class Topology { kMesh, kSfu, kMcu };

struct CallSpec {
  bool enabled = false;
  Topology topology = Topology::kSfu;
  int participants = 4;
  double video_bps = 500e3;  // libwebrtc VP8 360p target
  double audio_bps = 32e3;   // Opus full-band default
  std::vector<double> simulcast_bps;  // SFU upload layers (replaces video_bps upward)
  SimTime start = SimTime::zero();
  SimTime duration = SimTime::zero();  // 0 = until the end of the run
};

struct CallLoad {
  double up_bps = 0, down_bps = 0;
  int encoded = 0, decoded = 0;
};

CallLoad call_load(const CallSpec& c) {
  const int others = c.participants - 1;
  const double stream = c.video_bps + c.audio_bps;
  CallLoad l;
  switch (c.topology) {
    case Topology::kMesh:  // one encode per peer connection without simulcast
      l.up_bps = others * stream;
      l.down_bps = others * stream;
      l.encoded = others;
      l.decoded = others;
      break;
    case Topology::kSfu: {
      double up = c.video_bps;
      if (!c.simulcast_bps.empty()) {
        up = 0;
        for (double b : c.simulcast_bps) up += b;
      }
      l.up_bps = up + c.audio_bps;
      l.down_bps = others * stream;
      l.encoded = c.simulcast_bps.empty() ? 1 : static_cast<int>(c.simulcast_bps.size());
      l.decoded = others;
      break;
    }
    case Topology::kMcu:
      l.up_bps = stream;
      l.down_bps = stream;
      l.encoded = 1;
      l.decoded = 1;
      break;
  }
  return l;
}

// ---- spec ------------------------------------------------------------------------------
struct EnergySpec {
  SimTime duration = SimTime::h(1);
  std::string profile;
  RadioSpec radio;
  energy::CpuParams cpu;
  double battery_wh = 15.0;
  std::vector<ExchangeSpec> exchanges;  // keepalives and messages, in file order
  CallSpec call;
};

// ---- parsing ---------------------------------------------------------------------------
struct TimeKey {
  const char* name;
  SimTime LteParams::*member;
};
struct PowerKey {
  const char* name;
  double LteParams::*member;
};

void parse_lte(const Field& f, LteParams& p, bool require_all) {
  static const TimeKey times[] = {
      {"promotion_time", &LteParams::promotion_time},     {"inactivity_timer", &LteParams::inactivity_timer},
      {"short_drx_time", &LteParams::short_drx_time},     {"tail_time", &LteParams::tail_time},
      {"short_drx_cycle", &LteParams::short_drx_cycle},   {"long_drx_cycle", &LteParams::long_drx_cycle},
      {"drx_on_duration", &LteParams::drx_on_duration},   {"idle_paging_cycle", &LteParams::idle_paging_cycle},
      {"idle_paging_on", &LteParams::idle_paging_on}};
  static const PowerKey powers[] = {{"promotion_w", &LteParams::promotion_w},
                                    {"drx_on_w", &LteParams::drx_on_w},
                                    {"tail_base_w", &LteParams::tail_base_w},
                                    {"idle_paging_w", &LteParams::idle_paging_w},
                                    {"idle_base_w", &LteParams::idle_base_w},
                                    {"alpha_up_mw_per_mbps", &LteParams::alpha_up_mw_per_mbps},
                                    {"alpha_down_mw_per_mbps", &LteParams::alpha_down_mw_per_mbps},
                                    {"beta_mw", &LteParams::beta_mw}};
  std::vector<std::string> keys;
  for (const auto& k : times) keys.emplace_back(k.name);
  for (const auto& k : powers) keys.emplace_back(k.name);
  f.allow_only(keys);
  for (const auto& k : times) {
    if (require_all) f.require(k.name);
    p.*k.member = f.get_time(k.name, p.*k.member, SimTime::zero(), SimTime::h(1));
  }
  for (const auto& k : powers) {
    if (require_all) f.require(k.name);
    p.*k.member = f.get_double(k.name, p.*k.member, 0.0, 1e5);
  }
  if (std::string err = energy::validate(p); !err.empty()) f.fail(err);
}

void parse_umts(const Field& f, UmtsParams& p) {
  f.allow_only({"dch_fach_timer", "fach_idle_timer", "idle_dch_promotion", "fach_dch_promotion",
                "idle_dch_promotion_w", "fach_dch_promotion_w", "dch_w", "fach_w", "idle_w", "fach_small_packets",
                "rlc_up_threshold", "rlc_down_threshold", "dch_timer_reset_size", "dch_timer_reset_window"});
  const SimTime hour = SimTime::h(1);
  p.dch_fach_timer = f.get_time("dch_fach_timer", p.dch_fach_timer, SimTime::zero(), hour);
  p.fach_idle_timer = f.get_time("fach_idle_timer", p.fach_idle_timer, SimTime::zero(), hour);
  p.idle_dch_promotion = f.get_time("idle_dch_promotion", p.idle_dch_promotion, SimTime::zero(), hour);
  p.fach_dch_promotion = f.get_time("fach_dch_promotion", p.fach_dch_promotion, SimTime::zero(), hour);
  p.idle_dch_promotion_w = f.get_double("idle_dch_promotion_w", p.idle_dch_promotion_w, 0, 100);
  p.fach_dch_promotion_w = f.get_double("fach_dch_promotion_w", p.fach_dch_promotion_w, 0, 100);
  p.dch_w = f.get_double("dch_w", p.dch_w, 0, 100);
  p.fach_w = f.get_double("fach_w", p.fach_w, 0, 100);
  p.idle_w = f.get_double("idle_w", p.idle_w, 0, 100);
  p.fach_small_packets = f.get_bool("fach_small_packets", p.fach_small_packets);
  p.rlc_up_threshold = f.get_size("rlc_up_threshold", p.rlc_up_threshold, 0, 1 << 30);
  p.rlc_down_threshold = f.get_size("rlc_down_threshold", p.rlc_down_threshold, 0, 1 << 30);
  p.dch_timer_reset_size = f.get_size("dch_timer_reset_size", p.dch_timer_reset_size, 0, 1 << 30);
  p.dch_timer_reset_window = f.get_time("dch_timer_reset_window", p.dch_timer_reset_window, SimTime::zero(), hour);
  if (std::string err = energy::validate(p); !err.empty()) f.fail(err);
}

void parse_wifi(const Field& f, WifiParams& p) {
  f.allow_only({"tail_time", "active_w", "idle_w", "alpha_up_mw_per_mbps", "alpha_down_mw_per_mbps"});
  p.tail_time = f.get_time("tail_time", p.tail_time, SimTime::zero(), SimTime::h(1));
  p.active_w = f.get_double("active_w", p.active_w, 0, 100);
  p.idle_w = f.get_double("idle_w", p.idle_w, 0, 100);
  p.alpha_up_mw_per_mbps = f.get_double("alpha_up_mw_per_mbps", p.alpha_up_mw_per_mbps, 0, 1e5);
  p.alpha_down_mw_per_mbps = f.get_double("alpha_down_mw_per_mbps", p.alpha_down_mw_per_mbps, 0, 1e5);
}

void parse_host(const Field& f, EnergySpec& s) {
  f.allow_only({"radio", "battery_wh", "lte", "umts", "wifi", "nr", "cpu"});
  s.radio.kind = f.get_enum<RadioKind>("radio", RadioKind::kLte,
                                       {{"lte", RadioKind::kLte},
                                        {"umts", RadioKind::kUmts},
                                        {"wifi", RadioKind::kWifi},
                                        {"nr", RadioKind::kNr},
                                        {"wired", RadioKind::kWired}});
  s.battery_wh = f.get_double("battery_wh", 15.0, 0.1, 1e4);
  if (auto g = f.get("lte")) parse_lte(*g, s.radio.lte, false);
  if (auto g = f.get("umts")) parse_umts(*g, s.radio.umts);
  if (auto g = f.get("wifi")) parse_wifi(*g, s.radio.wifi);
  if (auto g = f.get("nr")) {
    LteParams nr;
    parse_lte(*g, nr, true);
    s.radio.nr = nr;
  }
  if (s.radio.kind == RadioKind::kNr && !s.radio.nr)
    f.fail("radio: nr needs a complete \"nr\" parameter map (p2psim ships no 5G defaults; see docs/models/energy.md)");
  if (auto g = f.get("cpu")) {
    g->allow_only({"encode_w_per_stream", "decode_w_per_stream"});
    s.cpu.encode_w_per_stream = g->get_double("encode_w_per_stream", 0.0, 0.0, 100.0);
    s.cpu.decode_w_per_stream = g->get_double("decode_w_per_stream", 0.0, 0.0, 100.0);
  }
}

// True if the entry is active under the run's profile.
bool parse_profiles(const Field& f, const std::string& profile) {
  auto g = f.get("profiles");
  if (!g) return true;
  std::vector<std::string> names;
  if (g->is_sequence()) {
    for (const Field& i : g->items()) names.push_back(i.as_identifier());
  } else {
    names.push_back(g->as_identifier());
  }
  for (const auto& n : names)
    if (n == profile) return true;
  return false;
}

void parse_keepalives(const Field& f, EnergySpec& s) {
  f.expect_map();
  for (const auto& [name, e] : f.entries()) {
    e.allow_only({"kind", "interval", "jitter", "request_size", "response_size", "rtt", "start", "only_if_idle",
                  "profiles"});
    const Cause cause = e.require("kind").as_enum<Cause>({{"nat_keepalive", Cause::kNatKeepalive},
                                                          {"ice_consent", Cause::kIceConsent},
                                                          {"turn_refresh", Cause::kTurnRefresh},
                                                          {"heartbeat", Cause::kHeartbeat}});
    ExchangeSpec x = energy::default_exchange(cause);
    x.name = name;
    x.interval = e.get_time("interval", x.interval, SimTime::ms(1), SimTime::h(24));
    x.jitter = e.get_double("jitter", x.jitter, 0.0, 0.99);
    x.request_bytes = e.get_size("request_size", x.request_bytes, 0, 1 << 20);
    x.response_bytes = e.get_size("response_size", x.response_bytes, 0, 1 << 20);
    x.rtt = e.get_time("rtt", x.rtt, SimTime::zero(), SimTime::min(1));
    x.start = e.get_time("start", x.start, SimTime::zero(), kMaxDuration);
    x.only_if_idle = e.get_bool("only_if_idle", x.only_if_idle);
    if (parse_profiles(e, s.profile)) s.exchanges.push_back(x);
  }
}

void parse_traffic(const Field& f, EnergySpec& s) {
  f.expect_map();
  for (const auto& [name, e] : f.entries()) {
    e.allow_only({"pattern", "interval", "up_size", "down_size", "rtt", "start", "profiles"});
    ExchangeSpec x = energy::default_exchange(Cause::kData);
    x.name = name;
    x.poisson = e.get_enum<bool>("pattern", false, {{"periodic", false}, {"poisson", true}});
    x.interval = e.require("interval").as_time(SimTime::ms(1), SimTime::h(24));
    x.request_bytes = e.get_size("up_size", 0, 0, 1LL << 30);
    x.response_bytes = e.get_size("down_size", 0, 0, 1LL << 30);
    if (x.request_bytes == 0 && x.response_bytes == 0) e.fail("up_size and down_size cannot both be 0");
    x.rtt = e.get_time("rtt", x.rtt, SimTime::zero(), SimTime::min(1));
    x.start = e.get_time("start", SimTime::zero(), SimTime::zero(), kMaxDuration);
    if (parse_profiles(e, s.profile)) s.exchanges.push_back(x);
  }
}

void parse_call(const Field& f, CallSpec& c) {
  f.allow_only({"topology", "participants", "video_bitrate", "audio_bitrate", "simulcast", "start", "duration"});
  c.enabled = true;
  c.topology = f.get_enum<Topology>("topology", Topology::kSfu,
                                    {{"mesh", Topology::kMesh}, {"sfu", Topology::kSfu}, {"mcu", Topology::kMcu}});
  c.participants = static_cast<int>(f.get_int("participants", 4, 2, 1000));
  c.video_bps = f.get_rate("video_bitrate", c.video_bps, 0, 1e9);
  c.audio_bps = f.get_rate("audio_bitrate", c.audio_bps, 0, 1e9);
  if (auto g = f.get("simulcast")) {
    for (const Field& i : g->items()) c.simulcast_bps.push_back(i.as_rate(1, 1e9));
    if (c.topology != Topology::kSfu) g->fail("simulcast applies to topology: sfu");
  }
  c.start = f.get_time("start", SimTime::zero(), SimTime::zero(), kMaxDuration);
  c.duration = f.get_time("duration", SimTime::zero(), SimTime::zero(), kMaxDuration);
}

// ---- run -------------------------------------------------------------------------------
class EnergyStudy final : public Study {
 public:
  explicit EnergyStudy(EnergySpec s) : s_(std::move(s)) {}

  RunResult run(std::uint64_t seed) const override {
    Simulator sim;
    energy::HostEnergy host(sim, energy::make_radio(sim, s_.radio), s_.cpu, s_.battery_wh);
    std::vector<std::unique_ptr<energy::PeriodicExchange>> xs;
    for (const ExchangeSpec& x : s_.exchanges) {
      xs.push_back(std::make_unique<energy::PeriodicExchange>(sim, host, x, Rng::stream(seed, "energy/" + x.name)));
      xs.back()->start();
    }
    CallLoad load;
    std::vector<energy::RateChange> changes;
    if (s_.call.enabled && s_.call.start < s_.duration) {
      load = call_load(s_.call);
      changes.push_back({s_.call.start, load.up_bps, load.down_bps, load.encoded, load.decoded});
      const SimTime end = s_.call.start + s_.call.duration;
      if (s_.call.duration > SimTime::zero() && end < s_.duration) changes.push_back({end, 0, 0, 0, 0});
    }
    energy::FlowTrace call(sim, host, std::move(changes));
    call.start();
    sim.run_until(s_.duration);
    host.finish(s_.duration);
    const energy::HostReport r = host.report();

    RunResult out;
    auto& m = out.metrics;
    m.push_back({"energy_j", r.energy_j});
    m.push_back({"avg_power_mw", r.avg_power_mw});
    m.push_back({"battery_drain_pct_per_hour", r.battery_drain_pct_per_hour});
    m.push_back({"radio_energy_j", r.radio_energy_j});
    m.push_back({"cpu_energy_j", r.cpu_energy_j});
    for (int b = 0; b < energy::kBucketCount; ++b)
      m.push_back({"energy_" + std::string(energy::bucket_name(static_cast<energy::Bucket>(b))) + "_j",
                   r.bucket_j[static_cast<std::size_t>(b)]});
    m.push_back({"energy_keepalive_j", r.keepalive_j()});
    m.push_back({"keepalive_power_mw", r.duration_s > 0 ? r.keepalive_j() / r.duration_s * 1e3 : 0.0});
    for (const auto& [state, secs] : r.state_time_s) m.push_back({"time_" + state + "_s", secs});
    m.push_back({"promotions", static_cast<double>(r.promotions)});
    for (int c = 0; c < energy::kCauseCount; ++c)
      m.push_back({"packets_" + std::string(energy::cause_name(static_cast<Cause>(c))),
                   static_cast<double>(r.packets[static_cast<std::size_t>(c)])});
    if (s_.call.enabled) {
      m.push_back({"call_up_bps", load.up_bps});
      m.push_back({"call_down_bps", load.down_bps});
      m.push_back({"call_encoded_streams", static_cast<double>(load.encoded)});
      m.push_back({"call_decoded_streams", static_cast<double>(load.decoded)});
    }
    return out;
  }

 private:
  EnergySpec s_;
};

std::unique_ptr<Study> parse_energy(const Field& root) {
  EnergySpec s;
  if (auto f = root.get("run")) {
    f->allow_only({"duration", "profile"});
    s.duration = f->get_time("duration", s.duration, SimTime::s(1), kMaxDuration);
    if (auto p = f->get("profile")) s.profile = p->as_identifier();
  }
  if (auto f = root.get("host")) parse_host(*f, s);
  if (auto f = root.get("keepalives")) parse_keepalives(*f, s);
  if (auto f = root.get("traffic")) parse_traffic(*f, s);
  if (auto f = root.get("call")) parse_call(*f, s.call);
  return std::make_unique<EnergyStudy>(std::move(s));
}

}  // namespace

StudyKind make_energy_kind() {
  StudyKind k;
  k.name = "energy";
  k.description = "battery cost of a mobile host: radio power states driven by keepalives, messages and calls";
  k.sections = {"run", "host", "keepalives", "traffic", "call"};
  k.parse = parse_energy;
  k.headline = {"avg_power_mw", "battery_drain_pct_per_hour", "energy_keepalive_j", "promotions"};
  return k;
}

}  // namespace p2psim::study
