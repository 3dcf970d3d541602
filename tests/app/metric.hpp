// The value of a named metric in a run's result, for the study tests; fails the test when
// the run reported no such metric.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "app/study/study.hpp"

namespace p2psim::test {

inline double metric(const study::RunResult& r, const std::string& name) {
  for (const auto& m : r.metrics)
    if (m.name == name) return m.value;
  FAIL("no metric " << name);
  return 0;
}

}  // namespace p2psim::test
