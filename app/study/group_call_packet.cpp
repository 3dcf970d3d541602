// call.model: packet -- see group_call_packet.hpp. Keys are documented in
// docs/scenarios.md ("packet" section) and the model in docs/models/media-packet.md.
#include "app/study/group_call_packet.hpp"

#include "app/study/group_call_connectivity.hpp"
#include "app/study/group_call_summary_parts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "models/media/packet/packet_call.hpp"
#include "models/net/capacity_trace.hpp"
#include "sim/stats.hpp"
#include "sim/units.hpp"

namespace p2psim::study {
namespace {

using media::packet::PacketAccessSpec;
using media::packet::PacketCallSpec;
using scenario::Field;

std::vector<net::CapacityStep> parse_trace(const Field& f) {
  f.expect_sequence();
  std::vector<net::CapacityStep> out;
  for (const Field& item : f.items()) {
    item.expect_sequence();
    const auto pair = item.items();
    if (pair.size() != 2) item.fail_expected("[time, rate], e.g. [10s, 2Mbps]");
    const SimTime t = pair[0].as_time(SimTime::zero(), SimTime::h(24));
    const double r = pair[1].as_rate(0, 1e12);
    if (out.empty() && t != SimTime::zero()) pair[0].fail("the first trace sample must be at 0s");
    if (!out.empty() && t <= out.back().t) pair[0].fail("trace times must increase");
    out.push_back({t, r});
  }
  if (out.empty()) f.fail_expected("at least one [time, rate] sample");
  if (out.back().bps <= 0) f.fail("the last trace rate must be > 0");
  return out;
}

// A trace file ("time_s, rate_bps" lines, models/net/capacity_trace.hpp), relative to the
// scenario file's folder.
std::vector<net::CapacityStep> parse_trace_file(const Field& f) {
  namespace fs = std::filesystem;
  const std::string name = f.as_string();
  fs::path path(name);
  if (path.is_relative()) path = fs::path(f.pos().file).parent_path() / path;
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec || size > (std::uintmax_t{16} << 20)) f.fail("cannot read trace file " + path.string() + " (missing or over 16 MiB)");
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) f.fail("cannot read trace file " + path.string());
  std::string err;
  auto t = net::parse_capacity_trace(text, err);
  if (!t) f.fail(path.string() + ": " + err);
  return *t;
}

net::LossSpec parse_loss(const Field& f, std::string_view rate_key, std::string_view burst_key) {
  const double rate = f.get_double(rate_key, 0, 0, 0.5);
  const double burst = f.get_double(burst_key, 1, 1, 1000);
  if (rate <= 0) return {};
  if (burst <= 1 && !f.has(burst_key)) return net::LossSpec::bernoulli(rate);
  return net::LossSpec::from_rate_and_burst(rate, burst);
}

void parse_links(const Field& links, const media::CallSpec& call, PacketCallSpec& p) {
  links.expect_map();
  for (const auto& [link_name, f] : links.entries()) {
    const std::string& name = link_name;  // clang 14 cannot capture a structured binding
    auto it = std::find_if(call.access.begin(), call.access.end(), [&](const auto& a) { return a.name == name; });
    if (it == call.access.end()) f.fail("no access profile of that name (see the access section)");
    f.allow_only({"queue", "queue_bytes", "uplink_loss", "uplink_burst", "downlink_loss", "downlink_burst", "jitter",
                  "uplink_trace", "downlink_trace", "uplink_trace_file", "downlink_trace_file"});
    PacketAccessSpec& a = p.access[static_cast<std::size_t>(it - call.access.begin())];
    a.queue_time = f.get_time("queue", a.queue_time, SimTime::ms(1), SimTime::s(60));
    a.queue_bytes = f.get_size("queue_bytes", 0, 0, std::int64_t{1} << 40);
    if (f.has("queue_bytes") && !f.has("queue")) a.queue_time = SimTime::zero();
    a.uplink_loss = parse_loss(f, "uplink_loss", "uplink_burst");
    a.downlink_loss = parse_loss(f, "downlink_loss", "downlink_burst");
    a.jitter = f.get_time("jitter", a.jitter, SimTime::zero(), SimTime::s(1));
    if (auto t = f.get("uplink_trace")) a.uplink_schedule = parse_trace(*t);
    if (auto t = f.get("downlink_trace")) a.downlink_schedule = parse_trace(*t);
    if (f.has("uplink_trace") && f.has("uplink_trace_file")) f.require("uplink_trace_file").fail("give uplink_trace or uplink_trace_file, not both");
    if (f.has("downlink_trace") && f.has("downlink_trace_file")) f.require("downlink_trace_file").fail("give downlink_trace or downlink_trace_file, not both");
    if (auto t = f.get("uplink_trace_file")) a.uplink_schedule = parse_trace_file(*t);
    if (auto t = f.get("downlink_trace_file")) a.downlink_schedule = parse_trace_file(*t);
  }
}

