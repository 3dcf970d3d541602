// Running a run set over MPI ranks (`mpirun -n K p2psim run SCENARIO`), when p2psim is
// built with MPI (CMake finds it; P2PSIM_HAVE_MPI). Without MPI, launched() is false.
//
// Runs: the ranks draw run numbers from one counter held by rank 0 (MPI-3 fetch-and-add),
// each rank on --jobs threads, so a rank that finishes early takes the next run; rank 0
// gathers every record (run_record.hpp's exact text form) and assembles the same run set a
// single process would, so the files it writes are byte-identical whoever ran what.
// Shards: when there are fewer runs than ranks and the study splits a run into shards
// (Study::shard_count() > 1, e.g. nat-population), the ranks run the runs one after
// another and draw each run's shards from a counter instead; every rank merges the shard
// results in shard order, as run_population does on threads.
// Failures: a run that throws on any rank makes every rank throw (the message names the
// rank and its error) after the exchange, and rank 0 writes nothing.
#pragma once

#include <optional>

#include "app/runner/runner.hpp"

namespace p2psim::runner::mpi {

// Built with MPI (the build found it).
bool available();
// Built with MPI and started by mpirun (Open MPI or PMIx environment present).
bool launched();
// The number of ranks the launcher's environment announces (OMPI_COMM_WORLD_SIZE,
// PMI_SIZE or SLURM_NTASKS), 1 when it announces none.
int announced_ranks();
// This process's rank as the launcher's environment announces it (OMPI_COMM_WORLD_RANK,
// PMIX_RANK or PMI_RANK), 0 when it announces none.
int announced_rank();

// Collective over MPI_COMM_WORLD (initialises and finalises MPI). The complete run set on
// rank 0, std::nullopt on the other ranks.
std::optional<RunSetResult> run_on_ranks(const LoadedScenario& scenario, std::uint64_t seed, int replications,
                                         const RunOptions& options);

// Fault-injection for tests: the rank this names throws instead of running its runs.
inline constexpr const char* kFailOnRankEnv = "P2PSIM_TEST_FAIL_ON_RANK";

}  // namespace p2psim::runner::mpi
