// Study kind "group-call": one mesh / SFU / MCU / hybrid call per run; sweep
// call.topology and call.group_size to compare them. Sections: call, access, layouts,
// devices, media, servers, connectivity (parsed by group_call_spec_parser.cpp; summary in
// group_call_summary.cpp). Every key is documented in docs/scenarios.md.
#include <algorithm>
#include <string>
#include <vector>

#include "app/study/group_call_connectivity.hpp"
#include "app/study/group_call_packet.hpp"
#include "app/study/group_call_spec_parser.hpp"
#include "app/study/group_call_summary.hpp"
#include "app/study/study.hpp"
#include "models/ice/call_connectivity.hpp"
#include "models/media/group_call.hpp"
#include "sim/random.hpp"
#include "sim/stats.hpp"

namespace p2psim::study {
namespace {

using media::CallSpec;
using Params = GroupCallParams;

// The constraints that bound, as 0/1 metrics (prefix + uplink, downlink, client_cpu,
// server_cpu, server_net).
void put_limits(Metrics& m, const std::string& prefix, const media::CallLimits& l) {
  m.push_back(Metric{prefix + "uplink", l.uplink ? 1.0 : 0.0});
  m.push_back(Metric{prefix + "downlink", l.downlink ? 1.0 : 0.0});
  m.push_back(Metric{prefix + "client_cpu", l.client_cpu ? 1.0 : 0.0});
  m.push_back(Metric{prefix + "server_cpu", l.server_cpu ? 1.0 : 0.0});
  m.push_back(Metric{prefix + "server_net", l.server_net ? 1.0 : 0.0});
}

class GroupCallStudy final : public Study {
 public:
  explicit GroupCallStudy(GroupCallParams p) : p_(std::move(p)) {}

  RunResult run(std::uint64_t seed) const override {
    CallSpec spec = p_.spec;
    fill_call_connectivity(p_, spec, seed);
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
    double sfu_max_out = 0, sfu_max_cores = 0;
    for (const media::ServerResult& x : r.sfus) {
      sfu_max_out = std::max(sfu_max_out, x.egress_bps);
      sfu_max_cores = std::max(sfu_max_cores, x.cpu_cores);
    }
    put("inter_sfu_bps", r.inter_sfu_bps);
    put("sfu_max_egress_bps", r.sfus.empty() ? sfu.egress_bps : sfu_max_out);
    put("sfu_max_cores", r.sfus.empty() ? sfu.cpu_cores : sfu_max_cores);
    put("turn_ingress_bps", turn.ingress_bps);
    put("turn_egress_bps", turn.egress_bps);
    put("turn_cpu_cores", turn.cpu_cores);
    put("turn_cpu_cores_max", turn.cpu_cores_max);
    put("wire_bytes", r.wire_bytes);
    put("latency_mean_s", r.latency_mean_s);
    put("latency_p95_s", r.latency_p95_s);
    put("full_rate_fraction", r.full_rate_fraction);
    put("failed_fraction", r.failed_fraction);
    put("saturated_uplink_fraction", sat_up / spec.group_size);
    put("saturated_downlink_fraction", sat_down / spec.group_size);
    put("all_full", r.all_full ? 1 : 0);
    Samples cores;
    double short_cpu = 0;
    for (const media::ParticipantResult& q : r.participants) {
      cores.add(q.client_cores);
      short_cpu += q.cpu_short;
    }
    put("client_cores_mean", cores.mean());
    put("client_cores_max", cores.max());
    put("client_cpu_short_fraction", short_cpu / spec.group_size);
    put_limits(m, "limit_", r.limits);
    // Per access profile: does a call where everyone has that profile (its access, layout
    // and device) fit, and which constraints keep it from fitting?
    for (std::size_t k = 0; k < spec.access.size(); ++k) {
      media::CallLimits limits = r.limits;
      bool fits = r.all_full;
      if (spec.access.size() > 1) {
        CallSpec h = spec;
        h.access_assignment.assign(spec.group_size, static_cast<int>(k));
        const media::CallFit hr = media::group_call_fit(h, seed);  // one allocation when symmetric
        fits = hr.all_full;
        limits = hr.limits;
      }
      put("fits_" + spec.access[k].name, fits ? 1 : 0);
      put_limits(m, "limit_" + spec.access[k].name + "_", fits ? media::CallLimits{} : limits);
    }
    return out;
  }

 private:
  GroupCallParams p_;
};

}  // namespace

StudyKind make_group_call_kind() {
  StudyKind k;
  k.name = "group-call";
  k.description = "mesh / SFU / MCU / hybrid group calls: per-participant rates, client and server load, largest N that fits";
  k.sections = {"call", "access", "layouts", "devices", "regions", "media", "servers", "connectivity", "packet"};
  k.parse = [](const scenario::Field& root) -> std::unique_ptr<Study> {
    GroupCallParams p = parse_group_call_params(root);
    if (p.packet) return parse_group_call_packet(root, p);
    if (auto f = root.get("packet")) f->fail("the packet section needs call.model: packet");
    return std::make_unique<GroupCallStudy>(std::move(p));
  };
  k.summarize = summarize_group_call;
  k.headline = {"uplink_delivered_mean_bps", "downlink_delivered_mean_bps", "server_egress_bps", "full_rate_fraction",
                "all_full"};
  return k;
}

}  // namespace p2psim::study
