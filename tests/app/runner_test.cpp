#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/runner/runner.hpp"
#include "sim/random.hpp"

using namespace p2psim;
using runner::load_scenario_text;
using scenario::ScenarioError;

namespace {

// A toy study: metric "value" = toy.a * 10 + toy.b, "noise" = a uniform draw from the seed.
struct ToyStudy : study::Study {
  std::int64_t a = 0;
  double b = 0;
  study::RunResult run(std::uint64_t seed) const override {
    Rng rng(seed);
    study::RunResult r;
    r.metrics.push_back({"value", static_cast<double>(a) * 10 + b});
    r.metrics.push_back({"noise", rng.uniform01()});
    if (a == 1) r.series.push_back({"s", "u", {0.0, 1.0}, {2.0, 3.0}});
    return r;
  }
};

const std::vector<study::StudyKind>& toy_kinds() {
  static const std::vector<study::StudyKind> kinds = [] {
    study::StudyKind k;
    k.name = "toy";
    k.sections = {"toy"};
    k.parse = [](const scenario::Field& root) {
      auto s = std::make_unique<ToyStudy>();
      const auto toy = root.require("toy");
      toy.allow_only({"a", "b", "delay"});
      s->a = toy.get_int("a", 0, 0, 100);
      s->b = toy.get_double("b", 0, 0, 1);
      toy.get_time("delay", SimTime::zero(), SimTime::zero(), SimTime::s(10));
      return std::unique_ptr<study::Study>(std::move(s));
    };
    return std::vector<study::StudyKind>{k};
  }();
  return kinds;
}

runner::LoadedScenario load(const std::string& text, std::vector<runner::Override> o = {}) {
  return load_scenario_text(text, "x.yaml", o, &toy_kinds());
}

std::string error_of(const std::string& text, std::vector<runner::Override> o = {}) {
  try {
    load(text, o);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a sweep is the cartesian product in written order, last path fastest", "[app][runner]") {
  const auto s = load("name: t\nstudy: toy\nsweep:\n  toy.a: [1, 2]\n  toy.b: [0.25, 0.5, 0.75]\ntoy:\n  a: 0\n");
  REQUIRE(s.points.size() == 6);
  CHECK(s.points[0].params == std::vector<std::pair<std::string, std::string>>{{"toy.a", "1"}, {"toy.b", "0.25"}});
  CHECK(s.points[1].params[1].second == "0.5");
  CHECK(s.points[3].params[0].second == "2");
  const auto r = runner::run_scenario(s, {});
  CHECK(r.summary.points[4].find("value")->mean == 20.5);  // a=2, b=0.5
}

TEST_CASE("replications share seeds across sweep points and results do not depend on jobs", "[app][runner]") {
  const auto s = load("name: t\nstudy: toy\nseed: 9\nreplications: 4\nsweep:\n  toy.a: [1, 2, 3]\ntoy: {}\n");
  runner::RunOptions one, four;
  four.jobs = 4;
  const auto r1 = runner::run_scenario(s, one), r4 = runner::run_scenario(s, four);
  CHECK(runner::results_json(r1).dump() == runner::results_json(r4).dump());
  CHECK(r1.runs[0].seed == derive_seed(9, std::uint64_t{0}));
  CHECK(r1.runs[0].seed == r1.runs[4].seed);  // replication 0 of points 0 and 1
  CHECK(r1.runs[0].seed != r1.runs[1].seed);
  const auto* noise = r1.summary.points[0].find("noise");
  REQUIRE(noise != nullptr);
  CHECK(noise->n == 4);
  CHECK(noise->half_width > 0);
}

TEST_CASE("command-line overrides (--set) replace a key before validation", "[app][runner]") {
  const auto s = load("name: t\nstudy: toy\ntoy:\n  a: 1\n", {{"toy.a", "7"}});
  CHECK(runner::run_scenario(s, {}).summary.points[0].find("value")->mean == 70);
  CHECK_THAT(error_of("name: t\nstudy: toy\ntoy:\n  a: 1\n", {{"toy.a", "many"}}),
             Catch::Contains("toy.a: expected an integer in [0, 100], got \"many\""));
  CHECK_THAT(error_of("name: t\nstudy: toy\ntoy: {}\n", {{"nope.x", "1"}}), Catch::Contains("names no key"));
}

TEST_CASE("every loader error class names file:line:column, the key path and what was expected", "[app][runner][errors]") {
  CHECK(error_of("name: t\nstudy: toy\ntoy:\n  a: many\n") ==
        "x.yaml:4:6: toy.a: expected an integer in [0, 100], got \"many\"");
  CHECK(error_of("name: t\nstudy: toy\ntoy:\n  a: 1\n  colour: red\n") ==
        "x.yaml:5:3: toy.colour: unknown key; expected one of: a, b, delay");
  CHECK(error_of("name: t\nstudy: toy\ntoy:\n  b: 2\n") == "x.yaml:4:6: toy.b: expected a number in [0, 1], got \"2\"");
  CHECK(error_of("name: t\nstudy: toy\ntoy:\n  delay: 20\n") ==
        "x.yaml:4:10: toy.delay: expected a duration with a unit (ns, us, ms, s, min, h) in [0s, 10s], got \"20\"");
  CHECK(error_of("name: t\nstudy: toy\ntoy:\n  delay: 20 parsecs\n") ==
        "x.yaml:4:10: toy.delay: expected a duration with a unit (ns, us, ms, s, min, h) in [0s, 10s], got \"20 parsecs\"");
  CHECK(error_of("name: t\nstudy: toy\ntoy:\n  a: 99999999999999999999999\n") ==
        "x.yaml:4:6: toy.a: expected an integer in [0, 100], got \"99999999999999999999999\"");
  CHECK(error_of("name: t\nstudy: toys\ntoy: {}\n") == "x.yaml:2:8: study: expected a study kind (one of: toy), got \"toys\"");
  CHECK(error_of("study: toy\ntoy: {}\n") == "x.yaml:1:1: missing required key \"name\"");
  CHECK(error_of("name: t\nstudy: toy\nextra: 1\ntoy: {}\n") ==
        "x.yaml:3:1: extra: unknown key; expected one of: name, description, study, seed, replications, sweep, toy");
  CHECK(error_of("name: t\nstudy: toy\ntoy: {}\ntoy: {}\n") == "x.yaml:4:1: toy: duplicate key (first at line 3, column 1)");
  CHECK(error_of("name: t\nstudy: toy\nsweep:\n  toy.a: [1, x]\ntoy: {}\n") ==
        "x.yaml:4:14: toy.a: expected an integer in [0, 100], got \"x\"");
  CHECK(error_of("name: t\nstudy: toy\nsweep:\n  seed: [1, 2]\ntoy: {}\n") ==
        "x.yaml:4:9: sweep.seed: a sweep path must name a key inside one of this study's sections (toy)");
  CHECK(error_of("name: t\nstudy: toy\nsweep:\n  toy.a: []\ntoy: {}\n") ==
        "x.yaml:4:10: sweep.toy.a: expected a non-empty list of values, got a sequence");
  CHECK(error_of("name: t\nstudy: toy\nreplications: 0\ntoy: {}\n") ==
        "x.yaml:3:15: replications: expected an integer in [1, 100000], got \"0\"");
  CHECK(error_of("name: t\nstudy: toy\ntoy: [1, 2]\n") == "x.yaml:3:6: toy: expected a mapping, got a sequence");
}

TEST_CASE("empty, non-YAML and hostile files are errors, never crashes", "[app][runner][errors]") {
  CHECK(error_of("") == "x.yaml:1:1: the scenario is empty");
  CHECK(error_of("# only a comment\n") == "x.yaml:1:1: the scenario is empty");
  CHECK_THAT(error_of("name: [unclosed\n"), Catch::StartsWith("x.yaml:2:1: invalid YAML"));
  CHECK(error_of(std::string("\x7f" "ELF\0\x01\x02", 7)) == "x.yaml: not a YAML text file (it contains NUL bytes)");
  CHECK(error_of("just a string") == "x.yaml:1:1: expected a mapping, got \"just a string\"");
  CHECK_THAT(error_of(std::string(5000, '[')), Catch::Contains("invalid YAML"));
  // Alias bombs expand exponentially if walked naively.
  std::string bomb = "name: t\nstudy: toy\ntoy:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    bomb += "  a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) bomb += (k ? ", *a" : "*a") + std::to_string(i - 1);
    bomb += "]\n";
  }
  CHECK_THAT(error_of(bomb), Catch::Contains("too large"));
}

