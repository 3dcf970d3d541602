// SimTime: simulated time and durations as a strong signed 64-bit count of nanoseconds.
//
// One type serves both instants (time since the start of a run) and durations, as in
// ns-3 and OMNeT++. Integer nanoseconds make event ordering exact and platform
// independent; the range (+-292 years) is far beyond any scenario. Arithmetic does not
// check for overflow: inputs come through parse_time(), which rejects values that do not fit.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace p2psim {

class SimTime {
 public:
  constexpr SimTime() = default;
  static constexpr SimTime ns(std::int64_t v) { return SimTime(v); }
  static constexpr SimTime us(std::int64_t v) { return SimTime(v * 1'000); }
  static constexpr SimTime ms(std::int64_t v) { return SimTime(v * 1'000'000); }
  static constexpr SimTime s(std::int64_t v) { return SimTime(v * 1'000'000'000); }
  static constexpr SimTime min(std::int64_t v) { return s(v * 60); }
  static constexpr SimTime h(std::int64_t v) { return s(v * 3600); }
  // Rounds to the nearest nanosecond. Precondition: |seconds| < 9.2e9.
  static SimTime from_seconds(double seconds);
  static constexpr SimTime zero() { return SimTime(0); }
  static constexpr SimTime max() { return SimTime(std::numeric_limits<std::int64_t>::max()); }

  constexpr std::int64_t count_ns() const { return ns_; }
  constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }
  constexpr double milliseconds() const { return static_cast<double>(ns_) * 1e-6; }

  constexpr auto operator<=>(const SimTime&) const = default;
  constexpr SimTime operator+(SimTime o) const { return SimTime(ns_ + o.ns_); }
  constexpr SimTime operator-(SimTime o) const { return SimTime(ns_ - o.ns_); }
  constexpr SimTime operator-() const { return SimTime(-ns_); }
  constexpr SimTime& operator+=(SimTime o) { ns_ += o.ns_; return *this; }
  constexpr SimTime& operator-=(SimTime o) { ns_ -= o.ns_; return *this; }
  constexpr SimTime operator*(std::int64_t k) const { return SimTime(ns_ * k); }
  constexpr SimTime operator/(std::int64_t k) const { return SimTime(ns_ / k); }

 private:
  constexpr explicit SimTime(std::int64_t v) : ns_(v) {}
  std::int64_t ns_ = 0;
};

// Parses "20ms", "1.5 s", "250us", "3min", "2h", "0". Units: ns, us, ms, s, min, h.
// A bare number is accepted only when it is 0. Returns nullopt on bad syntax, unknown
// unit, negative or non-finite values, or values that do not fit in int64 nanoseconds.
std::optional<SimTime> parse_time(std::string_view text);

// Shortest exact rendering with the largest unit that divides the value: "20ms", "1.5s"
// is rendered "1500ms", "0s". Round-trips through parse_time.
std::string to_string(SimTime t);

}  // namespace p2psim
