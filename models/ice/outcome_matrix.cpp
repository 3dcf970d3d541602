#include "models/ice/outcome_matrix.hpp"

#include "models/nat/preset.hpp"

namespace p2psim::ice {

std::vector<MatrixCell> run_matrix(const std::vector<std::string>& presets, const PairSpec& base, std::uint64_t seed) {
  std::vector<MatrixCell> cells;
  cells.reserve(presets.size() * presets.size());
  for (const std::string& a : presets)
    for (const std::string& b : presets) {
      PairSpec spec = base;
      spec.nat_a = nat::preset(a).layers;
      spec.nat_b = nat::preset(b).layers;
      PairWorld w(spec, derive_seed(seed, a + "|" + b));
      cells.push_back({a, b, w.run()});
    }
  return cells;
}

}  // namespace p2psim::ice
