#include "app/study/group_call_summary.hpp"

#include "app/study/group_call_packet.hpp"
#include "app/study/group_call_summary_parts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace p2psim::study {
namespace {

std::string mbps(double bps) {
  if (std::isnan(bps)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", bps / 1e6);
  return buf;
}

std::string binding(const PointSummary& p, const std::string& prefix) {
  static const std::pair<const char*, const char*> kLimits[] = {{"uplink", "uplink"},
                                                                {"downlink", "downlink"},
                                                                {"client_cpu", "client CPU"},
                                                                {"server_cpu", "server CPU"},
                                                                {"server_net", "server net"}};
  std::string out;
  for (const auto& [metric, label] : kLimits) {
    const double v = stat(p, prefix + metric);
    if (!std::isnan(v) && v > 0) out += (out.empty() ? "" : "+") + std::string(label);
  }
  return out.empty() ? "-" : out;
}

}  // namespace

void summarize_group_call(const RunSetSummary& s, std::ostream& os) {
  if (is_packet_summary(s)) return summarize_group_call_packet(s, os);
  // Group the points by every swept parameter except the group size.
  const PointGroups groups = group_by_sweep_except_size(s);
  // Profile names, in the order the runs report them.
  std::vector<std::string> profiles;
  if (!s.points.empty())
    for (const auto& st : s.points.front().stats)
      if (st.name.rfind("fits_", 0) == 0) profiles.push_back(st.name.substr(5));

  os << "group-call: " << s.scenario_name
     << " (rates in Mbit/s on the wire, cores in reference cores; mean over participants and replications)\n";
  std::vector<std::vector<std::string>> fits_rows;
  {
    std::vector<std::string> head{"largest N that fits (then: binding)", "mixed"};
    for (const auto& p : profiles) head.push_back(p);
    fits_rows.push_back(head);
  }
  bool cascade = false;  // show inter-SFU traffic and the busiest SFU when some run cascades
  for (const PointSummary& p : s.points) cascade = cascade || stat(p, "inter_sfu_bps") > 0;
  for (const std::string& key : groups.keys) {
    const auto& pts = groups.points.at(key);
    os << '\n' << (key.empty() ? std::string("(all runs)") : key) << '\n';
    std::vector<std::vector<std::string>> rows{{"N", "up req", "up got", "down req", "down got", "p95 down got", "full %",
                                                "client cores", "max", "server out", "server cores", "latency ms",
                                                "binding"}};
    if (cascade) {
      rows[0].insert(rows[0].end() - 1, "inter-SFU");
      rows[0].insert(rows[0].end() - 1, "max SFU cores");
    }
    for (const PointSummary* p : pts) {
      rows.push_back({std::to_string(static_cast<long>(stat(*p, "group_size"))), mbps(stat(*p, "uplink_requested_mean_bps")),
                      mbps(stat(*p, "uplink_delivered_mean_bps")), mbps(stat(*p, "downlink_requested_mean_bps")),
                      mbps(stat(*p, "downlink_delivered_mean_bps")), mbps(stat(*p, "downlink_delivered_p95_bps")),
                      fmt("%.1f", 100 * stat(*p, "full_rate_fraction")), fmt("%.2f", stat(*p, "client_cores_mean")),
                      fmt("%.2f", stat(*p, "client_cores_max")), mbps(stat(*p, "server_egress_bps")),
                      fmt("%.2f", stat(*p, "server_cpu_cores")), fmt("%.0f", 1e3 * stat(*p, "latency_mean_s")),
                      stat(*p, "all_full") >= 1 - 1e-9 ? std::string("-") : binding(*p, "limit_")});
      if (cascade) {
        rows.back().insert(rows.back().end() - 1, mbps(stat(*p, "inter_sfu_bps")));
        rows.back().insert(rows.back().end() - 1, fmt("%.2f", stat(*p, "sfu_max_cores")));
      }
    }
    print_rows(os, rows);

    // Largest N at which every replication fits ("+" when it is the largest N tested),
    // then what binds at the next N tested.
    auto largest = [&](const std::string& metric, const std::string& limit_prefix) {
      long best = -1, top = 0;
      for (const PointSummary* p : pts) {
        const long n = static_cast<long>(stat(*p, "group_size"));
        top = std::max(top, n);
        if (stat(*p, metric) >= 1 - 1e-9) best = std::max(best, n);
      }
      std::string out = best < 0 ? std::string("none") : std::to_string(best) + (best == top ? "+" : "");
      for (const PointSummary* p : pts)
        if (static_cast<long>(stat(*p, "group_size")) > best) {
          out += " (" + binding(*p, limit_prefix) + ")";
          break;
        }
      return out;
    };
    std::vector<std::string> row{key.empty() ? std::string("(all runs)") : key, largest("all_full", "limit_")};
    for (const auto& p : profiles) row.push_back(largest("fits_" + p, "limit_" + p + "_"));
    fits_rows.push_back(row);
  }
  os << "\nLargest N where every participant gets every visible tile at the layer its layout asks, audio from\n"
        "every speaker, and no uplink, downlink, client CPU or server falls short for the whole call\n"
        "(mixed: the scenario's access mix; per profile: everyone on that profile, its layout and device;\n"
        "'+': largest N tested; in parentheses what binds at the next N tested)\n";
  print_rows(os, fits_rows);
}

}  // namespace p2psim::study
