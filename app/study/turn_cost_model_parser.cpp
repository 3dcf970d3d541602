#include "app/study/turn_cost_model_parser.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <memory>

namespace p2psim::study {
namespace {

turn::TurnCostModel read_values(const scenario::Field& f) {
  f.allow_only({"cpu_s_per_packet", "cpu_s_per_byte", "cpu_s_per_allocation", "framing_bytes", "machine",
                "measured", "fit"});
  const turn::TurnCostModel d;
  turn::TurnCostModel m;
  m.cpu_s_per_packet = f.get_double("cpu_s_per_packet", d.cpu_s_per_packet, 0.0, 1.0);
  m.cpu_s_per_byte = f.get_double("cpu_s_per_byte", d.cpu_s_per_byte, 0.0, 1.0);
  m.cpu_s_per_allocation = f.get_double("cpu_s_per_allocation", d.cpu_s_per_allocation, 0.0, 100.0);
  m.framing_bytes = f.get_double("framing_bytes", d.framing_bytes, 0.0, 1000.0);
  m.machine = f.get_string("machine", d.machine);
  // `measured` and `fit` (the calibration's raw points and residuals) are for people.
  return m;
}

}  // namespace

turn::TurnCostModel parse_turn_cost_model(const scenario::Field& f) {
  if (f.is_map()) return read_values(f);
  const std::string name = f.as_string();
  std::filesystem::path p(name);
  if (p.is_relative()) p = std::filesystem::path(f.pos().file).parent_path() / p;
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(p.string());
  } catch (const YAML::BadFile&) {
    f.fail("cannot read cost-model file \"" + p.string() + "\"");
  } catch (const YAML::Exception& e) {
    f.fail("cost-model file \"" + p.string() + "\": " + e.what());
  }
  const scenario::Field root(doc, "", std::make_shared<const std::string>(p.string()));
  if (!root.is_map()) root.fail_expected("a map of cost-model values");
  root.allow_only({"turn_cost_model"});
  return read_values(root.require("turn_cost_model"));
}

}  // namespace p2psim::study
