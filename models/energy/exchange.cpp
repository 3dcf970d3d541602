#include "models/energy/exchange.hpp"

#include <algorithm>

namespace p2psim::energy {

ExchangeSpec default_exchange(Cause cause) {
  ExchangeSpec s;
  s.cause = cause;
  s.name = std::string(cause_name(cause));
  switch (cause) {
    case Cause::kNatKeepalive:  // RFC 8445 sec. 11: Tr default 15 s; Binding Indication, no response
      s.interval = SimTime::s(15);
      s.request_bytes = wire::kBindingIndication;
      s.only_if_idle = true;
      break;
    case Cause::kIceConsent:  // RFC 7675 sec. 5.1: every 5 s, randomized 0.8..1.2
      s.interval = SimTime::s(5);
      s.jitter = 0.2;
      s.request_bytes = wire::kConsentRequest;
      s.response_bytes = wire::kConsentResponse;
      break;
    case Cause::kTurnRefresh:  // RFC 8656: 600 s default lifetime, refreshed 1 min early
      s.interval = SimTime::s(540);
      s.request_bytes = wire::kTurnRefreshRequest;
      s.response_bytes = wire::kTurnRefreshResponse;
      break;
    case Cause::kHeartbeat:  // Engine.IO/Socket.IO pingInterval default 25 s; WebSocket ping/pong sizes
      s.interval = SimTime::s(25);
      s.request_bytes = wire::kWsPing;
      s.response_bytes = wire::kWsPong;
      break;
    case Cause::kData:
      s.interval = SimTime::s(60);
      s.request_bytes = 0;
      s.response_bytes = 0;
      break;
  }
  return s;
}

PeriodicExchange::PeriodicExchange(Simulator& sim, HostEnergy& host, ExchangeSpec spec, Rng rng)
    : sim_(sim), host_(host), spec_(std::move(spec)), rng_(rng) {}

SimTime PeriodicExchange::next_gap() {
  const double mean = spec_.interval.seconds();
  double g = mean;
  if (spec_.poisson) g = rng_.exponential(mean);
  else if (spec_.jitter > 0) g = rng_.uniform((1.0 - spec_.jitter) * mean, (1.0 + spec_.jitter) * mean);
  return std::max(SimTime::ns(1), SimTime::from_seconds(g));
}

void PeriodicExchange::start() {
  sim_.schedule_at(std::max(sim_.now(), spec_.start) + next_gap(), [this] { fire(); });
}

void PeriodicExchange::fire() {
  const SimTime now = sim_.now();
  if (spec_.only_if_idle) {
    const SimTime last = host_.last_uplink();
    if (host_.uplink_active() || (last >= SimTime::zero() && now - last < spec_.interval)) {
      // Traffic kept the binding fresh: check again one interval after the last send.
      const SimTime next = host_.uplink_active() ? now + spec_.interval : last + spec_.interval;
      sim_.schedule_at(std::max(next, now + SimTime::ns(1)), [this] { fire(); });
      return;
    }
  }
  ++requests_;
  if (spec_.request_bytes > 0) host_.on_packet(now, spec_.request_bytes, Direction::kUp, spec_.cause);
  if (spec_.response_bytes > 0)
    sim_.schedule_at(host_.radio().ready_at(now) + spec_.rtt, [this] { respond(); });
  sim_.schedule_at(now + next_gap(), [this] { fire(); });
}

void PeriodicExchange::respond() {
  host_.on_packet(sim_.now(), spec_.response_bytes, Direction::kDown, spec_.cause);
}

}  // namespace p2psim::energy
