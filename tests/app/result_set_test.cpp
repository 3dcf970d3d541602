// The result-set writer (app/report/result_set_writer.hpp): complete or absent, never
// mixed; stale files never survive; failed writes are errors; --out problems are found
// before anything runs; nothing pre-planted is followed.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "app/report/result_set_writer.hpp"

namespace fs = std::filesystem;
using p2psim::report::ResultSetWriter;

namespace {

fs::path fresh_dir(const std::string& tag) {
  const fs::path d = fs::temp_directory_path() / ("p2psim_rs_" + tag + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_set(const fs::path& out, const std::vector<std::pair<std::string, std::string>>& files) {
  ResultSetWriter w(out.string());
  for (const auto& [name, content] : files) {
    auto f = w.create(name);
    f.stream() << content;
    f.close();
  }
  w.commit();
}

// Hidden staging or set-aside folders the writer may leave in `parent`.
int leftovers(const fs::path& parent) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(parent))
    if (e.path().filename().string().find(".p2psim-") != std::string::npos) ++n;
  return n;
}

struct FaultEnv {
  explicit FaultEnv(const char* v) { ::setenv("P2PSIM_FAULT", v, 1); }
  ~FaultEnv() { ::unsetenv("P2PSIM_FAULT"); }
};

std::string invalid_argument_of(const fs::path& out) {
  try {
    ResultSetWriter w(out.string());
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

int sh(const std::string& cmd) {
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string bin() {
  const char* env = std::getenv("P2PSIM_BIN");
  return env ? env : (fs::path(P2PSIM_SOURCE_DIR) / "build" / "p2psim").string();
}

}  // namespace

TEST_CASE("a new result set replaces the earlier one as a whole: no stale file survives", "[app][report][results]") {
  const fs::path root = fresh_dir("stale");
  const fs::path out = root / "set";
  write_set(out, {{"results.csv", "old csv"}, {"timeseries.csv", "old series"}, {"results.json", "{\"run\": 1}"}});
  CHECK(slurp(out / "timeseries.csv") == "old series");
  {
    ResultSetWriter w(out.string());
    CHECK(w.replaces_existing());
    auto f = w.create("results.json");
    f.stream() << "{\"run\": 2}";
    f.close();
    auto g = w.create("results.csv");
    g.stream() << "new csv";
    g.close();
    CHECK(slurp(out / "results.json") == "{\"run\": 1}");  // nothing visible before commit
    w.commit();
  }
  CHECK(slurp(out / "results.json") == "{\"run\": 2}");
  CHECK(slurp(out / "results.csv") == "new csv");
  CHECK_FALSE(fs::exists(out / "timeseries.csv"));
  CHECK(leftovers(root) == 0);
  fs::remove_all(root);
}

TEST_CASE("a failed write fails with a message and leaves the earlier set untouched", "[app][report][results]") {
  const fs::path root = fresh_dir("fail");
  const fs::path out = root / "set";
  write_set(out, {{"results.json", "old"}});
  {
    FaultEnv fault("write-fail");
    ResultSetWriter w(out.string());
    auto f = w.create("results.json");
    f.stream() << std::string(200000, 'x');
    CHECK_THROWS_WITH(f.close(), Catch::Contains("cannot write") && Catch::Contains("No space left"));
  }
  CHECK(slurp(out / "results.json") == "old");
  CHECK(leftovers(root) == 0);
  fs::remove_all(root);
}

TEST_CASE("the fallback swap (no RENAME_EXCHANGE) also replaces the whole set", "[app][report][results]") {
  const fs::path root = fresh_dir("fallback");
  const fs::path out = root / "set";
  write_set(out, {{"results.json", "old"}, {"timeseries.csv", "old"}});
  {
    FaultEnv fault("no-exchange");
    write_set(out, {{"results.json", "new"}});
  }
  CHECK(slurp(out / "results.json") == "new");
  CHECK_FALSE(fs::exists(out / "timeseries.csv"));
  CHECK(leftovers(root) == 0);
  fs::remove_all(root);
}

TEST_CASE("the --out folder's problems are found before anything runs", "[app][report][results]") {
  const fs::path root = fresh_dir("out");
  std::ofstream(root / "file") << "x";
  CHECK_THAT(invalid_argument_of(root / "file"), Catch::Contains("exists and is not a folder"));
  fs::create_symlink(root / "nowhere", root / "dangling");
  CHECK_THAT(invalid_argument_of(root / "dangling"), Catch::Contains("is a symbolic link"));
  CHECK_FALSE(fs::exists(root / "nowhere"));
  fs::create_directories(root / "mine");
  std::ofstream(root / "mine" / "notes.txt") << "precious";
  CHECK_THAT(invalid_argument_of(root / "mine"), Catch::Contains("holds no results.json"));
  CHECK(slurp(root / "mine" / "notes.txt") == "precious");
  CHECK_THAT(invalid_argument_of(root / "file" / "sub"), Catch::Contains("Not a directory"));
  CHECK_THAT(invalid_argument_of("/proc/p2psim_results"), Catch::Contains("cannot create a folder in /proc"));
  if (::geteuid() != 0) {  // root writes into read-only folders; /proc above stands in for it
    fs::create_directories(root / "ro");
    fs::permissions(root / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_THAT(invalid_argument_of(root / "ro" / "set"), Catch::Contains("cannot create a folder"));
    fs::permissions(root / "ro", fs::perms::owner_all);
  }
  CHECK(leftovers(root) == 0);
  fs::remove_all(root);
}

TEST_CASE("a symlink planted where a temporary file used to go is not followed", "[app][report][results]") {
  const fs::path root = fresh_dir("symlink");
  const fs::path out = root / "set";
  write_set(out, {{"results.json", "old"}});
  std::ofstream(root / "victim") << "victim";
  fs::create_symlink(root / "victim", out / ".results.json.tmp");
  write_set(out, {{"results.json", "new"}});
  CHECK(slurp(root / "victim") == "victim");
  CHECK(slurp(out / "results.json") == "new");
  fs::remove_all(root);
}

TEST_CASE("a result file is created exclusively: a second file of the same name is refused", "[app][report][results]") {
  const fs::path root = fresh_dir("excl");
  {
    ResultSetWriter w((root / "set").string());
    auto f = w.create("results.json");
    CHECK_THROWS_WITH(w.create("results.json"), Catch::Contains("cannot create") && Catch::Contains("File exists"));
    CHECK_THROWS_AS(w.create(".hidden"), std::logic_error);
    CHECK_THROWS_AS(w.create("a/b"), std::logic_error);
  }
  CHECK_FALSE(fs::exists(root / "set"));  // never committed: nothing published
  CHECK(leftovers(root) == 0);
  fs::remove_all(root);
}

TEST_CASE("p2psim run killed between renames leaves a complete set, never a mix", "[app][report][results][cli]") {
  const fs::path root = fresh_dir("kill");
  const fs::path out = root / "set";
  const std::string src = P2PSIM_SOURCE_DIR;
  const std::string series_run = "'" + bin() + "' run '" + src + "/scenarios/relay-capacity.yaml' --replications 1 -q --out '" +
                                 out.string() + "'";
  const std::string plain_run =
      "'" + bin() + "' run '" + src + "/scenarios/nat-matrix.yaml' --replications 1 -q --out '" + out.string() + "'";
  REQUIRE(sh(series_run) == 0);
  REQUIRE(fs::exists(out / "timeseries.csv"));
  // Exchange path: the new set is in place after the first (and only) rename.
  CHECK(sh("P2PSIM_FAULT=after-first-rename " + plain_run) == 86);
  CHECK(slurp(out / "results.json").find("\"study\": \"nat-matrix\"") != std::string::npos);
  CHECK_FALSE(fs::exists(out / "timeseries.csv"));
  // Fallback path: killed after moving the earlier set aside, the folder is absent.
  REQUIRE(sh(series_run) == 0);
  CHECK(sh("P2PSIM_FAULT=no-exchange,after-first-rename " + plain_run) == 86);
  CHECK_FALSE(fs::exists(out));
  fs::remove_all(root);
}

TEST_CASE("p2psim run under a file size limit fails with a message and keeps the earlier set", "[app][report][results][cli]") {
  const fs::path root = fresh_dir("fsize");
  const fs::path out = root / "set";
  const std::string run = "'" + bin() + "' run '" + std::string(P2PSIM_SOURCE_DIR) +
                          "/scenarios/relay-capacity.yaml' --replications 1 -q --out '" + out.string() + "'";
  REQUIRE(sh(run) == 0);
  const std::string before = slurp(out / "results.json");
  const fs::path err = root / "err.txt";
  // ulimit -f counts 1024-byte blocks: the time series is far larger than 8 KiB.
  CHECK(sh("ulimit -f 8; " + run + " --seed 5 2>'" + err.string() + "'") == 1);
  CHECK_THAT(slurp(err), Catch::Contains("cannot write") && Catch::Contains("File too large"));
  CHECK(slurp(out / "results.json") == before);
  CHECK(leftovers(root) == 0);
  fs::remove_all(root);
}

TEST_CASE("p2psim run checks --out before simulating and says when it replaces a set", "[app][report][results][cli]") {
  const fs::path root = fresh_dir("cli");
  std::ofstream(root / "file") << "x";
  const std::string run = "'" + bin() + "' run '" + std::string(P2PSIM_SOURCE_DIR) + "/scenarios/nat-matrix.yaml' --out ";
  const fs::path err = root / "err.txt";
  CHECK(sh(run + "'" + (root / "file").string() + "' >/dev/null 2>'" + err.string() + "'") == 2);
  CHECK_THAT(slurp(err), Catch::Contains("exists and is not a folder"));
  CHECK_FALSE(fs::exists(root / "file.work"));  // refused before any run was recorded
  fs::create_symlink(root / "nowhere", root / "dangling");
  CHECK(sh(run + "'" + (root / "dangling").string() + "' >/dev/null 2>'" + err.string() + "'") == 2);
  CHECK_THAT(slurp(err), Catch::Contains("is a symbolic link"));
  CHECK_FALSE(fs::exists(root / "nowhere"));
  CHECK_FALSE(fs::exists(root / "dangling.work"));
  CHECK(sh("P2PSIM_FAULT=write-fail " + run + "'" + (root / "wf").string() + "' >/dev/null 2>'" + err.string() + "'") == 1);
  CHECK_THAT(slurp(err), Catch::Contains("cannot write") && Catch::Contains("No space left on device"));
  CHECK_FALSE(fs::exists(root / "wf"));
  CHECK(sh(run + "'" + (root / "set").string() + "' >/dev/null 2>'" + err.string() + "'") == 0);
  CHECK(slurp(err).empty());
  CHECK(sh(run + "'" + (root / "set").string() + "' >/dev/null 2>'" + err.string() + "'") == 0);
  CHECK_THAT(slurp(err), Catch::Contains("replacing the earlier result set"));
  fs::remove_all(root);
}
