#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <string>

#include "helpers.hpp"
#include "models/messaging/experiment.hpp"

using namespace p2psim;
using namespace p2psim::messaging;
using p2psim::messaging::testing::Recorder;

namespace {
std::vector<Timeline> churny_users(int n, std::uint64_t seed, SimTime horizon) {
  AvailabilitySpec a;  // default Weibull sessions
  std::vector<Timeline> users;
  for (int u = 0; u < n; ++u) {
    Rng rng = Rng::stream(seed, "u/" + std::to_string(u));
    users.push_back(generate_timeline(a, rng, horizon));
  }
  return users;
}
}  // namespace

TEST_CASE("an always-up store-and-forward server delivers every message when the recipient next syncs", "[messaging][saf]") {
  const SimTime horizon = SimTime::h(2000), lat = SimTime::ms(50);
  const auto users = churny_users(40, 11, horizon);
  const std::vector<Timeline> nodes{Timeline::always_up()};
  WorkloadSpec ws;
  ws.room_size = 5;
  ws.duration = SimTime::h(72);
  const Workload wl = generate_workload(ws, users, 11);
  REQUIRE(wl.messages.size() > 500);

  Simulator sim;
  Recorder rec;
  World world{sim, users, nodes, wl, rec, lat, 1};
  StoreAndForward saf(world, {});
  schedule_sends(sim, saf, wl);
  sim.run_until(horizon);

  std::size_t pairs = 0;
  for (std::uint32_t m = 0; m < wl.messages.size(); ++m) {
    const SimTime arrival = wl.messages[m].sent + lat;  // the sender is online when it sends
    for (std::uint32_t r : wl.recipients(m)) {
      ++pairs;
      const SimTime sync = users[r].next_up(arrival);
      REQUIRE(sync < horizon);  // every user comes online again before the horizon
      auto it = rec.first.find({m, r});
      REQUIRE(it != rec.first.end());
      CHECK(it->second == sync + lat);
      CHECK(rec.hops[{m, r}] == 2);
    }
  }
  CHECK(rec.first.size() == pairs);
  CHECK(rec.stored[0] == 0);  // everything handed over, nothing left stored
  CHECK(rec.copies == static_cast<int>(wl.messages.size() + pairs));
}

TEST_CASE("federation sends exactly S-1 copies of each event, once per other server, despite outages", "[messaging][federation]") {
  for (int S : {2, 3, 5, 8}) {
    const SimTime horizon = SimTime::h(3000);
    const auto users = churny_users(48, 21, horizon);
    AvailabilitySpec sa;  // servers down often: MTBF 4 h, MTTR 1 h
    sa.online = {SessionLaw::kExponential, SimTime::h(4), 1, 1};
    sa.offline = {SessionLaw::kExponential, SimTime::h(1), 1, 1};
    std::vector<Timeline> servers;
    for (int i = 0; i < S; ++i) {
      Rng rng = Rng::stream(21, "s/" + std::to_string(i));
      servers.push_back(generate_timeline(sa, rng, horizon));
    }
    WorkloadSpec ws;
    ws.room_size = 8;  // consecutive users => every room spans min(S, 8) = S servers
    ws.duration = SimTime::h(48);
    const Workload wl = generate_workload(ws, users, 21);

    Simulator sim;
    Recorder rec;
    World world{sim, users, servers, wl, rec, SimTime::ms(50), 1};
    FederationSpec fs;
    fs.servers = S;
    Federation fed(world, fs);
    schedule_sends(sim, fed, wl);
    sim.run_until(horizon);

    bool some_failed = false;
    for (const auto& t : rec.tx) some_failed |= !t.ok;
    CHECK(some_failed);  // the outages did hit transactions
    for (std::uint32_t m = 0; m < wl.messages.size(); ++m) {
      const auto& copies = rec.server_copies[m];
      INFO("S=" << S << " message " << m);
      REQUIRE(copies.size() == static_cast<std::size_t>(S - 1));
      std::set<std::uint32_t> dests;
      for (const auto& [from, to] : copies) {
        CHECK(from == fed.home(wl.messages[m].sender));
        CHECK(to != from);
        dests.insert(to);
      }
      CHECK(dests.size() == static_cast<std::size_t>(S - 1));
    }
    for (const auto& t : rec.tx) CHECK(t.pdus <= 50);
  }
}

