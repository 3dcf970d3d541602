// FlatMultiMap64: the same values per key as std::unordered_multimap under random inserts
// and erases, visited newest first (a reference of per-key lists with push_front); with
// libstdc++, also in exactly std::unordered_multimap's equal_range order, which the NAT's
// "first matching mapping" decisions relied on before the flat index.
#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <unordered_map>
#include <vector>

#include "models/net/flat_multimap.hpp"
#include "sim/random.hpp"

using namespace p2psim;

namespace {

std::vector<std::uint32_t> values_of(const net::FlatMultiMap64& m, std::uint64_t k) {
  std::vector<std::uint32_t> v;
  m.for_each(k, [&v](std::uint32_t x) { return v.push_back(x), true; });
  return v;
}

}  // namespace

TEST_CASE("FlatMultiMap64 matches std::unordered_multimap under inserts and erases", "[net][flatmap]") {
  for (std::uint64_t key_range : {4ull, 64ull, 3000ull}) {
    net::FlatMultiMap64 m;
    std::unordered_multimap<std::uint64_t, std::uint32_t> std_m;
    std::map<std::uint64_t, std::deque<std::uint32_t>> ref;  // newest first
    Rng rng(key_range + 11);
    for (int step = 0; step < 30000; ++step) {
      std::uint64_t k = rng.below(key_range);
      if (step % 5 == 0) k = (k << 36) | 0x3;
      std::deque<std::uint32_t>& d = ref[k];
      if (rng.uniform01() < 0.55 || d.empty()) {
        // Values repeat within a key now and then (erase removes the newest copy).
        const auto v = static_cast<std::uint32_t>(rng.below(4) == 0 && !d.empty() ? d.back() : step);
        m.insert(k, v);
        std_m.emplace(k, v);
        d.push_front(v);
      } else {
        const std::uint32_t v = d[rng.below(d.size())];
        CHECK(m.erase(k, v));
        d.erase(std::find(d.begin(), d.end(), v));
        auto r = std_m.equal_range(k);
        for (auto it = r.first; it != r.second; ++it)
          if (it->second == v) { std_m.erase(it); break; }
      }
      if (step % 10 == 0) CHECK_FALSE(m.erase(k, 0xFFFFFFF0u));  // absent value
      const std::vector<std::uint32_t> got = values_of(m, k);
      REQUIRE(got == std::vector<std::uint32_t>(d.begin(), d.end()));
      CHECK(m.count(k) == d.size());
#ifdef __GLIBCXX__
      std::vector<std::uint32_t> std_order;
      auto r = std_m.equal_range(k);
      for (auto it = r.first; it != r.second; ++it) std_order.push_back(it->second);
      REQUIRE(got == std_order);
#endif
      if (step % 1999 == 0) {
        REQUIRE(m.size() == std_m.size());
        for (const auto& [rk, rd] : ref) REQUIRE(values_of(m, rk) == std::vector<std::uint32_t>(rd.begin(), rd.end()));
      }
    }
  }
  net::FlatMultiMap64 empty;
  CHECK(values_of(empty, 5).empty());
  CHECK_FALSE(empty.erase(5, 1));
  CHECK(empty.size() == 0);
  // for_each stops when the callback returns false.
  net::FlatMultiMap64 m;
  for (std::uint32_t v = 0; v < 10; ++v) m.insert(9, v);
  int seen = 0;
  m.for_each(9, [&seen](std::uint32_t) { return ++seen < 3; });
  CHECK(seen == 3);
}
