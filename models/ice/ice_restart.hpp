// NetworkChangeWorld: one ICE session whose offerer changes networks in the middle of the
// session (Wi-Fi to LTE: a new host address behind another NAT), recovered by an ICE
// restart (RFC 8445 section 9) or not at all.
//
//   offerer on Wi-Fi: host A  -- lan -- [NAT before] -- access_a --+
//   offerer on LTE:   host A' -- lan -- [NAT after]  -- access_a --R-- STUN, TURN, signalling
//   answerer:         host B  -- lan -- [NAT peer]   -- access_b --+
//
// At `change_at` after start (the session must have connected by then) the Wi-Fi interface
// goes away: the offerer's agent can neither send nor receive. With `restart`, the
// application restarts ICE once it learns of the change:
// - detect interface: at once (the operating system reports the interface change; in
//   libwebrtc the NetworkMonitor / BasicNetworkManager signal it and the application calls
//   restartIce());
// - detect consent: when the offerer's consent on the old pair expires (RFC 7675 5.1: no
//   response for consent_timeout, checked every consent_interval x [0.8, 1.2]).
// The restart is a fresh ICE session between A' and B, offered by A' (which stays
// controlling) through the signalling server: new ufrag/pwd (so new USERNAMEs and
// transaction ids: nothing of the old session matches, RFC 8445 9), fresh gathering on A',
// B keeping its candidates (section 9 allows it), new check lists. Trickle, nomination mode
// and relay policy are the session's.
//
// Interruption (no working selected pair): from the change until both agents of the
// restart have selected a pair; without recovery, from the change to the end of the run.
// By construction: interruption = detection delay + restart setup time.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/ice/pair_world.hpp"

namespace p2psim::ice {

enum class ChangeDetection : std::uint8_t { kInterface, kConsent };
const char* to_string(ChangeDetection d);

struct NetworkChangeSpec {
  std::vector<nat::NatConfig> nat_before, nat_after, nat_peer;  // innermost first; empty = public
  RelayFactory* relay = nullptr;                                  // null: no TURN
  net::LinkSpec lan{SimTime::ms(1)};
  net::LinkSpec access_a{SimTime::ms(10)};  // both of the offerer's networks
  net::LinkSpec access_b{SimTime::ms(10)};
  net::LinkSpec inner{SimTime::ms(2)};
  net::LinkSpec server_link{SimTime::ms(5)};
  SessionConfig session;  // keep_alive is forced on
  GatherConfig gather;    // stun_server is filled in
  signalling::SignallingConfig signalling;
  SimTime change_at = SimTime::s(30);  // after start
  bool restart = true;
  ChangeDetection detect = ChangeDetection::kConsent;
  SimTime run_for = SimTime::s(120);  // from start; must exceed change_at
};

struct NetworkChangeResult {
  bool connected = false;  // before the change
  SessionResult before;    // the first session (setup)
  bool recovered = false;
  SessionResult after;     // the restart (when recovered)
  int restarts = 0;
  SimTime detected_after;  // change -> restart decision
  SimTime restart_setup;   // restart decision -> both agents connected
  SimTime interruption;    // change -> recovered (or -> end of run)
  std::uint64_t control_bytes = 0;  // setup + restart (SessionResult::control_bytes)
};

class NetworkChangeWorld : public SessionObserver, public AgentObserver {
 public:
  NetworkChangeWorld(const NetworkChangeSpec& spec, std::uint64_t seed);
  ~NetworkChangeWorld() override;

  Simulator& sim() { return sim_; }
  IceSession& session() { return *session_; }
  IceSession* restart_session() { return restart_.get(); }
  // The offerer's agent of the first session (stays after the change, silenced).
  IceAgent& old_offerer() { return *old_a_; }

  NetworkChangeResult run();

  void on_session_done(IceSession& s, const SessionResult& r) override;
  void on_consent_lost(IceAgent& a) override;

 private:
  struct DeadIo : AgentIo {
    void send_direct(IceAgent&, net::Endpoint, const stun::Message&) override {}
    void send_relayed(IceAgent&, net::Endpoint, const stun::Message&) override {}
  };
  void change();
  void restart();

  NetworkChangeSpec spec_;
  Simulator sim_;
  std::unique_ptr<net::Network> net_;
  net::NodeId router_ = 0, a_ = 0, a2_ = 0, b_ = 0, stun_ = 0, turn_ = 0, sig_node_ = 0;
  std::unique_ptr<stun::Server> stun_server_;
  std::unique_ptr<ServerHandle> turn_server_;
  std::unique_ptr<RelayClient> relay_a_, relay_a2_, relay_b_;
  std::unique_ptr<IceEndpoint> ep_a_, ep_a2_, ep_b_;
  std::unique_ptr<signalling::SignallingServer> sig_;
  std::uint32_t sig_a2_ = 0, sig_b_ = 0;
  std::unique_ptr<IceSession> session_, restart_;
  DeadIo dead_;
  IceAgent* old_a_ = nullptr;
  std::uint64_t seed_;
  SimTime start_, changed_at_, restart_at_;
  NetworkChangeResult result_;
};

}  // namespace p2psim::ice
