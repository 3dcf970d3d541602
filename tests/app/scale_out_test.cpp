// Scale-out: run records round-trip exactly; `run --shard i/n` slices merged by `merge`
// equal a single run byte for byte, and merge refuses parts that do not belong together;
// a killed run resumed with --resume gives the same files; MPI ranks (when built with
// MPI) give the single-process files for runs spread over ranks and for one population's
// shards spread over ranks.
#include <catch2/catch.hpp>

#include <signal.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>

#include "app/runner/campaign.hpp"
#include "app/runner/mpi_runner.hpp"
#include "app/runner/run_record.hpp"
#include "app/runner/run_set.hpp"

namespace fs = std::filesystem;
using namespace p2psim;

namespace {

const fs::path kSource = P2PSIM_SOURCE_DIR;
const std::string kCalls = "tests/app/fixtures/scale_out_calls.yaml";
const std::string kPopulation = "tests/app/fixtures/scale_out_population.yaml";

fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("p2psim_scale_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string p2psim_bin() {
  const char* env = std::getenv("P2PSIM_BIN");
  return env ? env : (kSource / "build" / "p2psim").string();
}

// Runs `prefix p2psim args` in the source folder; exit status (128 + signal when killed),
// stderr in `err`.
int run_cli(const std::string& args, std::string* err = nullptr, const std::string& prefix = "") {
  const fs::path err_file = fs::temp_directory_path() / ("p2psim_scale_err_" + std::to_string(::getpid()));
  const std::string cmd = "cd '" + kSource.string() + "' && " + prefix + "'" + p2psim_bin() + "' " + args +
                          " >/dev/null 2>'" + err_file.string() + "'";
  const int rc = std::system(cmd.c_str());
  if (err) *err = slurp(err_file);
  if (WIFSIGNALED(rc)) return 128 + WTERMSIG(rc);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// The files a run set writes; every one of `a` must exist in `b` with the same bytes.
void check_same_files(const fs::path& a, const fs::path& b) {
  REQUIRE(fs::exists(a / "results.json"));
  REQUIRE(fs::exists(b / "results.json"));
  for (const char* f : {"results.json", "results.csv", "timeseries.csv"}) {
    INFO(f);
    CHECK(fs::exists(a / f) == fs::exists(b / f));
    if (fs::exists(a / f)) CHECK(slurp(a / f) == slurp(b / f));
  }
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("run records: every double and name comes back bit for bit", "[app][scaleout]") {
  runner::RunRecord rec;
  rec.point = 12;
  rec.replication = 3;
  rec.seed = 18446744073709551615ull;
  const double values[] = {0.0, -0.0, 1.0 / 3.0, 1e-310, -std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN(), 0.1 + 0.2, 6.02214076e23};
  for (double v : values) rec.result.metrics.push_back({"m_" + std::to_string(rec.result.metrics.size()), v});
  rec.result.metrics.push_back({"", 1.5});
  rec.result.metrics.push_back({"odd name %/\n\"x\"", 2.5});
  rec.result.series.push_back({"relay concurrent", "bit/s", {0.0, 0.5, 1.0 / 7.0}, {1.0, 2.0}});
  rec.result.series.push_back({"empty", "", {}, {}});
  std::size_t run = 0;
  const runner::RunRecord back = runner::decode_run_record(runner::encode_run_record(99, rec), "r", run);
  CHECK(run == 99);
  CHECK(back.point == 12);
  CHECK(back.replication == 3);
  CHECK(back.seed == rec.seed);
  REQUIRE(back.result.metrics.size() == rec.result.metrics.size());
  for (std::size_t i = 0; i < rec.result.metrics.size(); ++i) {
    CHECK(back.result.metrics[i].name == rec.result.metrics[i].name);
    if (std::isnan(rec.result.metrics[i].value))
      CHECK(std::isnan(back.result.metrics[i].value));
    else
      CHECK(same_bits(back.result.metrics[i].value, rec.result.metrics[i].value));
  }
  REQUIRE(back.result.series.size() == 2);
  CHECK(back.result.series[0].name == "relay concurrent");
  CHECK(back.result.series[0].unit == "bit/s");
  CHECK(same_bits(back.result.series[0].t[2], 1.0 / 7.0));
  CHECK(back.result.series[0].v.size() == 2);
  CHECK(back.result.series[1].unit.empty());

  const std::string good = runner::encode_run_record(1, rec);
  for (const std::string& bad : {std::string(""), good.substr(0, good.size() / 2), good + "x\n",
                                 std::string("p2psim-run 1\nrun 1 point x"), std::string("p2psim-run 2\n")}) {
    CHECK_THROWS_WITH(runner::decode_run_record(bad, "f.rec", run), Catch::Contains("f.rec: malformed run record"));
  }
}

TEST_CASE("slices i/n partition the run set", "[app][scaleout]") {
  CHECK(runner::parse_slice("2/3").index == 2);
  for (const char* bad : {"0/3", "4/3", "3", "/3", "1/", "a/b", "1/0", "-1/2", "1/2/3"})
    CHECK_THROWS_WITH(runner::parse_slice(bad), Catch::Contains("--shard"));
  for (std::size_t total : {0u, 1u, 7u, 12u}) {
    for (int n : {1, 2, 3, 5, 13}) {
      std::vector<int> seen(total, 0);
      for (int i = 1; i <= n; ++i)
        for (std::size_t r : runner::slice_runs(total, {i, n})) {
          ++seen[r];
          CHECK(runner::slice_of(r, n) == i);
        }
      for (int c : seen) CHECK(c == 1);
    }
  }
}

TEST_CASE("run --shard i/n x3 merged equals a single run, byte for byte", "[app][scaleout][cli]") {
  const fs::path d = scratch("shard");
  REQUIRE(run_cli("run " + kCalls + " -q -j2 --out '" + (d / "single").string() + "'") == 0);
  for (int i = 1; i <= 3; ++i) {
    const fs::path part = d / ("part" + std::to_string(i));
    REQUIRE(run_cli("run " + kCalls + " -q --shard " + std::to_string(i) + "/3 --out '" + part.string() + "'") == 0);
    CHECK(fs::exists(part / "part.json"));
    CHECK(!fs::exists(part / "results.json"));
  }
  const std::string parts = "'" + (d / "part1").string() + "' '" + (d / "part2").string() + "' '" + (d / "part3").string() + "'";
  // Any order of the parts.
  REQUIRE(run_cli("merge " + parts + " --out '" + (d / "merged").string() + "' -q") == 0);
  check_same_files(d / "single", d / "merged");
  REQUIRE(run_cli("merge '" + (d / "part3").string() + "' '" + (d / "part1").string() + "' '" + (d / "part2").string() +
                  "' --out '" + (d / "merged2").string() + "' -q") == 0);
  check_same_files(d / "single", d / "merged2");

  std::string err;
  SECTION("a missing slice is named, nothing is written") {
    CHECK(run_cli("merge '" + (d / "part1").string() + "' '" + (d / "part3").string() + "' --out '" + (d / "m").string() + "'",
                  &err) == 2);
    CHECK_THAT(err, Catch::Contains("slice 2/3 missing"));
    CHECK(!fs::exists(d / "m" / "results.json"));
  }
  SECTION("a slice given twice is refused") {
    CHECK(run_cli("merge " + parts + " '" + (d / "part2").string() + "' --out '" + (d / "m").string() + "'", &err) == 2);
    CHECK_THAT(err, Catch::Contains("slice 2/3 is given twice"));
  }
  SECTION("a part with another seed is refused, naming it") {
    REQUIRE(run_cli("run " + kCalls + " -q --seed 8 --shard 2/3 --out '" + (d / "other_seed").string() + "'") == 0);
    CHECK(run_cli("merge '" + (d / "part1").string() + "' '" + (d / "other_seed").string() + "' '" + (d / "part3").string() +
                      "' --out '" + (d / "m").string() + "'",
                  &err) == 2);
    CHECK_THAT(err, Catch::Contains("other_seed is not part of the same run") && Catch::Contains("seed 8"));
    CHECK(!fs::exists(d / "m" / "results.json"));
  }
  SECTION("a part of other scenario bytes is refused") {
    const fs::path edited = d / "edited.yaml";
    std::ofstream(edited) << slurp(kSource / kCalls) << "# an edit\n";
    REQUIRE(run_cli("run '" + edited.string() + "' -q --shard 2/3 --out '" + (d / "other_file").string() + "'") == 0);
    CHECK(run_cli("merge '" + (d / "part1").string() + "' '" + (d / "other_file").string() + "' '" + (d / "part3").string() +
                      "' --out '" + (d / "m").string() + "'",
                  &err) == 2);
    CHECK_THAT(err, Catch::Contains("other scenario bytes"));
  }
  SECTION("an unfinished slice is named with its missing runs") {
    fs::remove(d / "part2" / "runs" / "run-00000004.rec");
    CHECK(run_cli("merge " + parts + " --out '" + (d / "m").string() + "'", &err) == 2);
    CHECK_THAT(err, Catch::Contains("(slice 2/3) is unfinished: run 4 (point 2, replication 0) missing"));
  }
  SECTION("--shard without --out, and a bad slice, are usage errors") {
    CHECK(run_cli("run " + kCalls + " -q --shard 1/2", &err) == 2);
    CHECK_THAT(err, Catch::Contains("--shard needs --out"));
    CHECK(run_cli("run " + kCalls + " -q --shard 3/2 --out '" + (d / "x").string() + "'", &err) == 2);
  }
  fs::remove_all(d);
}

TEST_CASE("a run killed after K runs, then --resume: the files of an uninterrupted run", "[app][scaleout][resume]") {
  const fs::path d = scratch("resume");
  REQUIRE(run_cli("run " + kCalls + " -q -j2 --out '" + (d / "single").string() + "'") == 0);
  const fs::path out = d / "out";
  // Fault injection: the run SIGKILLs itself once 5 records are written.
  CHECK(run_cli("run " + kCalls + " -q -j2 --out '" + out.string() + "'", nullptr,
                std::string(runner::kKillAfterRunsEnv) + "=5 ") == 128 + SIGKILL);
  CHECK(!fs::exists(out / "results.json"));
  const fs::path work = d / "out.work";
  REQUIRE(fs::exists(work / "part.json"));
  std::size_t records = 0;
  for (const auto& e : fs::directory_iterator(work / "runs")) records += e.path().filename().string()[0] != '.';
  CHECK(records == 5);
  std::string err;
  // --resume with another seed is refused; then the real resume.
  CHECK(run_cli("run " + kCalls + " -q --seed 9 --resume --out '" + out.string() + "'", &err) == 2);
  CHECK_THAT(err, Catch::Contains("not part of the same run"));
  REQUIRE(run_cli("run " + kCalls + " -q --resume --out '" + out.string() + "'") == 0);
  check_same_files(d / "single", out);
  CHECK(!fs::exists(work));
  // Nothing to resume any more.
  CHECK(run_cli("run " + kCalls + " -q --resume --out '" + out.string() + "'", &err) == 2);
  CHECK_THAT(err, Catch::Contains("no unfinished run to resume"));
  fs::remove_all(d);
}

TEST_CASE("a run killed with kill -9 midway, then --resume: identical files", "[app][scaleout][resume]") {
  const fs::path d = scratch("kill9");
  // 6 points x 10 replications: long enough to be caught in the middle.
  const std::string reps = "10";
  REQUIRE(run_cli("run " + kCalls + " -q -j1 --replications " + reps + " --out '" + (d / "single").string() + "'") == 0);
  const fs::path out = d / "out", runs = d / "out.work" / "runs";
  const std::string bin = p2psim_bin(), scen = kCalls, out_s = out.string();
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    if (::chdir(kSource.c_str()) != 0) ::_exit(126);
    ::execl(bin.c_str(), bin.c_str(), "run", scen.c_str(), "-q", "-j1", "--replications", reps.c_str(), "--out",
            out_s.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait (at most 60 s) until a few runs are recorded, then kill -9.
  bool caught = false;
  for (int i = 0; i < 6000 && !caught; ++i) {
    std::error_code ec;
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(runs, ec)) n += e.path().filename().string()[0] != '.';
    caught = n >= 3;
    if (!caught) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFSIGNALED(status) || fs::exists(out / "results.json")) {
    WARN("the run finished before it could be killed; resume then has nothing to do");
  } else {
    CHECK(fs::exists(d / "out.work" / "part.json"));
    REQUIRE(run_cli("run " + kCalls + " -q -j1 --replications " + reps + " --resume --out '" + out_s + "'") == 0);
  }
  check_same_files(d / "single", out);
  fs::remove_all(d);
}

TEST_CASE("mpirun -n 2, -n 3 and -n 2 -j2: the single-process files, for runs and for one population's shards",
          "[app][scaleout][mpi]") {
  if (!runner::mpi::available()) {
    WARN("p2psim was built without MPI (libopenmpi-dev absent): MPI tests skipped");
    return;
  }
  if (std::system("command -v mpirun >/dev/null 2>&1") != 0) {
    WARN("mpirun not found (openmpi-bin absent): MPI tests skipped");
    return;
  }
  // Loopback only: shared memory and self transports; root allowed (CI runs as root).
  // In the sanitizer build (-DP2PSIM_SANITIZE=ON) LeakSanitizer would fail every rank on
  // Open MPI's own never-freed state: full malloc stacks and loaded MCA components let
  // tests/lsan_openmpi.supp name those libraries (ignored by other builds).
  const std::string env = "OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_plm=isolated "
                          "OMPI_MCA_oob_tcp_if_include=lo OMPI_MCA_rmaps_base_oversubscribe=1 "
                          "OMPI_MCA_mca_base_component_disable_dlclose=1 ASAN_OPTIONS=fast_unwind_on_malloc=0 "
                          "LSAN_OPTIONS=suppressions='" + (kSource / "tests" / "lsan_openmpi.supp").string() + "' ";
  const std::string mpirun = "mpirun --allow-run-as-root --oversubscribe --bind-to none -n ";
  const fs::path d = scratch("mpi");
  for (const std::string& scen : {kCalls, kPopulation}) {
    const fs::path single = d / (fs::path(scen).stem().string() + "_single");
    REQUIRE(run_cli("run " + scen + " -q -j1 --out '" + single.string() + "'") == 0);
    for (int n : {2, 3}) {
      const fs::path out = d / (fs::path(scen).stem().string() + "_mpi" + std::to_string(n));
      std::string err;
      INFO(scen << " on " << n << " ranks: " << err);
      REQUIRE(run_cli("run " + scen + " -q -j1 --out '" + out.string() + "'", &err, env + mpirun + std::to_string(n) + " ") == 0);
      check_same_files(single, out);
    }
    // Two threads per rank draw from the ranks' run counter (MPI_THREAD_SERIALIZED).
    const fs::path out = d / (fs::path(scen).stem().string() + "_mpi2_j2");
    std::string err;
    INFO(scen << " on 2 ranks x 2 threads: " << err);
    REQUIRE(run_cli("run " + scen + " -q -j2 --out '" + out.string() + "'", &err, env + mpirun + "2 ") == 0);
    check_same_files(single, out);
  }
  {
    // Shards that population.shard_sessions asks for (400 / 100 = 4) spread over the ranks
    // as those of population.shards do.
    const std::string set = " --set population.shards=1 --set population.shard_sessions=100";
    const fs::path single = d / "bounded_single", out = d / "bounded_mpi2";
    REQUIRE(run_cli("run " + kPopulation + set + " -q -j1 --out '" + single.string() + "'") == 0);
    std::string err;
    INFO("shard_sessions on 2 ranks: " << err);
    REQUIRE(run_cli("run " + kPopulation + set + " -q -j1 --out '" + out.string() + "'", &err, env + mpirun + "2 ") == 0);
    check_same_files(single, out);
    const fs::path one = d / "bounded_one_shard";
    REQUIRE(run_cli("run " + kPopulation + " --set population.shards=1 -q -j1 --out '" + one.string() + "'") == 0);
    CHECK(slurp(one / "results.csv") != slurp(single / "results.csv"));
  }
  {
    std::string err;
    CHECK(run_cli("run " + kCalls + " -q --shard 1/2 --out '" + (d / "shard_under_mpi").string() + "'", &err, env + mpirun + "2 ") != 0);
    CHECK_THAT(err, Catch::Contains("not for mpirun -n 2"));
  }
  // A failing rank: a clear error and no result set, for runs and for shards.
  for (const std::string& scen : {kCalls, kPopulation}) {
    const fs::path out = d / (fs::path(scen).stem().string() + "_fail");
    std::string err;
    CHECK(run_cli("run " + scen + " -q --out '" + out.string() + "'", &err,
                  env + std::string(runner::mpi::kFailOnRankEnv) + "=1 " + mpirun + "3 -x " + runner::mpi::kFailOnRankEnv + " ") != 0);
    CHECK_THAT(err, Catch::Contains("rank 1: injected failure"));
    CHECK(!fs::exists(out / "results.json"));
  }
  fs::remove_all(d);
}
