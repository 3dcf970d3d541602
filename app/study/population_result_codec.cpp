#include "app/study/population_result_codec.hpp"

#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace p2psim::study {
namespace {

template <class T>
void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

struct Reader {
  const std::string& s;
  std::size_t pos = 0;
  template <class T>
  T get() {
    if (s.size() - pos < sizeof(T)) throw std::runtime_error("population shard result: truncated");
    T v;
    std::memcpy(&v, s.data() + pos, sizeof(T));
    pos += sizeof(T);
    return v;
  }
};

}  // namespace

std::string encode_population_result(const ice::PopulationResult& r) {
  std::string out;
  const auto setup = r.setup_s.values();
  out.reserve(128 + 8 * setup.size() + 24 * r.by_pair.size());
  for (std::uint64_t v : {r.sessions, r.direct, r.relayed, r.failed, r.control_packets, r.control_bytes,
                          r.signalling_messages, r.turn_allocations, r.relay_fallbacks, r.turn_sessions, r.hosts,
                          r.events, r.ipv6_hosts, r.ipv6_sessions})
    put(out, v);
  for (std::uint64_t v : r.selected_types) put(out, v);
  put(out, r.sim_seconds);
  put<std::uint64_t>(out, r.by_pair.size());
  for (const ice::PairStats& p : r.by_pair) {
    put(out, p.direct);
    put(out, p.relayed);
    put(out, p.failed);
  }
  put<std::uint64_t>(out, setup.size());
  for (double x : setup) put(out, x);
  return out;
}

ice::PopulationResult decode_population_result(const std::string& bytes) {
  Reader in{bytes};
  ice::PopulationResult r;
  for (std::uint64_t* f : {&r.sessions, &r.direct, &r.relayed, &r.failed, &r.control_packets, &r.control_bytes,
                           &r.signalling_messages, &r.turn_allocations, &r.relay_fallbacks, &r.turn_sessions, &r.hosts,
                           &r.events, &r.ipv6_hosts, &r.ipv6_sessions})
    *f = in.get<std::uint64_t>();
  for (std::uint64_t& v : r.selected_types) v = in.get<std::uint64_t>();
  r.sim_seconds = in.get<double>();
  const auto pairs = in.get<std::uint64_t>();
  if (pairs > (bytes.size() - in.pos) / 24) throw std::runtime_error("population shard result: bad pair count");
  r.by_pair.resize(pairs);
  for (ice::PairStats& p : r.by_pair) {
    p.direct = in.get<std::uint64_t>();
    p.relayed = in.get<std::uint64_t>();
    p.failed = in.get<std::uint64_t>();
  }
  const auto n = in.get<std::uint64_t>();
  if (n != (bytes.size() - in.pos) / 8 || (bytes.size() - in.pos) % 8 != 0)
    throw std::runtime_error("population shard result: bad sample count");
  r.setup_s.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) r.setup_s.add(in.get<double>());
  return r;
}

}  // namespace p2psim::study
