#include "app/report/plot/study_charts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "app/study/study.hpp"
#include "sim/time.hpp"

namespace p2psim::report {
namespace {

std::string fmt(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

double num(const std::string& s) {
  if (s.empty()) return NAN;
  return std::strtod(s.c_str(), nullptr);
}

std::string id_of(std::string s) {
  for (char& c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) c = c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : '_';
  return s;
}

bool swept(const ResultSet& rs, const std::string& path) {
  return std::find(rs.sweep_paths.begin(), rs.sweep_paths.end(), path) != rs.sweep_paths.end();
}

// The points grouped by every swept value except `except`, groups in first-seen order.
std::vector<std::pair<std::string, std::vector<std::size_t>>> group_points(const ResultSet& rs,
                                                                           const std::vector<std::string>& except) {
  std::vector<std::pair<std::string, std::vector<std::size_t>>> groups;
  for (std::size_t p = 0; p < rs.points(); ++p) {
    const std::string key = rs.label(p, except);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == key; });
    if (it == groups.end()) {
      groups.push_back({key, {}});
      it = groups.end() - 1;
    }
    it->second.push_back(p);
  }
  for (auto& g : groups)
    if (g.first.empty()) g.first = rs.name.empty() ? "all runs" : rs.name;
  return groups;
}

// The short value label of a group "call.topology=mesh" -> "mesh" when one key remains.
std::string short_title(const std::string& label) {
  if (label.find(", ") != std::string::npos) return label;
  const auto eq = label.find('=');
  return eq == std::string::npos ? label : label.substr(eq + 1);
}

std::string point_label(const ResultSet& rs, std::size_t p) {
  std::string l;
  for (std::size_t k = 0; k < rs.sweep_paths.size(); ++k) l += (l.empty() ? "" : " ") + rs.point_params[p][k];
  return l.empty() ? "all runs" : l;
}

std::string scale_unit(const std::string& metric, double& scale) {
  scale = 1;
  if (metric.size() > 4 && metric.compare(metric.size() - 4, 4, "_bps") == 0) {
    scale = 1e6;
    return "Mbit/s";
  }
  if (metric.size() > 2 && metric.compare(metric.size() - 2, 2, "_s") == 0) return "s";
  if (metric.find("fraction") != std::string::npos || metric.find("ratio") != std::string::npos) return "fraction";
  if (metric.size() > 3 && metric.compare(metric.size() - 3, 3, "_mw") == 0) return "mW";
  if (metric.size() > 2 && metric.compare(metric.size() - 2, 2, "_j") == 0) return "J";
  return "";
}

std::string axis_label(const std::string& metric) {
  double s;
  const std::string u = scale_unit(metric, s);
  return u.empty() || u == "fraction" ? metric : metric + " (" + u + ")";
}

// y = metric vs an x that is either a swept path or (x_metric non-empty) another metric's mean.
Chart xy_chart(const ResultSet& rs, const std::string& id, const std::string& title, const std::string& x_path,
               const std::string& x_metric, const std::string& metric, const std::string& ylabel, double y_scale,
               const std::vector<std::string>& group_except, std::string& why) {
  Chart c;
  why.clear();
  if (!rs.has_metric(metric)) {
    why = "metric " + metric + " not in the results";
    return c;
  }
  if (!x_metric.empty() && !rs.has_metric(x_metric)) {
    why = "metric " + x_metric + " not in the results";
    return c;
  }
  if (x_metric.empty() && !swept(rs, x_path)) {
    why = x_path + " is not swept";
    return c;
  }
  // Numeric x when every value is a number (durations, rates, sizes count); else categories.
  bool numeric = true;
  std::vector<std::string> cats;
  if (x_metric.empty())
    for (std::size_t p = 0; p < rs.points(); ++p) {
      const std::string v = rs.param(p, x_path);
      numeric = numeric && numeric_value(v).has_value();
      if (std::find(cats.begin(), cats.end(), v) == cats.end()) cats.push_back(v);
    }
  c.id = id;
  c.title = title;
  c.metric = metric;
  c.x_path = x_metric.empty() ? x_path : x_metric;
  c.xlabel = x_metric.empty() ? x_path : x_metric;
  if (x_metric.empty() && numeric && rs.points() > 0) {
    // Values written with a unit ("15s", "5Mbps") are drawn in seconds / bit/s.
    const std::string v = rs.param(0, x_path);
    char* end = nullptr;
    std::strtod(v.c_str(), &end);
    if (*end != '\0') c.xlabel += parse_time(v) ? " (s)" : v.find("bps") != std::string::npos ? " (bit/s)" : " (bytes)";
  }
  c.ylabel = ylabel;
  c.y_scale = y_scale;
  c.style = ChartStyle::kLines;
  c.categorical = !numeric;
  if (!numeric) c.x_labels = cats;
  c.caption = "Mean over replications with its 95% confidence interval (band) of " + metric + " against " + c.xlabel +
              "; values as in results.csv.";
  for (const auto& [label, pts] : group_points(rs, group_except)) {
    ChartSeries s;
    s.title = short_title(label);
    for (std::size_t p : pts) {
      const SummaryRow* r = rs.find(p, metric);
      if (!r) continue;
      ChartPoint q;
      if (!x_metric.empty()) {
        const SummaryRow* xr = rs.find(p, x_metric);
        if (!xr || xr->mean.empty()) continue;
        q.x = num(xr->mean);
        q.x_label = xr->mean;
      } else {
        const std::string v = rs.param(p, x_path);
        q.x_label = v;
        q.x = numeric ? *numeric_value(v)
                      : static_cast<double>(std::find(cats.begin(), cats.end(), v) - cats.begin());
      }
      q.y = r->mean;
      q.low = r->low;
      q.high = r->high;
      s.points.push_back(q);
    }
    std::stable_sort(s.points.begin(), s.points.end(), [](const ChartPoint& a, const ChartPoint& b) { return a.x < b.x; });
    if (!s.points.empty()) c.series.push_back(std::move(s));
  }
  if (c.series.empty()) {
    why = "no point reports " + metric;
    c.id.clear();
  }
  return c;
}

void keep(ChartSet& set, Chart c, const std::string& id, const std::string& why) {
  if (c.id.empty())
    set.skipped.push_back(id + ": " + why);
  else
    set.charts.push_back(std::move(c));
}

// ---- group-call
void group_call_charts(const ResultSet& rs, ChartSet& set) {
  const std::string n = "call.group_size";
  std::string why;
  struct Def {
    const char* id;
    const char* title;
    std::vector<std::string> metrics;  // first present wins
  };
  const std::vector<Def> defs = {
      {"uplink", "Uplink per participant vs group size", {"uplink_delivered_mean_bps", "uplink_requested_mean_bps", "uplink_mean_bps"}},
      {"downlink", "Downlink per participant vs group size", {"downlink_delivered_mean_bps", "downlink_requested_mean_bps", "downlink_mean_bps"}},
      {"server-egress", "Server egress vs group size", {"server_egress_bps"}},
  };
  for (const Def& d : defs) {
    std::string metric;
    for (const auto& m : d.metrics)
      if (metric.empty() && rs.has_metric(m)) metric = m;
    if (metric.empty()) {
      set.skipped.push_back(std::string(d.id) + ": none of its metrics (" + d.metrics[0] + ", ...) in the results");
      continue;
    }
    Chart c = xy_chart(rs, d.id, d.title, n, "", metric, axis_label(metric), 1e6, {n}, why);
    if (!c.id.empty()) c.xlabel = "group size N (participants)";
    keep(set, std::move(c), d.id, why);
  }

  // Largest N that fits, per access profile (fits_<profile>; "mixed": all_full), one bar per group.
  std::vector<std::string> profiles;
  if (rs.has_metric("all_full")) profiles.push_back("all_full");
  for (const auto& m : rs.metrics())
    if (m.rfind("fits_", 0) == 0) profiles.push_back(m);
  if (!swept(rs, n) || profiles.empty()) {
    set.skipped.push_back(std::string("largest-n: ") + (profiles.empty() ? "no all_full / fits_<profile> metrics" : n + " is not swept"));
    return;
  }
  Chart c;
  c.id = "largest-n";
  c.title = "Largest group size where every stream arrives at full rate";
  c.caption = "Per access profile (fits_<profile>; mixed: the scenario's access mix, all_full), the largest swept N "
              "at which the metric's mean is 1 (every replication fits); 0: none fits.";
  c.xlabel = "access profile";
  c.ylabel = "largest N that fits";
  c.style = ChartStyle::kBars;
  c.bands = false;
  for (const auto& p : profiles) c.x_labels.push_back(p == "all_full" ? "mixed" : p.substr(5));
  for (const auto& [label, pts] : group_points(rs, {n})) {
    ChartSeries s;
    s.title = short_title(label);
    for (std::size_t k = 0; k < profiles.size(); ++k) {
      double best = 0;
      for (std::size_t p : pts) {
        const SummaryRow* r = rs.find(p, profiles[k]);
        const auto nv = numeric_value(rs.param(p, n));
        if (r && nv && num(r->mean) >= 1 - 1e-9) best = std::max(best, *nv);
      }
      s.points.push_back({static_cast<double>(k), c.x_labels[k], fmt(best), "", ""});
    }
    c.series.push_back(std::move(s));
  }
  set.charts.push_back(std::move(c));
}

// ---- capacity
void time_chart(const ResultSet& rs, ChartSet& set, const std::string& id, const std::string& series,
                const std::string& title, const std::string& ylabel, double scale) {
  Chart c;
  c.id = id;
  c.title = title;
  c.style = ChartStyle::kTime;
  c.xlabel = "time of day (h since the start of the horizon)";
  c.ylabel = ylabel;
  c.y_scale = scale;
  c.caption = "Series " + series + " from timeseries.csv: mean over replications (line) and min..max (band).";
  for (std::size_t p = 0; p < rs.points(); ++p) {
    std::map<double, std::vector<double>> at;
    for (const SeriesSample& s : rs.samples)
      if (s.point == p && s.series == series && !std::isnan(s.value)) at[s.t].push_back(s.value);
    if (at.empty()) continue;
    ChartSeries cs;
    cs.title = point_label(rs, p);
    for (const auto& [t, vs] : at) {
      double sum = 0, lo = vs[0], hi = vs[0];
      for (double v : vs) {
        sum += v;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      cs.points.push_back({t, "", fmt(sum / static_cast<double>(vs.size())), fmt(lo), fmt(hi)});
    }
    c.series.push_back(std::move(cs));
  }
  if (c.series.empty()) {
    set.skipped.push_back(id + ": no series " + series + " in timeseries.csv");
    return;
  }
  set.charts.push_back(std::move(c));
}

// The blocking target: a `blocking_target` key anywhere in the scenario echo, else the
// 1% that `p2psim plan` sizes for by default.
double blocking_target(const nlohmann::ordered_json& j, bool& from_scenario) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "blocking_target" && it.value().is_number()) {
        from_scenario = true;
        return it.value().get<double>();
      }
      const double v = blocking_target(it.value(), from_scenario);
      if (from_scenario) return v;
    }
  }
  return 0.01;
}