class PacketStudy final : public Study {
 public:
  PacketStudy(PacketCallSpec s, GroupCallParams params) : s_(std::move(s)), params_(std::move(params)) {}
  RunResult run(std::uint64_t seed) const override {
    // Relayed and failed paths as the flow mode draws them (connectivity section, or ICE).
    PacketCallSpec spec = s_;
    fill_call_connectivity(params_, spec.call, seed);
    const media::packet::PacketCallResult r = media::packet::simulate_packet_call(spec, seed);
    RunResult out;
    auto put = [&](std::string name, double v) { out.metrics.push_back(Metric{std::move(name), v}); };
    put("group_size", s_.call.group_size);
    Tally up, down, target, video, fps, height, cores;
    double cores_max = 0, over = 0;
    for (const auto& q : r.participants) {
      up.add(q.uplink_delivered_bps);
      down.add(q.downlink_delivered_bps);
      target.add(q.upload_target_bps);
      video.add(q.video_received_bps);
      fps.add(q.fps);
      height.add(q.height);
      cores.add(q.client_cores);
      cores_max = std::max(cores_max, q.client_cores);
      if (q.client_cores > q.device_capacity) over += 1;
    }
    put("uplink_delivered_mean_bps", up.mean());
    put("downlink_delivered_mean_bps", down.mean());
    put("upload_target_mean_bps", target.mean());
    put("video_received_mean_bps", video.mean());
    put("received_fps_mean", fps.mean());
    put("received_height_mean", height.mean());
    put("freezes_per_min", r.freezes_per_min);
    put("freeze_fraction", r.freeze_fraction);
    put("video_delay_mean_s", r.video_delay_mean_s);
    put("video_delay_p95_s", r.video_delay_p95_s);
    put("audio_delay_mean_s", r.audio_delay_mean_s);
    put("audio_delay_p95_s", r.audio_delay_p95_s);
    put("network_delay_mean_s", r.network_delay_mean_s);
    put("network_delay_p95_s", r.network_delay_p95_s);
    put("queue_delay_mean_s", r.queue_delay_mean_s);
    put("queue_delay_p95_s", r.queue_delay_p95_s);
    put("queue_delay_max_s", r.queue_delay_max_s);
    put("loss_before_recovery", r.loss_before_recovery);
    put("loss_after_recovery", r.loss_after_recovery);
    put("video_frames_lost", r.video_frames_lost);
    put("audio_loss", r.audio_loss);
    put("rtx_overhead", r.rtx_overhead);
    put("audio_mos_mean", r.audio_mos_mean);
    put("audio_mos_min", r.audio_mos_min);
    put("estimate_over_capacity", r.estimate_over_capacity);
    put("time_to_steady_s", r.time_to_steady_s);
    put("client_cores_mean", cores.mean());
    put("client_cores_max", cores_max);
    put("clients_over_cpu", r.participants.empty() ? 0 : over / static_cast<double>(r.participants.size()));
    put("server_packets_per_s", r.server_packets_per_s);
    put("server_bytes_per_s", r.server_bytes_per_s);
    put("server_cores", r.server_cores);
    put("turn_packets_per_s", r.turn_packets_per_s);
    put("turn_relayed_bps", 8 * r.turn_bytes_per_s);
    put("turn_cpu_cores", r.turn_cores);
    put("events", static_cast<double>(r.events));
    // Paths: mesh pairs (of N(N-1)/2) or participants (SFU/MCU) relayed through TURN or failed.
    {
      const auto& c = spec.call.connectivity;
      double relayed = 0, failed = 0, paths = 0;
      for (media::PeerPath x : c.peer) {
        relayed += x == media::PeerPath::kRelayed;
        failed += x == media::PeerPath::kFailed;
      }
      if (!c.peer.empty()) paths = static_cast<double>(s_.call.group_size) * (s_.call.group_size - 1);
      for (media::ServerPath x : c.server) {
        relayed += x == media::ServerPath::kTurnUdp || x == media::ServerPath::kTurnTcp;
        failed += x == media::ServerPath::kFailed;
        paths += 1;
      }
      put("relayed_fraction", paths > 0 ? relayed / paths : 0);
      put("failed_fraction", paths > 0 ? failed / paths : 0);
    }
    // packet.per_stream: one group of metrics per (receiver, sender) stream.
    for (const auto& x : r.streams) {
      const std::string p = "stream/" + std::to_string(x.receiver) + "/" + std::to_string(x.sender) + "/";
      put(p + "video_received_bps", x.video_received_bps);
      put(p + "freezes", x.freezes);
      put(p + "freeze_s", x.freeze_s);
      put(p + "received_fps", x.fps);
      put(p + "received_height", x.height);
      put(p + "video_delay_p95_s", x.video_delay_p95_s);
      put(p + "network_delay_p95_s", x.network_delay_p95_s);
    }
    for (const auto& s : r.series) out.series.push_back(Series{s.name, s.unit, s.t, s.v});
    return out;
  }

