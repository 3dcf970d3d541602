// Study kind "group-call": one mesh / SFU / MCU / hybrid call per run; sweep
// call.topology and call.group_size to compare them. Sections: call, access, media,
// servers, connectivity. Every key is documented in docs/scenarios.md.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "app/scenario/video_layers_section.hpp"
#include "app/study/group_call_packet.hpp"
#include "app/study/ice_spec.hpp"
#include "app/study/study.hpp"
#include "models/ice/call_connectivity.hpp"
#include "models/media/group_call.hpp"
#include "sim/random.hpp"
#include "sim/stats.hpp"
#include "sim/units.hpp"

namespace p2psim::study {
namespace {

using media::AccessProfile;
using media::CallSpec;
using media::kUnlimited;
using scenario::Field;

constexpr int kMaxGroupSize = 2000;  // mesh at N has N(N-1) flows per medium

// A rate, or "unlimited".
double get_capacity(const Field& map, std::string_view key, double def) {
  auto f = map.get(key);
  if (!f) return def;
  if (f->is_scalar()) {
    if (f->node().Scalar() == "unlimited") return kUnlimited;
    if (auto r = parse_rate(f->node().Scalar()); r && *r > 0) return *r;
  }
  f->fail_expected("a data rate > 0 with a unit (bps, kbps, Mbps, Gbps) or \"unlimited\"");
}

double get_cores(const Field& map, std::string_view key, double def) {
  auto f = map.get(key);
  if (!f) return def;
  if (f->is_scalar() && f->node().Scalar() == "unlimited") return kUnlimited;
  return f->as_double(0.001, 1e7);
}

struct Params {
  CallSpec spec;
  double relayed_fraction = 0;  // mesh: of peer pairs; SFU/MCU: of participants
  double failed_fraction = 0;
  bool relay_tcp = false;
  // connectivity.nat_mix: participants' NATs; paths then come from simulated ICE sessions.
  std::vector<ice::NatShare> ice_mix;
  bool ice_turn = true;
  bool packet = false;  // call.model: packet (group_call_packet.cpp)
};

void parse_call(const Field& call, Params& p) {
  call.allow_only({"model", "topology", "group_size", "duration", "last_n", "audio_last_n", "speaker_turn_mean",
                   "core_latency"});
  p.packet = call.get_enum<bool>("model", false, {{"flow", false}, {"packet", true}});
  CallSpec& s = p.spec;
  s.topology = call.get_enum<media::TopologyKind>("topology", s.topology,
                                                  {{"mesh", media::TopologyKind::kMesh},
                                                   {"sfu", media::TopologyKind::kSfu},
                                                   {"mcu", media::TopologyKind::kMcu},
                                                   {"hybrid", media::TopologyKind::kHybrid}});
  s.group_size = static_cast<int>(call.get_int("group_size", s.group_size, 2, kMaxGroupSize));
  s.duration = call.get_time("duration", s.duration, SimTime::s(1), SimTime::h(24));
  s.last_n = static_cast<int>(call.get_int("last_n", s.last_n, 0, kMaxGroupSize));
  s.audio_last_n = static_cast<int>(call.get_int("audio_last_n", s.audio_last_n, 0, kMaxGroupSize));
  s.speaker_turn_mean = call.get_time("speaker_turn_mean", s.speaker_turn_mean, SimTime::ms(100), SimTime::h(24));
  s.core_latency = call.get_time("core_latency", s.core_latency, SimTime::zero(), SimTime::s(10));
}

void parse_access(const Field& access, Params& p) {
  access.expect_map();
  p.spec.access.clear();
  for (const auto& [name, f] : access.entries()) {
    f.allow_only({"share", "uplink", "downlink", "latency"});
    AccessProfile a;
    a.name = name;
    for (char c : name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
        f.fail("access profile names use letters, digits, '_' or '-'");
    a.share = f.get_double("share", 1.0, 1e-9, 1e9);
    a.uplink_bps = f.require("uplink").as_rate(1e3, 1e12);
    a.downlink_bps = f.require("downlink").as_rate(1e3, 1e12);
    a.latency = f.get_time("latency", a.latency, SimTime::zero(), SimTime::s(10));
    p.spec.access.push_back(a);
  }
  if (p.spec.access.empty()) access.fail("expected at least one access profile");
}

void parse_media(const Field& media, Params& p) {
  media.allow_only({"audio", "video", "overhead"});
  media::MediaProfile& m = p.spec.media;
  if (auto a = media.get("audio")) {
    a->allow_only({"enabled", "bitrate", "frame"});
    m.audio.enabled = a->get_bool("enabled", m.audio.enabled);
    m.audio.bitrate_bps = a->get_rate("bitrate", m.audio.bitrate_bps, 6e3, 510e3);  // Opus range, RFC 6716 s2.1.1
    m.audio.frame = a->get_time("frame", m.audio.frame, SimTime::us(2500), SimTime::ms(120));
  }
  if (auto v = media.get("video")) {
    v->allow_only({"enabled", "ladder", "layers", "fps", "mtu_payload"});
    m.video.enabled = v->get_bool("enabled", m.video.enabled);
    if (v->has("ladder") && v->has("layers")) v->require("layers").fail("give either ladder or layers, not both");
    if (auto l = v->get("ladder")) {
      const int which = l->as_enum<int>({{"vp8-720p", 0}, {"single-720p", 1}});
      m.video.layers = media::VideoProfile::vp8_720p_ladder();
      if (which == 1) m.video.layers = {m.video.layers.back()};
    }
    if (auto layers = v->get("layers")) {
      m.video.layers = scenario::parse_video_layers(*layers);
    }
    m.video.fps = v->get_double("fps", m.video.fps, 1, 240);
    m.video.mtu_payload_bytes = v->get_size("mtu_payload", m.video.mtu_payload_bytes, 200, 9000);
  }
  if (auto o = media.get("overhead")) {
    o->allow_only({"ip", "srtp_tag", "header_extensions"});
    m.overhead.ip = o->get_enum<media::IpVersion>("ip", m.overhead.ip,
                                                  {{"ipv4", media::IpVersion::kV4}, {"ipv6", media::IpVersion::kV6}});
    m.overhead.srtp_tag_bytes = static_cast<int>(o->get_size("srtp_tag", m.overhead.srtp_tag_bytes, 0, 64));
    m.overhead.header_extension_bytes =
        static_cast<int>(o->get_size("header_extensions", m.overhead.header_extension_bytes, 0, 1024));
  }
  if (!m.audio.enabled && !m.video.enabled) media.fail("audio and video are both disabled: nothing to send");
}

void parse_server(const Field& f, media::ServerSpec& s, const char* delay_key) {
  s.ingress_bps = get_capacity(f, "ingress", s.ingress_bps);
  s.egress_bps = get_capacity(f, "egress", s.egress_bps);
  s.latency = f.get_time("latency", s.latency, SimTime::zero(), SimTime::s(10));
  s.processing_delay = f.get_time(delay_key, s.processing_delay, SimTime::zero(), SimTime::s(10));
}

void parse_servers(const Field& servers, Params& p) {
  servers.allow_only({"sfu", "mcu", "turn"});
  CallSpec& s = p.spec;
  if (auto f = servers.get("sfu")) {
    f->allow_only({"ingress", "egress", "cpu_cores", "latency", "forwarding_delay", "packets_per_core"});
    parse_server(*f, s.sfu, "forwarding_delay");
    s.sfu.cpu_cores = get_cores(*f, "cpu_cores", s.sfu.cpu_cores);
    s.sfu_cpu.packets_per_core_s = f->get_double("packets_per_core", s.sfu_cpu.packets_per_core_s, 1, 1e9);
  }
  if (auto f = servers.get("mcu")) {
    f->allow_only({"ingress", "egress", "cpu_cores", "latency", "mixing_delay", "decode_cores_720p",
                   "encode_cores_720p", "audio_decode_cores", "audio_encode_cores", "mix_height", "mix_bitrate",
                   "per_participant_mix"});
    parse_server(*f, s.mcu, "mixing_delay");
    s.mcu.cpu_cores = get_cores(*f, "cpu_cores", s.mcu.cpu_cores);
    media::McuCpuModel& c = s.mcu_cpu;
    c.decode_cores_720p = f->get_double("decode_cores_720p", c.decode_cores_720p, 0, 64);
    c.encode_cores_720p = f->get_double("encode_cores_720p", c.encode_cores_720p, 0, 64);
    c.audio_decode_cores = f->get_double("audio_decode_cores", c.audio_decode_cores, 0, 64);
    c.audio_encode_cores = f->get_double("audio_encode_cores", c.audio_encode_cores, 0, 64);
    c.mix_height = static_cast<int>(f->get_int("mix_height", c.mix_height, 16, 4320));
    c.mix_bitrate_bps = f->get_rate("mix_bitrate", c.mix_bitrate_bps, 1e3, 1e9);
    c.per_participant_mix = f->get_bool("per_participant_mix", c.per_participant_mix);
  }
  if (auto f = servers.get("turn")) {
    f->allow_only({"ingress", "egress", "latency", "relay_delay"});
    parse_server(*f, s.turn, "relay_delay");
  }
}

void parse_connectivity(const Field& c, Params& p) {
  c.allow_only({"relayed_fraction", "failed_fraction", "relay_transport", "nat_mix", "turn"});
  if (auto mix = c.get("nat_mix")) {
    if (c.has("relayed_fraction") || c.has("failed_fraction"))
      mix->fail("nat_mix (paths from simulated ICE) excludes relayed_fraction / failed_fraction");
    for (const auto& [name, w] : mix->entries()) {
      ice::NatShare share;
      share.name = name;
      share.layers = preset_layers(w, name);
      share.weight = w.as_double(1e-9, 1e9);
      p.ice_mix.push_back(share);
    }
    if (p.ice_mix.empty()) mix->fail_expected("at least one preset: weight entry");
  }
  p.ice_turn = c.get_bool("turn", true);
  p.relayed_fraction = c.get_double("relayed_fraction", 0, 0, 1);
  p.failed_fraction = c.get_double("failed_fraction", 0, 0, 1);
  if (p.relayed_fraction + p.failed_fraction > 1) c.require("failed_fraction").fail("relayed_fraction + failed_fraction must be <= 1");
  p.relay_tcp = c.get_enum<bool>("relay_transport", false, {{"udp", false}, {"tcp", true}});
}

// Fills the connectivity hook from fractions (the ICE model can fill it directly instead).
void draw_connectivity(const Params& p, CallSpec& s, std::uint64_t seed) {
  if (p.relayed_fraction <= 0 && p.failed_fraction <= 0) return;
  const int n = s.group_size;
  Rng rng = Rng::stream(seed, "media/connectivity");
  auto draw = [&] {
    const double u = rng.uniform01();
    return u < p.failed_fraction ? 2 : u < p.failed_fraction + p.relayed_fraction ? 1 : 0;
  };
  if (s.topology == media::TopologyKind::kMesh || (s.topology == media::TopologyKind::kHybrid && n == 2)) {
    // ICE runs per pair: one outcome for both directions.
    s.connectivity.peer.assign(static_cast<std::size_t>(n) * n, media::PeerPath::kDirect);
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j) {
        const auto path = static_cast<media::PeerPath>(draw());
        s.connectivity.peer[static_cast<std::size_t>(i) * n + j] = path;
        s.connectivity.peer[static_cast<std::size_t>(j) * n + i] = path;
      }
  } else {
    s.connectivity.server.assign(n, media::ServerPath::kDirectUdp);
    for (int i = 0; i < n; ++i) {
      const int d = draw();
      s.connectivity.server[i] = d == 2   ? media::ServerPath::kFailed
                                 : d == 1 ? (p.relay_tcp ? media::ServerPath::kTurnTcp : media::ServerPath::kTurnUdp)
                                          : media::ServerPath::kDirectUdp;
    }
  }
}

// Fills the connectivity hook from simulated ICE sessions (models/ice/call_connectivity.hpp).
void ice_connectivity(const Params& p, CallSpec& s, std::uint64_t seed) {
  const int n = s.group_size;
  const bool mesh = s.topology == media::TopologyKind::kMesh || (s.topology == media::TopologyKind::kHybrid && n == 2);
  const ice::CallConnectivity c = ice::ice_call_connectivity(p.ice_mix, n, mesh, p.ice_turn, seed);
  if (mesh) {
    s.connectivity.peer.assign(static_cast<std::size_t>(n) * n, media::PeerPath::kDirect);
    for (std::size_t k = 0; k < c.peer.size(); ++k)
      s.connectivity.peer[k] = c.peer[k] == ice::Outcome::kDirect    ? media::PeerPath::kDirect
                               : c.peer[k] == ice::Outcome::kRelayed ? media::PeerPath::kRelayed
                                                                     : media::PeerPath::kFailed;
  } else {
    s.connectivity.server.assign(n, media::ServerPath::kDirectUdp);
    for (int i = 0; i < n; ++i)
      s.connectivity.server[i] = c.server[i] == ice::ServerLeg::kDirectUdp ? media::ServerPath::kDirectUdp
                                 : c.server[i] == ice::ServerLeg::kTurnUdp ? media::ServerPath::kTurnUdp
                                 : c.server[i] == ice::ServerLeg::kTurnTcp ? media::ServerPath::kTurnTcp
                                                                           : media::ServerPath::kFailed;
  }
}

class GroupCallStudy final : public Study {
 public:
  explicit GroupCallStudy(Params p) : p_(std::move(p)) {}