void capacity_charts(const ResultSet& rs, ChartSet& set) {
  time_chart(rs, set, "relay-sessions", "relay_sessions", "Concurrent relayed sessions over the day",
             "concurrent TURN allocations", 1);
  time_chart(rs, set, "relay-bandwidth", "relay_bandwidth", "Relay bandwidth over the day", "relay bandwidth (Mbit/s)", 1e6);
  const std::string metric = rs.has_metric("relay_blocking_probability") ? "relay_blocking_probability" : "blocking_probability";
  if (!rs.has_metric(metric)) {
    set.skipped.push_back("blocking: metric blocking_probability not in the results");
    return;
  }
  bool from_scenario = false;
  const double target = blocking_target(rs.json.contains("input") ? rs.json["input"] : nlohmann::ordered_json(), from_scenario);
  Chart c;
  c.id = "blocking";
  c.title = "Relay blocking probability against the target";
  c.style = ChartStyle::kBars;
  c.xlabel = rs.sweep_paths.empty() ? "run set" : "sweep point";
  c.ylabel = metric;
  c.caption = "Mean of " + metric + " with its 95% confidence interval; dashed line: the blocking target (" + fmt(target) +
              (from_scenario ? ", from the scenario" : ", p2psim plan's default") + ").";
  c.hlines.push_back({target, "target " + fmt(100 * target) + "%"});
  ChartSeries s;
  s.title = metric;
  for (std::size_t p = 0; p < rs.points(); ++p) {
    const SummaryRow* r = rs.find(p, metric);
    c.x_labels.push_back(point_label(rs, p));
    if (r) s.points.push_back({static_cast<double>(p), c.x_labels.back(), r->mean, r->low, r->high});
  }
  c.series.push_back(std::move(s));
  set.charts.push_back(std::move(c));
}