TEST_CASE("results are written atomically as JSON, tidy CSV and time series", "[app][runner][report]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("p2psim_runner_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const auto s = load("name: t\nstudy: toy\nreplications: 2\nsweep:\n  toy.a: [1, 2]\ntoy: {}\n");
  const auto r = runner::run_scenario(s, {});
  runner::write_results(r, dir.string());
  CHECK(fs::exists(dir / "results.json"));
  CHECK(fs::exists(dir / "timeseries.csv"));
  for (const auto& e : fs::directory_iterator(dir)) CHECK(e.path().extension() != ".tmp");
  std::ifstream csv(dir / "results.csv");
  std::string header, row;
  std::getline(csv, header);
  std::getline(csv, row);
  CHECK(header == "point,toy.a,metric,mean,ci95_half_width,ci95_low,ci95_high,n");
  CHECK(row.rfind("0,1,value,10,0,10,10,2", 0) == 0);
  std::ifstream js(dir / "results.json");
  const auto j = nlohmann::json::parse(js);
  CHECK(j["scenario"]["name"] == "t");
  CHECK(j["points"][1]["params"]["toy.a"] == 2);  // the YAML type, not the text
  CHECK(j["points"][1]["runs"][0]["seed"] == std::to_string(derive_seed(1, std::uint64_t{0})));
  CHECK(j["scenario"]["seed"] == "1");
  CHECK(j["points"][1]["summary"]["value"]["mean"] == 20.0);
  CHECK(j["points"][1]["runs"].size() == 2);
  CHECK(j["input"]["toy"].is_object());
  fs::remove_all(dir);
}

