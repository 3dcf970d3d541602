// Parsing and printing of the physical quantities used in scenarios: data rates and sizes.
//
// Units are parsed once, at scenario load; everything after that works in SI base units
// (bits per second as double, bytes as int64). Decimal prefixes follow networking
// practice: 1 kbps = 1000 bit/s; sizes accept both decimal (kB = 1000 B) and binary
// (KiB = 1024 B) prefixes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace p2psim {

// "5Mbps", "32kbps", "1.5Gbps", "800bps". Returns bits per second; nullopt on bad syntax,
// unknown unit, negative or non-finite values, or values above 1e15 bit/s.
std::optional<double> parse_rate(std::string_view text);

// "1200B", "1.5kB", "64KiB", "2MB", "1GiB". Returns bytes (rounded to the nearest byte);
// nullopt on bad syntax, unknown unit, negative values or values above 2^62 bytes.
std::optional<std::int64_t> parse_size(std::string_view text);

// "2.5Mbps"-style rendering with up to 6 significant digits.
std::string format_rate(double bits_per_second);

namespace detail {
// Splits "12.5ms" into 12.5 and "ms" (whitespace allowed between). Strict decimal syntax:
// optional leading digits, optional fraction, optional exponent; no sign accepted.
bool split_number_unit(std::string_view text, double& value, std::string& unit);
}  // namespace detail

}  // namespace p2psim