// ---- nat-population
void nat_population_charts(const ResultSet& rs, ChartSet& set) {
  const std::vector<std::pair<std::string, std::string>> parts = {
      {"direct_fraction", "direct"}, {"relayed_fraction", "relayed"}, {"failed_fraction", "failed"}};
  bool any = false;
  for (const auto& p : parts) any = any || rs.has_metric(p.first);
  if (!any) {
    set.skipped.push_back("outcomes: no direct/relayed/failed_fraction metrics");
  } else {
    Chart c;
    c.id = "outcomes";
    c.title = "Session outcomes: direct, relayed, failed";
    c.style = ChartStyle::kStacked;
    c.xlabel = rs.sweep_paths.empty() ? "run set" : "sweep point";
    c.ylabel = "share of sessions";
    c.caption = "Stacked means of direct_fraction, relayed_fraction and failed_fraction per sweep point.";
    for (std::size_t p = 0; p < rs.points(); ++p) c.x_labels.push_back(point_label(rs, p));
    std::vector<double> bottom(rs.points(), 0);
    for (const auto& [metric, title] : parts) {
      if (!rs.has_metric(metric)) continue;
      ChartSeries s;
      s.title = title;
      for (std::size_t p = 0; p < rs.points(); ++p) {
        const SummaryRow* r = rs.find(p, metric);
        if (!r || r->mean.empty()) continue;
        const double v = num(r->mean);
        s.points.push_back({static_cast<double>(p), c.x_labels[p], r->mean, fmt(bottom[p]), fmt(bottom[p] + v)});
        bottom[p] += v;
      }
      c.series.push_back(std::move(s));
    }
    set.charts.push_back(std::move(c));
  }

  // Per NAT-type pair (pair_<a>__<b>_<outcome>_fraction), for a run set of one point.
  std::vector<std::string> pairs;
  for (const auto& m : rs.metrics())
    if (m.rfind("pair_", 0) == 0 && m.size() > 21 && m.compare(m.size() - 16, 16, "_direct_fraction") == 0)
      if (const SummaryRow* n = rs.find(0, m.substr(0, m.size() - 16) + "_sessions"); !n || num(n->mean) > 0)
        pairs.push_back(m.substr(5, m.size() - 21));  // pairs with sessions
  if (pairs.empty() || rs.points() != 1) {
    set.skipped.push_back(std::string("outcomes-by-pair: ") +
                          (pairs.empty() ? "no pair_<a>__<b>_*_fraction metrics" : "drawn only for a run set of one point"));
  } else {
    Chart c;
    c.id = "outcomes-by-pair";
    c.title = "Session outcomes per NAT-type pair";
    c.style = ChartStyle::kStacked;
    c.xlabel = "NAT types of the two peers";
    c.ylabel = "share of the pair's sessions";
    c.caption = "Stacked means of pair_<a>__<b>_direct_fraction, _relayed_fraction and _failed_fraction.";
    for (const auto& p : pairs) {
      const auto sep = p.find("__");
      c.x_labels.push_back(sep == std::string::npos ? p : p.substr(0, sep) + " / " + p.substr(sep + 2));
    }
    std::vector<double> bottom(pairs.size(), 0);
    for (const char* outcome : {"direct", "relayed", "failed"}) {
      ChartSeries s;
      s.title = outcome;
      for (std::size_t k = 0; k < pairs.size(); ++k) {
        const SummaryRow* r = rs.find(0, "pair_" + pairs[k] + "_" + outcome + "_fraction");
        if (!r || r->mean.empty()) continue;
        const double v = num(r->mean);
        s.points.push_back({static_cast<double>(k), c.x_labels[k], r->mean, fmt(bottom[k]), fmt(bottom[k] + v)});
        bottom[k] += v;
      }
      c.series.push_back(std::move(s));
    }
    set.charts.push_back(std::move(c));
  }

  // Setup-time CDF from the quantile metrics setup_time_pNN_s present.
  std::vector<std::pair<double, std::string>> qs;
  for (const auto& m : rs.metrics())
    if (m.rfind("setup_time_p", 0) == 0 && m.size() > 14 && m.compare(m.size() - 2, 2, "_s") == 0) {
      const std::string digits = m.substr(12, m.size() - 14);
      if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos)
        qs.push_back({std::strtod(digits.c_str(), nullptr) / (digits.size() == 1 ? 10.0 : std::pow(10.0, digits.size())), m});
    }
  std::sort(qs.begin(), qs.end());
  if (qs.size() < 2) {
    set.skipped.push_back("setup-cdf: fewer than two setup_time_pNN_s quantile metrics");
    return;
  }
  Chart c;
  c.id = "setup-cdf";
  c.title = "Connection setup time: cumulative distribution";
  c.xlabel = "setup time (s)";
  c.ylabel = "fraction of sessions connected within";
  c.bands = false;
  c.caption = "Empirical CDF through the setup-time quantiles the study reports (";
  for (std::size_t k = 0; k < qs.size(); ++k) c.caption += (k ? ", " : "") + qs[k].second;
  c.caption += "), one line per sweep point; x: the quantile's mean over replications.";
  for (std::size_t p = 0; p < rs.points(); ++p) {
    ChartSeries s;
    s.title = point_label(rs, p);
    for (const auto& [q, m] : qs) {
      const SummaryRow* r = rs.find(p, m);
      if (!r || r->mean.empty()) continue;
      // x = the quantile value (seconds), y = its probability: data columns stay "x y" with x from results.csv.
      s.points.push_back({num(r->mean), r->mean, fmt(q), "", ""});
    }
    if (!s.points.empty()) c.series.push_back(std::move(s));
  }
  // Setup times span decades (a direct path in a second, a relay fallback after tens of
  // seconds): a log axis when every quantile is positive.
  bool positive = !c.series.empty();
  for (const auto& s : c.series)
    for (const auto& p : s.points) positive = positive && p.x > 0;
  c.log_x = positive;
  set.charts.push_back(std::move(c));
}