TEST_CASE("a large sweep loads from one parse: every point gets its own values", "[app][runner][sweep]") {
  // 50 x 100 = 5,000 points over a 100 kB file. Re-parsing the file per point (and
  // merging node memory between documents) made this take hours; it is now linear.
  std::string text = "name: t\nstudy: toy\ndescription: " + std::string(100000, 'x') + "\nsweep:\n  toy.a: [";
  for (int i = 0; i < 50; ++i) text += (i ? ", " : "") + std::to_string(i);
  text += "]\n  toy.b: [";
  for (int i = 0; i < 100; ++i) text += std::string(i ? ", " : "") + (i < 10 ? "0.0" : "0.") + std::to_string(i);
  text += "]\ntoy:\n  a: 0\n";
  const auto s = load(text);
  REQUIRE(s.points.size() == 5000);
  const auto& last = dynamic_cast<const ToyStudy&>(*s.points[4999].study);
  CHECK(last.a == 49);
  CHECK(last.b == 0.99);
  const auto& mid = dynamic_cast<const ToyStudy&>(*s.points[1234].study);
  CHECK(mid.a == 12);
  CHECK(mid.b == 0.34);
  CHECK(s.points[1234].params[1].second == "0.34");
}

TEST_CASE("a swept key absent from its section is added per point, and errors at it name the sweep entry", "[app][runner][sweep]") {
  const auto s = load("name: t\nstudy: toy\nsweep:\n  toy.b: [0.5, 0.25]\ntoy:\n  a: 1\n");
  CHECK(dynamic_cast<const ToyStudy&>(*s.points[1].study).b == 0.25);
  CHECK(error_of("name: t\nstudy: toy\nsweep:\n  toy.colour: [red]\ntoy: {}\n") ==
        "x.yaml:4:3: toy.colour: unknown key; expected one of: a, b, delay");
  CHECK(error_of("name: t\nstudy: toy\nsweep:\n  toy.a: [1]\n  toy.a.x: [2]\ntoy: {}\n") ==
        "x.yaml:5:12: sweep.toy.a.x: sweep path names no key of this scenario (write its parent section in the file)");
}

TEST_CASE("results.json keeps swept values' YAML types and writes seeds as exact decimal strings", "[app][runner][report]") {
  const auto s = load("name: t\nstudy: toy\nseed: 18446744073709551\nsweep:\n  toy.b: [0.5, '0.25']\n  toy.a: [3]\ntoy: {}\n");
  runner::RunOptions opt;
  opt.seed = 18446744073709551557ull;  // above 2^53: a double would round it
  const auto j = runner::results_json(runner::run_scenario(s, opt));
  CHECK(j["points"][0]["params"]["toy.b"] == 0.5);
  CHECK(j["points"][1]["params"]["toy.b"] == "0.25");
  CHECK(j["points"][0]["params"]["toy.a"] == 3);
  CHECK(j["scenario"]["seed"] == "18446744073709551557");
  const std::string seed = j["points"][0]["runs"][0]["seed"];
  CHECK(seed == std::to_string(derive_seed(18446744073709551557ull, std::uint64_t{0})));
}

