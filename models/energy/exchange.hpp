// PeriodicExchange: a request (uplink) and optional response (downlink) repeated on a
// Simulator timer: keepalives (STUN Binding Indications, ICE consent checks, TURN
// refreshes, signalling heartbeats) and simple application messages. Every send is a
// real Simulator event that drives the host's radio through HostEnergy.
//
// Wire sizes default to the RFC message formats plus IPv4 (20 B) and UDP (8 B) or TCP
// headers; see wire_sizes below and docs/models/energy.md for the derivations.
#pragma once

#include <cstdint>
#include <string>

#include "models/energy/host_energy.hpp"
#include "sim/random.hpp"

namespace p2psim::energy {

namespace wire {
inline constexpr std::int64_t kIpv4 = 20, kUdp = 8, kTcpWithTimestamps = 32;  // RFC 791, 768, 9293 + 7323
inline constexpr std::int64_t kStunHeader = 20;                               // RFC 8489 sec. 5
inline constexpr std::int64_t kFingerprint = 8, kMessageIntegrity = 24;        // RFC 8489 sec. 14.7, 14.5
inline constexpr std::int64_t kPriority = 8, kIceControlling = 12;             // RFC 8445 sec. 16.1
inline constexpr std::int64_t kXorMappedIpv4 = 12, kLifetime = 8;              // RFC 8489 14.2, RFC 8656 18.2
// STUN attribute carrying `len` bytes of value: 4 B header + value padded to 4.
constexpr std::int64_t stun_attr(std::int64_t len) { return 4 + (len + 3) / 4 * 4; }
// ICE keepalive: Binding Indication + FINGERPRINT over UDP/IPv4 = 56 B.
inline constexpr std::int64_t kBindingIndication = kIpv4 + kUdp + kStunHeader + kFingerprint;
// ICE consent request (RFC 7675 sec. 5.1: a Binding request as in ICE checks): USERNAME
// "rfrag:lfrag" with 4-character ufrags (9 B), PRIORITY, ICE-CONTROLLING,
// MESSAGE-INTEGRITY, FINGERPRINT = 116 B; success response with XOR-MAPPED-ADDRESS,
// MESSAGE-INTEGRITY, FINGERPRINT = 92 B.
inline constexpr std::int64_t kConsentRequest = kIpv4 + kUdp + kStunHeader + stun_attr(9) + kPriority +
                                                kIceControlling + kMessageIntegrity + kFingerprint;
inline constexpr std::int64_t kConsentResponse =
    kIpv4 + kUdp + kStunHeader + kXorMappedIpv4 + kMessageIntegrity + kFingerprint;
// TURN Refresh with long-term credentials (RFC 8656 sec. 7, RFC 8489 sec. 9.2): LIFETIME,
// USERNAME (20 B, e.g. a "timestamp:user" REST credential), REALM (11 B), NONCE (16 B),
// MESSAGE-INTEGRITY, FINGERPRINT = 148 B; response LIFETIME, MESSAGE-INTEGRITY,
// FINGERPRINT = 88 B.
inline constexpr std::int64_t kTurnRefreshRequest = kIpv4 + kUdp + kStunHeader + kLifetime + stun_attr(20) +
                                                    stun_attr(11) + stun_attr(16) + kMessageIntegrity + kFingerprint;
inline constexpr std::int64_t kTurnRefreshResponse =
    kIpv4 + kUdp + kStunHeader + kLifetime + kMessageIntegrity + kFingerprint;
// WebSocket ping over TLS 1.3 over TCP/IPv4: masked client frame header 6 B (RFC 6455
// sec. 5.2), TLS record header 5 + content type 1 + AEAD tag 16 (RFC 8446 sec. 5.2),
// TCP with timestamps 32, IPv4 20 = 80 B; the unmasked pong is 76 B.
inline constexpr std::int64_t kTlsRecord = 5 + 1 + 16;
inline constexpr std::int64_t kWsPing = kIpv4 + kTcpWithTimestamps + kTlsRecord + 6;
inline constexpr std::int64_t kWsPong = kIpv4 + kTcpWithTimestamps + kTlsRecord + 2;
}  // namespace wire

struct ExchangeSpec {
  std::string name;
  Cause cause = Cause::kData;
  SimTime interval = SimTime::s(30);  // mean time between requests, > 0
  double jitter = 0.0;                // each interval uniform in [1-jitter, 1+jitter] x interval
  bool poisson = false;               // exponential intervals with mean `interval` instead
  std::int64_t request_bytes = 0;     // uplink; 0 = no request packet
  std::int64_t response_bytes = 0;    // downlink; 0 = no response
  SimTime rtt = SimTime::ms(50);      // response arrives rtt after the request leaves the radio
  SimTime start = SimTime::zero();    // first request at start + one interval
  // RFC 8445 sec. 11: send only if the host has sent nothing for `interval` (NAT
  // keepalives are suppressed by media). The timer is then rescheduled from the last send.
  bool only_if_idle = false;
};

// The defaults for each keepalive cause (interval, jitter, sizes); see docs.
ExchangeSpec default_exchange(Cause cause);

class PeriodicExchange {
 public:
  // Precondition: spec.interval > 0, 0 <= jitter < 1.
  PeriodicExchange(Simulator& sim, HostEnergy& host, ExchangeSpec spec, Rng rng);
  PeriodicExchange(const PeriodicExchange&) = delete;
  PeriodicExchange& operator=(const PeriodicExchange&) = delete;

  void start();                      // schedules the first request
  std::uint64_t requests() const { return requests_; }
  const ExchangeSpec& spec() const { return spec_; }

 private:
  SimTime next_gap();
  void fire();
  void respond();

  Simulator& sim_;
  HostEnergy& host_;
  ExchangeSpec spec_;
  Rng rng_;
  std::uint64_t requests_ = 0;
};

}  // namespace p2psim::energy