 private:
  PacketCallSpec s_;
  GroupCallParams params_;
};

}  // namespace

std::unique_ptr<Study> parse_group_call_packet(const Field& root, const GroupCallParams& params) {
  const media::CallSpec& call = params.spec;
  PacketCallSpec p;
  p.call = call;
  p.access.assign(call.access.size(), PacketAccessSpec{});
  if (call.topology == media::TopologyKind::kHybrid) {
    const Field where = root.require("call").has("topology") ? root.require("call").require("topology") : root;
    where.fail("call.model: packet simulates mesh, sfu and mcu (not hybrid)");
  }
  if (call.group_size > 200) root.require("call").require("group_size").fail("call.model: packet supports at most 200 participants");
  if (auto f = root.get("packet")) {
    if (f->has("dtx")) f->require("dtx").fail("DTX is media.audio.dtx (with dtx_interval, dtx_payload), shared with the flow model");
    f->allow_only({"feedback_interval", "nack", "nack_max_rtt", "fec_overhead", "hysteresis", "encoder",
                   "controller", "audio_codec", "links", "presence", "series_step", "per_stream"});
    p.feedback_interval = f->get_time("feedback_interval", p.feedback_interval, SimTime::ms(10), SimTime::s(1));
    p.nack = f->get_bool("nack", p.nack);
    p.nack_max_rtt = f->get_time("nack_max_rtt", p.nack_max_rtt, SimTime::zero(), SimTime::s(10));
    p.fec_overhead = f->get_double("fec_overhead", p.fec_overhead, 0, 1);
    p.hysteresis = f->get_double("hysteresis", p.hysteresis, 0, 0.5);
    p.per_stream = f->get_bool("per_stream", p.per_stream);
    p.series_step = f->get_time("series_step", p.series_step, SimTime::ms(100), SimTime::min(10));
    if (auto e = f->get("encoder")) {
      e->allow_only({"reaction", "key_ratio", "key_interval", "noise"});
      p.encoder.reaction = e->get_time("reaction", p.encoder.reaction, SimTime::zero(), SimTime::s(10));
      p.encoder.key_ratio = e->get_double("key_ratio", p.encoder.key_ratio, 1, 50);
      p.encoder.key_interval = e->get_time("key_interval", p.encoder.key_interval, SimTime::zero(), SimTime::h(1));
      p.encoder.noise = e->get_double("noise", p.encoder.noise, 0, 1);
    }
    if (auto c = f->get("controller")) {
      c->allow_only({"start", "min", "probing"});
      p.controller.start_bps = c->get_rate("start", p.controller.start_bps, 10e3, 100e6);
      p.controller.min_bps = c->get_rate("min", p.controller.min_bps, 1e3, 10e6);
      p.controller.probing = c->get_bool("probing", p.controller.probing);
    }
    if (auto a = f->get("audio_codec")) {
      a->allow_only({"ie", "bpl"});
      p.audio_codec.ie = a->get_double("ie", p.audio_codec.ie, 0, 95);
      p.audio_codec.bpl = a->get_double("bpl", p.audio_codec.bpl, 1, 100);
    }
    if (auto l = f->get("links")) parse_links(*l, call, p);
    if (auto pr = f->get("presence")) {
      pr->expect_sequence();
      for (const Field& it : pr->items()) {
        it.allow_only({"participant", "join", "leave"});
        media::packet::Presence x;
        x.participant = static_cast<int>(it.require("participant").as_int(0, call.group_size - 1));
        x.join = it.get_time("join", x.join, SimTime::zero(), call.duration);
        x.leave = it.get_time("leave", call.duration, SimTime::zero(), SimTime::h(24));
        if (x.leave <= x.join) it.require("leave").fail("leave must be after join");
        p.presence.push_back(x);
      }
    }
  }
  return std::make_unique<PacketStudy>(std::move(p), params);
}