TEST_CASE("federation batches a backlog into transactions of at most 50 PDUs after Synapse's backoff", "[messaging][federation]") {
  // Server 1 is down for the first 10 h. 200 events from a user of server 0 at t = 1 h.
  Timeline s1;
  s1.add(SimTime::h(10), SimTime::h(1000));
  const std::vector<Timeline> servers{Timeline::always_up(), s1};
  const std::vector<Timeline> users{Timeline::always_up(), Timeline::always_up()};
  Workload wl;
  wl.conversations = {{0, 1}};  // user 0 on server 0, user 1 on server 1
  for (int i = 0; i < 200; ++i) wl.messages.push_back({SimTime::h(1), 0, 0, 1000});

  for (int max_pdus : {50, 7}) {
    Simulator sim;
    Recorder rec;
    const SimTime lat = SimTime::ms(50);
    World world{sim, users, servers, wl, rec, lat, 1};
    FederationSpec fs;
    fs.servers = 2;
    fs.max_pdus = max_pdus;
    Federation fed(world, fs);
    schedule_sends(sim, fed, wl);
    sim.run_until(SimTime::h(100));

    // Expected from the rules: the first event reaches server 0 at 1 h + lat and is sent
    // alone (queue of one) and fails; retries after 10, 20, 40, 80, 160, 320 min
    // (destination_min_retry_interval 10 min, multiplier 2) until server 1 is up.
    std::vector<SimTime> fail_times{SimTime::h(1) + lat};
    SimTime t = fail_times[0], b = SimTime::min(10);
    while (t + b < SimTime::h(10)) {
      t += b;
      fail_times.push_back(t);
      b = b * 2;
    }
    const SimTime success = t + b;
    std::vector<Recorder::Tx> failed, ok;
    for (const auto& x : rec.tx) (x.ok ? ok : failed).push_back(x);
    REQUIRE(failed.size() == fail_times.size());
    for (std::size_t i = 0; i < failed.size(); ++i) CHECK(failed[i].at == fail_times[i]);
    CHECK(failed[0].pdus == 1);
    const std::size_t full = 200 / max_pdus, rest = 200 % max_pdus;
    REQUIRE(ok.size() == full + (rest ? 1 : 0));
    for (std::size_t i = 0; i < ok.size(); ++i) {
      CHECK(ok[i].pdus == (i < full ? max_pdus : static_cast<int>(rest)));
      CHECK(ok[i].at == success + lat * 2 * static_cast<std::int64_t>(i));  // one in flight at a time
    }
    CHECK(rec.first.size() == 200);
    CHECK(rec.hops[{0, 1}] == 3);
  }
}

TEST_CASE("relay mesh: gossip copies follow the flooding rule, stores serve offline recipients until retention ends", "[messaging][relay]") {
  const int R = 20;
  std::vector<Timeline> relays(R, Timeline::always_up());
  Timeline late;  // recipient offline until 5 h
  late.add(SimTime::h(5), SimTime::h(6));
  Timeline very_late;  // comes back after the 48 h retention
  very_late.add(SimTime::h(60), SimTime::h(61));
  const std::vector<Timeline> users{Timeline::always_up(), Timeline::always_up(), late, very_late};
  Workload wl;
  wl.conversations = {{0, 1, 2, 3}};
  wl.messages.push_back({SimTime::h(1), 0, 0, 1000});

  Simulator sim;
  Recorder rec;
  const SimTime lat = SimTime::ms(50);
  World world{sim, users, relays, wl, rec, lat, 7};
  RelaySpec rs;
  rs.relays = R;
  RelayNetwork net(world, rs);
  schedule_sends(sim, net, wl);
  sim.run_until(SimTime::h(100));

  int edges2 = 0;
  for (int v = 0; v < R; ++v) {
    const auto d = net.mesh_peers(static_cast<std::uint32_t>(v)).size();
    CHECK(d >= 6u);
    CHECK(d <= 12u);
    edges2 += static_cast<int>(d);
  }
  // Copies: publish (1) + gossip (entry forwards to all its peers, every other relay to all
  // but the one it got it from: sum of degrees - (R - 1)) + relay->recipient (1, online
  // user 1) + store->recipient (1, user 2). User 3 comes back after the retention.
  CHECK(rec.copies == 1 + (edges2 - (R - 1)) + 1 + 1);
  REQUIRE(rec.first.count({0, 1}));
  CHECK(rec.first.count({0, 2}));
  CHECK(rec.first.at({0, 2}) == SimTime::h(5) + lat);  // store queried at reconnect
  CHECK_FALSE(rec.first.count({0, 3}));
  CHECK(rec.control == 1);  // one store query
}

