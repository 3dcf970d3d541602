#include "app/runner/run_record.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace p2psim::runner {
namespace {

std::string hex(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", v);
  return buf;
}

std::string escape(const std::string& s) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out.empty() ? "%" : out;  // "%" alone: the empty string
}

struct Parser {
  std::istringstream in;
  std::string where;
  [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error(where + ": malformed run record (" + what + ")"); }
  std::string word() {
    std::string w;
    if (!(in >> w)) fail("truncated");
    return w;
  }
  void expect(const std::string& w) {
    if (word() != w) fail("expected " + w);
  }
  std::uint64_t u64() {
    const std::string w = word();
    if (w.empty() || w.size() > 20 || w.find_first_not_of("0123456789") != std::string::npos) fail("bad integer " + w);
    errno = 0;
    const unsigned long long v = std::strtoull(w.c_str(), nullptr, 10);
    if (errno != 0) fail("bad integer " + w);
    return v;
  }
  double real() {
    const std::string w = word();
    char* end = nullptr;
    const double v = std::strtod(w.c_str(), &end);
    if (end != w.c_str() + w.size()) fail("bad number " + w);
    return v;
  }
  std::string name() {
    const std::string w = word();
    if (w == "%") return "";
    std::string out;
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (w[i] != '%') {
        out += w[i];
        continue;
      }
      if (i + 2 >= w.size()) fail("bad escape");
      const std::string h = w.substr(i + 1, 2);
      if (h.size() != 2 || h.find_first_not_of("0123456789ABCDEF") != std::string::npos) fail("bad escape");
      out += static_cast<char>(std::stoi(h, nullptr, 16));
      i += 2;
    }
    return out;
  }
};

constexpr std::uint64_t kMaxItems = 100'000'000;

}  // namespace

std::string encode_run_record(std::size_t run, const RunRecord& rec) {
  std::string out = "p2psim-run 1\n";
  out += "run " + std::to_string(run) + " point " + std::to_string(rec.point) + " replication " +
         std::to_string(rec.replication) + " seed " + std::to_string(rec.seed) + "\n";
  out += "metrics " + std::to_string(rec.result.metrics.size()) + "\n";
  for (const auto& m : rec.result.metrics) out += escape(m.name) + " " + hex(m.value) + "\n";
  out += "series " + std::to_string(rec.result.series.size()) + "\n";
  for (const auto& s : rec.result.series) {
    out += escape(s.name) + " " + escape(s.unit) + " " + std::to_string(s.t.size()) + " " + std::to_string(s.v.size()) + "\n";
    for (double t : s.t) out += hex(t) + "\n";
    for (double v : s.v) out += hex(v) + "\n";
  }
  out += "end\n";
  return out;
}

RunRecord decode_run_record(const std::string& text, const std::string& where, std::size_t& run) {
  Parser p{std::istringstream(text), where};
  p.expect("p2psim-run");
  p.expect("1");
  RunRecord rec;
  p.expect("run");
  run = p.u64();
  p.expect("point");
  rec.point = p.u64();
  p.expect("replication");
  const std::uint64_t r = p.u64();
  if (r > 100000) p.fail("bad replication");
  rec.replication = static_cast<int>(r);
  p.expect("seed");
  rec.seed = p.u64();
  p.expect("metrics");
  const std::uint64_t nm = p.u64();
  if (nm > kMaxItems) p.fail("too many metrics");
  for (std::uint64_t i = 0; i < nm; ++i) {
    study::Metric m;
    m.name = p.name();
    m.value = p.real();
    rec.result.metrics.push_back(std::move(m));
  }
  p.expect("series");
  const std::uint64_t ns = p.u64();
  if (ns > kMaxItems) p.fail("too many series");
  for (std::uint64_t i = 0; i < ns; ++i) {
    study::Series s;
    s.name = p.name();
    s.unit = p.name();
    const std::uint64_t nt = p.u64(), nv = p.u64();
    if (nt > kMaxItems || nv > kMaxItems) p.fail("series too long");
    for (std::uint64_t k = 0; k < nt; ++k) s.t.push_back(p.real());
    for (std::uint64_t k = 0; k < nv; ++k) s.v.push_back(p.real());
    rec.result.series.push_back(std::move(s));
  }
  p.expect("end");
  std::string extra;
  if (p.in >> extra) p.fail("text after end");
  return rec;
}

void write_file_durably(const std::string& dir, const std::string& name, const std::string& content) {
  static std::atomic<unsigned> counter{0};
  const std::string tmp = dir + "/." + name + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  const std::string final_path = dir + "/" + name;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
  const auto fail = [&](const std::string& what) {
    const int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot " + what + " " + tmp + ": " + std::strerror(e));
  };
  std::size_t off = 0;
  while (off < content.size()) {
    const ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write");
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail("fsync");
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot close " + tmp + ": " + std::strerror(e));
  }
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + final_path + ": " + std::strerror(e));
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) throw std::runtime_error("cannot open directory " + dir + ": " + std::strerror(errno));
  const int rc = ::fsync(dfd);
  const int e = errno;
  ::close(dfd);
  if (rc != 0) throw std::runtime_error("cannot fsync directory " + dir + ": " + std::strerror(e));
}

std::string read_file(const std::string& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw std::runtime_error(path + " is not a regular file");
  }
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      throw std::runtime_error("cannot read " + path + ": " + std::strerror(e));
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) {
      ::close(fd);
      throw std::runtime_error(path + " is too large");
    }
  }
  ::close(fd);
  return out;
}

}  // namespace p2psim::runner
