#include "models/media/group_call.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "models/media/max_min.hpp"
#include "sim/random.hpp"
#include "sim/simulator.hpp"
#include "sim/stats.hpp"

namespace p2psim::media {

namespace {
// Index k with probability share_k / sum of shares (the last index absorbs rounding), drawn
// from the entity stream `key`: one rule for access profiles and regions.
template <class Items>
int draw_by_share(const Items& items, std::uint64_t seed, const std::string& key) {
  double total = 0;
  for (const auto& it : items) total += it.share;
  Rng rng = Rng::stream(seed, key);
  const double u = rng.uniform01() * total;
  double acc = 0;
  for (std::size_t k = 0; k < items.size(); ++k) {
    acc += items[k].share;
    if (u < acc) return static_cast<int>(k);
  }
  return static_cast<int>(items.size() - 1);
}
}  // namespace

int draw_access_profile(const CallSpec& spec, std::uint64_t seed, int i) {
  if (!spec.access_assignment.empty()) return spec.access_assignment[static_cast<std::size_t>(i)];
  return draw_by_share(spec.access, seed, "media/participant/" + std::to_string(i));
}

int draw_region(const CallSpec& spec, std::uint64_t seed, int i) {
  if (spec.regions.empty()) return 0;
  if (!spec.region_assignment.empty()) return spec.region_assignment[static_cast<std::size_t>(i)];
  return draw_by_share(spec.regions, seed, "media/region/" + std::to_string(i));
}

namespace {

// Quantile q of xs (Hyndman & Fan type 7, as p2psim::Samples) by selection, O(n).
double quantile(std::vector<double>& xs, double q) {
  const double h = q * static_cast<double>(xs.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(h);
  std::nth_element(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(lo), xs.end());
  const double a = xs[lo];
  if (lo + 1 >= xs.size()) return a;
  const double b = *std::min_element(xs.begin() + static_cast<std::ptrdiff_t>(lo) + 1, xs.end());
  return a + (h - static_cast<double>(lo)) * (b - a);
}

// The built-in observer: time-weighted metrics of the whole call.
class Collector final : public CallObserver {
 public:
  Collector(int n, SimTime duration) : duration_(duration), p_(n), acc_(n) {}

  void on_interval(SimTime from, SimTime to, const Allocation& a) override {
    const double dt = (to - from).seconds();
    const int n = a.ctx.n();
    std::vector<double> up(n, 0), down(n, 0);
    for (std::size_t f = 0; f < a.plan.flows.size(); ++f) {
      const PlannedFlow& fl = a.plan.flows[f];
      const double r = a.flow_rate[f];
      if (fl.sender >= 0) {
        Acc& s = acc_[fl.sender];
        up[fl.sender] += r;
        s.up_req += fl.nominal_bps * dt;
        if (fl.demand_bps > 0) s.sent += dt;
      }
      if (fl.receiver >= 0) {
        Acc& s = acc_[fl.receiver];
        down[fl.receiver] += r;
        s.down_req += fl.nominal_bps * dt;
        if (fl.demand_bps > 0) s.recv += dt;
      }
      wire_bytes_ += r * dt / 8.0;
      if (fl.inter_sfu) inter_sfu_ += r * dt;
      const std::uint32_t first_server_link = a.ctx.links.in(0);
      for (int k = 0; k < fl.nlinks; ++k) {
        const std::uint32_t l = fl.links[k];
        if (l < first_server_link) continue;
        const std::uint32_t off = l - first_server_link;  // server s: in = 2s, out = 2s + 1
        const std::uint32_t s = off / 2;
        Srv& v = srv_[s < kServerCount ? s : static_cast<std::uint32_t>(kSfuServer)];
        (off % 2 == 0 ? v.in_req : v.out_req) += fl.nominal_bps * dt;
        if (!regional_.empty()) {
          const int reg = s == kSfuServer ? 0 : s >= kServerCount ? static_cast<int>(s) - kServerCount + 1 : -1;
          if (reg >= 0) (off % 2 == 0 ? regional_[reg].in_req : regional_[reg].out_req) += fl.nominal_bps * dt;
        }
      }
    }
    for (int i = 0; i < n; ++i) {
      acc_[i].up_del += up[i] * dt;
      acc_[i].down_del += down[i] * dt;
      p_[i].uplink_saturated = p_[i].uplink_saturated || a.link_saturated[a.ctx.links.up(i)];
      p_[i].downlink_saturated = p_[i].downlink_saturated || a.link_saturated[a.ctx.links.down(i)];
      const double need = i < static_cast<int>(a.plan.client_cores.size()) ? a.plan.client_cores[i] : 0.0;
      acc_[i].cores += need * dt;
      if (a.client_factor[i] < 1) p_[i].cpu_short = true;
      p_[i].trace.push_back(RateStep{from, up[i], down[i], need * a.client_factor[i]});
    }
    for (int s = 0; s < kServerCount; ++s) {
      Srv& v = srv_[s];
      v.in += a.link_load[a.ctx.links.in(s)] * dt;
      v.out += a.link_load[a.ctx.links.out(s)] * dt;
      v.cpu += a.plan.cpu_cores[s] * dt;
      v.cpu_max = std::max(v.cpu_max, a.plan.cpu_cores[s]);
      if (a.link_saturated[a.ctx.links.in(s)] || a.link_saturated[a.ctx.links.out(s)]) v.sat += dt;
    }
    if (a.ctx.links.sfus > 1) {
      regional_.resize(static_cast<std::size_t>(a.ctx.links.sfus));
      bool sat = false;
      for (int r = 0; r < a.ctx.links.sfus; ++r) {
        Srv& v = regional_[r];
        const double in = a.link_load[a.ctx.links.sfu_in(r)], out = a.link_load[a.ctx.links.sfu_out(r)];
        v.in += in * dt;
        v.out += out * dt;
        if (r > 0) {  // region 0's SFU is already in srv_[kSfuServer]
          srv_[kSfuServer].in += in * dt;
          srv_[kSfuServer].out += out * dt;
        }
        const double cores = static_cast<std::size_t>(r) < a.plan.sfu_cores.size() ? a.plan.sfu_cores[r] : 0.0;
        v.cpu += cores * dt;
        v.cpu_max = std::max(v.cpu_max, cores);
        const bool s = a.link_saturated[a.ctx.links.sfu_in(r)] || a.link_saturated[a.ctx.links.sfu_out(r)];
        if (s) v.sat += dt;
        sat = sat || s;
      }
      if (sat && !(a.link_saturated[a.ctx.links.in(kSfuServer)] || a.link_saturated[a.ctx.links.out(kSfuServer)]))
        srv_[kSfuServer].sat += dt;
    }
    for (std::size_t k = 0; k < a.plan.streams.size(); ++k) {
      const EndToEndStream& e = a.plan.streams[k];
      Acc& r = acc_[e.receiver];
      r.expected += dt;
      expected_ += dt;
      if (e.failed) failed_ += dt;
      if (a.stream_full[k]) {
        r.full += dt;
        full_ += dt;
      } else {
        p_[e.receiver].all_full = false;
      }
      if (first_ && !e.failed && e.payload_bps > 0) latency_.push_back(e.latency.seconds());
    }
    first_ = false;
    limits_.uplink |= a.limits.uplink;
    limits_.downlink |= a.limits.downlink;
    limits_.client_cpu |= a.limits.client_cpu;
    limits_.server_cpu |= a.limits.server_cpu;
    limits_.server_net |= a.limits.server_net;
  }

  CallResult finish() {
    CallResult r;
    const double T = duration_.seconds();
    bool all = true;
    for (std::size_t i = 0; i < p_.size(); ++i) {
      ParticipantResult& p = p_[i];
      const Acc& s = acc_[i];
      p.uplink_requested_bps = s.up_req / T;
      p.uplink_delivered_bps = s.up_del / T;
      p.downlink_requested_bps = s.down_req / T;
      p.downlink_delivered_bps = s.down_del / T;
      p.streams_sent = s.sent / T;
      p.streams_received = s.recv / T;
      p.full_rate_fraction = s.expected > 0 ? s.full / s.expected : 1.0;
      p.client_cores = s.cores / T;
      all = all && p.all_full;
    }
    for (int s = 0; s < kServerCount; ++s) {
      ServerResult& v = r.servers[s];
      v.ingress_bps = srv_[s].in / T;
      v.egress_bps = srv_[s].out / T;
      v.ingress_requested_bps = srv_[s].in_req / T;
      v.egress_requested_bps = srv_[s].out_req / T;
      v.cpu_cores = srv_[s].cpu / T;
      v.cpu_cores_max = srv_[s].cpu_max;
      v.saturated_time_fraction = srv_[s].sat / T;
    }
    for (const Srv& s : regional_) {
      ServerResult v;
      v.ingress_bps = s.in / T;
      v.egress_bps = s.out / T;
      v.ingress_requested_bps = s.in_req / T;
      v.egress_requested_bps = s.out_req / T;
      v.cpu_cores = s.cpu / T;
      v.cpu_cores_max = s.cpu_max;
      v.saturated_time_fraction = s.sat / T;
      r.sfus.push_back(v);
    }
    r.inter_sfu_bps = inter_sfu_ / T;
    r.participants = std::move(p_);
    r.wire_bytes = wire_bytes_;
    if (!latency_.empty()) {
      double sum = 0;
      for (double x : latency_) sum += x;
      r.latency_mean_s = sum / static_cast<double>(latency_.size());
      r.latency_p95_s = quantile(latency_, 0.95);
    }
    r.full_rate_fraction = expected_ > 0 ? full_ / expected_ : 1.0;
    r.failed_fraction = expected_ > 0 ? failed_ / expected_ : 0.0;
    r.all_full = all;
    r.limits = limits_;
    return r;
  }

 private:
  struct Acc {
    double up_req = 0, up_del = 0, down_req = 0, down_del = 0, sent = 0, recv = 0, full = 0, expected = 0, cores = 0;
  };
  struct Srv {
    double in = 0, out = 0, in_req = 0, out_req = 0, cpu = 0, cpu_max = 0, sat = 0;
  };
  SimTime duration_;
  std::vector<ParticipantResult> p_;
  std::vector<Acc> acc_;
  Srv srv_[kServerCount];
  std::vector<Srv> regional_;  // cascade: per regional SFU
  double inter_sfu_ = 0;
  double wire_bytes_ = 0, expected_ = 0, full_ = 0, failed_ = 0;
  std::vector<double> latency_;
  CallLimits limits_;
  bool first_ = true;
};

// Buffers of one call run, reused by the next run on the same thread (a sweep runs
// thousands of calls; fresh large allocations per run cost more than the model).
struct CallBuffers {
  StreamPlan plan;
  FlowSet set;
  MaxMinWorkspace ws;
  MaxMinResult r1, r2;
  std::vector<std::uint32_t> index;
  std::vector<double> capacity, cap2, rate, ratio, fraction, load, client_factor;
  std::vector<char> full, saturated;
};

// One set per thread, shared by every call run on it.
CallBuffers& thread_buffers() {
  thread_local CallBuffers buffers;
  return buffers;
}

class CallRun {
 public:
  CallRun(const CallSpec& spec, std::uint64_t seed, std::span<CallObserver* const> observers, CallBuffers& b)
      : spec_(spec),
        participants_(draw(spec, seed)),
        ctx_{spec, participants_, LinkMap{spec.group_size, sfu_count(spec)}},
        topology_(make_topology(spec.topology)),
        speakers_(Rng::stream(seed, "media/speakers")),
        observers_(observers.begin(), observers.end()),
        capacity_(b.capacity),
        plan_(b.plan),
        set_(b.set),
        ws_(b.ws),
        r1_(b.r1),
        r2_(b.r2),
        index_(b.index),
        cap2_(b.cap2),
        rate_(b.rate),
        ratio_(b.ratio),
        fraction_(b.fraction),
        load_(b.load),
        full_(b.full),
        saturated_(b.saturated),
        client_factor_(b.client_factor) {
    plan_.clear();
    const int n = spec.group_size;
    capacity_.assign(ctx_.links.count(), kUnlimited);
    for (int i = 0; i < n; ++i) {
      capacity_[ctx_.links.up(i)] = participants_[i].uplink_bps;
      capacity_[ctx_.links.down(i)] = participants_[i].downlink_bps;
    }
    const ServerSpec* servers[kServerCount] = {&spec.sfu, &spec.mcu, &spec.turn};
    cpu_capacity_.assign(static_cast<std::size_t>(kServerCount + ctx_.links.sfus - 1), spec.sfu.cpu_cores);
    for (int s = 0; s < kServerCount; ++s) {
      capacity_[ctx_.links.in(s)] = servers[s]->ingress_bps;
      capacity_[ctx_.links.out(s)] = servers[s]->egress_bps;
      cpu_capacity_[s] = servers[s]->cpu_cores;
    }
    for (int r = 1; r < ctx_.links.sfus; ++r) {
      capacity_[ctx_.links.sfu_in(r)] = spec.sfu.ingress_bps;
      capacity_[ctx_.links.sfu_out(r)] = spec.sfu.egress_bps;
    }
    // Initial speaker order: a uniform random permutation (Fisher-Yates).
    recency_.resize(n);
    for (int i = 0; i < n; ++i) recency_[i] = i;
    for (int i = n - 1; i > 0; --i) std::swap(recency_[i], recency_[speakers_.below(static_cast<std::uint64_t>(i) + 1)]);
  }

  void run() {
    allocate();
    if (topology_->depends_on_speakers(ctx_) && spec_.group_size > 2) schedule_turn();
    sim_.run_until(spec_.duration);
    emit(spec_.duration);
  }

  // The initial allocation alone, reported as one interval over the whole call.
  void run_first() {
    allocate();
    emit(spec_.duration);
  }

  int replans() const { return replans_; }

 private:
  static int sfu_count(const CallSpec& spec) {
    return spec.sfu_cascade && spec.regions.size() > 1 ? static_cast<int>(spec.regions.size()) : 1;
  }

  static std::vector<Participant> draw(const CallSpec& spec, std::uint64_t seed) {
    std::vector<Participant> v(spec.group_size);
    for (int i = 0; i < spec.group_size; ++i) {
      const int k = draw_access_profile(spec, seed, i);
      const AccessProfile& a = spec.access[k];
      v[i] = Participant{k, a.uplink_bps, a.downlink_bps, a.latency, &a.layout, &a.device, draw_region(spec, seed, i)};
    }
    return v;
  }

  void schedule_turn() {
    const double mean = spec_.speaker_turn_mean.seconds();
    sim_.schedule_after(SimTime::from_seconds(speakers_.exponential(mean)), [this] { on_turn(); });
  }

  void on_turn() {
    // The next dominant speaker: uniform among everyone but the current one.
    const int n = spec_.group_size;
    const std::size_t k = 1 + speakers_.below(static_cast<std::uint64_t>(n - 1));
    std::rotate(recency_.begin(), recency_.begin() + static_cast<std::ptrdiff_t>(k),
                recency_.begin() + static_cast<std::ptrdiff_t>(k) + 1);
    emit(sim_.now());
    allocate();
    schedule_turn();
  }

  void emit(SimTime to) {
    if (to < last_ || (emitted_ && to == last_)) return;  // nothing new to report
    emitted_ = true;
    Allocation a{ctx_, plan_, rate_, fraction_, full_, load_, capacity_, saturated_, client_factor_, limits_};
    for (CallObserver* o : observers_) o->on_interval(last_, to, a);
    last_ = to;
  }

  void allocate() {
    ++replans_;
    plan_.clear();
    topology_->plan(ctx_, recency_, plan_);
    plan_.cpu_cores[kTurnServer] = turn_relay_cores(ctx_, plan_);
    const std::size_t F = plan_.flows.size(), L = capacity_.size();
    // Server CPU throttle factors: main servers, then regional SFUs 1.. (cascade).
    std::vector<double>& factor = factor_;
    factor.assign(cpu_capacity_.size(), 1.0);
    for (std::size_t s = 0; s < factor.size(); ++s) {
      double need = s < kServerCount ? plan_.cpu_cores[s] : 0.0;
      if (ctx_.links.sfus > 1 && (s == kSfuServer || s >= kServerCount)) {
        const std::size_t r = s == kSfuServer ? 0 : s - kServerCount + 1;
        need = r < plan_.sfu_cores.size() ? plan_.sfu_cores[r] : 0.0;
      }
      if (need > cpu_capacity_[s]) factor[s] = cpu_capacity_[s] / need;
    }
    // A client short of CPU encodes (and renders) in proportion to the cores it has.
    const int n = spec_.group_size;
    client_factor_.assign(n, 1.0);
    limits_ = CallLimits{};
    for (int i = 0; i < n && i < static_cast<int>(plan_.client_cores.size()); ++i) {
      const double cap = participants_[i].device->capacity();
      if (plan_.client_cores[i] > cap * (1 + 1e-12)) {
        client_factor_[i] = cap / plan_.client_cores[i];
        limits_.client_cpu = true;
      }
    }
    for (double f : factor) limits_.server_cpu |= f < 1;
    auto demand = [&](const PlannedFlow& f) {
      double d = f.origin_server >= 0 ? f.demand_bps * factor[f.origin_server] : f.demand_bps;
      if (factor[kTurnServer] < 1 && crosses_turn(ctx_, f)) d *= factor[kTurnServer];  // TURN short of CPU
      if (f.encoded_video && f.sender >= 0) d *= client_factor_[f.sender];
      return d;
    };
    auto links = [](const PlannedFlow& f) { return std::span<const std::uint32_t>(f.links, f.nlinks); };

    rate_.assign(F, 0.0);
    set_.clear();
    index_.clear();
    for (std::size_t f = 0; f < F; ++f) {
      if (plan_.flows[f].parent >= 0) continue;
      set_.add(demand(plan_.flows[f]), links(plan_.flows[f]));
      index_.push_back(static_cast<std::uint32_t>(f));
    }
    max_min_fair(capacity_, set_, ws_, r1_);
    const MaxMinResult& r1 = r1_;
    for (std::size_t k = 0; k < index_.size(); ++k) rate_[index_[k]] = r1.rate[k];
    // Delivered share of each flow (rate / demand, 0 without demand), computed once per
    // flow: an upload is the parent and a leg of many streams.
    ratio_.resize(F);
    auto set_ratio = [&](std::size_t f) {
      const double d = plan_.flows[f].demand_bps;
      ratio_[f] = d > 0 ? rate_[f] / d : 0.0;
    };
    for (std::uint32_t f : index_) set_ratio(f);

    std::vector<double>& cap2 = cap2_;
    cap2.resize(L);
    for (std::size_t l = 0; l < L; ++l) cap2[l] = std::max(0.0, capacity_[l] - r1.load[l]);
    set_.clear();
    index_.clear();
    for (std::size_t f = 0; f < F; ++f) {
      const PlannedFlow& fl = plan_.flows[f];
      if (fl.parent < 0) continue;
      const double frac = std::min(1.0, ratio_[static_cast<std::size_t>(fl.parent)]);
      set_.add(demand(fl) * frac, links(fl));
      index_.push_back(static_cast<std::uint32_t>(f));
    }
    max_min_fair(cap2, set_, ws_, r2_);
    const MaxMinResult& r2 = r2_;
    for (std::size_t k = 0; k < index_.size(); ++k) rate_[index_[k]] = r2.rate[k];
    for (std::uint32_t f : index_) set_ratio(f);

    load_.assign(L, 0.0);
    saturated_.assign(L, 0);
    for (std::size_t l = 0; l < L; ++l) {
      load_[l] = r1.load[l] + r2.load[l];
      saturated_[l] = r1.saturated[l] || r2.saturated[l] ||
                      (std::isfinite(capacity_[l]) && load_[l] > 0 && load_[l] >= capacity_[l] * (1 - 1e-9));
    }

    const std::size_t S = plan_.streams.size();
    fraction_.assign(S, 0.0);
    full_.assign(S, 0);
    for (std::size_t k = 0; k < S; ++k) {
      const EndToEndStream& e = plan_.streams[k];
      if (e.failed || e.payload_bps <= 0) continue;
      double frac = 1.0;
      for (std::int32_t leg : e.legs)
        if (leg >= 0) frac = std::min(frac, ratio_[static_cast<std::size_t>(leg)]);
      fraction_[k] = frac;
      full_[k] = e.payload_bps >= e.nominal_payload_bps * (1 - 1e-9) && frac >= 1 - 1e-6 &&
                 (e.kind != MediaKind::kVideo || client_factor_[e.receiver] >= 1);
    }
    limits_.uplink |= plan_.shortfall.uplink;
    limits_.downlink |= plan_.shortfall.downlink;
    for (int i = 0; i < n; ++i) {
      limits_.uplink |= saturated_[ctx_.links.up(i)] != 0;
      limits_.downlink |= saturated_[ctx_.links.down(i)] != 0;
    }
    for (int s = 0; s < kServerCount; ++s)
      limits_.server_net |= saturated_[ctx_.links.in(s)] || saturated_[ctx_.links.out(s)];
    for (int r = 1; r < ctx_.links.sfus; ++r)
      limits_.server_net |= saturated_[ctx_.links.sfu_in(r)] || saturated_[ctx_.links.sfu_out(r)];
  }

  const CallSpec& spec_;
  std::vector<Participant> participants_;
  CallContext ctx_;
  std::unique_ptr<Topology> topology_;
  Rng speakers_;
  std::vector<CallObserver*> observers_;
  Simulator sim_;
  std::vector<int> recency_;
  std::vector<double>& capacity_;
  std::vector<double> cpu_capacity_, factor_;
  StreamPlan& plan_;
  FlowSet& set_;
  MaxMinWorkspace& ws_;
  MaxMinResult &r1_, &r2_;
  std::vector<std::uint32_t>& index_;
  std::vector<double>&cap2_, &rate_, &ratio_, &fraction_, &load_;  // ratio_: rate / demand per flow
  std::vector<char>&full_, &saturated_;
  std::vector<double>& client_factor_;
  CallLimits limits_;
  SimTime last_;
  bool emitted_ = false;
  int replans_ = 0;
};

}  // namespace

CallResult simulate_group_call(const CallSpec& spec, std::uint64_t seed, std::span<CallObserver* const> observers) {
  Collector collector(spec.group_size, spec.duration);
  std::vector<CallObserver*> all{&collector};
  all.insert(all.end(), observers.begin(), observers.end());
  CallRun run(spec, seed, all, thread_buffers());
  run.run();
  CallResult r = collector.finish();
  for (std::size_t i = 0; i < r.participants.size(); ++i)
    r.participants[i].profile = draw_access_profile(spec, seed, static_cast<int>(i));
  r.replans = run.replans();
  return r;
}

namespace {
// Observer of what group_call_fit needs.
class FitObserver final : public CallObserver {
 public:
  void on_interval(SimTime, SimTime, const Allocation& a) override {
    for (char f : a.stream_full) fit.all_full = fit.all_full && f != 0;
    fit.limits.uplink |= a.limits.uplink;
    fit.limits.downlink |= a.limits.downlink;
    fit.limits.client_cpu |= a.limits.client_cpu;
    fit.limits.server_cpu |= a.limits.server_cpu;
    fit.limits.server_net |= a.limits.server_net;
  }
  CallFit fit;
};

bool all_equal(const std::vector<int>& v) {
  return std::adjacent_find(v.begin(), v.end(), std::not_equal_to<>()) == v.end();
}
}  // namespace

bool call_is_symmetric(const CallSpec& spec) {
  const bool one_profile =
      spec.access_assignment.empty() ? spec.access.size() == 1 : all_equal(spec.access_assignment);
  const bool one_region = spec.region_assignment.empty() ? spec.regions.size() <= 1 : all_equal(spec.region_assignment);
  return one_profile && one_region && spec.connectivity.peer.empty() && spec.connectivity.server.empty();
}

CallFit group_call_fit(const CallSpec& spec, std::uint64_t seed) {
  if (!call_is_symmetric(spec)) {
    const CallResult r = simulate_group_call(spec, seed);
    return CallFit{r.all_full, r.limits};
  }
  FitObserver fit;
  CallObserver* const all[] = {&fit};
  CallRun run(spec, seed, all, thread_buffers());
  run.run_first();
  return fit.fit;
}

}  // namespace p2psim::media
