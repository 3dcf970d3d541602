// One finished run as a file: its identity (run number, point, replication, seed) and
// its metrics and series, written so that reading it back gives the very same doubles
// (hexadecimal floating point, "%a"), and written atomically: a reader finds either no
// file or the whole file, even after kill -9 or a power cut.
//
// Resumed runs (`run --resume`), partial results of `run --shard i/n` and `merge` read
// and write these records; the aggregation that follows is the single-process one.
#pragma once

#include <cstddef>
#include <string>

#include "app/runner/runner.hpp"

namespace p2psim::runner {

// The text form: a "p2psim-run 1" header line, then one line per field; names are
// percent-encoded outside [A-Za-z0-9_.-].
std::string encode_run_record(std::size_t run, const RunRecord& rec);
// Parses a record; throws std::runtime_error naming `where` on anything malformed.
// `run` receives the run number.
RunRecord decode_run_record(const std::string& text, const std::string& where, std::size_t& run);

// Writes `content` as dir/name: a fresh temporary file in `dir` (O_CREAT|O_EXCL|
// O_NOFOLLOW), fsync, rename over dir/name, fsync of the directory. Throws
// std::runtime_error on any failure, leaving no temporary behind.
void write_file_durably(const std::string& dir, const std::string& name, const std::string& content);

// Reads a whole regular file (not following a symlink at the last component); throws
// std::runtime_error on failure or when it is larger than `max_bytes`.
std::string read_file(const std::string& path, std::size_t max_bytes = std::size_t{1} << 30);

}  // namespace p2psim::runner