// ---- energy
void energy_charts(const ResultSet& rs, ChartSet& set) {
  std::string x;
  for (const auto& p : rs.sweep_paths)
    if (x.empty() && p.size() > 9 && p.compare(p.size() - 9, 9, ".interval") == 0) x = p;
  if (x.empty()) {
    set.skipped.push_back("power-vs-keepalive: no keepalive interval (a *.interval key) is swept");
    return;
  }
  std::string why;
  for (const auto& [id, metric] : std::vector<std::pair<std::string, std::string>>{
           {"power-vs-keepalive", "avg_power_mw"}, {"keepalive-power", "keepalive_power_mw"}}) {
    Chart c = xy_chart(rs, id, metric == "avg_power_mw" ? "Average power vs keepalive interval" : "Keepalive power vs interval",
                       x, "", metric, metric + " (mW)", 1, {x}, why);
    if (!c.id.empty()) c.log_x = true;
    keep(set, std::move(c), id, why);
  }
}

// ---- messaging
void messaging_charts(const ResultSet& rs, ChartSet& set) {
  std::string why;
  std::vector<std::string> except;
  for (const auto& p : rs.sweep_paths)
    if (p != "architecture.kind") except.push_back(p);
  Chart c = xy_chart(rs, "delivery-vs-online", "Delivery ratio vs users' online fraction", "", "user_online_fraction",
                     "delivery_ratio", "delivery_ratio (delivered by the deadline)", 1, except, why);
  if (!c.id.empty()) c.xlabel = "user_online_fraction (mean share of time a user is online)";
  keep(set, std::move(c), "delivery-vs-online", why);
}

}  // namespace

