#include "app/runner/run_folder.hpp"

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "app/runner/content_hash.hpp"
#include "app/runner/run_record.hpp"

namespace p2psim::runner {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "p2psim-run-folder 1";

std::string record_name(std::size_t run) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "run-%08zu.rec", run);
  return buf;
}

}  // namespace

nlohmann::ordered_json PartManifest::to_json() const {
  nlohmann::ordered_json j;
  j["format"] = kFormat;
  j["p2psim_version"] = p2psim_version;
  j["scenario_file"] = scenario_file;
  j["scenario_sha256"] = scenario_sha256;
  auto o = nlohmann::ordered_json::array();
  for (const auto& ov : overrides) o.push_back(ov.path + "=" + ov.value);
  j["overrides"] = o;
  j["seed"] = seed;
  j["replications"] = replications;
  j["points"] = points;
  j["runs_total"] = runs_total;
  j["slice"] = slice.text();
  return j;
}

PartManifest PartManifest::from_json(const nlohmann::json& j, const std::string& where) {
  try {
    if (!j.is_object() || j.value("format", "") != kFormat) throw std::invalid_argument("not a p2psim run folder manifest");
    PartManifest m;
    m.p2psim_version = j.at("p2psim_version").get<std::string>();
    m.scenario_file = j.at("scenario_file").get<std::string>();
    m.scenario_sha256 = j.at("scenario_sha256").get<std::string>();
    for (const auto& o : j.at("overrides")) {
      const std::string s = o.get<std::string>();
      const auto eq = s.find('=');
      if (eq == std::string::npos) throw std::invalid_argument("bad override " + s);
      m.overrides.push_back({s.substr(0, eq), s.substr(eq + 1)});
    }
    m.seed = j.at("seed").get<std::uint64_t>();
    m.replications = j.at("replications").get<int>();
    m.points = j.at("points").get<std::size_t>();
    m.runs_total = j.at("runs_total").get<std::size_t>();
    m.slice = parse_slice(j.at("slice").get<std::string>());
    if (m.replications < 1 || m.runs_total != m.points * static_cast<std::size_t>(m.replications))
      throw std::invalid_argument("inconsistent run counts");
    return m;
  } catch (const std::exception& e) {
    throw std::invalid_argument(where + ": " + e.what());
  }
}

void check_same_campaign(const PartManifest& a, const std::string& wa, const PartManifest& b, const std::string& wb) {
  const auto differ = [&](const std::string& what, const std::string& va, const std::string& vb) {
    throw std::invalid_argument(wb + " is not part of the same run as " + wa + ": " + what + " " + vb + " (" + wb +
                                ") vs " + va + " (" + wa + ")");
  };
  if (a.scenario_sha256 != b.scenario_sha256)
    differ("it was run from other scenario bytes: sha256", a.scenario_sha256, b.scenario_sha256);
  if (a.p2psim_version != b.p2psim_version) differ("p2psim version", a.p2psim_version, b.p2psim_version);
  if (a.seed != b.seed) differ("seed", std::to_string(a.seed), std::to_string(b.seed));
  if (a.replications != b.replications)
    differ("replications", std::to_string(a.replications), std::to_string(b.replications));
  const auto sets = [](const PartManifest& m) {
    std::string s;
    for (const auto& o : m.overrides) s += (s.empty() ? "" : " ") + ("--set " + o.path + "=" + o.value);
    return s.empty() ? std::string("no --set") : s;
  };
  if (sets(a) != sets(b)) differ("overrides", sets(a), sets(b));
  if (a.scenario_file != b.scenario_file) differ("scenario file name", a.scenario_file, b.scenario_file);
  if (a.points != b.points) differ("sweep points", std::to_string(a.points), std::to_string(b.points));
}

bool RunFolder::exists(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / "part.json", ec);
}

