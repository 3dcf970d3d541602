// A run folder: the finished runs of a scenario's run set (or of one slice of it), each
// in its own record file (app/runner/run_record.hpp), with a manifest that says what they
// are runs of. It is what `run --shard i/n --out DIR` leaves in DIR, what `merge` reads,
// and the work folder `<out>.work` in which a plain `run` keeps finished runs until the
// final files are written, so that `run --resume` can skip them.
//
// Layout: DIR/part.json (the manifest), DIR/scenario.yaml (the scenario file's bytes),
// DIR/runs/run-<number>.rec (one per finished run; written atomically, so a killed run
// leaves only whole records).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/runner/run_set.hpp"
#include "app/runner/runner.hpp"

namespace p2psim::runner {

struct PartManifest {
  std::string p2psim_version;
  std::string scenario_file;    // as given to `run` (results.json names it)
  std::string scenario_sha256;  // of the scenario file's bytes
  std::vector<Override> overrides;
  std::uint64_t seed = 0;       // effective seed (after --seed)
  int replications = 1;         // effective replications (after --replications)
  std::size_t points = 0;
  std::size_t runs_total = 0;   // points x replications
  Slice slice;                  // which runs the folder is for (1/1: all)

  nlohmann::ordered_json to_json() const;
  // Throws std::invalid_argument naming `where` on a malformed manifest.
  static PartManifest from_json(const nlohmann::json& j, const std::string& where);
};

// Throws std::invalid_argument saying how `b` (from `where_b`) differs from `a` (from
// `where_a`) when they are not runs of one campaign: other scenario bytes, --set
// overrides, p2psim version, seed or replications. Slices are not compared.
void check_same_campaign(const PartManifest& a, const std::string& where_a, const PartManifest& b,
                         const std::string& where_b);

class RunFolder {
 public:
  // Makes `dir` a fresh run folder for `m`: creates it, or clears the records of the run
  // folder already there; refuses an existing directory that is not a run folder.
  static RunFolder create(const std::string& dir, const PartManifest& m, const std::string& scenario_bytes);
  // Opens an existing run folder; throws std::invalid_argument if `dir` is not one.
  static RunFolder open(const std::string& dir);
  static bool exists(const std::string& dir);

  const std::string& dir() const { return dir_; }
  const PartManifest& manifest() const { return m_; }
  std::string scenario_bytes() const;
  // The records present, by run number; checks each names the run its file is for and
  // belongs to the folder's slice. With `series_left_on_disk`, the records' series are
  // dropped as each is read (record() reads them back) and it says whether any had one.
  std::map<std::size_t, RunRecord> finished(bool* series_left_on_disk = nullptr) const;
  // The record of run `run` alone (what timeseries.csv is streamed from, one run at a time);
  // throws std::runtime_error when it is absent, malformed or of another run.
  RunRecord record(std::size_t run) const;
  // Adds the record of run `run`, atomically and durably.
  void add(std::size_t run, const RunRecord& rec) const;
  // Deletes the folder and everything in it.
  void remove() const;

 private:
  std::string dir_;
  PartManifest m_;
};

}  // namespace p2psim::runner
