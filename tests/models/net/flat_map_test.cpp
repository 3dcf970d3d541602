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
