// Explain: two peers behind chosen NATs try to connect, and every step is told.
//
// Builds a small packet network (a core router; a STUN server, optionally a TURN server;
// peer A and peer B each behind its NAT preset's chain of layers), runs one ICE session
// (offer/answer through the signalling server) or a birthday-paradox punch, and records
// what the network, the NATs and the ICE agents report through their observer hooks
// (net::NetObserver, nat::NatObserver): every packet with its addresses on each segment
// (private inside, public outside), each NAT mapping created, reused or expired and why,
// each filtering decision and the rule behind it, what each peer learns (server-reflexive,
// relayed, peer-reflexive candidates), and the outcome with its reason. Nothing here
// decides whether a packet passes: that is the models' job; this only narrates.
//
// Outputs: a numbered narrative (text lines), a Mermaid sequence diagram, and optionally
// a pcap file captured at a chosen point (see CapturePoint).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/ice/birthday_punch.hpp"
#include "models/ice/nomination.hpp"
#include "sim/time.hpp"

namespace p2psim::teach {

struct PeerSpec {
  std::string preset = "port-restricted-cone";  // a nat::preset_names() entry
  SimTime uplink = SimTime::ms(15);  // one-way latency from the peer's outermost NAT (or itself) to the core
  SimTime lan = SimTime::ms(1);      // one-way latency from the peer to its NAT (and between NAT layers)
  // Overrides the UDP mapping timeouts (both udp_timeout and udp_unreplied_timeout) of
  // every NAT layer of the preset. Unset: the preset's values.
  std::optional<SimTime> udp_timeout;
  // Dual stack: the peer also has a global IPv6 address (no NAT on IPv6 paths, its NATs
  // act as RFC 6092 firewalls; models/net/ipv6_plane.hpp).
  bool ipv6 = false;
};

enum class Method : std::uint8_t { kIce, kBirthday };

struct ExplainSpec {
  PeerSpec a, b;
  bool stun = true;   // a STUN server (server-reflexive candidates)
  bool turn = false;  // a TURN server (relayed candidates)
  // Trickle ICE (RFC 8838), as WebRTC browsers do: offer and answer at once, each further
  // candidate and end-of-candidates through signalling as found. false: vanilla ICE.
  bool trickle = true;
  // Nomination: regular (RFC 8445 8.1.1, default here: the narrative shows the nomination
  // step) or libwebrtc (Chrome's: select the first pair that works, USE-CANDIDATE on every
  // check until then; nomination.hpp).
  ice::NominationMode nomination = ice::NominationMode::kRegular;
  SimTime server_latency = SimTime::ms(10);  // one-way latency of each server to the core
  Method method = Method::kIce;
  // ICE: after connecting, stay idle this long, then probe the selected pair once (the
  // mapping-timeout exercise). Zero: stop once connected.
  SimTime idle = SimTime::zero();
  // ICE keepalive interval during the idle period (RFC 8445 section 11); zero: none.
  SimTime keepalive = SimTime::zero();
  // Birthday method: A is the hard side (opens k ports), B the easy side (sends n probes).
  ice::BirthdayConfig birthday;
  std::uint64_t seed = 1;
};

// Where the pcap is captured: a peer's own interface (private addresses), both sides of a
// peer's NAT chain (the same packet before and after translation), a server's interface,
// or every segment between public nodes ("internet").
enum class CapturePoint : std::uint8_t { kPeerA, kPeerB, kNatA, kNatB, kStun, kTurn, kInternet };
const char* to_string(CapturePoint c);  // "a", "b", "nat-a", "nat-b", "stun", "turn", "internet"
std::optional<CapturePoint> parse_capture_point(const std::string& s);

struct ExplainOptions {
  std::string pcap_path;  // empty: no pcap
  CapturePoint capture = CapturePoint::kNatA;
};

enum class Verdict : std::uint8_t { kDirect, kRelayed, kFailed };

// A STUN message written to the pcap, with the simulator's own (typed) values, so a
// decoder's view of the file can be compared with what was simulated.
struct CapturedStun {
  SimTime t;
  std::uint32_t src_ip = 0, dst_ip = 0;  // host byte order, as on the captured segment
  std::uint16_t src_port = 0, dst_port = 0;
  std::uint16_t type = 0;                // STUN message type (method and class)
  std::array<std::uint8_t, 12> tid{};
  bool has_xor_mapped = false;
  std::uint32_t xor_mapped_ip = 0;
  std::uint16_t xor_mapped_port = 0;
};
const char* to_string(Verdict v);

struct ExplainResult {
  Verdict verdict = Verdict::kFailed;
  std::string reason;          // the outcome with its reason, one paragraph
  std::string local_type;      // selected pair, A's side ("srflx"); empty when failed
  std::string remote_type;     // selected pair, B's side as A sees it
  SimTime setup_time;          // start -> connected (or failed)
  std::uint64_t packets = 0;           // packets sent (all kinds)
  std::uint64_t nat_drops = 0;         // packets dropped by a NAT's filter
  std::uint64_t mappings_created = 0;  // across all NATs
  std::optional<bool> probe_answered;  // ICE with idle > 0: the probe after the idle period
  int birthday_probes = 0;             // birthday method: probes sent
  // Birthday method: false when B (the side that must be easy) maps endpoint-dependently,
  // so the closed form P(success) = 1 - (1 - k/R)^n does not apply (none is reported).
  bool birthday_applies = true;
  std::vector<std::string> narrative;  // the numbered story, one line each
  std::string mermaid;                 // Mermaid sequenceDiagram text
  std::uint64_t pcap_packets = 0;      // records written to the pcap
  std::uint64_t pcap_skipped = 0;      // captured packets not written (none: TCP/TLS segments are written too)
  std::vector<CapturedStun> pcap_stun;  // the STUN messages among them, in file order
};

// Runs the exchange. Throws std::invalid_argument for an unknown preset.
ExplainResult explain(const ExplainSpec& spec, const ExplainOptions& options = {});

}  // namespace p2psim::teach
