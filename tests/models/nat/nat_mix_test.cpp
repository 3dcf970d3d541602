// Named NAT mixes (models/nat/nat_mix.hpp) against the table of docs/models/ice.md,
// "Population NAT mix": every row a preset, shares summing to 1, values as documented.
#include <catch2/catch.hpp>

#include <map>

#include "models/nat/nat_mix.hpp"
#include "models/nat/preset.hpp"

using namespace p2psim;

TEST_CASE("named NAT mixes: names, presets, shares sum to 1 and equal the documented table", "[nat][mix]") {
  CHECK(nat::nat_mix_names() == std::vector<std::string>{"default", "fixed-broadband", "mobile-heavy"});
  // docs/models/ice.md, "Population NAT mix" (percent of hosts).
  const std::map<std::string, std::map<std::string, int>> doc = {
      {"default",
       {{"none", 5}, {"full-cone", 5}, {"restricted-cone", 12}, {"port-restricted-cone", 25}, {"linux-masquerade", 20},
        {"cgnat", 18}, {"symmetric", 10}, {"symmetric-sequential", 2}, {"udp-blocked", 3}}},
      {"fixed-broadband",
       {{"none", 5}, {"full-cone", 5}, {"restricted-cone", 12}, {"port-restricted-cone", 25}, {"linux-masquerade", 25},
        {"cgnat", 10}, {"symmetric", 15}, {"symmetric-sequential", 2}, {"udp-blocked", 1}}},
      {"mobile-heavy",
       {{"none", 3}, {"full-cone", 2}, {"restricted-cone", 4}, {"port-restricted-cone", 10}, {"linux-masquerade", 10},
        {"cgnat", 45}, {"symmetric", 20}, {"symmetric-sequential", 2}, {"udp-blocked", 4}}}};
  for (const nat::NamedNatMix& m : nat::named_nat_mixes()) {
    CAPTURE(m.name);
    REQUIRE(doc.count(m.name) == 1);
    const auto& want = doc.at(m.name);
    CHECK(m.rows.size() == want.size());
    double sum = 0;
    for (const nat::NatMixRow& r : m.rows) {
      CAPTURE(r.preset);
      CHECK(nat::find_preset(r.preset).has_value());
      REQUIRE(want.count(r.preset) == 1);
      CHECK(r.share == Approx(want.at(r.preset) / 100.0).margin(1e-12));
      CHECK(r.share > 0);
      CHECK_FALSE(r.basis.empty());
      sum += r.share;
    }
    CHECK(sum == Approx(1.0).margin(1e-12));
    CHECK(nat::find_nat_mix(m.name).has_value());
  }
  CHECK_FALSE(nat::find_nat_mix("nope").has_value());
  // Endpoint-independent-mapping NATs among hosts behind a NAT with UDP in fixed-broadband:
  // 77 / 94 = 82%, the share Ford, Srisuresh and Kegel (USENIX ATC 2005, Table 1) measured.
  const auto fb = *nat::find_nat_mix("fixed-broadband");
  double eim = 0, natted = 0;
  for (const auto& r : fb.rows) {
    if (r.preset == "none" || r.preset == "udp-blocked") continue;
    natted += r.share;
    if (nat::effective_mapping(nat::preset(r.preset).layers) == nat::Mapping::endpoint_independent) eim += r.share;
  }
  CHECK(eim / natted == Approx(0.82).margin(0.005));
}
