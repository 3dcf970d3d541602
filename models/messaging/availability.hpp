// Availability processes: each user, server or peer alternates online and offline sessions
// (an alternating renewal process) whose lengths follow exponential, Weibull or lognormal
// laws, optionally modulated by a diurnal pattern. The result is a Timeline.
//
// Defaults (docs/models/messaging.md): user online sessions are Weibull with median 2 h and
// shape 0.61, fitted to the IPFS DHT-server measurement "50% online <= ~2 h, 80% <= 8 h"
// (Trautwein et al., SIGCOMM 2022); session lengths in deployed P2P systems are not
// exponential (Stutzbach & Rejaie, IMC 2006).
#pragma once

#include <cstdint>

#include "models/messaging/timeline.hpp"
#include "sim/random.hpp"
#include "sim/time.hpp"

namespace p2psim::messaging {

enum class SessionLaw { kExponential, kWeibull, kLognormal };

// A session-length distribution, parameterised by its median so that the three laws can
// be swapped while keeping "half the sessions are shorter than X".
struct SessionDistribution {
  SessionLaw law = SessionLaw::kWeibull;
  SimTime median = SimTime::h(2);  // > 0
  double shape = 0.61;              // Weibull shape k (> 0); unused otherwise
  double sigma = 1.0;               // lognormal sigma of ln(length) (> 0); unused otherwise

  // One session length in seconds (> 0).
  double draw_seconds(Rng& rng) const;
};

// Diurnal modulation: a session starting at time-of-day h is scaled by
// f(h) = 1 + amplitude * cos(2 pi (h - peak) / 24 h): online sessions are multiplied by f,
// offline sessions divided by it, so users are online more around `peak`.
struct DiurnalSpec {
  double amplitude = 0.0;          // in [0, 0.95]; 0 disables the pattern
  SimTime peak = SimTime::h(20);   // time of day of the most online users
  double factor(SimTime t) const;  // f at absolute time t (t = 0 is midnight)
};

struct AvailabilitySpec {
  bool always_up = false;  // if true, the entity is never offline (the rest is unused)
  SessionDistribution online{SessionLaw::kWeibull, SimTime::h(2), 0.61, 1.0};
  SessionDistribution offline{SessionLaw::kWeibull, SimTime::h(4), 0.61, 1.0};
  DiurnalSpec diurnal;
  // The process starts at -warmup (online with probability median_on / (median_on +
  // median_off), exact stationarity for exponential laws) so that time 0 is near-stationary.
  SimTime warmup = SimTime::h(168);
};

// The entity's online intervals from -warmup until at least `horizon`.
Timeline generate_timeline(const AvailabilitySpec& spec, Rng& rng, SimTime horizon);

}  // namespace p2psim::messaging
