#include "app/study/capacity_spec_parser.hpp"

#include "app/study/turn_cost_model_parser.hpp"
#include "models/capacity/ice_connectivity.hpp"
#include "models/media/sfu_cost_model.hpp"
#include "app/scenario/nat_section.hpp"
#include "models/nat/preset.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace p2psim::study {

using capacity::AccessProfile;
using capacity::CapacitySpec;
using capacity::Filtering;
using capacity::FleetSpec;
using capacity::Mapping;
using capacity::NatBehaviour;
using capacity::NatShare;
using scenario::Field;

const std::array<double, 24>& default_hourly_profile() {
  // Business-day conferencing shape: night trough, morning and afternoon peaks, lunch dip.
  static const std::array<double, 24> h = {0.10, 0.06, 0.04, 0.04, 0.05, 0.10, 0.30, 0.70,
                                           1.40, 2.00, 2.20, 2.00, 1.40, 1.70, 2.00, 2.00,
                                           1.80, 1.40, 1.00, 0.80, 0.70, 0.60, 0.40, 0.20};
  return h;
}

namespace {

constexpr double kMaxRate = 1e13;

int region_index(const CapacitySpec& s, const Field& f) {
  const std::string name = f.as_identifier();
  for (std::size_t i = 0; i < s.network.regions.size(); ++i)
    if (s.network.regions[i].name == name) return static_cast<int>(i);
  std::string all;
  for (const auto& r : s.network.regions) all += (all.empty() ? "" : ", ") + r.name;
  f.fail("unknown region \"" + name + "\"; regions are: " + all);
}

void parse_regions(const Field& root, CapacitySpec& s) {
  auto regions = root.get("regions");
  if (!regions) return;  // one region "default", 20 ms within it
  s.network.regions.clear();
  const auto entries = regions->entries();
  if (entries.empty()) regions->fail("expected at least one region");
  for (const auto& [name, f] : entries) {
    f.allow_only({"share", "utc_offset", "rtt"});
    capacity::RegionSpec r;
    r.name = name;
    r.user_share = f.get_double("share", 1.0, 0.0, 1e9);
    r.utc_offset_h = f.get_double("utc_offset", 0.0, -14.0, 14.0);
    s.network.regions.push_back(r);
  }
  const std::size_t n = entries.size();
  s.network.rtt.assign(n * n, SimTime::ms(-1));
  for (std::size_t i = 0; i < n; ++i) {
    const Field& f = entries[i].second;
    auto rtt = f.get("rtt");
    if (!rtt) continue;
    for (const auto& [other, v] : rtt->entries()) {
      std::size_t j = n;
      for (std::size_t k = 0; k < n; ++k)
        if (s.network.regions[k].name == other) j = k;
      if (j == n) v.fail("unknown region \"" + other + "\" in rtt");
      const SimTime t = v.as_time(SimTime::zero(), SimTime::s(10));
      SimTime& a = s.network.rtt[i * n + j];
      SimTime& b = s.network.rtt[j * n + i];
      if (a >= SimTime::zero() && a != t) v.fail("rtt between " + entries[i].first + " and " + other + " given twice with different values");
      a = b = t;
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      SimTime& t = s.network.rtt[i * n + j];
      if (t >= SimTime::zero()) continue;
      if (i == j) t = SimTime::ms(20);
      else entries[i].second.fail("missing rtt to region \"" + entries[j].first + "\" (give it under either region)");
    }
}

NatBehaviour parse_nat_entry(const Field& f, double& share) {
  f.allow_only({"type", "mapping", "filtering", "share"});
  share = f.get_double("share", 1.0, 0.0, 1e9);
  NatBehaviour n;
  if (auto t = f.get("type")) {
    if (f.has("mapping") || f.has("filtering")) t->fail("give either type or mapping/filtering, not both");
    enum class P { kOpen, kFull, kRestricted, kPortRestricted, kSymmetric };
    switch (t->as_enum<P>({{"open", P::kOpen},
                           {"full-cone", P::kFull},
                           {"restricted-cone", P::kRestricted},
                           {"port-restricted-cone", P::kPortRestricted},
                           {"symmetric", P::kSymmetric}})) {
      case P::kOpen: n = {Mapping::kNone, Filtering::kEndpointIndependent, false}; break;
      case P::kFull: n = {Mapping::kEndpointIndependent, Filtering::kEndpointIndependent, false}; break;
      case P::kRestricted: n = {Mapping::kEndpointIndependent, Filtering::kAddressDependent, false}; break;
      case P::kPortRestricted: n = {Mapping::kEndpointIndependent, Filtering::kAddressPortDependent, false}; break;
      case P::kSymmetric: n = {Mapping::kAddressPortDependent, Filtering::kAddressPortDependent, false}; break;
    }
    return n;
  }
  n.mapping = f.require("mapping").as_enum<Mapping>({{"none", Mapping::kNone},
                                                    {"eim", Mapping::kEndpointIndependent},
                                                    {"adm", Mapping::kAddressDependent},
                                                    {"apdm", Mapping::kAddressPortDependent}});
  n.filtering = f.get_enum<Filtering>("filtering", Filtering::kAddressPortDependent,
                                      {{"eif", Filtering::kEndpointIndependent},
                                       {"adf", Filtering::kAddressDependent},
                                       {"apdf", Filtering::kAddressPortDependent}});
  return n;
}

// A preset's behaviour as the capacity model sees it: the effective mapping and
// filtering of its layers (nat::effective_mapping), a public host for no layer, UDP
// blocked when a layer's firewall blocks it.
NatBehaviour behaviour_of(const nat::Preset& p) {
  NatBehaviour n;
  if (p.layers.empty()) return {Mapping::kNone, Filtering::kEndpointIndependent, false};
  switch (nat::effective_mapping(p.layers)) {
    case nat::Mapping::endpoint_independent: n.mapping = Mapping::kEndpointIndependent; break;
    case nat::Mapping::address_dependent: n.mapping = Mapping::kAddressDependent; break;
    case nat::Mapping::address_port_dependent: n.mapping = Mapping::kAddressPortDependent; break;
  }
  switch (nat::effective_filtering(p.layers)) {
    case nat::Filtering::endpoint_independent: n.filtering = Filtering::kEndpointIndependent; break;
    case nat::Filtering::address_dependent: n.filtering = Filtering::kAddressDependent; break;
    case nat::Filtering::address_port_dependent: n.filtering = Filtering::kAddressPortDependent; break;
  }
  for (const nat::NatConfig& c : p.layers) n.udp_blocked = n.udp_blocked || c.block_outbound_udp;
  return n;
}

std::vector<NatShare> capacity_mix(const nat::NamedNatMix& m) {
  std::vector<NatShare> v;
  for (const nat::NatMixRow& r : m.rows) v.push_back({behaviour_of(nat::preset(r.preset)), r.share});
  return v;
}

std::vector<NatShare> default_nat_mix() { return capacity_mix(*nat::find_nat_mix("default")); }

void parse_population(const Field& root, CapacitySpec& s) {
  auto& pop = s.population;
  auto p = root.get("population");
  AccessProfile def;
  def.name = "default";
  def.uplink_bps = 10e6;
  def.nat_mix = default_nat_mix();
  def.udp_blocked = 0.0;
  if (!p) {
    pop.access = {def};
    return;
  }
  p->allow_only({"users", "access", "growth"});
  pop.users = p->get_int("users", 100000, 2, 100000000);
  pop.growth = p->get_double("growth", 1.0, 0.01, 100.0);
  if (static_cast<double>(pop.users) * pop.growth > 1e8) p->require("growth").fail("users x growth must stay at most 100000000");
  auto access = p->get("access");
  if (!access) {
    pop.access = {def};
    return;
  }
  const auto entries = access->entries();
  if (entries.empty()) access->fail("expected at least one access profile");
  for (const auto& [name, f] : entries) {
    f.allow_only({"share", "uplink", "udp_blocked", "nat"});
    AccessProfile a;
    a.name = name;
    a.share = f.get_double("share", 1.0, 0.0, 1e9);
    a.uplink_bps = f.get_rate("uplink", 10e6, 1e3, kMaxRate);
    a.udp_blocked = f.get_double("udp_blocked", 0.0, 0.0, 1.0);
    auto nat = f.get("nat");
    // `nat: <mix name>` or `nat: {preset: <mix name>}`: a named mix of models/nat/nat_mix.hpp.
    if (const auto m = nat ? scenario::parse_named_nat_mix(*nat, "a list of NAT entries") : std::nullopt) {
      a.nat_mix = capacity_mix(*m);
    } else if (nat) {
      for (const Field& e : nat->items()) {
        double share = 1;
        const NatBehaviour n = parse_nat_entry(e, share);
        a.nat_mix.push_back({n, share});
      }
      if (a.nat_mix.empty()) nat->fail("expected at least one NAT entry");
    } else {
      a.nat_mix = default_nat_mix();
    }
    pop.access.push_back(a);
  }
  double total = 0;
  for (const auto& a : pop.access) total += a.share;
  if (total <= 0) access->fail("access shares must not all be 0");
}

void parse_traffic(const Field& root, CapacitySpec& s) {
  auto& tr = s.traffic;
  tr.hourly = default_hourly_profile();
  auto t = root.get("traffic");
  if (!t) return;
  t->allow_only({"horizon", "warmup", "arrivals", "duration", "group_size", "media", "mesh_max", "local_fraction"});
  tr.horizon = t->get_time("horizon", SimTime::h(24), SimTime::s(1), SimTime::h(24 * 366));
  tr.warmup = t->get_time("warmup", SimTime::zero(), SimTime::zero(), tr.horizon - SimTime::ns(1));
  if (auto a = t->get("arrivals")) {
    a->allow_only({"rate", "calls_per_user_per_day", "profile", "hourly"});
    if (a->has("rate") && a->has("calls_per_user_per_day"))
      a->require("rate").fail("give either rate or calls_per_user_per_day, not both");
    if (auto r = a->get("rate")) {
      tr.rate_per_s = r->as_double(1e-9, 1e7);
      tr.diurnal = false;
      if (a->has("profile") || a->has("hourly")) a->require(a->has("profile") ? "profile" : "hourly").fail("a fixed rate is flat; use calls_per_user_per_day for a profile");
    } else {
      tr.calls_per_user_per_day = a->get_double("calls_per_user_per_day", 2.0, 1e-6, 1e4);
      tr.diurnal = a->get_enum<bool>("profile", true, {{"diurnal", true}, {"flat", false}});
      if (auto h = a->get("hourly")) {
        if (!tr.diurnal) h->fail("hourly is only read with profile: diurnal");
        const auto items = h->items();
        if (items.size() != 24) h->fail_expected("a sequence of 24 non-negative weights (local hours 0..23)");
        double sum = 0;
        for (int i = 0; i < 24; ++i) sum += tr.hourly[i] = items[i].as_double(0.0, 1e9);
        if (sum <= 0) h->fail("hourly weights must not all be 0");
      }
    }
  }
  if (auto d = t->get("duration")) {
    d->allow_only({"distribution", "mean", "median", "sigma"});
    tr.duration.kind = d->get_enum<capacity::DurationKind>(
        "distribution", capacity::DurationKind::kExponential,
        {{"exponential", capacity::DurationKind::kExponential}, {"lognormal", capacity::DurationKind::kLognormal}});
    if (tr.duration.kind == capacity::DurationKind::kExponential) {
      if (d->has("median") || d->has("sigma")) d->require(d->has("median") ? "median" : "sigma").fail("only read for distribution: lognormal");
      tr.duration.mean_s = d->get_time("mean", SimTime::min(10), SimTime::s(1), SimTime::h(24 * 30)).seconds();
    } else {
      if (d->has("mean")) d->require("mean").fail("a lognormal is given by median and sigma");
      tr.duration.median_s = d->get_time("median", SimTime::min(10), SimTime::s(1), SimTime::h(24 * 30)).seconds();
      tr.duration.sigma = d->get_double("sigma", 1.0, 0.0, 4.0);
    }
  }
  if (auto g = t->get("group_size")) {
    tr.group_sizes.clear();
    for (const auto& [key, w] : g->entries()) {
      char* end = nullptr;
      const long n = std::strtol(key.c_str(), &end, 10);
      if (key.empty() || *end != '\0' || n < 2 || n > 1000) w.fail("group size \"" + key + "\" must be an integer in [2, 1000]");
      tr.group_sizes.emplace_back(static_cast<int>(n), w.as_double(0.0, 1e9));
    }
    double sum = 0;
    for (const auto& e : tr.group_sizes) sum += e.second;
    if (tr.group_sizes.empty() || sum <= 0) g->fail("expected group sizes with positive total weight, e.g. {2: 0.8, 4: 0.2}");
  }
  if (auto m = t->get("media")) {
    tr.media.clear();
    for (const auto& [name, f] : m->entries()) {
      f.allow_only({"share", "bitrate", "packet_rate"});
      tr.media.push_back({name, f.get_double("share", 1.0, 0.0, 1e9), f.require("bitrate").as_rate(1e3, 1e10),
                          f.get_double("packet_rate", 0.0, 0.0, 1e6)});
    }
    double sum = 0;
    for (const auto& e : tr.media) sum += e.share;
    if (tr.media.empty() || sum <= 0) m->fail("expected media profiles with positive total share");
  }
  tr.mesh_max = static_cast<int>(t->get_int("mesh_max", 2, 2, 1000));
  tr.local_fraction = t->get_double("local_fraction", 1.0, 0.0, 1.0);
}

void parse_fleet(const Field& root, const char* section, bool sfu, CapacitySpec& s, FleetSpec& fleet) {
  auto f = root.get(section);
  if (!f) return;
  const char* slots_key = sfu ? "participants" : "allocations";
  if (sfu) f->allow_only({"placement", "on_full", "degraded_bitrate", "server", "sites"});
  else f->allow_only({"placement", "on_full", "degraded_bitrate", "server", "sites", "cost_model"});
  if (auto cm = f->get("cost_model")) fleet.cost_model = parse_turn_cost_model(*cm);
  fleet.placement = f->get_enum<capacity::Placement>("placement", capacity::Placement::kNearest,
                                                     {{"round-robin", capacity::Placement::kRoundRobin},
                                                      {"least-loaded", capacity::Placement::kLeastLoaded},
                                                      {"nearest", capacity::Placement::kNearest}});
  fleet.on_full = f->get_enum<capacity::OnFull>("on_full", capacity::OnFull::kBlock,
                                                {{"block", capacity::OnFull::kBlock}, {"degrade", capacity::OnFull::kDegrade}});
  fleet.degraded_bitrate_bps = f->get_rate("degraded_bitrate", 40e3, 1e3, 1e10);
  // Server defaults (relays: coturn; SFUs: LiveKit benchmark), overridable per site.
  struct Caps {
    double bandwidth = 1e9;
    std::int64_t slots = 0;  // 0 = no limit
    std::int64_t cores = 8;
    double per_core = 350e6;
  } base;
  // SFU per-core egress from the one SFU cost model (models/media/sfu_cost_model.hpp).
  if (sfu) base = {1e9, 0, 16, media::SfuCostModel{}.egress_bps_per_core(media::kSfuBenchmarkPacketBytes,
                                                                          media::kSfuBenchmarkFanout)};
  else base.slots = 16384;
  const std::vector<std::string> cap_keys = {"bandwidth", slots_key, "cpu_cores", "per_core"};
  auto read_caps = [&](const Field& c, Caps d) {
    d.bandwidth = c.get_rate("bandwidth", d.bandwidth, 1e3, kMaxRate);
    d.slots = c.get_int(slots_key, d.slots, 0, 1000000000);
    d.cores = c.get_int("cpu_cores", d.cores, 0, 100000);
    d.per_core = c.get_rate("per_core", d.per_core, 1e3, kMaxRate);
    return d;
  };
  if (auto srv = f->get("server")) {
    srv->allow_only(cap_keys);
    base = read_caps(*srv, base);
  }
  auto sites = f->get("sites");
  if (!sites) return;
  for (const auto& [name, site] : sites->entries()) {
    std::vector<std::string> keys = cap_keys;
    keys.push_back("count");
    keys.push_back("region");
    site.allow_only(keys);
    if (name.find('.') != std::string::npos) site.fail("a site name may not contain '.' (it is part of key paths)");
    capacity::ServerSpec sv;
    if (auto r = site.get("region")) sv.region = region_index(s, *r);
    else {
      int idx = -1;
      for (std::size_t i = 0; i < s.network.regions.size(); ++i)
        if (s.network.regions[i].name == name) idx = static_cast<int>(i);
      if (idx < 0) {
        if (s.network.regions.size() == 1) idx = 0;
        else site.fail("site \"" + name + "\" is not a region name; give its region");
      }
      sv.region = idx;
    }
    const Caps c = read_caps(site, base);
    sv.bandwidth_bps = c.bandwidth;
    sv.slots = c.slots > 0 ? c.slots : INT64_MAX / 4;
    sv.cpu_bps = c.cores > 0 ? static_cast<double>(c.cores) * c.per_core : 1e18;
    sv.cpu_cores = c.cores > 0 ? static_cast<double>(c.cores) : 1e18;
    const std::int64_t count = site.get_int("count", 1, 0, 100000);
    fleet.sites.push_back({name, sv, count});
    for (std::int64_t i = 0; i < count; ++i) {
      sv.name = name + "-" + std::to_string(i);
      fleet.servers.push_back(sv);
    }
  }
}

int site_servers(const FleetSpec& fleet, const std::string& prefix, std::vector<int>& out) {
  int n = 0;
  for (std::size_t i = 0; i < fleet.servers.size(); ++i) {
    const std::string& name = fleet.servers[i].name;
    const auto dash = name.rfind('-');
    if (dash != std::string::npos && name.substr(0, dash) == prefix) out.push_back(static_cast<int>(i)), ++n;
  }
  return n;
}

void parse_failures(const Field& root, CapacitySpec& s) {
  auto fs = root.get("failures");
  if (!fs) return;
  for (const Field& f : fs->items()) {
    f.allow_only({"fleet", "server", "site", "region", "at", "duration", "sessions", "restart_delay"});
    capacity::FailureSpec x;
    x.relays = f.get_enum<bool>("fleet", true, {{"relays", true}, {"sfus", false}});
    const FleetSpec& fleet = x.relays ? s.relays : s.sfus;
    const int given = static_cast<int>(f.has("server")) + static_cast<int>(f.has("site")) + static_cast<int>(f.has("region"));
    if (given != 1) f.fail("give exactly one of server, site or region");
    if (auto v = f.get("server")) {
      const std::string name = v->as_identifier();
      for (std::size_t i = 0; i < fleet.servers.size(); ++i)
        if (fleet.servers[i].name == name) x.servers.push_back(static_cast<int>(i));
      if (x.servers.empty()) v->fail("no server \"" + name + "\" (servers are named <site>-<index>, from 0)");
    } else if (auto v = f.get("site")) {
      if (site_servers(fleet, v->as_identifier(), x.servers) == 0) v->fail("no servers at site \"" + v->text() + "\"");
    } else {
      auto r = f.require("region");
      const int region = region_index(s, r);
      for (std::size_t i = 0; i < fleet.servers.size(); ++i)
        if (fleet.servers[i].region == region) x.servers.push_back(static_cast<int>(i));
      if (x.servers.empty()) r.fail("no servers in region \"" + r.text() + "\"");
    }
    x.at = f.get_time("at", SimTime::h(12), SimTime::zero(), SimTime::h(24 * 366));
    x.duration = f.get_time("duration", SimTime::h(1), SimTime::s(1), SimTime::h(24 * 366));
    x.reestablish = f.get_enum<bool>("sessions", true, {{"reestablish", true}, {"drop", false}});
    x.restart_delay = f.get_time("restart_delay", SimTime::ms(3500), SimTime::zero(), SimTime::h(1));
    if (!x.reestablish && f.has("restart_delay")) f.require("restart_delay").fail("only read with sessions: reestablish");
    s.failures.push_back(x);
  }
}

void parse_plan(const Field& root, CapacitySpec& s) {
  auto p = root.get("plan");
  if (!p) return;
  auto& plan = s.plan;
  p->allow_only({"blocking_target", "headroom", "redundancy", "latency_budget", "require_coverage", "prices",
                 "hours_per_month"});
  plan.blocking_target = p->get_double("blocking_target", 0.01, 0.0, 1.0);
  if (auto h = p->get("headroom")) {
    h->allow_only({"cpu", "bandwidth"});
    plan.cpu_headroom = h->get_double("cpu", 1.0, 0.01, 1.0);
    plan.bandwidth_headroom = h->get_double("bandwidth", 1.0, 0.01, 1.0);
  }
  plan.n_plus_one = p->get_enum<bool>("redundancy", false, {{"none", false}, {"n+1", true}});
  const std::size_t nr = s.network.regions.size();
  if (auto b = p->get("latency_budget")) {
    if (b->is_map()) {
      plan.latency_budget.assign(nr, SimTime::max());
      for (const auto& [name, v] : b->entries()) {
        std::size_t j = nr;
        for (std::size_t k = 0; k < nr; ++k)
          if (s.network.regions[k].name == name) j = k;
        if (j == nr) v.fail("unknown region \"" + name + "\"");
        plan.latency_budget[j] = v.as_time(SimTime::zero(), SimTime::s(10));
      }
    } else {
      plan.latency_budget.assign(nr, b->as_time(SimTime::zero(), SimTime::s(10)));
    }
  }
  plan.require_coverage = p->get_bool("require_coverage", true);
  plan.hours_per_month = p->get_double("hours_per_month", 730.0, 1.0, 744.0);
  plan.prices.assign(nr, capacity::RegionPrice{});
  if (auto pr = p->get("prices")) {
    auto entries = pr->entries();
    // `default` first, whatever the order written, so regions override it.
    std::stable_partition(entries.begin(), entries.end(), [](const auto& e) { return e.first == "default"; });
    for (const auto& [name, v] : entries) {
      v.allow_only({"instance_per_hour", "egress_per_gb"});
      std::vector<std::size_t> which;
      for (std::size_t k = 0; k < nr; ++k)
        if (name == "default" || s.network.regions[k].name == name) which.push_back(k);
      if (which.empty()) v.fail("unknown region \"" + name + "\" (or use default)");
      for (std::size_t k : which) {
        plan.prices[k].instance_per_hour = v.get_double("instance_per_hour", plan.prices[k].instance_per_hour, 0.0, 1e6);
        plan.prices[k].egress_per_gb = v.get_double("egress_per_gb", plan.prices[k].egress_per_gb, 0.0, 1e6);
      }
    }
  }
}

}  // namespace

CapacityScenario parse_capacity(const Field& root) {
  CapacityScenario out;
  CapacitySpec& s = out.spec;
  parse_regions(root, s);
  parse_population(root, s);
  parse_traffic(root, s);
  parse_fleet(root, "relays", false, s, s.relays);
  parse_fleet(root, "sfus", true, s, s.sfus);
  capacity::InterimIceParams ice;
  out.use_ice = true;  // default: connection set-up simulated by the packet-level ICE model
  if (auto c = root.get("connectivity")) {
    c->allow_only({"model", "relay_over_tcp", "signalling", "pacing"});
    enum class M { kInterim, kIce };
    out.use_ice = c->get_enum<M>("model", M::kIce, {{"interim-rfc4787", M::kInterim}, {"ice", M::kIce}}) == M::kIce;
    ice.relay_over_tcp = c->get_bool("relay_over_tcp", true);
    ice.signalling = c->get_time("signalling", SimTime::ms(100), SimTime::zero(), SimTime::s(60));
    ice.pacing = c->get_time("pacing", SimTime::ms(50), SimTime::ms(5), SimTime::s(1));
  }
  s.ice = ice;
  if (!out.use_ice) out.connectivity = std::make_unique<capacity::Rfc4787Connectivity>(ice);
  if (auto r = root.get("report")) {
    r->allow_only({"interval", "price_per_gb", "batches", "per_server"});
    s.report.interval = r->get_time("interval", SimTime::min(5), SimTime::s(1), SimTime::h(24 * 366));
    // Series are kept in memory until the result set is written: cap their length.
    if (auto iv = r->get("interval")) {
      const std::int64_t samples = s.traffic.horizon.count_ns() / s.report.interval.count_ns() + 1;
      if (samples > kMaxSeriesSamples) {
        const std::int64_t min_s = (s.traffic.horizon.count_ns() / (kMaxSeriesSamples - 1) + 999'999'999) / 1'000'000'000;
        iv->fail("gives " + std::to_string(samples) + " samples per series over traffic.horizon " +
                 to_string(s.traffic.horizon) + "; at most " + std::to_string(kMaxSeriesSamples) +
                 " are kept (use an interval of at least " + std::to_string(min_s) + "s)");
      }
    }
    s.report.price_per_gb = r->get_double("price_per_gb", 0.09, 0.0, 1e6);
    s.report.batches = static_cast<int>(r->get_int("batches", 20, 2, 1000));
    s.report.per_server_metrics = r->get_bool("per_server", true);
  }
  parse_failures(root, s);
  parse_plan(root, s);
  return out;
}

}  // namespace p2psim::study
