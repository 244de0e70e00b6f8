// What one night's checks read, made once in the snapshot (night.hpp).
#include "batch/night.hpp"

#include "vigil/store/policy_versions.hpp"

namespace vigil::backoffice::batch_detail {

Night read_night(store::Database& db, Date as_of, base::Progress& progress) {
  Night night;
  night.as_of = as_of;
  night.cutoff = london_midnight(add_days(as_of, 1));
  night.day_start = format_instant(london_midnight(as_of));
  night.policy = store::policy_in_force(db, as_of);
  progress.stage("overdue report");
  night.overdue = reports::overdue_report(db, as_of, {});
  progress.stage("suspects report");
  night.suspects = reports::suspects_report(db, as_of, {});
  progress.stage("compliance report");
  night.compliance = reports::compliance_report(db, as_of, {});
  progress.stage("safeguarding report");
  night.safeguarding = reports::safeguarding_report(db, as_of, {});
  night.stamp = reports::stamp_report(db, as_of, {}, night.cutoff);
  // As of the cut-off, so that two runs for one date agree.
  night.stamp.generated_at = format_instant(night.cutoff);
  return night;
}

Finding finding(std::vector<std::pair<std::string, std::string>> records, std::string detail) {
  return Finding{std::move(records), std::move(detail)};
}

}  // namespace vigil::backoffice::batch_detail
