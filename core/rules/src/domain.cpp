#include "vigil/rules/domain.hpp"

namespace vigil {

std::string_view risk_label(RiskLevel level) {
  static constexpr std::array<std::string_view, enum_count<RiskLevel>()> kLabels{
      "low", "medium", "high", "very high"};
  return kLabels.at(index_of(level));
}

}  // namespace vigil