TEST_CASE("run --set of a swept key replaces its sweep, and --sweep replaces or adds a sweep", "[app][runner][sweep]") {
  const std::string text = "name: t\nstudy: toy\nsweep:\n  toy.a: [1, 2, 3]\n  toy.b: [0.5, 0.25]\ntoy: {}\n";
  const auto s = load(text, {{"toy.a", "7"}});
  REQUIRE(s.points.size() == 2);
  CHECK(s.sweep_paths == std::vector<std::string>{"toy.b"});
  CHECK(dynamic_cast<const ToyStudy&>(*s.points[1].study).a == 7);
  REQUIRE(s.notes.size() == 1);
  CHECK_THAT(s.notes[0], Catch::Contains("replaces the scenario's sweep of toy.a"));
  using K = runner::Override::Kind;
  const auto w = load(text, {{"toy.a", "[4, 5]", K::kSweep}});
  REQUIRE(w.points.size() == 4);
  CHECK(dynamic_cast<const ToyStudy&>(*w.points[3].study).a == 5);
  const auto add = load("name: t\nstudy: toy\ntoy: {}\n", {{"toy.b", "[0.5, 1]", K::kSweep}});
  REQUIRE(add.points.size() == 2);
  CHECK(dynamic_cast<const ToyStudy&>(*add.points[1].study).b == 1.0);
  CHECK(add.sweep_paths == std::vector<std::string>{"toy.b"});
  CHECK_THAT(error_of(text, {{"toy.a", "4", K::kSweep}}), Catch::Contains("expected --sweep toy.a=[a, b, ...]"));
  CHECK_THAT(error_of(text, {{"toy.a", "[101]", K::kSweep}}), Catch::Contains("toy.a: expected an integer in [0, 100], got \"101\""));
  CHECK_THAT(error_of(text, {{"toy.a", "1"}, {"toy.a", "[1]", K::kSweep}}), Catch::Contains("both --set and --sweep"));
  CHECK_THAT(error_of(text, {{"seed", "[1]", K::kSweep}}), Catch::Contains("a sweep path must name a key inside"));
  CHECK_THAT(error_of("name: t\nstudy: toy\nsweep:\n  toy.a: [{x: 1}]\ntoy: {a: {x: 0}}\n", {{"toy.a.x", "2"}}),
             Catch::StartsWith("x.yaml:4:3: toy.a.x: --set names a key inside the swept key toy.a"));
}

TEST_CASE("a swept key that changes no result is warned about", "[app][runner][sweep]") {
  const auto s = load("name: t\nstudy: toy\nreplications: 2\nsweep:\n  toy.a: [1, 2]\n  toy.delay: [1s, 2s, 3s]\ntoy: {}\n");
  const auto r = runner::run_scenario(s, {});
  const auto w = runner::ineffective_sweep_warnings(r);
  REQUIRE(w.size() == 1);
  CHECK(w[0] == "sweeping toy.delay changed no result at any point: the model ignores it there and those rows of results.csv repeat");
  CHECK(runner::ineffective_sweep_warnings(runner::run_scenario(load("name: t\nstudy: toy\nsweep:\n  toy.a: [1, 2]\ntoy: {}\n"), {}))
            .empty());
}