bool is_packet_summary(const RunSetSummary& s) {
  return !s.points.empty() && s.points.front().find("freezes_per_min") != nullptr;
}

void summarize_group_call_packet(const RunSetSummary& s, std::ostream& os) {
  const PointGroups groups = group_by_sweep_except_size(s);
  os << "group-call (packet mode): " << s.scenario_name
     << " (mean over participants and replications; video in Mbit/s of payload received per participant)\n";
  for (const std::string& key : groups.keys) {
    const auto& pts = groups.points.at(key);
    os << '\n' << (key.empty() ? std::string("(all runs)") : key) << '\n';
    std::vector<std::vector<std::string>> rows{{"N", "video got", "height", "fps", "freezes/min", "frozen %",
                                                "video delay ms", "p95", "queue p95 ms", "loss %", "after rec %",
                                                "audio MOS", "steady s", "est/cap", "client cores", "server cores"}};
    for (const PointSummary* p : pts)
      rows.push_back({fmt("%.0f", stat(*p, "group_size")), fmt("%.2f", stat(*p, "video_received_mean_bps") / 1e6),
                      fmt("%.0f", stat(*p, "received_height_mean")), fmt("%.1f", stat(*p, "received_fps_mean")),
                      fmt("%.2f", stat(*p, "freezes_per_min")), fmt("%.1f", 100 * stat(*p, "freeze_fraction")),
                      fmt("%.0f", 1e3 * stat(*p, "video_delay_mean_s")), fmt("%.0f", 1e3 * stat(*p, "video_delay_p95_s")),
                      fmt("%.0f", 1e3 * stat(*p, "queue_delay_p95_s")), fmt("%.2f", 100 * stat(*p, "loss_before_recovery")),
                      fmt("%.2f", 100 * stat(*p, "loss_after_recovery")), stat(*p, "audio_mos_mean") > 0 ? fmt("%.2f", stat(*p, "audio_mos_mean")) : std::string("-"),
                      fmt("%.1f", stat(*p, "time_to_steady_s")), fmt("%.2f", stat(*p, "estimate_over_capacity")),
                      fmt("%.2f", stat(*p, "client_cores_mean")),
                      stat(*p, "server_cores") > 0 ? fmt("%.2f", stat(*p, "server_cores")) : std::string("-")});
    print_rows(os, rows);
  }
}

}  // namespace p2psim::study