TEST_CASE("DHT storage: k closest online peers hold the record, churned-out holders delay delivery", "[messaging][dht]") {
  const int P = 50;
  Timeline gap;  // peers up for the put, then away until 3 h
  gap.add(SimTime::zero(), SimTime::h(1));
  gap.add(SimTime::h(3), SimTime::h(100));
  std::vector<Timeline> peers(P, gap);
  Timeline recipient;
  recipient.add(SimTime::h(2), SimTime::h(4));
  Timeline expired;
  expired.add(SimTime::h(2), SimTime::min(150));  // online only while holders are away
  expired.add(SimTime::h(80), SimTime::h(81));    // and after the 48 h TTL
  const std::vector<Timeline> users{Timeline::always_up(), recipient, expired};
  Workload wl;
  wl.conversations = {{0, 1, 2}};
  wl.messages.push_back({SimTime::min(30), 0, 0, 1000});

  Simulator sim;
  Recorder rec;
  World world{sim, users, peers, wl, rec, SimTime::ms(50), 3};
  DhtSpec ds;
  ds.peers = P;
  DhtStorage dht(world, ds);
  schedule_sends(sim, dht, wl);
  sim.run_until(SimTime::h(200));

  REQUIRE(dht.holders(0).size() == 20u);
  // Polls at 2 h, 2 h 01, ...: the first one with a holder online is at 3 h.
  REQUIRE(rec.first.count({0, 1}));
  CHECK(rec.first.at({0, 1}) == SimTime::h(3) + SimTime::ms(50));
  CHECK_FALSE(rec.first.count({0, 2}));
  CHECK(rec.copies == 20 + 1);
  // Lookup cost: alpha * ceil(log2 50) = 3 * 6 for the put and for the fetch.
  CHECK(rec.control == 18 + 18);
}

TEST_CASE("store-and-forward delivery ratio within a deadline matches the closed form", "[messaging][saf]") {
  // Always-up server, exponential on (mean a) / off (mean b) users, stationary. At the
  // send time the recipient is online with p = a / (a + b); otherwise its residual off
  // time is Exp(b) (memoryless). The message reaches the server at t0 + lat and the
  // recipient at its next online time + lat, so P(delay <= d) = p + (1 - p)(1 - e^{-(d - 2 lat)/b}).
  const double a = 3600, b = 3 * 3600, ln2 = std::log(2.0);
  MessagingSpec s;
  s.users = 300;
  s.kind = ArchitectureKind::kStoreAndForward;
  s.server_availability.always_up = true;
  s.user_availability.online = {SessionLaw::kExponential, SimTime::from_seconds(a * ln2), 1, 1};
  s.user_availability.offline = {SessionLaw::kExponential, SimTime::from_seconds(b * ln2), 1, 1};
  s.workload.mode = ConversationMode::kDirect;
  s.workload.contacts = 3;
  s.workload.rate_per_online_hour = 1;
  s.workload.duration = SimTime::h(200);
  s.hop_latency = SimTime::ms(50);
  for (double d_h : {0.5, 2.0, 6.0}) {
    s.deadline = SimTime::from_seconds(d_h * 3600);
    const double p = a / (a + b);
    const double exact = p + (1 - p) * (1 - std::exp(-(d_h * 3600 - 0.1) / b));
    double sum = 0;
    for (int seed = 1; seed <= 3; ++seed) sum += run_messaging(s, seed).delivery_ratio;
    INFO("deadline " << d_h << " h, exact " << exact);
    CHECK(sum / 3 == Approx(exact).margin(0.012));
  }
}
