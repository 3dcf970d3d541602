#include "app/runner/campaign.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>

#include "app/runner/content_hash.hpp"
#include "app/runner/mpi_runner.hpp"
#include "app/runner/run_folder.hpp"
#include "app/runner/run_record.hpp"
#include "sim/random.hpp"

namespace p2psim::runner {
namespace {

std::size_t kill_after_runs() {
  const char* v = std::getenv(kKillAfterRunsEnv);
  if (v == nullptr || *v == '\0') return 0;
  return static_cast<std::size_t>(std::strtoull(v, nullptr, 10));
}

PartManifest manifest_for(const CampaignOptions& o, const LoadedScenario& s, const std::string& bytes) {
  PartManifest m;
  m.p2psim_version = P2PSIM_VERSION;
  m.scenario_file = o.scenario_path;
  m.scenario_sha256 = sha256_hex(bytes);
  m.overrides = o.overrides;
  m.seed = o.run.seed.value_or(s.seed);
  m.replications = o.run.replications.value_or(s.replications);
  m.points = s.points.size();
  m.runs_total = m.points * static_cast<std::size_t>(m.replications);
  m.slice = o.shard.value_or(Slice{1, 1});
  return m;
}

std::string runs_text(const std::vector<std::size_t>& runs, std::size_t replications) {
  std::string s;
  std::size_t shown = 0;
  for (std::size_t r : runs) {
    if (shown++ == 8) {
      s += ", ... (" + std::to_string(runs.size()) + " in all)";
      break;
    }
    s += (s.empty() ? "" : ", ") + std::to_string(r) + " (point " + std::to_string(r / replications) + ", replication " +
         std::to_string(r % replications) + ")";
  }
  return s;
}

}  // namespace

// The final files: through the writer prepared before the run, or a fresh one.
void write_final(const RunSetResult& r, const CampaignOptions& o) {
  if (o.writer == nullptr) return write_results(r, o.out);
  write_results(r, *o.writer);
  o.writer->commit();
}

CampaignOutcome run_campaign(const LoadedScenario& s, const CampaignOptions& o) {
  CampaignOutcome out;
  const std::uint64_t seed = o.run.seed.value_or(s.seed);
  const int reps = o.run.replications.value_or(s.replications);
  const std::size_t total = s.points.size() * static_cast<std::size_t>(reps);

  // --shard / --resume are the batch-array path: a single task (e.g. under srun) runs
  // locally; several ranks would all run the same slice into the same folder.
  if (mpi::launched() && (o.shard || o.resume) && mpi::announced_ranks() > 1)
    throw std::invalid_argument("--shard and --resume are for one process per slice, not for mpirun -n " +
                                std::to_string(mpi::announced_ranks()));
  if (mpi::launched() && !o.shard && !o.resume) {
    out.result = mpi::run_on_ranks(s, seed, reps, o.run);  // on rank 0 only
    out.ran = total;
    if (out.result && o.write) write_final(*out.result, o);
    return out;
  }

  if (!o.write) {
    if (o.shard || o.resume) throw std::invalid_argument("--no-write cannot be combined with --shard or --resume");
    out.result = run_scenario(s, o.run);
    out.ran = total;
    return out;
  }

  const std::string bytes = read_file(o.scenario_path, 16u << 20);
  const PartManifest want = manifest_for(o, s, bytes);
  std::string out_base = o.out;  // "results/x/" -> "results/x": the work folder is a sibling
  while (out_base.size() > 1 && out_base.back() == '/') out_base.pop_back();
  const std::string folder_dir = o.shard ? o.out : out_base + ".work";
  std::map<std::size_t, RunRecord> done;
  std::optional<RunFolder> folder;
  // Finished runs' series live in the run folder only (each record is written before its
  // series are dropped here); timeseries.csv is streamed from there one run at a time.
  bool series_on_disk = false;
  if (o.resume) {
    if (!RunFolder::exists(folder_dir))
      throw std::invalid_argument("--resume: no unfinished run to resume (" + folder_dir + " is not a run folder)");
    folder = RunFolder::open(folder_dir);
    check_same_campaign(folder->manifest(), folder_dir, want, "this run");
    if (folder->manifest().slice.text() != want.slice.text())
      throw std::invalid_argument("--resume: " + folder_dir + " holds slice " + folder->manifest().slice.text() +
                                  ", not " + want.slice.text());
    done = folder->finished(&series_on_disk);
  } else {
    if (!o.shard && RunFolder::exists(folder_dir))
      std::cerr << "note: discarding the unfinished run in " << folder_dir << " (--resume continues one)\n";
    folder = RunFolder::create(folder_dir, want, bytes);
  }

  std::vector<std::size_t> todo;
  for (std::size_t i : slice_runs(total, want.slice))
    if (!done.count(i)) todo.push_back(i);
  out.reused = done.size();
  out.ran = todo.size();
  const std::size_t kill_after = kill_after_runs();
  std::size_t recorded = 0;
  execute_runs(s, seed, reps, todo, o.run, [&](RunRecord&& rec) {
    const std::size_t i = rec.point * static_cast<std::size_t>(reps) + static_cast<std::size_t>(rec.replication);
    folder->add(i, rec);
    if (kill_after > 0 && ++recorded == kill_after) std::raise(SIGKILL);
    if (!rec.result.series.empty()) {
      series_on_disk = true;
      rec.result.series = {};
    }
    done.emplace(i, std::move(rec));
  });

  if (o.shard) {
    out.note = "slice " + want.slice.text() + ": " + std::to_string(done.size()) + " run" + (done.size() == 1 ? "" : "s") +
               " in " + folder_dir + " (p2psim merge DIR... --out OUT writes the results)\n";
    return out;
  }
  std::vector<RunRecord> runs;
  runs.reserve(total);
  for (auto& [i, rec] : done) runs.push_back(std::move(rec));
  out.result = assemble_run_set(s, seed, reps, std::move(runs));
  if (series_on_disk) {
    out.result->series_on_disk = true;
    out.result->series_of = [f = *folder](std::size_t i) { return f.record(i).result.series; };
  }
  write_final(*out.result, o);
  folder->remove();
  out.result->series_of = nullptr;  // the work folder is gone
  return out;
}

CampaignOutcome merge_run_folders(const std::vector<std::string>& dirs) {
  if (dirs.empty()) throw std::invalid_argument("merge: no run folders given");
  std::vector<RunFolder> parts;
  for (const auto& d : dirs) parts.push_back(RunFolder::open(d));
  const PartManifest& m = parts[0].manifest();
  for (std::size_t k = 1; k < parts.size(); ++k) check_same_campaign(m, dirs[0], parts[k].manifest(), dirs[k]);

  std::map<std::size_t, std::pair<RunRecord, std::string>> all;
  std::map<std::size_t, std::size_t> folder_of;  // run -> index into parts, to stream its series
  bool series_on_disk = false;
  std::map<std::string, std::string> slices_seen;  // slice text -> folder
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const PartManifest& pm = parts[k].manifest();
    auto [it, fresh] = slices_seen.emplace(pm.slice.text(), dirs[k]);
    if (!fresh) throw std::invalid_argument("merge: slice " + pm.slice.text() + " is given twice: " + it->second + " and " + dirs[k]);
    auto recs = parts[k].finished(&series_on_disk);
    std::vector<std::size_t> unfinished;
    for (std::size_t i : slice_runs(pm.runs_total, pm.slice))
      if (!recs.count(i)) unfinished.push_back(i);
    if (!unfinished.empty())
      throw std::invalid_argument("merge: " + dirs[k] + " (slice " + pm.slice.text() + ") is unfinished: run " +
                                  runs_text(unfinished, static_cast<std::size_t>(pm.replications)) +
                                  " missing; finish it with p2psim run ... --shard " + pm.slice.text() + " --out " + dirs[k] +
                                  " --resume");
    for (auto& [i, rec] : recs) {
      folder_of[i] = k;
      auto [at, added] = all.emplace(i, std::make_pair(std::move(rec), dirs[k]));
      if (!added)
        throw std::invalid_argument("merge: run " + runs_text({i}, static_cast<std::size_t>(pm.replications)) +
                                    " is in both " + at->second.second + " and " + dirs[k]);
    }
  }
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < m.runs_total; ++i)
    if (!all.count(i)) missing.push_back(i);
  if (!missing.empty()) {
    // Name the slices (of the first folder's slicing) that hold the missing runs.
    std::map<int, int> missing_slices;
    for (std::size_t i : missing) ++missing_slices[slice_of(i, m.slice.count)];
    std::string names;
    for (const auto& [idx, n] : missing_slices)
      names += (names.empty() ? "" : ", ") + std::to_string(idx) + "/" + std::to_string(m.slice.count);
    throw std::invalid_argument("merge: slice" + std::string(missing_slices.size() == 1 ? " " : "s ") + names + " missing (run " +
                                runs_text(missing, static_cast<std::size_t>(m.replications)) + " in no folder given)");
  }

  CampaignOutcome out;
  out.scenario = std::make_unique<LoadedScenario>(
      load_scenario_text(parts[0].scenario_bytes(), m.scenario_file, m.overrides));
  if (out.scenario->points.size() != m.points)
    throw std::invalid_argument("merge: " + dirs[0] + "/scenario.yaml no longer gives " + std::to_string(m.points) + " points");
  std::vector<RunRecord> runs;
  runs.reserve(all.size());
  for (auto& [i, pr] : all) {
    if (pr.first.seed != derive_seed(m.seed, static_cast<std::uint64_t>(pr.first.replication)))
      throw std::invalid_argument("merge: run " + std::to_string(i) + " in " + pr.second + " was run with another seed");
    runs.push_back(std::move(pr.first));
  }
  out.reused = runs.size();
  out.result = assemble_run_set(*out.scenario, m.seed, m.replications, std::move(runs));
  if (series_on_disk) {
    out.result->series_on_disk = true;
    auto folders = std::make_shared<const std::vector<RunFolder>>(std::move(parts));
    out.result->series_of = [folders, folder_of = std::move(folder_of)](std::size_t i) {
      return (*folders)[folder_of.at(i)].record(i).result.series;
    };
  }
  return out;
}

}  // namespace p2psim::runner
