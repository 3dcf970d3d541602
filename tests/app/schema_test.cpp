// p2psim schema: the JSON Schema generated from the loader's field definitions. Checked
// with an independent validator (Debian python3-jsonschema): every shipped scenario
// validates, and files the loader rejects fail it too. docs/scenario.schema.json must be
// the command's current output.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "app/scenario/schema.hpp"
#include "tests/app/cli_tools_support.hpp"

using namespace p2psim::testing;
namespace fs = std::filesystem;

namespace {

bool have_jsonschema() {
  if (std::system("/usr/bin/python3 -c 'import jsonschema, yaml' >/dev/null 2>&1") == 0) return true;
  WARN("python3-jsonschema / python3-yaml not installed: skipping the independent validator");
  return false;
}

// Runs tools/check_schema.py on one file; true when it validates.
bool schema_accepts(const fs::path& schema, const fs::path& file, std::string* msg = nullptr) {
  const fs::path out = fs::temp_directory_path() / "p2psim_check_schema.txt";
  const std::string cmd = "/usr/bin/python3 '" + (source_dir() / "tools" / "check_schema.py").string() + "' '" +
                          schema.string() + "' '" + file.string() + "' >'" + out.string() + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  if (msg) *msg = slurp(out);
  return rc == 0;
}

std::vector<fs::path> yaml_files(const fs::path& dir) {
  std::vector<fs::path> v;
  for (const auto& s : p2psim::scenario::example_files(dir.string())) v.emplace_back(s);
  return v;
}

}  // namespace

TEST_CASE("schema: keys carry the type, range, enum and default their parser reads", "[schema]") {
  const auto schema = p2psim::scenario::scenario_schema(p2psim::scenario::example_files((source_dir() / "scenarios").string()),
                                                        "group-call");
  CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  const auto& call = schema["properties"]["call"];
  REQUIRE(call["type"] == "object");
  CHECK(call["additionalProperties"] == false);
  const auto& n = call["properties"]["group_size"];
  CHECK(n["type"] == "integer");
  CHECK(n["minimum"] == 2);
  CHECK(call["properties"]["topology"]["enum"] == nlohmann::json::array({"mesh", "sfu", "mcu", "hybrid"}));
  // A duration is a string with a unit; its range is in the description.
  const auto& d = call["properties"]["duration"];
  REQUIRE(d.contains("anyOf"));
  CHECK(d["anyOf"][0]["pattern"].get<std::string>().find("min|h") != std::string::npos);
  CHECK(d["description"].get<std::string>().find("a duration") == 0);
  CHECK(schema["properties"]["study"]["const"] == "group-call");
  CHECK_THROWS_AS(p2psim::scenario::scenario_schema({}, "teleport"), std::invalid_argument);
}

TEST_CASE("schema: docs/scenario.schema.json is the current output of p2psim schema", "[schema][cli]") {
  if (!have_p2psim()) {
    WARN("p2psim binary not found: skipping");
    return;
  }
  std::string out;
  REQUIRE(run_p2psim("schema", &out) == 0);
  INFO("regenerate with: ./build/p2psim schema > docs/scenario.schema.json");
  CHECK(out == slurp(source_dir() / "docs" / "scenario.schema.json"));
  // Every scenario file points editors at it.
  for (const auto& f : yaml_files(source_dir() / "scenarios")) {
    INFO(f.string());
    CHECK(slurp(f).rfind("# yaml-language-server: $schema=", 0) == 0);
  }
}

TEST_CASE("schema: every scenario validates with python3-jsonschema", "[schema]") {
  if (!have_jsonschema()) return;
  const fs::path schema = source_dir() / "docs" / "scenario.schema.json";
  for (const auto& f : yaml_files(source_dir() / "scenarios")) {
    std::string msg;
    INFO(msg);
    const bool ok = schema_accepts(schema, f, &msg);
    INFO(msg);
    CHECK(ok);
  }
}

TEST_CASE("schema: files the loader rejects fail the schema too", "[schema][cli]") {
  if (!have_jsonschema() || !have_p2psim()) return;
  const fs::path schema = source_dir() / "docs" / "scenario.schema.json";
  const auto bad = yaml_files(source_dir() / "tests" / "app" / "data" / "bad-scenarios");
  REQUIRE(bad.size() >= 10);
  for (const auto& f : bad) {
    INFO(f.filename().string() << ": " << slurp(f).substr(0, slurp(f).find('\n')));
    CHECK(run_p2psim("validate '" + f.string() + "'") == 2);
    CHECK_FALSE(schema_accepts(schema, f));
  }
}
