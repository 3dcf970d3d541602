// Large outputs go to disk, not memory: a whole `run` keeps finished runs' series only in
// its work folder and streams timeseries.csv from there one run at a time (byte-identical
// to writing from memory); the disk a result set's series need is estimated before
// running and a run set that cannot fit the target file system is refused; a full disk
// during the run fails it with a message, keeps the earlier set and blocks no later run.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "app/runner/runner.hpp"
#include "cli_tools_support.hpp"

namespace fs = std::filesystem;
using namespace p2psim;

namespace {

const fs::path kSource = P2PSIM_SOURCE_DIR;

fs::path scratch(const std::string& tag) { return testing::scratch_dir("stream_" + tag); }
using testing::p2psim_bin;
using testing::slurp;

int sh(const std::string& cmd) {
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

const std::string kCapacity = "name: c\nstudy: capacity\nreport: {interval: 1s}\ntraffic: {horizon: 24h}\n";

}  // namespace

TEST_CASE("timeseries.csv streamed from the work folder equals the one written from memory", "[app][report][stream]") {
  const fs::path root = scratch("same");
  const std::string scenario = (kSource / "scenarios" / "relay-capacity.yaml").string();
  const std::vector<runner::Override> sets = {{"population.users", "2000"}, {"report.interval", "1min"}};
  // From memory: every run's series kept until write_results.
  const runner::LoadedScenario s = runner::load_scenario(scenario, sets);
  runner::RunOptions opt;
  opt.replications = 2;
  REQUIRE(opt.keep_series);
  const runner::RunSetResult r = runner::run_scenario(s, opt);
  REQUIRE(!r.runs[0].result.series.empty());
  runner::write_results(r, (root / "memory").string());
  // From disk: `p2psim run` (series dropped from memory once each run's record is written),
  // and two slices merged (series read back from the slices' run folders).
  const std::string args = "'" + scenario + "' --set population.users=2000 --set report.interval=1min --replications 2 -q";
  REQUIRE(sh("'" + p2psim_bin() + "' run " + args + " -j2 --out '" + (root / "disk").string() + "'") == 0);
  REQUIRE(sh("'" + p2psim_bin() + "' run " + args + " --shard 1/2 --out '" + (root / "s1").string() + "'") == 0);
  REQUIRE(sh("'" + p2psim_bin() + "' run " + args + " --shard 2/2 --out '" + (root / "s2").string() + "'") == 0);
  REQUIRE(sh("'" + p2psim_bin() + "' merge -q '" + (root / "s1").string() + "' '" + (root / "s2").string() + "' --out '" +
             (root / "merged").string() + "' >/dev/null") == 0);
  const std::string series = slurp(root / "memory" / "timeseries.csv");
  CHECK(series.size() > 10000);
  for (const char* dir : {"disk", "merged"}) {
    INFO(dir);
    CHECK(slurp(root / dir / "timeseries.csv") == series);
    CHECK(slurp(root / dir / "results.csv") == slurp(root / "memory" / "results.csv"));
  }
  CHECK_FALSE(fs::exists(root / "disk.work"));  // the work folder goes once the set is committed
  fs::remove_all(root);
}

TEST_CASE("a run set that keeps no series drops them, and the memory estimate counts series only when kept", "[app][runner][stream]") {
  const auto s = runner::load_scenario_text(kCapacity, "c.yaml");
  runner::RunOptions kept, dropped;
  dropped.keep_series = false;
  kept.replications = dropped.replications = 4;
  // 3 series (no SFUs) of 86,401 samples, 16 bytes each, per retained run.
  CHECK(runner::estimate_memory_bytes(s, kept) - runner::estimate_memory_bytes(s, dropped) == 4u * 3u * 86401u * 16u);
  const auto toy = runner::load_scenario_text("name: c\nstudy: capacity\npopulation: {users: 200}\n"
                                              "traffic: {horizon: 1h}\nreport: {interval: 10min}\n",
                                              "c.yaml");
  runner::RunOptions o;
  o.keep_series = false;
  const runner::RunSetResult r = runner::run_scenario(toy, o);
  REQUIRE(r.runs.size() == 1);
  CHECK(r.runs[0].result.series.empty());
  CHECK_FALSE(r.runs[0].result.metrics.empty());
}

TEST_CASE("the disk a result set's series need is estimated up front and checked against free space", "[app][runner][stream][limits]") {
  const auto s = runner::load_scenario_text(kCapacity, "c.yaml");
  runner::RunOptions opt;
  // Per sample: "0," + "0," (point, replication), the series allowance (40 bytes of name and
  // unit, two 17-character numbers, 3 separators) and two 25-byte hex doubles in the record.
  const std::uint64_t per_sample = 4 + (40 + 2 * 17 + 3) + 2 * 25;
  CHECK(runner::estimate_output_bytes(s, opt) == 3u * 86401u * per_sample);
  opt.replications = 10;  // replications 0..9: still one digit
  CHECK(runner::estimate_output_bytes(s, opt) == 10u * 3u * 86401u * per_sample);
  // A sweep adds each point's parameter cells (quoted at worst: 2 quotes and a comma).
  const auto swept = runner::load_scenario_text(kCapacity + "population: {users: 5}\nsweep:\n  population.users: [1000, 20000]\n", "c.yaml");
  runner::RunOptions one;
  CHECK(runner::estimate_output_bytes(swept, one) == 3u * 86401u * (per_sample + 4 + 3) + 3u * 86401u * (per_sample + 5 + 3));
  CHECK_NOTHROW(runner::check_disk(s, opt, "/somewhere", 1ull << 40));
  CHECK_THROWS_WITH(runner::check_disk(s, opt, "/somewhere", 100ull << 20),
                    Catch::Contains("need an estimated 323.83 MiB of disk") && Catch::Contains("/somewhere has 100.00 MiB free"));
  // Studies without series need no disk check.
  const auto m = runner::load_scenario_text("name: m\nstudy: nat-matrix\nmatrix: {}\n", "m.yaml");
  CHECK(runner::estimate_output_bytes(m, opt) == 0);
  CHECK_NOTHROW(runner::check_disk(m, opt, "/somewhere", 1));
}

TEST_CASE("a full disk: refused up front when the series cannot fit, a failed write otherwise, never a broken folder", "[app][report][stream][cli]") {
  // A real full file system: a 1 MiB tmpfs mounted in a mount namespace of the test's own.
  if (sh("unshare -m true 2>/dev/null") != 0) {
    WARN("unshare -m is not permitted here (needs root): the full-disk test is skipped");
    return;
  }
  const fs::path root = scratch("full");
  const fs::path mnt = root / "mnt", res = root / "res";
  fs::create_directories(mnt);
  fs::create_directories(res);
  const std::string script = root / "full.sh";
  std::ofstream(script) << R"(set -u
M=$1; R=$2; P=$3; S=$4
mount -t tmpfs -o size=1m p2psim-test "$M" || exit 77
"$P" run "$S/scenarios/relay-capacity.yaml" --set report.interval=1s -q --out "$M/big" 2>"$R/big.err"; echo $? >"$R/big.rc"
ls -A "$M" >"$R/big.ls"
"$P" run "$S/scenarios/nat-matrix.yaml" -q --out "$M/set" 2>"$R/first.err"; echo $? >"$R/first.rc"
cp "$M/set/results.json" "$R/first.json"
avail=$(df -k --output=avail "$M" | tail -1)
dd if=/dev/zero of="$M/fill" bs=1k count=$((avail - 32)) 2>/dev/null
"$P" run "$S/scenarios/nat-matrix.yaml" --seed 9 -q --out "$M/set" 2>"$R/second.err"; echo $? >"$R/second.rc"
cp "$M/set/results.json" "$R/second.json"
ls -A "$M" >"$R/second.ls"
rm -f "$M/fill"
"$P" run "$S/scenarios/nat-matrix.yaml" --seed 9 -q --out "$M/set" 2>"$R/third.err"; echo $? >"$R/third.rc"
ls -A "$M" >"$R/third.ls"
)";
  const int rc = sh("unshare -m sh '" + script + "' '" + mnt.string() + "' '" + res.string() + "' '" + p2psim_bin() + "' '" +
                    kSource.string() + "'");
  if (rc == 77) {
    WARN("tmpfs cannot be mounted here: the full-disk test is skipped");
    fs::remove_all(root);
    return;
  }
  REQUIRE(rc == 0);
  // The 1 s series of a day do not fit in 1 MiB: refused before running, nothing left.
  CHECK(slurp(res / "big.rc") == "2\n");
  CHECK_THAT(slurp(res / "big.err"), Catch::Contains("time series need an estimated") && Catch::Contains("MiB free"));
  CHECK(slurp(res / "big.ls").empty());
  REQUIRE(slurp(res / "first.rc") == "0\n");
  // Disk full mid-run: exit 1 with the system's message, the earlier set untouched, no
  // staging folder left.
  CHECK(slurp(res / "second.rc") == "1\n");
  CHECK_THAT(slurp(res / "second.err"), Catch::Contains("cannot write") && Catch::Contains("No space left on device"));
  CHECK(slurp(res / "second.json") == slurp(res / "first.json"));
  CHECK(slurp(res / "second.ls").find(".p2psim-") == std::string::npos);
  // With space again the same run goes through and leaves only the result set.
  CHECK(slurp(res / "third.rc") == "0\n");
  CHECK(slurp(res / "third.ls") == "set\n");
  fs::remove_all(root);
}
