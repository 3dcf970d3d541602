// Byte encoding of one nat-population shard's result (ice::PopulationResult), so that
// shards run on other MPI ranks can be merged exactly as if they had run on threads:
// every integer and double is copied bit for bit (doubles by their IEEE-754 bytes).
// The encoding is for processes of one build on one architecture (one MPI job); it is
// not a file format.
#pragma once

#include <string>

#include "models/ice/population.hpp"

namespace p2psim::study {

std::string encode_population_result(const ice::PopulationResult& r);
// Throws std::runtime_error on a truncated or malformed buffer.
ice::PopulationResult decode_population_result(const std::string& bytes);

}  // namespace p2psim::study