  RunResult run(std::uint64_t seed) const override {
    CallSpec spec = p_.spec;
    if (!p_.ice_mix.empty())
      ice_connectivity(p_, spec, seed);
    else
      draw_connectivity(p_, spec, seed);
    const media::CallResult r = media::simulate_group_call(spec, seed);
    RunResult out;
    Metrics& m = out.metrics;
    auto put = [&](std::string name, double v) { m.push_back(Metric{std::move(name), v}); };
    put("group_size", spec.group_size);

    Samples upr, upd, dnr, dnd;
    Tally sent, recv;
    double sat_up = 0, sat_down = 0;
    for (const media::ParticipantResult& q : r.participants) {
      upr.add(q.uplink_requested_bps);
      upd.add(q.uplink_delivered_bps);
      dnr.add(q.downlink_requested_bps);
      dnd.add(q.downlink_delivered_bps);
      sent.add(q.streams_sent);
      recv.add(q.streams_received);
      sat_up += q.uplink_saturated;
      sat_down += q.downlink_saturated;
    }
    auto dist = [&](const std::string& base, Samples& s) {
      put(base + "_mean_bps", s.mean());
      put(base + "_p95_bps", s.quantile(0.95));
      put(base + "_max_bps", s.max());
    };
    dist("uplink_requested", upr);
    dist("uplink_delivered", upd);
    dist("downlink_requested", dnr);
    dist("downlink_delivered", dnd);
    put("streams_sent_mean", sent.mean());
    put("streams_received_mean", recv.mean());
    const auto& sfu = r.servers[media::kSfuServer];
    const auto& mcu = r.servers[media::kMcuServer];
    const auto& turn = r.servers[media::kTurnServer];
    put("server_ingress_bps", sfu.ingress_bps + mcu.ingress_bps);
    put("server_egress_bps", sfu.egress_bps + mcu.egress_bps);
    put("server_cpu_cores", sfu.cpu_cores + mcu.cpu_cores);
    put("server_cpu_cores_max", sfu.cpu_cores_max + mcu.cpu_cores_max);
    put("server_saturated_time_fraction", std::max(sfu.saturated_time_fraction, mcu.saturated_time_fraction));
    put("turn_ingress_bps", turn.ingress_bps);
    put("turn_egress_bps", turn.egress_bps);
    put("wire_bytes", r.wire_bytes);
    put("latency_mean_s", r.latency_mean_s);
    put("latency_p95_s", r.latency_p95_s);
    put("full_rate_fraction", r.full_rate_fraction);
    put("failed_fraction", r.failed_fraction);
    put("saturated_uplink_fraction", sat_up / spec.group_size);
    put("saturated_downlink_fraction", sat_down / spec.group_size);
    put("all_full", r.all_full ? 1 : 0);
    // Per access profile: does a call where everyone has that profile fit (every
    // participant receives everything at full rate for the whole call)?
    for (std::size_t k = 0; k < spec.access.size(); ++k) {
      bool fits = r.all_full;
      if (spec.access.size() > 1) {
        CallSpec h = spec;
        h.access_assignment.assign(spec.group_size, static_cast<int>(k));
        fits = media::simulate_group_call(h, seed).all_full;
      }
      put("fits_" + spec.access[k].name, fits ? 1 : 0);
    }
    return out;
  }

