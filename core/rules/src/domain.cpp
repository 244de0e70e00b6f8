#include "vigil/rules/domain.hpp"

namespace vigil {

std::string_view risk_label(RiskLevel level) {
  static constexpr std::array<std::string_view, enum_count<RiskLevel>()> kLabels{
      "low", "medium", "high", "very high"};
  return kLabels.at(index_of(level));
}

std::optional<int> mappa_category_of(NominalKind kind) {
  static constexpr std::array<int, enum_count<NominalKind>()> kCategories{1, 2, 3, 0};  // 0: none
  const int category = kCategories.at(index_of(kind));
  if (category == 0) return std::nullopt;
  return category;
}

}  // namespace vigil
