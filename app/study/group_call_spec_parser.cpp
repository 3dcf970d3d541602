#include "app/study/group_call_spec_parser.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <string>

#include "app/scenario/video_layers_section.hpp"
#include "app/study/ice_spec.hpp"
#include "app/study/turn_cost_model_parser.hpp"
#include "sim/units.hpp"

namespace p2psim::study {
namespace {

using media::AccessProfile;
using media::CallSpec;
using media::kUnlimited;
using scenario::Field;

constexpr int kMaxGroupSize = 2000;  // mesh at N has N(N-1) flows per medium

template <class M>
std::string names(const M& m) {
  std::string s;
  for (const auto& [k, v] : m) s += (s.empty() ? "" : ", ") + k;
  return s;
}

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

void parse_call(const Field& call, GroupCallParams& p) {
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

void parse_access(const Field& access, GroupCallParams& p, const std::map<std::string, media::LayoutSpec>& layouts,
                  const std::map<std::string, media::DeviceClass>& devices) {
  access.expect_map();
  p.spec.access.clear();
  for (const auto& [name, f] : access.entries()) {
    f.allow_only({"share", "uplink", "downlink", "latency", "layout", "device"});
    AccessProfile a;
    a.name = name;
    for (char c : name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
        f.fail("access profile names use letters, digits, '_' or '-'");
    a.share = f.get_double("share", 1.0, 1e-9, 1e9);
    a.uplink_bps = f.require("uplink").as_rate(1e3, 1e12);
    a.downlink_bps = f.require("downlink").as_rate(1e3, 1e12);
    a.latency = f.get_time("latency", a.latency, SimTime::zero(), SimTime::s(10));
    if (auto l = f.get("layout")) {
      auto it = l->is_scalar() ? layouts.find(l->node().Scalar()) : layouts.end();
      if (it == layouts.end()) l->fail_expected("a layout name (" + names(layouts) + ")");
      a.layout = it->second;
    }
    if (auto d = f.get("device")) {
      auto it = d->is_scalar() ? devices.find(d->node().Scalar()) : devices.end();
      if (it == devices.end()) d->fail_expected("a device class name (" + names(devices) + ")");
      a.device = it->second;
    }
    p.spec.access.push_back(a);
  }
  if (p.spec.access.empty()) access.fail("expected at least one access profile");
}

void parse_media(const Field& media, GroupCallParams& p) {
  media.allow_only({"audio", "video", "overhead", "codec"});
  media::MediaProfile& m = p.spec.media;
  if (auto a = media.get("audio")) {
    a->allow_only({"enabled", "bitrate", "frame", "dtx", "dtx_interval", "dtx_payload"});
    m.audio.enabled = a->get_bool("enabled", m.audio.enabled);
    m.audio.bitrate_bps = a->get_rate("bitrate", m.audio.bitrate_bps, 6e3, 510e3);  // Opus range, RFC 6716 s2.1.1
    m.audio.frame = a->get_time("frame", m.audio.frame, SimTime::us(2500), SimTime::ms(120));
    m.audio.dtx = a->get_bool("dtx", m.audio.dtx);
    m.audio.dtx_interval = a->get_time("dtx_interval", m.audio.dtx_interval, SimTime::ms(20), SimTime::s(10));
    m.audio.dtx_payload_bytes = static_cast<int>(a->get_size("dtx_payload", m.audio.dtx_payload_bytes, 0, 1275));
  }
  if (auto v = media.get("video")) {
    v->allow_only({"enabled", "ladder", "layers", "fps", "mtu_payload", "scalability", "svc_overhead", "temporal_layers"});
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
    m.video.scalability = v->get_enum<media::Scalability>(
        "scalability", m.video.scalability, {{"simulcast", media::Scalability::kSimulcast}, {"svc", media::Scalability::kSvc}});
    m.video.svc_overhead = v->get_double("svc_overhead", m.video.svc_overhead, 0, 2);
    m.video.temporal_layers = static_cast<int>(v->get_int("temporal_layers", m.video.temporal_layers, 1, 3));
  }
  if (auto o = media.get("overhead")) {
    o->allow_only({"ip", "srtp_tag", "header_extensions"});
    m.overhead.ip = o->get_enum<media::IpVersion>("ip", m.overhead.ip,
                                                  {{"ipv4", media::IpVersion::kV4}, {"ipv6", media::IpVersion::kV6}});
    m.overhead.srtp_tag_bytes = static_cast<int>(o->get_size("srtp_tag", m.overhead.srtp_tag_bytes, 0, 64));
    m.overhead.header_extension_bytes =
        static_cast<int>(o->get_size("header_extensions", m.overhead.header_extension_bytes, 0, 1024));
  }
  if (auto c = media.get("codec")) {
    c->allow_only({"encode_720p30", "decode_720p30", "audio_encode", "audio_decode"});
    media::CodecCostModel& k = p.spec.codec;
    k.encode_720p30 = c->get_double("encode_720p30", k.encode_720p30, 0, 64);
    k.decode_720p30 = c->get_double("decode_720p30", k.decode_720p30, 0, 64);
    k.audio_encode = c->get_double("audio_encode", k.audio_encode, 0, 64);
    k.audio_decode = c->get_double("audio_decode", k.audio_decode, 0, 64);
  }
  if (!m.audio.enabled && !m.video.enabled) media.fail("audio and video are both disabled: nothing to send");
}

void parse_server(const Field& f, media::ServerSpec& s, const char* delay_key) {
  s.ingress_bps = get_capacity(f, "ingress", s.ingress_bps);
  s.egress_bps = get_capacity(f, "egress", s.egress_bps);
  s.latency = f.get_time("latency", s.latency, SimTime::zero(), SimTime::s(10));
  s.processing_delay = f.get_time(delay_key, s.processing_delay, SimTime::zero(), SimTime::s(10));
}

void parse_servers(const Field& servers, GroupCallParams& p) {
  servers.allow_only({"sfu", "mcu", "turn"});
  CallSpec& s = p.spec;
  if (auto f = servers.get("sfu")) {
    f->allow_only({"ingress", "egress", "cpu_cores", "latency", "forwarding_delay", "packet_cost_us", "srtp_byte_cost_ns",
                   "cascade"});
    s.sfu_cascade = f->get_bool("cascade", s.sfu_cascade);
    parse_server(*f, s.sfu, "forwarding_delay");
    s.sfu.cpu_cores = get_cores(*f, "cpu_cores", s.sfu.cpu_cores);
    s.sfu_cpu.packet_cost_s = 1e-6 * f->get_double("packet_cost_us", 1e6 * s.sfu_cpu.packet_cost_s, 0, 1e6);
    s.sfu_cpu.srtp_byte_cost_s = 1e-9 * f->get_double("srtp_byte_cost_ns", 1e9 * s.sfu_cpu.srtp_byte_cost_s, 0, 1e6);
  }
  if (auto f = servers.get("mcu")) {
    f->allow_only({"ingress", "egress", "cpu_cores", "latency", "mixing_delay", "mix_height", "mix_bitrate",
                   "per_participant_mix"});
    parse_server(*f, s.mcu, "mixing_delay");
    s.mcu.cpu_cores = get_cores(*f, "cpu_cores", s.mcu.cpu_cores);
    media::McuCpuModel& c = s.mcu_cpu;
    c.mix_height = static_cast<int>(f->get_int("mix_height", c.mix_height, 16, 4320));
    c.mix_bitrate_bps = f->get_rate("mix_bitrate", c.mix_bitrate_bps, 1e3, 1e9);
    c.per_participant_mix = f->get_bool("per_participant_mix", c.per_participant_mix);
  }
  if (auto f = servers.get("turn")) {
    f->allow_only({"ingress", "egress", "latency", "relay_delay", "cpu_cores", "cost_model"});
    parse_server(*f, s.turn, "relay_delay");
    s.turn.cpu_cores = get_cores(*f, "cpu_cores", s.turn.cpu_cores);
    // The capacity study's TURN cost model and parser (relays.cost_model).
    if (auto cm = f->get("cost_model")) s.turn_cpu = parse_turn_cost_model(*cm);
  }
}

void parse_connectivity(const Field& c, GroupCallParams& p) {
  c.allow_only({"relayed_fraction", "failed_fraction", "relay_transport", "nat_mix", "turn", "sfu_ice_tcp"});
  if (auto mix = c.get("nat_mix")) {
    if (c.has("relayed_fraction") || c.has("failed_fraction"))
      mix->fail("nat_mix (paths from simulated ICE) excludes relayed_fraction / failed_fraction");
    p.ice_mix = parse_ice_nat_mix(*mix);
  }
  p.ice_turn = c.get_bool("turn", true);
  p.sfu_ice_tcp = c.get_bool("sfu_ice_tcp", true);
  p.relayed_fraction = c.get_double("relayed_fraction", 0, 0, 1);
  p.failed_fraction = c.get_double("failed_fraction", 0, 0, 1);
  if (p.relayed_fraction + p.failed_fraction > 1) c.require("failed_fraction").fail("relayed_fraction + failed_fraction must be <= 1");
  p.relay_tcp = c.get_enum<bool>("relay_transport", false, {{"udp", false}, {"tcp", true}});
}



// regions: {name: {share, latency: {other: duration, ...}}}; each pair's one-way latency
// given once (on either side), symmetric.
void parse_regions(const Field& f, CallSpec& s) {
  f.expect_map();
  const auto entries = f.entries();
  for (const auto& [name, e] : entries) {
    e.allow_only({"share", "latency"});
    s.regions.push_back(media::Region{name, e.get_double("share", 1.0, 1e-9, 1e9)});
  }
  const std::size_t R = s.regions.size();
  if (R == 0) f.fail("expected at least one region");
  std::vector<int> given(R * R, 0);
  s.region_latency.assign(R * R, SimTime::zero());
  auto index = [&](const std::string& n) {
    for (std::size_t k = 0; k < R; ++k)
      if (s.regions[k].name == n) return static_cast<int>(k);
    return -1;
  };
  for (std::size_t a = 0; a < R; ++a) {
    auto lat = entries[a].second.get("latency");
    if (!lat) continue;
    for (const auto& [other, v] : lat->entries()) {
      const int b = index(other);
      if (b < 0 || b == static_cast<int>(a)) v.fail("expected another region's name");
      if (given[a * R + b]) v.fail("latency between these regions is given twice");
      const SimTime t = v.as_time(SimTime::zero(), SimTime::s(10));
      s.region_latency[a * R + b] = s.region_latency[b * R + a] = t;
      given[a * R + b] = given[b * R + a] = 1;
    }
  }
  for (std::size_t a = 0; a < R; ++a)
    for (std::size_t b = a + 1; b < R; ++b)
      if (!given[a * R + b])
        f.fail("no latency between regions " + s.regions[a].name + " and " + s.regions[b].name +
               " (give regions." + s.regions[a].name + ".latency." + s.regions[b].name + ")");
}

// Built-in layouts (the defaults of each view) and any the scenario defines or overrides.
std::map<std::string, media::LayoutSpec> parse_layouts(const Field* f) {
  using media::LayoutKind;
  const std::initializer_list<std::pair<std::string_view, LayoutKind>> views = {
      {"all-hd", LayoutKind::kAllHd}, {"speaker", LayoutKind::kSpeaker},
      {"gallery", LayoutKind::kGallery}, {"audio-only", LayoutKind::kAudioOnly}};
  std::map<std::string, media::LayoutSpec> out;
  for (const auto& [name, kind] : views) {
    media::LayoutSpec l;
    l.kind = kind;
    out[std::string(name)] = l;
  }
  if (!f) return out;
  f->expect_map();
  for (const auto& [name, e] : f->entries()) {
    e.allow_only({"view", "stage_height", "thumbnail_height", "screen_height", "max_tiles", "pixel_density", "thumbnail_fps"});
    auto builtin = out.find(name);
    media::LayoutSpec l = builtin != out.end() ? builtin->second : media::LayoutSpec{};
    if (builtin == out.end() && !e.has("view")) e.fail("a new layout needs its view (all-hd, speaker, gallery, audio-only)");
    l.kind = e.get_enum<LayoutKind>("view", l.kind, views);
    l.stage_height = static_cast<int>(e.get_int("stage_height", l.stage_height, 16, 4320));
    l.thumbnail_height = static_cast<int>(e.get_int("thumbnail_height", l.thumbnail_height, 16, 4320));
    l.screen_height = static_cast<int>(e.get_int("screen_height", l.screen_height, 16, 4320));
    l.max_tiles = static_cast<int>(e.get_int("max_tiles", l.max_tiles, 2, 1000));
    l.pixel_density = e.get_double("pixel_density", l.pixel_density, 0.25, 8);
    l.thumbnail_fps = e.get_double("thumbnail_fps", l.thumbnail_fps, 0, 240);
    out[name] = l;
  }
  return out;
}

// Built-in device classes and any the scenario defines or overrides.
std::map<std::string, media::DeviceClass> parse_devices(const Field* f) {
  std::map<std::string, media::DeviceClass> out;
  for (const media::DeviceClass& d : {media::DeviceClass{}, media::DeviceClass::laptop(), media::DeviceClass::desktop(),
                                      media::DeviceClass::phone()})
    out[d.name] = d;
  if (!f) return out;
  f->expect_map();
  for (const auto& [name, e] : f->entries()) {
    e.allow_only({"cores", "speed"});
    auto builtin = out.find(name);
    media::DeviceClass d = builtin != out.end() ? builtin->second : media::DeviceClass{};
    if (builtin == out.end() && !e.has("cores")) e.fail("a new device class needs its cores");
    d.name = name;
    d.cores = get_cores(e, "cores", d.cores);
    d.speed = e.get_double("speed", d.speed, 0.01, 100);
    out[name] = d;
  }
  return out;
}

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

}  // namespace

GroupCallParams parse_group_call_params(const Field& root) {
  GroupCallParams p;
  const auto layouts_field = root.get("layouts");
  const auto devices_field = root.get("devices");
  const auto layouts = parse_layouts(layouts_field ? &*layouts_field : nullptr);
  const auto devices = parse_devices(devices_field ? &*devices_field : nullptr);
  if (auto f = root.get("call")) parse_call(*f, p);
  if (auto f = root.get("access")) parse_access(*f, p, layouts, devices);
  if (auto f = root.get("media")) parse_media(*f, p);
  if (auto f = root.get("servers")) parse_servers(*f, p);
  if (auto f = root.get("regions")) parse_regions(*f, p.spec);
  if (p.spec.sfu_cascade && p.spec.regions.size() < 2)
    root.require("servers").require("sfu").require("cascade").fail("cascading needs at least two regions");
  if (auto f = root.get("connectivity")) parse_connectivity(*f, p);
  check_size(root, p.spec);
  return p;
}


}  // namespace p2psim::study
