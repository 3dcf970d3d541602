#include "app/runner/mpi_runner.hpp"

#include <cstdlib>
#include <stdexcept>

#ifdef P2PSIM_HAVE_MPI
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/runner/run_record.hpp"
#include "app/runner/run_set.hpp"
#include "sim/parallel.hpp"
#endif

namespace p2psim::runner::mpi {

int announced_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})
    if (const char* v = std::getenv(name); v != nullptr) return std::atoi(v);
  return 0;
}

int announced_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS"})
    if (const char* v = std::getenv(name); v != nullptr && std::atoi(v) > 0) return std::atoi(v);
  return 1;
}

#ifndef P2PSIM_HAVE_MPI

bool available() { return false; }
bool launched() { return false; }

std::optional<RunSetResult> run_on_ranks(const LoadedScenario&, std::uint64_t, int, const RunOptions&) {
  throw std::runtime_error("this p2psim was built without MPI");
}

#else

namespace {

struct Session {
  int rank = 0, size = 1;
  // MPI_THREAD_SERIALIZED: a rank's --jobs threads draw tasks from the TaskCounter one at a
  // time (under parallel_drain's lock). A library that gives less gets one thread per rank.
  bool serialized = false;
  Session() {
    int provided = 0;
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
      throw std::runtime_error("MPI_Init_thread failed");
    serialized = provided >= MPI_THREAD_SERIALIZED;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  }
  ~Session() { MPI_Finalize(); }
  // The threads a rank may use while drawing tasks.
  int threads(int jobs) const { return serialized ? std::max(1, jobs) : 1; }
};

// A task counter held by rank 0 from which every rank draws the next task number (MPI-3
// passive-target fetch-and-add, MPI_Fetch_and_op on a one-word window): a rank that finishes
// its task early takes the next one, so ranks stay busy when tasks differ in cost (a static
// split of 8 runs over 2 ranks left one rank idle for 1.3 s of 9.5 s). Which rank runs which
// task never changes a result: results go to per-task slots. On one node Open MPI's
// shared-memory window answers without rank 0 entering MPI. Collective: every rank
// constructs and destroys it at the same point, after the exchange that ends its tasks.
class TaskCounter {
 public:
  TaskCounter(const Session& mpi, std::uint64_t tasks) : tasks_(tasks) {
    void* base = nullptr;
    if (MPI_Win_allocate(mpi.rank == 0 ? sizeof(std::uint64_t) : 0, sizeof(std::uint64_t), MPI_INFO_NULL, MPI_COMM_WORLD,
                         &base, &win_) != MPI_SUCCESS)
      throw std::runtime_error("MPI_Win_allocate failed");
    if (mpi.rank == 0) *static_cast<std::uint64_t*>(base) = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_lock_all(0, win_);
  }
  ~TaskCounter() {
    MPI_Win_unlock_all(win_);
    MPI_Win_free(&win_);
  }
  TaskCounter(const TaskCounter&) = delete;
  TaskCounter& operator=(const TaskCounter&) = delete;

  // The next task number, or none when all `tasks` are taken. One caller at a time.
  std::optional<std::size_t> next() {
    if (drawn_all_) return std::nullopt;
    const std::uint64_t one = 1;
    std::uint64_t got = 0;
    MPI_Fetch_and_op(&one, &got, MPI_UINT64_T, 0, 0, MPI_SUM, win_);
    MPI_Win_flush(0, win_);
    if (got >= tasks_) {
      drawn_all_ = true;
      return std::nullopt;
    }
    return static_cast<std::size_t>(got);
  }

