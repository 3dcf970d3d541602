// Study kind "energy": battery cost of a mobile host's connectivity (radio power states
// driven by its keepalives, messages and call traffic). Sections: run, host, keepalives,
// traffic, call. Every key is documented in docs/scenarios.md under "study: energy".
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/scenario/video_layers_section.hpp"
#include "app/study/study.hpp"
#include "models/energy/exchange.hpp"
#include "models/energy/flow_trace.hpp"
#include "models/energy/host_energy.hpp"
#include "models/energy/nr_presets.hpp"
#include "models/energy/radio_factory.hpp"
#include "models/media/group_call.hpp"

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

// ---- call ----------------------------------------------------------------------------
// A group call simulated by the group-call model (models/media): every participant's
// delivered uplink/downlink wire rates over time drive its own radio.
struct CallSpec {
  bool enabled = false;
  media::CallSpec media;                 // topology, group size, media profile, access, ...
  SimTime start = SimTime::zero();
  SimTime duration = SimTime::zero();    // 0 = until the end of the run
};

// ---- spec ------------------------------------------------------------------------------
struct EnergySpec {
  SimTime duration = SimTime::h(1);
  std::string profile;
  RadioSpec radio;
  energy::CpuParams cpu{0.0, 0.0, 1.17};  // w_per_core: AnandTech, Kirin 960 review (Cortex-A73 +1.0-1.2 W per busy core)
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

// `extra_keys`: further keys the caller reads from the same map (nr's `preset`).
void parse_lte(const Field& f, LteParams& p, bool require_all, std::vector<std::string> extra_keys = {}) {
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
  std::vector<std::string> keys = std::move(extra_keys);
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

// host.nr: a shipped preset (docs/models/energy.md "5G NR") whose keys may be overridden
// one by one, or, without `preset`, every LteParams key. A preset has no DRX phase
// (inactivity_timer = tail_time); a `tail_time` override keeps that unless
// `inactivity_timer` is given too.
// Schema recording only: the nr keys' defaults depend on the preset, so they are reported
// without one (while installed, every use is forwarded to the outer recorder, less `def`).
class WithoutDefaults final : public scenario::FieldRecorder {
 public:
  explicit WithoutDefaults(scenario::FieldRecorder* outer) : outer_(outer) { scenario::set_field_recorder(this); }
  ~WithoutDefaults() override { scenario::set_field_recorder(outer_); }
  WithoutDefaults(const WithoutDefaults&) = delete;
  WithoutDefaults& operator=(const WithoutDefaults&) = delete;
  void use(const scenario::FieldUse& u) override {
    scenario::FieldUse v = u;
    v.def.reset();
    outer_->use(v);
  }

 private:
  scenario::FieldRecorder* outer_;
};

LteParams parse_nr(const Field& f) {
  f.expect_map();
  std::optional<WithoutDefaults> recording;
  if (scenario::FieldRecorder* outer = scenario::field_recorder()) recording.emplace(outer);
  LteParams p;
  const auto preset = f.get("preset");
  if (preset) {
    p = energy::nr_preset(preset->as_enum<energy::NrPreset>(
        {{"nsa-mmwave", energy::NrPreset::kNsaMmwave}, {"nsa-low-band", energy::NrPreset::kNsaLowBand}}));
    if (f.has("tail_time") && !f.has("inactivity_timer"))
      p.inactivity_timer = f.get_time("tail_time", p.tail_time, SimTime::zero(), SimTime::h(1));
  }
  parse_lte(f, p, !preset, {"preset"});
  return p;
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
  if (auto g = f.get("nr")) s.radio.nr = parse_nr(*g);
  if (s.radio.kind == RadioKind::kNr && !s.radio.nr)
    f.fail("radio: nr needs \"nr: {preset: nsa-mmwave}\" or \"nr: {preset: nsa-low-band}\" (or every nr key; see docs/models/energy.md)");
  if (auto g = f.get("cpu")) {
    g->allow_only({"encode_w_per_stream", "decode_w_per_stream", "w_per_core"});
    s.cpu.encode_w_per_stream = g->get_double("encode_w_per_stream", 0.0, 0.0, 100.0);
    s.cpu.decode_w_per_stream = g->get_double("decode_w_per_stream", 0.0, 0.0, 100.0);
    s.cpu.w_per_core = g->get_double("w_per_core", s.cpu.w_per_core, 0.0, 100.0);
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

double get_capacity(const Field& f, std::string_view key, double def) {
  auto g = f.get(key);
  if (!g) return def;
  if (g->is_scalar() && g->node().Scalar() == "unlimited") return media::kUnlimited;
  return g->as_rate(1e3, 1e12);
}

void parse_call(const Field& f, CallSpec& c) {
  f.allow_only({"topology", "participants", "start", "duration", "last_n", "speaker_turn_mean", "audio_bitrate",
                "video", "video_layers", "uplink", "downlink", "device"});
  c.enabled = true;
  media::CallSpec& m = c.media;
  m.topology = f.get_enum<media::TopologyKind>("topology", media::TopologyKind::kSfu,
                                               {{"mesh", media::TopologyKind::kMesh},
                                                {"sfu", media::TopologyKind::kSfu},
                                                {"mcu", media::TopologyKind::kMcu},
                                                {"hybrid", media::TopologyKind::kHybrid}});
  m.group_size = static_cast<int>(f.get_int("participants", 4, 2, 200));
  c.start = f.get_time("start", SimTime::zero(), SimTime::zero(), kMaxDuration);
  c.duration = f.get_time("duration", SimTime::zero(), SimTime::zero(), kMaxDuration);
  m.last_n = static_cast<int>(f.get_int("last_n", 0, 0, 200));
  m.speaker_turn_mean = f.get_time("speaker_turn_mean", m.speaker_turn_mean, SimTime::ms(100), SimTime::h(24));
  m.media.audio.bitrate_bps = f.get_rate("audio_bitrate", m.media.audio.bitrate_bps, 6e3, 510e3);
  m.media.video.enabled = f.get_bool("video", true);
  if (auto layers = f.get("video_layers")) m.media.video.layers = scenario::parse_video_layers(*layers);
  media::AccessProfile a;
  a.name = "host";
  a.uplink_bps = get_capacity(f, "uplink", media::kUnlimited);
  a.downlink_bps = get_capacity(f, "downlink", media::kUnlimited);
  // The participants' client CPU (codec cost model): a phone unless told otherwise; its
  // busy cores cost host.cpu.w_per_core each.
  a.device = f.get_enum<media::DeviceClass>("device", media::DeviceClass::phone(),
                                            {{"phone", media::DeviceClass::phone()},
                                             {"laptop", media::DeviceClass::laptop()},
                                             {"desktop", media::DeviceClass::desktop()}});
  m.access = {a};
}

// ---- run -------------------------------------------------------------------------------
class EnergyStudy final : public Study {
 public:
  explicit EnergyStudy(EnergySpec s) : s_(std::move(s)) {}

  RunResult run(std::uint64_t seed) const override {
    // The call (if any) first: its per-participant rate traces drive the hosts.
    media::CallResult call;
    const SimTime call_len = call_length();
    if (call_len > SimTime::zero()) {
      media::CallSpec spec = s_.call.media;
      spec.duration = call_len;
      call = media::simulate_group_call(spec, derive_seed(seed, "energy/call"));
    }
    const int hosts = call_len > SimTime::zero() ? s_.call.media.group_size : 1;

    Simulator sim;
    std::vector<std::unique_ptr<energy::HostEnergy>> host;
    std::vector<std::unique_ptr<energy::PeriodicExchange>> xs;
    std::vector<std::unique_ptr<energy::FlowTrace>> traces;
    for (int i = 0; i < hosts; ++i) {
      host.push_back(std::make_unique<energy::HostEnergy>(energy::make_radio(sim, s_.radio), s_.cpu,
                                                          s_.battery_wh));
      const std::string prefix = "energy/host/" + std::to_string(i) + "/";
      for (const ExchangeSpec& x : s_.exchanges) {
        xs.push_back(std::make_unique<energy::PeriodicExchange>(sim, *host.back(), x, Rng::stream(seed, prefix + x.name)));
        xs.back()->start();
      }
      if (call_len > SimTime::zero()) {
        const media::ParticipantResult& p = call.participants[static_cast<std::size_t>(i)];
        std::vector<energy::RateChange> changes;
        // Busy physical cores = reference cores in use / the device's core speed.
        const double speed = s_.call.media.access.front().device.speed;
        for (const media::RateStep& st : p.trace)
          changes.push_back({s_.call.start + st.t, st.uplink_bps, st.downlink_bps, -1, -1, st.cores / speed});
        // CPU: one encode per RTP stream sent, one decode per stream received (time means).
        if (!changes.empty()) {
          changes.front().encoded = p.streams_sent;
          changes.front().decoded = p.streams_received;
        }
        changes.push_back({s_.call.start + call_len, 0, 0, 0, 0, 0});
        traces.push_back(std::make_unique<energy::FlowTrace>(sim, *host.back(), std::move(changes)));
        traces.back()->start();
      }
    }
    sim.run_until(s_.duration);
    std::vector<energy::HostReport> reports;
    for (auto& h : host) {
      h->finish(s_.duration);
      reports.push_back(h->report());
    }
    xs.clear();
    traces.clear();

    // Metrics: means over the hosts (one host without a call), plus the extremes of drain.
    RunResult out;
    auto& m = out.metrics;
    auto mean = [&](auto&& f) {
      double sum = 0;
      for (const auto& r : reports) sum += f(r);
      return sum / static_cast<double>(reports.size());
    };
    using R = energy::HostReport;
    m.push_back({"energy_j", mean([](const R& r) { return r.energy_j; })});
    m.push_back({"avg_power_mw", mean([](const R& r) { return r.avg_power_mw; })});
    m.push_back({"battery_drain_pct_per_hour", mean([](const R& r) { return r.battery_drain_pct_per_hour; })});
    double dmin = 1e300, dmax = 0;
    for (const auto& r : reports) {
      dmin = std::min(dmin, r.battery_drain_pct_per_hour);
      dmax = std::max(dmax, r.battery_drain_pct_per_hour);
    }
    m.push_back({"battery_drain_pct_per_hour_min", dmin});
    m.push_back({"battery_drain_pct_per_hour_max", dmax});
    m.push_back({"radio_energy_j", mean([](const R& r) { return r.radio_energy_j; })});
    m.push_back({"cpu_energy_j", mean([](const R& r) { return r.cpu_energy_j; })});
    for (std::size_t b = 0; b < energy::kBucketCount; ++b)
      m.push_back({"energy_" + std::string(energy::bucket_name(static_cast<energy::Bucket>(b))) + "_j",
                   mean([b](const R& r) { return r.bucket_j[b]; })});
    m.push_back({"energy_keepalive_j", mean([](const R& r) { return r.keepalive_j(); })});
    m.push_back({"keepalive_power_mw",
                 mean([](const R& r) { return r.duration_s > 0 ? r.keepalive_j() / r.duration_s * 1e3 : 0.0; })});
    for (std::size_t k = 0; k < reports.front().state_time_s.size(); ++k)
      m.push_back({"time_" + reports.front().state_time_s[k].first + "_s",
                   mean([k](const R& r) { return r.state_time_s[k].second; })});
    m.push_back({"promotions", mean([](const R& r) { return static_cast<double>(r.promotions); })});
    for (std::size_t c = 0; c < energy::kCauseCount; ++c)
      m.push_back({"packets_" + std::string(energy::cause_name(static_cast<Cause>(c))),
                   mean([c](const R& r) { return static_cast<double>(r.packets[c]); })});
    if (call_len > SimTime::zero()) {
      double up = 0, down = 0, sent = 0, recv = 0;
      for (const auto& p : call.participants) {
        up += p.uplink_delivered_bps;
        down += p.downlink_delivered_bps;
        sent += p.streams_sent;
        recv += p.streams_received;
      }
      const double n = static_cast<double>(call.participants.size());
      m.push_back({"call_up_bps", up / n});
      m.push_back({"call_down_bps", down / n});
      m.push_back({"call_streams_sent", sent / n});
      m.push_back({"call_streams_received", recv / n});
      double cores = 0;
      for (const auto& p : call.participants) cores += p.client_cores;
      m.push_back({"call_client_cores", cores / n});
    }
    return out;
  }

 private:
  // How long the call runs inside the run (0: no call).
  SimTime call_length() const {
    if (!s_.call.enabled || s_.call.start >= s_.duration) return SimTime::zero();
    const SimTime left = s_.duration - s_.call.start;
    return s_.call.duration > SimTime::zero() && s_.call.duration < left ? s_.call.duration : left;
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