Chart metric_vs_param(const ResultSet& rs, const std::string& id, const std::string& title, const std::string& x_path,
                      const std::string& metric, const std::string& ylabel, double y_scale, std::string& why) {
  return xy_chart(rs, id, title, x_path, "", metric, ylabel, y_scale, {x_path}, why);
}

ChartSet study_charts(const ResultSet& rs, const ChartOptions& opt) {
  ChartSet set;
  if (rs.study == "group-call") group_call_charts(rs, set);
  if (rs.study == "capacity") capacity_charts(rs, set);
  if (rs.study == "nat-population") nat_population_charts(rs, set);
  if (rs.study == "energy") energy_charts(rs, set);
  if (rs.study == "messaging") messaging_charts(rs, set);

  // Generic: each chosen metric against one swept parameter.
  std::string x = opt.generic_x;
  if (x.empty()) {
    for (const auto& p : rs.sweep_paths) {
      bool numeric = rs.points() > 0;
      for (std::size_t k = 0; k < rs.points(); ++k) numeric = numeric && numeric_value(rs.param(k, p)).has_value();
      if (numeric && x.empty()) x = p;
    }
    if (x.empty() && !rs.sweep_paths.empty()) x = rs.sweep_paths.front();
  }
  if (x.empty()) {
    set.skipped.push_back("generic: nothing is swept");
    return set;
  }
  std::vector<std::string> metrics = opt.generic_metrics;
  if (metrics.empty()) {
    if (const study::StudyKind* k = study::find_study_kind(rs.study)) metrics = k->headline;
    if (metrics.empty()) {
      const auto all = rs.metrics();
      metrics.assign(all.begin(), all.begin() + static_cast<long>(std::min<std::size_t>(all.size(), 4)));
    }
  }
  for (const auto& m : metrics) {
    std::string why;
    double scale;
    scale_unit(m, scale);
    const std::string id = "generic-" + id_of(m);
    auto same = std::find_if(set.charts.begin(), set.charts.end(), [&](const Chart& c) { return c.metric == m && c.x_path == x; });
    if (same != set.charts.end()) {
      set.skipped.push_back(id + ": drawn as " + same->id);
      continue;
    }
    Chart c = metric_vs_param(rs, id, m + " vs " + x, x, m, axis_label(m), scale, why);
    if (c.id.empty() && !opt.generic_metrics.empty()) why += " (asked for with --metric)";
    keep(set, std::move(c), id, why);
  }
  return set;
}

}  // namespace p2psim::report