 private:
  MPI_Win win_ = MPI_WIN_NULL;
  std::uint64_t tasks_;
  bool drawn_all_ = false;
};

void put_u64(std::string& out, std::uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}
std::uint64_t get_u64(const std::string& s, std::size_t& pos) {
  if (s.size() - pos < 8) throw std::runtime_error("MPI exchange: truncated message");
  std::uint64_t v;
  std::memcpy(&v, s.data() + pos, 8);
  pos += 8;
  return v;
}

// A rank's message: 'E' + error text, or 'R' + (u64 length, bytes)*.
std::string error_message(const std::string& what) { return "E" + what; }

int to_int_count(std::size_t n) {
  if (n > static_cast<std::size_t>(INT_MAX)) throw std::runtime_error("MPI exchange: message larger than 2 GiB");
  return static_cast<int>(n);
}

// Waits until every rank has arrived, sleeping between polls: a rank that finishes its
// share early would otherwise spin inside the collective (Open MPI busy-waits) and take
// CPU from the ranks still running on the same cores.
void wait_for_all_ranks() {
  MPI_Request req;
  MPI_Ibarrier(MPI_COMM_WORLD, &req);
  for (int done = 0;;) {
    MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    if (done) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// Every rank's message, on every rank (all = true) or on rank 0 only.
std::vector<std::string> exchange(const Session& mpi, const std::string& mine, bool all) {
  wait_for_all_ranks();
  const long long len = static_cast<long long>(mine.size());
  std::vector<long long> lens(static_cast<std::size_t>(mpi.size));
  if (all)
    MPI_Allgather(&len, 1, MPI_LONG_LONG, lens.data(), 1, MPI_LONG_LONG, MPI_COMM_WORLD);
  else
    MPI_Gather(&len, 1, MPI_LONG_LONG, lens.data(), 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  std::vector<int> counts(lens.size()), displs(lens.size());
  std::size_t total = 0;
  for (std::size_t r = 0; r < lens.size(); ++r) {
    counts[r] = to_int_count(static_cast<std::size_t>(lens[r]));
    displs[r] = to_int_count(total);
    total += static_cast<std::size_t>(lens[r]);
  }
  to_int_count(total);
  std::string buf(all || mpi.rank == 0 ? total : 0, '\0');
  if (all)
    MPI_Allgatherv(mine.data(), counts[static_cast<std::size_t>(mpi.rank)], MPI_BYTE, buf.data(), counts.data(),
                   displs.data(), MPI_BYTE, MPI_COMM_WORLD);
  else
    MPI_Gatherv(mine.data(), to_int_count(mine.size()), MPI_BYTE, buf.data(), counts.data(), displs.data(), MPI_BYTE, 0,
                MPI_COMM_WORLD);
  std::vector<std::string> out;
  if (all || mpi.rank == 0)
    for (std::size_t r = 0; r < lens.size(); ++r)
      out.push_back(buf.substr(static_cast<std::size_t>(displs[r]), static_cast<std::size_t>(counts[r])));
  return out;
}

// Throws (on the ranks holding `msgs`) when some rank reported an error.
void raise_failures(const std::vector<std::string>& msgs) {
  std::string err;
  for (std::size_t r = 0; r < msgs.size(); ++r)
    if (!msgs[r].empty() && msgs[r][0] == 'E') err += (err.empty() ? "" : "; ") + ("rank " + std::to_string(r) + ": " + msgs[r].substr(1));
  if (!err.empty()) throw std::runtime_error("MPI run failed, no results written (" + err + ")");
}

void maybe_inject_failure(const Session& mpi) {
  const char* v = std::getenv(kFailOnRankEnv);
  if (v != nullptr && *v != '\0' && std::atoi(v) == mpi.rank)
    throw std::runtime_error("injected failure (" + std::string(kFailOnRankEnv) + ")");
}

bool split_shards(const LoadedScenario& s, std::size_t total, int ranks) {
  if (total >= static_cast<std::size_t>(ranks)) return false;
  for (const auto& p : s.points)
    if (p.study->shard_count() > 1) return true;
  return false;
}

}  // namespace

bool available() { return true; }

bool launched() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr ||
         std::getenv("PMI_SIZE") != nullptr;
}

std::optional<RunSetResult> run_on_ranks(const LoadedScenario& s, std::uint64_t seed, int reps, const RunOptions& options) {
  Session mpi;
  const std::size_t total = s.points.size() * static_cast<std::size_t>(reps);
  RunOptions local = options;
  local.progress = options.progress && mpi.rank == 0;
  std::vector<RunRecord> runs;

  if (split_shards(s, total, mpi.size)) {
    // Every rank takes part in every run; a run's shards are spread over the ranks.
    const auto shards = [&](std::size_t n, const std::function<std::string(std::size_t)>& body) {
      std::string mine = "R";
      std::vector<std::string> msgs;
      {
        TaskCounter counter(mpi, n);
        try {
          maybe_inject_failure(mpi);
          std::map<std::size_t, std::string> parts;
          std::mutex parts_mutex;
          parallel_drain(
              std::min(mpi.threads(options.jobs), static_cast<int>(std::min<std::size_t>(n, INT_MAX))),
              [&] { return counter.next(); },
              [&](std::size_t k) {
                std::string part = body(k);
                std::lock_guard<std::mutex> lock(parts_mutex);
                parts.emplace(k, std::move(part));
              });
          for (const auto& [k, part] : parts) {
            put_u64(mine, k);
            put_u64(mine, part.size());
            mine += part;
          }
        } catch (const std::exception& e) {
          mine = error_message(e.what());
        }
        msgs = exchange(mpi, mine, true);
      }
      raise_failures(msgs);
      std::vector<std::string> out(n);
      std::vector<bool> seen(n, false);
      for (const std::string& m : msgs) {
        std::size_t pos = 1;
        while (pos < m.size()) {
          const std::uint64_t k = get_u64(m, pos), len = get_u64(m, pos);
          if (k >= n || seen[k] || m.size() - pos < len) throw std::runtime_error("MPI exchange: bad shard message");
          out[k] = m.substr(pos, len);
          seen[k] = true;
          pos += len;
        }
      }
      for (std::size_t k = 0; k < n; ++k)
        if (!seen[k]) throw std::runtime_error("MPI exchange: shard " + std::to_string(k) + " missing");
      return out;
    };
    runs.resize(total);
    for (std::size_t i = 0; i < total; ++i)
      execute_runs(s, seed, reps, {i}, local, [&](RunRecord&& rec) { runs[i] = std::move(rec); }, shards);
    if (mpi.rank != 0) return std::nullopt;
    return assemble_run_set(s, seed, reps, std::move(runs));
  }

  // Runs drawn by the ranks from one counter: each rank takes the next run when it is free.
  std::string mine = "R";
  std::vector<std::string> msgs;
  {
    TaskCounter counter(mpi, total);
    try {
      maybe_inject_failure(mpi);
      local.jobs = mpi.threads(options.jobs);
      execute_claimed_runs(s, seed, reps, total, [&] { return counter.next(); }, local, [&](RunRecord&& rec) {
        const std::size_t i = rec.point * static_cast<std::size_t>(reps) + static_cast<std::size_t>(rec.replication);
        const std::string text = encode_run_record(i, rec);
        put_u64(mine, text.size());
        mine += text;
      });
    } catch (const std::exception& e) {
      mine = error_message(e.what());
    }
    msgs = exchange(mpi, mine, false);
  }
  // Everyone learns whether the run set is complete, so that every rank exits alike.
  int failed = 0;
  if (mpi.rank == 0)
    for (const auto& m : msgs) failed |= (m.empty() || m[0] == 'E') ? 1 : 0;
  MPI_Bcast(&failed, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (mpi.rank != 0) {
    // A failed rank says why; the others leave the report to rank 0, which exits non-zero.
    if (failed && mine[0] == 'E') throw std::runtime_error("rank " + std::to_string(mpi.rank) + ": " + mine.substr(1));
    return std::nullopt;
  }
  raise_failures(msgs);
  runs.resize(total);
  std::vector<bool> seen(total, false);
  for (std::size_t r = 0; r < msgs.size(); ++r) {
    std::size_t pos = 1;
    while (pos < msgs[r].size()) {
      const std::uint64_t len = get_u64(msgs[r], pos);
      if (msgs[r].size() - pos < len) throw std::runtime_error("MPI exchange: truncated record");
      std::size_t i = 0;
      RunRecord rec = decode_run_record(msgs[r].substr(pos, len), "rank " + std::to_string(r), i);
      pos += len;
      if (i >= total || seen[i]) throw std::runtime_error("MPI exchange: run " + std::to_string(i) + " twice or out of range");
      seen[i] = true;
      runs[i] = std::move(rec);
    }
  }
  for (std::size_t i = 0; i < total; ++i)
    if (!seen[i]) throw std::runtime_error("MPI exchange: run " + std::to_string(i) + " missing");
  return assemble_run_set(s, seed, reps, std::move(runs));
}

#endif

}  // namespace p2psim::runner::mpi
