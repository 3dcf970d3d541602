// Deterministic elementary functions: log, exp and pow built only from IEEE-754 +, -, *, /
// and exact scaling, so they give bit-identical results on every compiler, libm and CPU
// (the project compiles with -ffp-contract=off). The C library's log/exp may differ in
// the last bit between platforms, which would break byte-identical results for a seed.
// Accuracy: log within 0.52 ulp of the true value (table-driven, see det_math.cpp and
// tools/gen_log_table.py), exp and pow within a few ulp, over the whole domain.
#pragma once

namespace p2psim::det {

// Natural logarithm. x <= 0 gives -inf (x == 0) or NaN (x < 0); +inf gives +inf.
double log(double x);
// e^x. Overflows to +inf above ~709.78, underflows to 0 below ~-745.1.
double exp(double x);
// x^y for x > 0 as exp(y * log(x)). Precondition: x > 0.
double pow(double x, double y);

}  // namespace p2psim::det
