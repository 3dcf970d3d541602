// SeqSet (the event queue's set of cancelled events) against std::set under random
// inserts and erases, including long probe runs that wrap around the table.
#include <catch2/catch.hpp>

#include <set>

#include "sim/random.hpp"
#include "sim/seq_set.hpp"

using namespace p2psim;

TEST_CASE("SeqSet agrees with std::set under random inserts and erases", "[engine][seqset]") {
  for (std::uint64_t range : {std::uint64_t{40}, std::uint64_t{5000}, std::uint64_t{1} << 40}) {
    SeqSet s;
    std::set<std::uint64_t> ref;
    Rng rng(range);
    for (int op = 0; op < 60000; ++op) {
      const std::uint64_t v = 1 + rng.below(range);
      if (rng.uniform01() < 0.55) {
        REQUIRE(s.insert(v) == ref.insert(v).second);
      } else {
        REQUIRE(s.erase(v) == (ref.erase(v) == 1));
      }
      REQUIRE(s.size() == ref.size());
      REQUIRE(s.empty() == ref.empty());
    }
    // Everything left is found exactly once; then the set empties.
    for (std::uint64_t v : ref) REQUIRE(s.erase(v));
    REQUIRE(s.empty());
    REQUIRE_FALSE(s.erase(1));
  }
}