RunFolder RunFolder::create(const std::string& dir, const PartManifest& m, const std::string& scenario_bytes) {
  std::error_code ec;
  const fs::path d(dir);
  if (fs::is_symlink(d, ec)) throw std::invalid_argument(dir + " is a symbolic link; not using it as a run folder");
  if (fs::exists(d, ec)) {
    if (!fs::is_directory(d, ec)) throw std::invalid_argument(dir + " exists and is not a directory");
    if (!exists(dir) && !fs::is_empty(d, ec))
      throw std::invalid_argument(dir + " exists and is not a p2psim run folder; not overwriting it");
    fs::remove_all(d / "runs", ec);
    if (ec) throw std::runtime_error("cannot clear " + (d / "runs").string() + ": " + ec.message());
  }
  const bool made = !fs::exists(d, ec);
  fs::create_directories(d / "runs", ec);
  if (ec) throw std::runtime_error("cannot create " + (d / "runs").string() + ": " + ec.message());
  try {
    write_file_durably(dir, "scenario.yaml", scenario_bytes);
    write_file_durably(dir, "part.json", m.to_json().dump(2) + "\n");
  } catch (...) {
    // A folder without part.json is no run folder and would block every later run here
    // (e.g. after a full disk): take back what was made.
    std::error_code ignored;
    if (made) fs::remove_all(d, ignored);
    throw;
  }
  RunFolder f;
  f.dir_ = dir;
  f.m_ = m;
  return f;
}

RunFolder RunFolder::open(const std::string& dir) {
  if (!exists(dir)) throw std::invalid_argument(dir + " is not a p2psim run folder (no part.json)");
  const std::string where = (fs::path(dir) / "part.json").string();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(where, 1u << 20));
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(where + ": " + e.what());
  }
  RunFolder f;
  f.dir_ = dir;
  f.m_ = PartManifest::from_json(j, where);
  if (sha256_hex(f.scenario_bytes()) != f.m_.scenario_sha256)
    throw std::invalid_argument(dir + "/scenario.yaml does not match the sha256 in part.json");
  return f;
}

std::string RunFolder::scenario_bytes() const { return read_file(dir_ + "/scenario.yaml", 16u << 20); }

std::map<std::size_t, RunRecord> RunFolder::finished(bool* series_left_on_disk) const {
  std::map<std::size_t, RunRecord> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(dir_) / "runs", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.') continue;  // a temporary left by a killed run
    std::size_t run = 0;
    RunRecord rec = decode_run_record(read_file(e.path().string()), e.path().string(), run);
    if (name != record_name(run)) throw std::runtime_error(e.path().string() + ": record of run " + std::to_string(run));
    if (run >= m_.runs_total || slice_of(run, m_.slice.count) != m_.slice.index ||
        rec.point != run / static_cast<std::size_t>(m_.replications) ||
        rec.replication != static_cast<int>(run % static_cast<std::size_t>(m_.replications)))
      throw std::runtime_error(e.path().string() + ": run " + std::to_string(run) + " does not belong to slice " +
                               m_.slice.text() + " of this run folder");
    if (series_left_on_disk != nullptr && !rec.result.series.empty()) {
      *series_left_on_disk = true;
      rec.result.series = {};
    }
    out.emplace(run, std::move(rec));
  }
  if (ec) throw std::runtime_error("cannot list " + dir_ + "/runs: " + ec.message());
  return out;
}

RunRecord RunFolder::record(std::size_t run) const {
  const std::string path = dir_ + "/runs/" + record_name(run);
  std::size_t got = 0;
  RunRecord rec = decode_run_record(read_file(path), path, got);
  if (got != run) throw std::runtime_error(path + ": record of run " + std::to_string(got));
  return rec;
}

void RunFolder::add(std::size_t run, const RunRecord& rec) const {
  write_file_durably(dir_ + "/runs", record_name(run), encode_run_record(run, rec));
}

void RunFolder::remove() const {
  std::error_code ec;
  fs::remove_all(dir_, ec);
  if (ec) throw std::runtime_error("cannot remove " + dir_ + ": " + ec.message());
}

}  // namespace p2psim::runner
