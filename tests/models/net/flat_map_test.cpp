// FlatTable64: the same contents as std::unordered_map under random inserts, updates and
// erases (backward-shift deletion keeps every remaining key reachable).
#include <catch2/catch.hpp>

#include <unordered_map>

#include "models/net/flat_map.hpp"
#include "sim/random.hpp"

using namespace p2psim;

TEST_CASE("FlatTable64 matches std::unordered_map under inserts and erases", "[net][flatmap]") {
  for (std::uint64_t key_range : {8ull, 100ull, 5000ull}) {
    net::FlatTable64<std::uint32_t> t;
    std::unordered_map<std::uint64_t, std::uint32_t> ref;
    Rng rng(key_range);
    for (int step = 0; step < 40000; ++step) {
      // Keys spread over a small range (many collisions) and a few huge ones.
      std::uint64_t k = static_cast<std::uint64_t>(rng.uniform01() * static_cast<double>(key_range));
      if (step % 7 == 0) k = (k << 40) | 0x5;
      const double op = rng.uniform01();
      if (op < 0.45) {
        const auto v = static_cast<std::uint32_t>(step);
        t.insert_or_assign(k, v);
        ref[k] = v;
      } else if (op < 0.6) {
        const std::uint32_t got = t.get_or_insert(k, 7);
        auto [it, added] = ref.emplace(k, 7);
        CHECK(got == it->second);
      } else {
        t.erase(k);
        ref.erase(k);
      }
      if (step % 997 == 0) {
        REQUIRE(t.size() == ref.size());
        for (const auto& [rk, rv] : ref) {
          const std::uint32_t* f = t.find(rk);
          REQUIRE(f != nullptr);
          CHECK(*f == rv);
        }
      }
      const std::uint32_t* f = t.find(k);
      const auto it = ref.find(k);
      REQUIRE((f == nullptr) == (it == ref.end()));
      if (f) CHECK(*f == it->second);
    }
  }
  net::FlatTable64<int> empty;
  CHECK(empty.find(3) == nullptr);
  empty.erase(3);
  CHECK(empty.size() == 0);
}

TEST_CASE("FlatTable64 retain keeps exactly the entries asked for", "[net][flatmap]") {
  net::FlatTable64<std::uint32_t> t;
  for (std::uint32_t k = 0; k < 5000; ++k) t.insert_or_assign(std::uint64_t{k} * 7919, k);
  t.retain([](std::uint64_t, std::uint32_t v) { return v % 3 == 0; });
  CHECK(t.size() == 1667);  // 0, 3, ..., 4998
  CHECK(t.memory_bytes() <= 4096 * 16);  // shrunk to the smallest table with load <= 1/2
  for (std::uint32_t k = 0; k < 5000; ++k) {
    const std::uint32_t* f = t.find(std::uint64_t{k} * 7919);
    if (k % 3 == 0) {
      REQUIRE(f != nullptr);
      CHECK(*f == k);
    } else {
      CHECK(f == nullptr);
    }
  }
  t.insert_or_assign(1, 42);  // still a working table
  CHECK(*t.find(1) == 42);
  t.retain([](std::uint64_t, std::uint32_t) { return false; });
  CHECK(t.size() == 0);
  CHECK(t.find(1) == nullptr);
}
