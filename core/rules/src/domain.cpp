#include "vigil/rules/domain.hpp"

namespace vigil {

std::string_view risk_label(RiskLevel level) {
  switch (level) {
    case RiskLevel::low:
      return "low";
    case RiskLevel::medium:
      return "medium";
    case RiskLevel::high:
      return "high";
    case RiskLevel::very_high:
      return "very high";
  }
  return "unknown";
}

}  // namespace vigil
