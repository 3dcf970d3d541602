// ResultSetWriter: writes one result set (results.json, results.csv, timeseries.csv, ...)
// so that a reader of the output folder sees either the complete earlier set, the
// complete new set, or (only if the process dies at one exact point of the fallback
// path) no folder at all -- never a mix of files from two runs, never a stale file of an
// earlier run beside new ones, never a truncated file.
//
// Protocol (docs/architecture.md, "Writing a result set"):
//   prepare  checks the destination before anything runs: it must be absent or a folder
//            (not a symlink, not a file); an existing non-empty folder must hold a
//            results.json (a result set) to be replaced. The parent is created, and a
//            fresh staging folder `.<name>.p2psim-XXXXXX` is made in it with mkdtemp (so a
//            read-only or missing parent fails here, before the simulation).
//   create   opens a new file in the staging folder: openat(O_CREAT|O_EXCL|O_NOFOLLOW),
//            so nothing pre-planted there is followed or overwritten. Output is streamed
//            to disk through a buffer; every write error (disk full, file size limit,
//            I/O error) is kept and reported.
//   close    flushes, fsyncs and closes the file; any failure throws.
//   commit   fsyncs the staging folder, then swaps it into place: renameat2(
//            RENAME_EXCHANGE) exchanges it with the earlier set in one atomic step (then
//            the earlier set, now under the staging name, is removed); where the file
//            system cannot exchange, the earlier set is renamed aside first and the new
//            one renamed into place second. The parent folder is fsynced after the swap.
//   A writer destroyed without commit removes its staging folder: a failed run leaves
//   the earlier set untouched.
// Fault injection for tests (environment variable P2PSIM_FAULT):
//   write-fail          the first write to a result file fails as if the disk were full
//   after-first-rename  the process exits (status 86) right after the first rename
//   no-exchange         commit uses the fallback (set aside, then rename) instead of
//                       RENAME_EXCHANGE
// (comma-separated for several).
#pragma once

#include <memory>
#include <ostream>
#include <string>

namespace p2psim::report {

class ResultSetWriter {
 public:
  // Throws std::invalid_argument (a usage problem, nothing was run) when `out_dir`
  // cannot receive a result set; std::runtime_error for system errors.
  explicit ResultSetWriter(const std::string& out_dir);
  ~ResultSetWriter();
  ResultSetWriter(const ResultSetWriter&) = delete;
  ResultSetWriter& operator=(const ResultSetWriter&) = delete;

  // True when `out_dir` already holds a result set that commit() will replace.
  bool replaces_existing() const { return replaces_; }
  const std::string& out_dir() const { return out_dir_; }
  // The folder that holds out_dir (and the staging folder), created by the constructor.
  const std::string& parent_dir() const { return parent_; }

  class File {
   public:
    ~File();
    std::ostream& stream();
    // Flushes, fsyncs and closes; throws std::runtime_error naming the file on any error.
    void close();

   private:
    friend class ResultSetWriter;
    struct Impl;
    explicit File(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;

   public:
    File(File&&) noexcept;
  };

  // A new file `name` (a plain file name) in the staging folder.
  File create(const std::string& name);

  // Publishes the staged files as the result set in out_dir (see the protocol above).
  void commit();

 private:
  std::string out_dir_;     // as given, for messages
  std::string final_path_;  // absolute, normalised
  std::string parent_;
  std::string staging_;     // the staging folder's path
  int staging_fd_ = -1;
  bool replaces_ = false;
  bool committed_ = false;
};

}  // namespace p2psim::report
