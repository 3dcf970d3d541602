#include "sim/det_math.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace p2psim::det {
namespace {
// ln 2 split so that k * kLn2Hi is exact for |k| < 2^11.
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInvLn2 = 1.44269504088896338700e+00;
constexpr double kSqrtHalf = 0.70710678118654752440;

// log(m * 2^e) for m in [sqrt(1/2), sqrt(2)): the series shared by both paths below.
inline double log_reduced(double m, int e) {
  // log(m) = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716.
  const double f = m - 1.0;
  const double s = f / (2.0 + f);
  const double z = s * s;
  // Odd series 2(s + s^3/3 + ... + s^23/23): truncation error < 1e-19 relative.
  double p = 1.0 / 23;
  for (int k = 21; k >= 1; k -= 2) p = p * z + 1.0 / k;
  const double log_m = 2.0 * s * p;
  const double de = static_cast<double>(e);
  return (de * kLn2Hi + log_m) + de * kLn2Lo;
}

// Zero, subnormals, negatives, infinities and NaN.
double log_special(double x) {
  if (std::isnan(x) || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  int e = 0;
  double m = std::frexp(x, &e);  // exact: x = m * 2^e, m in [0.5, 1)
  if (m < kSqrtHalf) {
    m *= 2;
    --e;
  }
  return log_reduced(m, e);
}
}  // namespace

double log(double x) {
  // Positive normal numbers (every draw of Rng::uniform_open0): the reduction of
  // log_special done on the bits, without branches; the result is bit-identical.
  const auto bits = std::bit_cast<std::uint64_t>(x);
  const std::uint64_t biased = bits >> 52;  // exponent field, sign bit above it
  if (biased - 1 >= 2046) [[unlikely]]
    return log_special(x);
  constexpr std::uint64_t kMantissa = (std::uint64_t{1} << 52) - 1;
  const std::uint64_t mant = bits & kMantissa;
  // m = x scaled into [0.5, 1) (exponent field 1022); below sqrt(1/2) it is doubled
  // (exponent field 1023), exactly as frexp followed by `m *= 2` does.
  const std::uint64_t low = mant < (std::bit_cast<std::uint64_t>(kSqrtHalf) & kMantissa) ? 1 : 0;
  const double m = std::bit_cast<double>(mant | ((1022 + low) << 52));
  const int e = static_cast<int>(biased) - 1022 - static_cast<int>(low);
  return log_reduced(m, e);
}

double exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  const double k = std::floor(x * kInvLn2 + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;  // |r| <= 0.35
  // Taylor series to r^15/15!: truncation error < 1e-19 relative for |r| <= 0.35.
  double p = 1.0;
  for (int n = 15; n >= 1; --n) p = 1.0 + p * r / n;
  return std::ldexp(p, static_cast<int>(k));
}

double pow(double x, double y) { return exp(y * log(x)); }

}  // namespace p2psim::det
