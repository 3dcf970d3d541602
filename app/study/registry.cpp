// The list of study kinds. Adding a kind: write app/study/<kind>_study.cpp exposing
// `StudyKind make_<kind>_kind()`, declare it below and append it to the list.
#include "app/study/study.hpp"

namespace p2psim::study {

// Declarations of the kinds (one per file in app/study/).
StudyKind make_group_call_kind();
StudyKind make_messaging_kind();
StudyKind make_energy_kind();
StudyKind make_capacity_kind();
StudyKind make_nat_population_kind();
StudyKind make_nat_matrix_kind();
StudyKind make_rustdesk_kind();
StudyKind make_explain_kind();
StudyKind make_ice_network_change_kind();

const std::vector<StudyKind>& study_kinds() {
  static const std::vector<StudyKind> kinds = [] {
    std::vector<StudyKind> v;
    // v.push_back(make_<kind>_kind());
    v.push_back(make_group_call_kind());
    v.push_back(make_messaging_kind());
    v.push_back(make_energy_kind());
    v.push_back(make_capacity_kind());
    v.push_back(make_nat_matrix_kind());
    v.push_back(make_nat_population_kind());
    v.push_back(make_rustdesk_kind());
    v.push_back(make_ice_network_change_kind());
    v.push_back(make_explain_kind());
    return v;
  }();
  return kinds;
}

const StudyKind* find_study_kind(const std::string& name) {
  for (const StudyKind& k : study_kinds())
    if (k.name == name) return &k;
  return nullptr;
}

const PointSummary::Stat* PointSummary::find(const std::string& metric) const {
  for (const Stat& s : stats)
    if (s.name == metric) return &s;
  return nullptr;
}

std::string PointSummary::param(const std::string& path) const {
  for (const auto& [p, v] : params)
    if (p == path) return v;
  return {};
}

}  // namespace p2psim::study
