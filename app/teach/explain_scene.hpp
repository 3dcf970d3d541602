// The scene of an explain run: each peer's side (its NAT chain and host), the observers
// that forward signalling and session results while telling the story, and which hops a
// pcap capture point sees.
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/teach/explain.hpp"
#include "app/teach/explain_recorder.hpp"
#include "models/ice/ice_endpoint.hpp"
#include "models/ice/ice_session.hpp"
#include "models/signalling/signalling_server.hpp"

namespace p2psim::teach::detail {

// Builds one peer's side: its NAT chain (outermost attached to the router) and its host.
struct Side {
  NodeId host = net::kNoNode;
  std::vector<NodeId> nats;  // innermost first
  nat::Preset preset;
};

Side build_side(net::Network& net, NodeId router, const PeerSpec& spec, char letter, net::Ipv4 public_addr,
                net::Ipv4 private_addr, Recorder& rec);

class SessionWatch : public ice::SessionObserver, public ice::AgentObserver {
 public:
  void on_session_done(ice::IceSession&, const ice::SessionResult& r) override {
    done = true;
    result = r;
    if (on_done) on_done();
  }
  void on_probe_result(ice::IceAgent&, bool answered) override {
    probe = answered;
    if (on_probe) on_probe();
  }
  bool done = false;
  ice::SessionResult result;
  std::optional<bool> probe;
  std::function<void()> on_done, on_probe;
};

// Forwards signalling to the session and tells the story.
class SignalTap : public signalling::SignallingPeer {
 public:
  SignalTap(Recorder& rec, Simulator& sim, signalling::SignallingPeer& target, std::string to, std::string from,
            std::string what, const ice::IceAgent& sender_agent, NodeId sender)
      : rec_(&rec), sim_(&sim), target_(&target), to_(std::move(to)), from_(std::move(from)), what_(std::move(what)),
        agent_(&sender_agent), sender_(sender) {}
  void on_signal(const signalling::Envelope& e) override {
    Block& b = rec_->add_block(sim_->now());
    if (e.kind == ice::signal_kind::kEndOfCandidates) {
      b.lines.push_back("signalling: " + from_ + "'s end-of-candidates reaches " + to_ + ": " + from_ +
                        " has finished gathering (trickle ICE, RFC 8838 13); " + to_ +
                        " may now declare failure once its own checks are done");
      target_->on_signal(e);
      return;
    }
    const bool trickled = e.kind == ice::signal_kind::kCandidate;
    std::string line = "signalling: " + from_ + "'s " + (trickled ? std::string("trickled candidate") : what_) +
                       " reaches " + to_ + " through the signalling server" +
                       (trickled ? " (trickle ICE, RFC 8838: sent as soon as it was found)" : "") + "; candidates:";
    auto& adv = rec_->advertised(sender_);
    const std::size_t from = trickled ? shown_ : 0;
    shown_ = std::max<std::size_t>(shown_, e.a);
    for (std::size_t i = from; i < e.a && i < agent_->local_candidates().size(); ++i) {
      const ice::Candidate& c = agent_->local_candidates()[i];
      line += ' ';
      line += ice::to_string(c.key.type);
      line += ' ';
      line += c.addr.to_string();
      adv.insert(c.addr);
      rec_->known_local(sender_).insert(c.addr);
    }
    b.lines.push_back(line);
    target_->on_signal(e);
  }

 private:
  Recorder* rec_;
  Simulator* sim_;
  signalling::SignallingPeer* target_;
  std::string to_, from_, what_;
  const ice::IceAgent* agent_;
  NodeId sender_;
  std::size_t shown_ = 0;  // candidates already told
};

class GatherTap : public ice::GatherObserver {
 public:
  std::function<void()> done;
  void on_gathered(ice::IceEndpoint&) override {
    if (done) done();
  }
};

// Whether capture point `c` sees hop `h`; sets `t` to the time it is seen there.
bool captured(CapturePoint c, const HopRec& h, net::Network& net, const Side& a, const Side& b, NodeId stun,
              NodeId turn, SimTime& t);

}  // namespace p2psim::teach::detail
