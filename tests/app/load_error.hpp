// The message of the ScenarioError that loading a scenario text raises, for the tests of
// bad input ("no error" when it loads). `file` is the name the message's file:line:column
// carries.
#pragma once

#include <string>

#include "app/runner/runner.hpp"
#include "app/scenario/scenario_error.hpp"

namespace p2psim::test {

inline std::string load_error(const std::string& text, const std::string& file) {
  try {
    runner::load_scenario_text(text, file);
  } catch (const scenario::ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace p2psim::test
