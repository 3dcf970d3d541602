#include "app/report/result_set_writer.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <streambuf>

namespace p2psim::report {
namespace {

namespace fs = std::filesystem;

// P2PSIM_FAULT is a comma-separated list of injected faults (tests only).
bool fault(const std::string& name) {
  const char* f = std::getenv("P2PSIM_FAULT");
  if (f == nullptr) return false;
  const std::string list = std::string(",") + f + ",";
  return list.find("," + name + ",") != std::string::npos;
}

void after_first_rename() {
  if (fault("after-first-rename")) std::_Exit(86);
}

std::string sys_error(const std::string& what, int err) { return what + ": " + std::strerror(err); }

void fsync_dir(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(sys_error("cannot open " + path + " to sync it", errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw std::runtime_error(sys_error("cannot sync " + path, err));
}

// A write-only stream buffer on a file descriptor that remembers the first error.
struct FdBuf : std::streambuf {
  int fd = -1;
  int err = 0;
  bool fail_writes = false;
  char buf[1 << 16];
  FdBuf() { setp(buf, buf + sizeof buf); }
  bool drain() {
    const char* p = pbase();
    std::size_t n = static_cast<std::size_t>(pptr() - pbase());
    if (n > 0 && fail_writes && err == 0) err = ENOSPC;
    while (n > 0 && err == 0) {
      const ssize_t w = ::write(fd, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        err = errno;
        break;
      }
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    setp(buf, buf + sizeof buf);
    return err == 0;
  }
  int_type overflow(int_type ch) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain() ? 0 : -1; }
};

}  // namespace

struct ResultSetWriter::File::Impl {
  std::string path;
  FdBuf buf;
  std::ostream os{&buf};
  bool closed = false;
  ~Impl() {
    if (!closed && buf.fd >= 0) ::close(buf.fd);
  }
};

ResultSetWriter::File::File(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ResultSetWriter::File::File(File&&) noexcept = default;
ResultSetWriter::File::~File() = default;

std::ostream& ResultSetWriter::File::stream() { return impl_->os; }

void ResultSetWriter::File::close() {
  Impl& f = *impl_;
  if (f.closed) return;
  f.os.flush();
  f.closed = true;
  int err = f.buf.err;
  if (err == 0 && !f.os) err = EIO;
  if (err == 0 && ::fsync(f.buf.fd) != 0) err = errno;
  if (::close(f.buf.fd) != 0 && err == 0) err = errno;
  f.buf.fd = -1;
  if (err != 0) throw std::runtime_error(sys_error("cannot write " + f.path, err));
}

ResultSetWriter::ResultSetWriter(const std::string& out_dir) : out_dir_(out_dir) {
  if (out_dir.empty()) throw std::invalid_argument("--out: expected a folder path, got \"\"");
  fs::path d = fs::absolute(fs::path(out_dir)).lexically_normal();
  if (d.filename().empty()) d = d.parent_path();
  const std::string name = d.filename().string();
  if (name.empty() || name == "." || name == ".." || d == d.root_path())
    throw std::invalid_argument("--out " + out_dir + ": expected a folder path that names a folder of its own");
  final_path_ = d.string();
  parent_ = d.parent_path().string();

  struct stat st {};
  if (::lstat(final_path_.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode))
      throw std::invalid_argument("--out " + out_dir + " is a symbolic link; give the folder itself (a result set replaces " +
                                  "its folder, never writes through a link)");
    if (!S_ISDIR(st.st_mode)) throw std::invalid_argument("--out " + out_dir + " exists and is not a folder");
    std::error_code ec;
    const bool empty = fs::is_empty(d, ec);
    if (ec) throw std::invalid_argument("--out " + out_dir + ": cannot read the folder: " + ec.message());
    struct stat js {};
    const bool has_results = ::lstat((d / "results.json").c_str(), &js) == 0 && S_ISREG(js.st_mode);
    if (!empty && !has_results)
      throw std::invalid_argument("--out " + out_dir + " is a folder that holds no results.json (not a p2psim result set);" +
                                  " refusing to replace it: choose another --out or empty it");
    replaces_ = has_results;
  } else if (errno != ENOENT) {
    throw std::invalid_argument(sys_error("--out " + out_dir, errno));
  }

  std::error_code ec;
  fs::create_directories(parent_, ec);
  if (ec) throw std::invalid_argument("--out " + out_dir + ": cannot create the folder " + parent_ + ": " + ec.message());
  std::string tmpl = parent_ + "/." + name + ".p2psim-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr)
    throw std::invalid_argument(sys_error("--out " + out_dir + ": cannot create a folder in " + parent_, errno));
  staging_ = tmpl;
  staging_fd_ = ::open(staging_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (staging_fd_ < 0) {
    const int err = errno;
    ::rmdir(staging_.c_str());
    throw std::runtime_error(sys_error("cannot open " + staging_, err));
  }
  // mkdtemp makes the folder 0700; a result set gets the usual folder mode.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(staging_fd_, 0777 & ~mask);
}

ResultSetWriter::~ResultSetWriter() {
  if (staging_fd_ >= 0) ::close(staging_fd_);
  if (!committed_ && !staging_.empty()) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

ResultSetWriter::File ResultSetWriter::create(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name[0] == '.')
    throw std::logic_error("ResultSetWriter::create: not a plain file name: " + name);
  auto impl = std::make_unique<File::Impl>();
  impl->path = out_dir_ + "/" + name;
  impl->buf.fail_writes = fault("write-fail");
  impl->buf.fd = ::openat(staging_fd_, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (impl->buf.fd < 0) throw std::runtime_error(sys_error("cannot create " + impl->path, errno));
  return File(std::move(impl));
}

void ResultSetWriter::commit() {
  if (committed_) throw std::logic_error("ResultSetWriter::commit called twice");
  if (::fsync(staging_fd_) != 0) throw std::runtime_error(sys_error("cannot sync " + staging_, errno));
  ::close(staging_fd_);
  staging_fd_ = -1;

  struct stat st {};
  const bool exists = ::lstat(final_path_.c_str(), &st) == 0;
  if (exists && !S_ISDIR(st.st_mode))
    throw std::runtime_error(out_dir_ + " changed while the run was going (it is no longer a folder); nothing replaced");
  if (!exists) {
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, final_path_.c_str(), RENAME_NOREPLACE) != 0 &&
        !((errno == EINVAL || errno == ENOSYS) && ::rename(staging_.c_str(), final_path_.c_str()) == 0))
      throw std::runtime_error(sys_error("cannot rename " + staging_ + " to " + final_path_, errno));
    committed_ = true;
    after_first_rename();
    fsync_dir(parent_);
    return;
  }
  // Swap in one step where the file system can; the earlier set ends up under the
  // staging name and is removed.
  const bool exchange = !fault("no-exchange");
  if (exchange && ::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, final_path_.c_str(), RENAME_EXCHANGE) == 0) {
    committed_ = true;
    after_first_rename();
    fsync_dir(parent_);
    std::error_code ec;
    fs::remove_all(staging_, ec);
    return;
  }
  if (exchange && errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    throw std::runtime_error(sys_error("cannot replace " + final_path_, errno));
  // Fallback: earlier set aside first (the folder is briefly absent, never mixed).
  std::string aside = parent_ + "/." + fs::path(final_path_).filename().string() + ".p2psim-old-XXXXXX";
  if (::mkdtemp(aside.data()) == nullptr) throw std::runtime_error(sys_error("cannot create a folder in " + parent_, errno));
  if (::rename(final_path_.c_str(), aside.c_str()) != 0) {
    const int err = errno;
    ::rmdir(aside.c_str());
    throw std::runtime_error(sys_error("cannot move the earlier result set " + final_path_ + " aside", err));
  }
  after_first_rename();
  if (::rename(staging_.c_str(), final_path_.c_str()) != 0) {
    const int err = errno;
    ::rename(aside.c_str(), final_path_.c_str());  // put the earlier set back
    throw std::runtime_error(sys_error("cannot rename " + staging_ + " to " + final_path_, err));
  }
  committed_ = true;
  fsync_dir(parent_);
  std::error_code ec;
  fs::remove_all(aside, ec);
}

}  // namespace p2psim::report
