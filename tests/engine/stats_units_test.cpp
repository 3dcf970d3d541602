#include <catch2/catch.hpp>

#include "sim/stats.hpp"
#include "sim/time.hpp"
#include "sim/units.hpp"

using namespace p2psim;

TEST_CASE("time parsing and printing", "[engine][units]") {
  CHECK(parse_time("20ms") == SimTime::ms(20));
  CHECK(parse_time("1.5 s") == SimTime::ms(1500));
  CHECK(parse_time("250us") == SimTime::us(250));
  CHECK(parse_time("3min") == SimTime::s(180));
  CHECK(parse_time("2h") == SimTime::h(2));
  CHECK(parse_time("7ns") == SimTime::ns(7));
  CHECK(parse_time("0") == SimTime::zero());
  CHECK_FALSE(parse_time("20"));
  CHECK_FALSE(parse_time("-5ms"));
  CHECK_FALSE(parse_time("5 parsecs"));
  CHECK_FALSE(parse_time("ms"));
  CHECK_FALSE(parse_time("1e30s"));
  CHECK_FALSE(parse_time(""));
  CHECK(to_string(SimTime::ms(20)) == "20ms");
  CHECK(to_string(SimTime::ms(1500)) == "1500ms");
  CHECK(to_string(SimTime::s(120)) == "2min");
  CHECK(parse_time(to_string(SimTime::ns(123456789))) == SimTime::ns(123456789));
}

TEST_CASE("rate and size parsing", "[engine][units]") {
  CHECK(parse_rate("5Mbps") == 5e6);
  CHECK(parse_rate("32kbps") == 32e3);
  CHECK(parse_rate("1.5 Gbps") == 1.5e9);
  CHECK_FALSE(parse_rate("5MBps"));
  CHECK_FALSE(parse_rate("fast"));
  CHECK(parse_size("1200B") == 1200);
  CHECK(parse_size("1.5kB") == 1500);
  CHECK(parse_size("64KiB") == 65536);
  CHECK_FALSE(parse_size("12 bytes"));
  CHECK(format_rate(2.5e6) == "2.5Mbps");
}

TEST_CASE("statistics", "[engine][stats]") {
  Tally t;
  for (double x : {1.0, 2.0, 3.0, 4.0}) t.add(x);
  CHECK(t.mean() == 2.5);
  CHECK(t.variance() == Approx(5.0 / 3.0));
  TimeWeighted tw;
  tw.set(SimTime::s(1), 10);  // 0 on [0,1), 10 on [1,3)
  CHECK(tw.mean(SimTime::s(3)) == Approx(20.0 / 3.0));
  Samples s;
  for (int i = 1; i <= 101; ++i) s.add(i);
  CHECK(s.quantile(0.5) == 51);
  CHECK(s.quantile(0.95) == Approx(96));
  const double xs[] = {10, 12, 14};
  const Interval ci = mean_ci95(xs);
  CHECK(ci.mean == 12);
  CHECK(ci.half_width == Approx(4.3027 * 2 / std::sqrt(3.0)).epsilon(1e-4));
  CHECK(student_t_975(1000) == Approx(1.9623).epsilon(1e-3));
}
