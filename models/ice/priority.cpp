#include "models/ice/priority.hpp"

namespace p2psim::ice {

std::string_view to_string(CandidateType t) {
  switch (t) {
    case CandidateType::kHost: return "host";
    case CandidateType::kServerReflexive: return "srflx";
    case CandidateType::kPeerReflexive: return "prflx";
    case CandidateType::kRelayed: return "relay";
  }
  return "?";
}

}  // namespace p2psim::ice
