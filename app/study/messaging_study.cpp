// Study kind "messaging": messaging under churn. Reads the sections `messaging`,
// `availability`, `workload` and `architecture` (keys: docs/scenarios.md, "study:
// messaging"; models: docs/models/messaging.md) and runs models/messaging/experiment.hpp.
#include <memory>
#include <string>

#include "app/study/study.hpp"
#include "models/messaging/experiment.hpp"

namespace p2psim::study {

namespace {
using messaging::ArchitectureKind;
using messaging::AvailabilitySpec;
using messaging::SessionDistribution;
using messaging::SessionLaw;
using scenario::Field;

constexpr double kLn2 = 0.69314718055994530942;
const SimTime kYear = SimTime::h(24 * 366);

SessionDistribution parse_session(const Field& f, const SessionDistribution& def) {
  f.expect_map();
  SessionDistribution d = def;
  d.law = f.get_enum<SessionLaw>("distribution", def.law,
                                 {{"exponential", SessionLaw::kExponential},
                                  {"weibull", SessionLaw::kWeibull},
                                  {"lognormal", SessionLaw::kLognormal}});
  switch (d.law) {
    case SessionLaw::kExponential:
      f.allow_only({"distribution", "median", "mean"});
      if (f.has("mean") && f.has("median")) f.require("mean").fail("give either mean or median, not both");
      if (f.has("mean")) {
        d.median = SimTime::from_seconds(f.require("mean").as_time(SimTime::s(1), kYear).seconds() * kLn2);
        return d;
      }
      break;
    case SessionLaw::kWeibull:
      f.allow_only({"distribution", "median", "shape"});
      d.shape = f.get_double("shape", def.law == SessionLaw::kWeibull ? def.shape : 0.61, 0.05, 20);
      break;
    case SessionLaw::kLognormal:
      f.allow_only({"distribution", "median", "sigma"});
      d.sigma = f.get_double("sigma", def.law == SessionLaw::kLognormal ? def.sigma : 1.0, 0.01, 5);
      break;
  }
  d.median = f.get_time("median", def.median, SimTime::s(1), kYear);
  return d;
}

AvailabilitySpec parse_availability(const std::optional<Field>& f, const AvailabilitySpec& def) {
  if (!f) return def;
  f->allow_only({"always_up", "online", "offline", "diurnal", "warmup"});
  AvailabilitySpec a = def;
  a.always_up = f->get_bool("always_up", def.always_up);
  if (auto on = f->get("online")) a.online = parse_session(*on, def.online);
  if (auto off = f->get("offline")) a.offline = parse_session(*off, def.offline);
  if (auto d = f->get("diurnal")) {
    d->allow_only({"amplitude", "peak"});
    a.diurnal.amplitude = d->get_double("amplitude", def.diurnal.amplitude, 0, 0.95);
    a.diurnal.peak = d->get_time("peak", def.diurnal.peak, SimTime::zero(), SimTime::h(24));
  }
  a.warmup = f->get_time("warmup", def.warmup, SimTime::zero(), kYear);
  return a;
}

messaging::MessagingSpec parse_spec(const Field& root) {
  messaging::MessagingSpec s;
  const SimTime kMaxRun = SimTime::h(24 * 60);

  if (auto m = root.get("messaging")) {
    m->allow_only({"users", "deadline", "hop_latency", "radio"});
    enum class Radio { kNone, kLte, kUmts, kWifi };
    const Radio radio = m->get_enum<Radio>(
        "radio", Radio::kNone, {{"none", Radio::kNone}, {"lte", Radio::kLte}, {"umts", Radio::kUmts}, {"wifi", Radio::kWifi}});
    if (radio != Radio::kNone) {
      energy::RadioSpec rs;  // the energy model's default parameters (docs/models/energy.md)
      rs.kind = radio == Radio::kLte ? energy::RadioKind::kLte
                : radio == Radio::kUmts ? energy::RadioKind::kUmts
                                        : energy::RadioKind::kWifi;
      s.radio = rs;
    }
    s.users = static_cast<int>(m->get_int("users", s.users, 2, 100000));
    s.deadline = m->get_time("deadline", s.deadline, SimTime::s(1), kMaxRun);
    s.hop_latency = m->get_time("hop_latency", s.hop_latency, SimTime::zero(), SimTime::s(10));
  }

  if (auto a = root.get("availability")) {
    a->allow_only({"users", "servers", "peers"});
    s.user_availability = parse_availability(a->get("users"), s.user_availability);
    s.server_availability = parse_availability(a->get("servers"), s.server_availability);
    s.peer_availability = parse_availability(a->get("peers"), s.user_availability);
  } else {
    s.peer_availability = s.user_availability;
  }

  if (auto w = root.get("workload")) {
    w->allow_only({"conversation", "room_size", "contacts", "rate", "message_size", "duration"});
    auto& ws = s.workload;
    ws.mode = w->get_enum<messaging::ConversationMode>(
        "conversation", ws.mode, {{"rooms", messaging::ConversationMode::kRooms}, {"direct", messaging::ConversationMode::kDirect}});
    ws.room_size = static_cast<int>(w->get_int("room_size", ws.room_size, 2, 100000));
    ws.contacts = static_cast<int>(w->get_int("contacts", ws.contacts, 1, 100000));
    ws.rate_per_online_hour = w->get_double("rate", ws.rate_per_online_hour, 1e-3, 3600);
    ws.message_size = w->get_size("message_size", ws.message_size, 1, std::int64_t{1} << 30);
    ws.duration = w->get_time("duration", ws.duration, SimTime::min(1), kMaxRun);
    if (ws.mode == messaging::ConversationMode::kRooms && ws.room_size > s.users)
      w->require("room_size").fail("room_size must not exceed messaging.users (" + std::to_string(s.users) + ")");
    if (ws.mode == messaging::ConversationMode::kDirect && ws.contacts >= s.users)
      w->require("contacts").fail("contacts must be less than messaging.users (" + std::to_string(s.users) + ")");
  }

  const Field arch = root.require("architecture");
  arch.allow_only({"kind", "p2p", "store_and_forward", "federation", "relay", "dht"});
  s.kind = arch.require("kind").as_enum<ArchitectureKind>({{"p2p", ArchitectureKind::kPureP2p},
                                                          {"store-and-forward", ArchitectureKind::kStoreAndForward},
                                                          {"federation", ArchitectureKind::kFederation},
                                                          {"relay", ArchitectureKind::kRelay},
                                                          {"dht", ArchitectureKind::kDht}});
  if (auto p = arch.get("p2p")) {
    p->allow_only({"retry_interval", "backoff", "max_interval", "give_up_after", "keepalive"});
    s.p2p.retry_interval = p->get_time("retry_interval", s.p2p.retry_interval, SimTime::s(1), kMaxRun);
    s.p2p.backoff = p->get_double("backoff", s.p2p.backoff, 1.0, 10.0);
    s.p2p.max_interval = p->get_time("max_interval", s.p2p.max_interval, SimTime::s(1), kMaxRun);
    s.p2p.give_up_after = p->get_time("give_up_after", s.p2p.give_up_after, SimTime::zero(), kMaxRun);
    s.p2p.keepalive = p->get_time("keepalive", s.p2p.keepalive, SimTime::s(1), SimTime::h(24));
    if (s.p2p.max_interval < s.p2p.retry_interval)
      p->require("max_interval").fail("max_interval must be >= retry_interval");
  }
  if (auto p = arch.get("store_and_forward")) {
    p->allow_only({"sync_interval"});
    s.store_and_forward.sync_interval =
        p->get_time("sync_interval", s.store_and_forward.sync_interval, SimTime::s(1), SimTime::h(24));
  }
  if (auto p = arch.get("federation")) {
    auto& f = s.federation;
    p->allow_only({"servers", "max_pdus", "min_retry", "retry_multiplier", "max_retry", "sync_interval"});
    f.servers = static_cast<int>(p->get_int("servers", f.servers, 1, 1000));
    f.max_pdus = static_cast<int>(p->get_int("max_pdus", f.max_pdus, 1, 100000));
    f.min_retry = p->get_time("min_retry", f.min_retry, SimTime::s(1), kMaxRun);
    f.retry_multiplier = p->get_double("retry_multiplier", f.retry_multiplier, 1.0, 100.0);
    f.max_retry = p->get_time("max_retry", f.max_retry, SimTime::s(1), kYear);
    f.sync_interval = p->get_time("sync_interval", f.sync_interval, SimTime::s(1), SimTime::h(24));
    if (f.max_retry < f.min_retry) p->require("max_retry").fail("max_retry must be >= min_retry");
  }
  if (auto p = arch.get("relay")) {
    auto& r = s.relay;
    p->allow_only({"relays", "degree", "degree_high", "store_nodes", "retention", "query_interval", "keepalive"});
    r.relays = static_cast<int>(p->get_int("relays", r.relays, 2, 10000));
    r.degree = static_cast<int>(p->get_int("degree", r.degree, 1, 1000));
    r.degree_high = static_cast<int>(p->get_int("degree_high", r.degree_high, 1, 1000));
    r.store_nodes = static_cast<int>(p->get_int("store_nodes", r.store_nodes, 0, 10000));
    r.retention = p->get_time("retention", r.retention, SimTime::s(1), kYear);
    r.query_interval = p->get_time("query_interval", r.query_interval, SimTime::s(1), SimTime::h(24));
    r.keepalive = p->get_time("keepalive", r.keepalive, SimTime::s(1), SimTime::h(24));
    if (r.degree >= r.relays) p->require("degree").fail("degree must be less than relays (" + std::to_string(r.relays) + ")");
    if (r.degree_high < r.degree) p->require("degree_high").fail("degree_high must be >= degree");
    if (r.store_nodes > r.relays) p->require("store_nodes").fail("store_nodes must not exceed relays");
  }
  if (auto p = arch.get("dht")) {
    auto& d = s.dht;
    p->allow_only({"peers", "replication", "alpha", "record_ttl", "poll_interval"});
    d.peers = static_cast<int>(p->get_int("peers", d.peers, 1, 100000));
    d.replication = static_cast<int>(p->get_int("replication", d.replication, 1, 1000));
    d.alpha = static_cast<int>(p->get_int("alpha", d.alpha, 1, 100));
    d.record_ttl = p->get_time("record_ttl", d.record_ttl, SimTime::s(1), kYear);
    d.poll_interval = p->get_time("poll_interval", d.poll_interval, SimTime::s(1), SimTime::h(24));
    if (d.replication > d.peers) p->require("replication").fail("replication must not exceed peers");
  }
  return s;
}

class MessagingStudy final : public Study {
 public:
  explicit MessagingStudy(messaging::MessagingSpec spec) : spec_(std::move(spec)) {}
  RunResult run(std::uint64_t seed) const override {
    const messaging::MessagingResult r = messaging::run_messaging(spec_, seed);
    RunResult out;
    auto add = [&](const char* name, double v) { out.metrics.push_back({name, v}); };
    add("messages", static_cast<double>(r.messages));
    add("recipient_pairs", static_cast<double>(r.pairs));
    add("delivery_ratio", r.delivery_ratio);
    add("delivered_by_end_ratio", r.delivered_by_end_ratio);
    add("delay_p50_s", r.delay_p50_s);
    add("delay_p95_s", r.delay_p95_s);
    add("delay_p99_s", r.delay_p99_s);
    add("delay_mean_s", r.delay_mean_s);
    add("bytes_per_message", r.bytes_per_message);
    add("copies_per_message", r.copies_per_message);
    add("hops_mean", r.hops_mean);
    add("control_per_message", r.control_per_message);
    add("peak_node_storage_bytes", r.peak_node_storage_bytes);
    add("peak_total_storage_bytes", r.peak_total_storage_bytes);
    add("transactions", static_cast<double>(r.transactions));
    add("failed_transactions", static_cast<double>(r.failed_transactions));
    add("pdus_per_transaction_mean", r.pdus_per_transaction_mean);
    add("max_pdus_per_transaction", r.max_pdus_per_transaction);
    add("server_copies_per_message", r.server_copies_per_message);
    add("user_online_fraction", r.user_online_fraction);
    add("wakeups_per_online_hour", r.wakeups_per_online_hour);
    if (r.has_energy) {
      add("energy_j_per_user_day", r.energy_j_per_user_day);
      add("reachability_mw_online", r.reachability_mw_online);
    }
    return out;
  }

 private:
  messaging::MessagingSpec spec_;
};
}  // namespace

StudyKind make_messaging_kind() {
  StudyKind k;
  k.name = "messaging";
  k.description = "messaging under churn: pure P2P, store-and-forward, federation, relay network, DHT storage";
  k.sections = {"messaging", "availability", "workload", "architecture"};
  k.parse = [](const Field& root) -> std::unique_ptr<Study> {
    return std::make_unique<MessagingStudy>(parse_spec(root));
  };
  k.headline = {"delivery_ratio", "delay_p50_s", "delay_p95_s", "copies_per_message", "bytes_per_message",
                "peak_node_storage_bytes"};
  return k;
}

}  // namespace p2psim::study