 private:
  Params p_;
};

// The model keeps every end-to-end stream in memory (~200 B each with its flows); refuse
// calls beyond kMaxStreams rather than exhaust memory.
constexpr double kMaxStreams = 2'000'000;

void check_size(const Field& root, const CallSpec& s) {
  const double n = s.group_size;
  const double kinds = (s.media.audio.enabled ? 1 : 0) + (s.media.video.enabled ? 1 : 0);
  double streams = n * (n - 1) * kinds;
  const bool sfu = s.topology == media::TopologyKind::kSfu || (s.topology == media::TopologyKind::kHybrid && n > 2);
  if (sfu) {
    auto senders = [&](int limit) { return limit > 0 ? std::min<double>(limit, n - 1) : n - 1; };
    streams = n * ((s.media.audio.enabled ? senders(s.audio_last_n) : 0) + (s.media.video.enabled ? senders(s.last_n) : 0));
  }
  if (streams <= kMaxStreams) return;
  const Field where = root.has("call") && root.require("call").has("group_size")
                          ? root.require("call").require("group_size")
                          : root;
  char msg[256];
  std::snprintf(msg, sizeof msg,
                "a %s call of %d participants has %.0f end-to-end streams; at most %.0f are supported "
                "(use fewer participants, last_n / audio_last_n, or disable a medium)",
                media::to_string(s.topology), s.group_size, streams, kMaxStreams);
  where.fail(msg);
}

std::unique_ptr<Study> parse_group_call(const Field& root) {
  Params p;
  if (auto f = root.get("call")) parse_call(*f, p);
  if (auto f = root.get("access")) parse_access(*f, p);
  if (auto f = root.get("media")) parse_media(*f, p);
  if (auto f = root.get("servers")) parse_servers(*f, p);
  if (auto f = root.get("connectivity")) parse_connectivity(*f, p);
  check_size(root, p.spec);
  if (p.packet) return parse_group_call_packet(root, p.spec);
  if (auto f = root.get("packet")) f->fail("the packet section needs call.model: packet");
  return std::make_unique<GroupCallStudy>(std::move(p));
}

// --- summary

std::string mbps(double bps) {
  if (std::isnan(bps)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", bps / 1e6);
  return buf;
}

double stat(const PointSummary& p, const std::string& name) {
  const PointSummary::Stat* s = p.find(name);
  return s ? s->mean : std::nan("");
}

void print_table(std::ostream& os, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> w;
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) {
      if (w.size() <= c) w.push_back(0);
      w[c] = std::max(w[c], r[c].size());
    }
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      const std::string pad(w[c] - r[c].size(), ' ');
      line += c == 0 ? r[c] + pad : "  " + pad + r[c];  // first column left, others right-aligned
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    os << line << '\n';
  }
}

void summarize(const RunSetSummary& s, std::ostream& os) {
  if (is_packet_summary(s)) return summarize_group_call_packet(s, os);
  // Group the points by every swept parameter except the group size.
  std::vector<std::string> group_keys;
  std::map<std::string, std::vector<const PointSummary*>> groups;
  for (const PointSummary& p : s.points) {
    std::string key;
    for (const auto& [path, value] : p.params)
      if (path != "call.group_size") key += (key.empty() ? "" : ", ") + path + "=" + value;
    if (!groups.count(key)) group_keys.push_back(key);
    groups[key].push_back(&p);
  }
  // Profile names, in the order the runs report them.
  std::vector<std::string> profiles;
  if (!s.points.empty())
    for (const auto& st : s.points.front().stats)
      if (st.name.rfind("fits_", 0) == 0) profiles.push_back(st.name.substr(5));

  os << "group-call: " << s.scenario_name << " (rates in Mbit/s on the wire, mean over participants and replications)\n";
  std::vector<std::vector<std::string>> fits_rows;
  {
    std::vector<std::string> head{"largest N that fits", "mixed"};
    for (const auto& p : profiles) head.push_back(p);
    fits_rows.push_back(head);
  }
  for (const std::string& key : group_keys) {
    auto pts = groups[key];
    std::stable_sort(pts.begin(), pts.end(), [](const PointSummary* a, const PointSummary* b) {
      return stat(*a, "group_size") < stat(*b, "group_size");
    });
    os << '\n' << (key.empty() ? std::string("(all runs)") : key) << '\n';
    std::vector<std::vector<std::string>> rows{{"N", "up req", "up got", "down req", "down got", "p95 down got",
                                                "full %", "server out", "server cores", "latency ms"}};
    for (const PointSummary* p : pts) {
      auto fmt = [](const char* f, double v) {
        if (std::isnan(v)) return std::string("-");
        char buf[32];
        std::snprintf(buf, sizeof buf, f, v);
        return std::string(buf);
      };
      const std::string full = fmt("%.1f", 100 * stat(*p, "full_rate_fraction"));
      const std::string cores = fmt("%.2f", stat(*p, "server_cpu_cores"));
      const std::string lat = fmt("%.0f", 1e3 * stat(*p, "latency_mean_s"));
      rows.push_back({std::to_string(static_cast<long>(stat(*p, "group_size"))), mbps(stat(*p, "uplink_requested_mean_bps")),
                      mbps(stat(*p, "uplink_delivered_mean_bps")), mbps(stat(*p, "downlink_requested_mean_bps")),
                      mbps(stat(*p, "downlink_delivered_mean_bps")), mbps(stat(*p, "downlink_delivered_p95_bps")),
                      full, mbps(stat(*p, "server_egress_bps")), cores, lat});
    }
    print_table(os, rows);

    // Largest N at which every replication fits; "+" when the largest N tested fits.
    auto largest = [&](const std::string& metric) {
      long best = -1, top = 0;
      for (const PointSummary* p : pts) {
        const long n = static_cast<long>(stat(*p, "group_size"));
        top = std::max(top, n);
        if (stat(*p, metric) >= 1 - 1e-9) best = std::max(best, n);
      }
      if (best < 0) return std::string("none");
      return std::to_string(best) + (best == top ? "+" : "");
    };
    std::vector<std::string> row{key.empty() ? std::string("(all runs)") : key, largest("all_full")};
    for (const auto& p : profiles) row.push_back(largest("fits_" + p));
    fits_rows.push_back(row);
  }
  os << "\nLargest N where every participant receives every stream at full rate for the whole call\n"
        "(mixed: the scenario's access mix; per profile: everyone on that profile; '+': largest N tested)\n";
  print_table(os, fits_rows);
}

}  // namespace

StudyKind make_group_call_kind() {
  StudyKind k;
  k.name = "group-call";
  k.description = "mesh / SFU / MCU / hybrid group calls: per-participant rates, server load, largest N that fits";
  k.sections = {"call", "access", "media", "servers", "connectivity", "packet"};
  k.parse = parse_group_call;
  k.summarize = summarize;
  k.headline = {"uplink_delivered_mean_bps", "downlink_delivered_mean_bps", "server_egress_bps", "full_rate_fraction",
                "all_full"};
  return k;
}

}  // namespace p2psim::study
