#include "app/teach/explain_scenario.hpp"

#include <memory>

#include "app/runner/runner.hpp"
#include "models/nat/preset.hpp"

namespace p2psim::teach {
namespace {

void parse_peer(const scenario::Field& f, PeerSpec& p) {
  f.expect_map();
  f.allow_only({"nat", "uplink", "lan", "udp_timeout", "ipv6"});
  if (auto n = f.get("nat")) {
    n->record_choices(nat::preset_names());
    const std::string name = n->as_string();
    if (!nat::find_preset(name)) {
      std::string names;
      for (const auto& s : nat::preset_names()) names += (names.empty() ? "" : ", ") + s;
      n->fail_expected("a NAT preset (one of " + names + ")");
    }
    p.preset = name;
  }
  p.uplink = f.get_time("uplink", p.uplink, SimTime::zero(), SimTime::s(10));
  p.lan = f.get_time("lan", p.lan, SimTime::zero(), SimTime::s(1));
  if (auto t = f.get("udp_timeout")) p.udp_timeout = t->as_time(SimTime::s(1), SimTime::h(24));
  p.ipv6 = f.get_bool("ipv6", p.ipv6);
}

}  // namespace

ExplainSpec parse_explain(const scenario::Field& root) {
  ExplainSpec s;
  const scenario::Field e = root.require("explain");
  e.expect_map();
  e.allow_only({"a", "b", "stun", "turn", "trickle", "nomination", "server_latency", "method", "idle", "keepalive",
                "birthday"});
  if (auto a = e.get("a")) parse_peer(*a, s.a);
  if (auto b = e.get("b")) parse_peer(*b, s.b);
  s.stun = e.get_bool("stun", s.stun);
  s.turn = e.get_bool("turn", s.turn);
  s.trickle = e.get_bool("trickle", s.trickle);
  s.nomination = e.get_enum<ice::NominationMode>(
      "nomination", s.nomination, {{"regular", ice::NominationMode::kRegular}, {"libwebrtc", ice::NominationMode::kLibwebrtc}});
  s.server_latency = e.get_time("server_latency", s.server_latency, SimTime::zero(), SimTime::s(10));
  s.method = e.get_enum<Method>("method", s.method, {{"ice", Method::kIce}, {"birthday", Method::kBirthday}});
  s.idle = e.get_time("idle", s.idle, SimTime::zero(), SimTime::h(2));
  s.keepalive = e.get_time("keepalive", s.keepalive, SimTime::zero(), SimTime::h(1));
  if (s.keepalive > SimTime::zero() && s.keepalive < SimTime::s(1))
    e.require("keepalive").fail_expected("0 (off) or at least 1s");
  if (auto b = e.get("birthday")) {
    b->expect_map();
    b->allow_only({"hard_ports", "probes", "probe_interval", "open_lead"});
    s.birthday.hard_ports = static_cast<int>(b->get_int("hard_ports", s.birthday.hard_ports, 1, 4096));
    s.birthday.probes = static_cast<int>(b->get_int("probes", s.birthday.probes, 1, 100000));
    s.birthday.probe_interval = b->get_time("probe_interval", s.birthday.probe_interval, SimTime::us(1), SimTime::s(1));
    s.birthday.open_lead = b->get_time("open_lead", s.birthday.open_lead, SimTime::zero(), SimTime::s(10));
  }
  return s;
}

ExplainSpec load_explain_file(const std::string& path) {
  const runner::LoadedScenario loaded = runner::load_scenario(path);
  if (loaded.kind == nullptr || loaded.kind->name != "explain")
    throw scenario::ScenarioError(scenario::SourcePos{path, 0, 0}, "study",
                                  "p2psim explain needs a scenario with study: explain");
  const YAML::Node doc = YAML::LoadFile(path);
  ExplainSpec spec = parse_explain(scenario::Field(doc, "", std::make_shared<const std::string>(path)));
  spec.seed = loaded.seed;
  return spec;
}

}  // namespace p2psim::teach