TEST_CASE("a population's memory estimate counts the shards running at once and the sessions alive at once",
          "[app][runner][limits]") {
  auto pop = [](const std::string& population) {
    return runner::load_scenario_text("name: p\nstudy: nat-population\npopulation: {" + population +
                                          "}\nnat_mix: {none: 1}\n",
                                      "p.yaml");
  };
  runner::RunOptions j1, j8;
  j8.jobs = 8;
  const auto one = pop("sessions: 8000000");
  const auto eight = pop("sessions: 8000000, shards: 8");
  const double e1 = static_cast<double>(runner::estimate_memory_bytes(one, j1));
  // Eight shards one after another hold one shard's memory (plus the run's samples);
  // on eight threads, all eight at once: the unsharded run's memory.
  const double e8 = static_cast<double>(runner::estimate_memory_bytes(eight, j1));
  CHECK(e8 < e1 / 7);
  CHECK(e8 > e1 / 9);
  CHECK(static_cast<double>(runner::estimate_memory_bytes(eight, j8)) == Approx(e1).epsilon(0.02));
  // Linear in sessions over the same arrival window; at the same density (sessions per
  // second) the sessions alive at once stay as many, so only what every session keeps grows.
  const double small = static_cast<double>(runner::estimate_memory_bytes(pop("sessions: 800000, arrival_window: 100s"), j1));
  const double large = static_cast<double>(runner::estimate_memory_bytes(pop("sessions: 8000000, arrival_window: 100s"), j1));
  CHECK(large / small == Approx(10).epsilon(0.05));
  const double sparse = static_cast<double>(runner::estimate_memory_bytes(pop("sessions: 8000000, arrival_window: 1000s"), j1));
  CHECK(sparse < large);
  CHECK(sparse / small > 8);
  // Spreading the same sessions over a longer window leaves fewer alive at once: less memory,
  // but never less than what every session keeps to the end.
  const double spread = static_cast<double>(runner::estimate_memory_bytes(pop("sessions: 8000000, arrival_window: 24h"), j1));
  CHECK(spread < e1);
  CHECK(spread > e1 / 3);
  // The documented maximum: refused on this 23 GB development machine as one shard, run as
  // 16 shards one after another.
  const auto max1 = pop("sessions: 10000000");
  const auto max16 = pop("sessions: 10000000, shards: 16");
  CHECK_THROWS_WITH(runner::check_memory(max1, j1, 23ull << 30), Catch::Contains("population.shards"));
  CHECK_NOTHROW(runner::check_memory(max16, j1, 23ull << 30));
  // shard_sessions: 200 shards of 50,000 one after another need what one such shard needs
  // plus what the run keeps of every session, whatever the population.
  const auto bounded = pop("sessions: 10000000, shard_sessions: 50000");
  CHECK_NOTHROW(runner::check_memory(bounded, j1, 23ull << 30));
  const double shard = static_cast<double>(runner::estimate_memory_bytes(pop("sessions: 50000"), j1));
  const double b = static_cast<double>(runner::estimate_memory_bytes(bounded, j1));
  CHECK(b < 2 * shard + 10000000.0 * 16);
}

TEST_CASE("a run set that cannot fit in memory is refused before it runs, with the estimate", "[app][runner][limits]") {
  const auto big = runner::load_scenario_text(
      "name: p\nstudy: nat-population\npopulation: {sessions: 10000000}\nnat_mix: {none: 1}\n", "p.yaml");
  runner::RunOptions opt;
  const std::uint64_t est = runner::estimate_memory_bytes(big, opt);
  CHECK(est > 30'000'000'000ull);  // every session alive at once (10 s window): > 3 kB each
  CHECK_THROWS_WITH(runner::check_memory(big, opt, 8ull << 30),
                    Catch::Contains("needs an estimated") && Catch::Contains("8.00 GiB available (MemAvailable)"));
  const auto small = runner::load_scenario_text(
      "name: p\nstudy: nat-population\npopulation: {sessions: 1000}\nnat_mix: {none: 1}\n", "p.yaml");
  CHECK_NOTHROW(runner::check_memory(small, opt, 8ull << 30));
  // Capacity series: 1 s over a day is kept (86,401 samples), 1 s over a year is refused.
  const std::string cap = "name: c\nstudy: capacity\nreport: {interval: 1s}\ntraffic: {horizon: ";
  const auto day = runner::load_scenario_text(cap + "24h}\n", "c.yaml");
  CHECK(runner::estimate_memory_bytes(day, opt) >= 3u * 86401u * 16u);
  try {
    runner::load_scenario_text(cap + "8760h}\n", "c.yaml");
    FAIL("a year at 1 s was accepted");
  } catch (const ScenarioError& e) {
    CHECK(std::string(e.what()) ==
          "c.yaml:3:20: report.interval: gives 31536001 samples per series over traffic.horizon 8760h; at most 1000000 "
          "are kept (use an interval of at least 32s)");
  }
}
