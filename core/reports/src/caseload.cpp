#include "vigil/reports/caseload.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "vigil/reports/overdue_report.hpp"
#include "vigil/rules/overdue.hpp"
#include "vigil/rules/policy.hpp"
#include "vigil/store/policy_versions.hpp"

namespace vigil::reports {

bool comes_before(const CaseloadEntry& a, const CaseloadEntry& b) {
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.days_overdue != b.days_overdue) return a.days_overdue > b.days_overdue;
  if (a.next_visit_due != b.next_visit_due) {
    if (!a.next_visit_due || !b.next_visit_due) return a.next_visit_due.has_value();
    return *a.next_visit_due < *b.next_visit_due;
  }
  return a.nominal_ref < b.nominal_ref;
}

std::vector<CaseloadEntry> caseload(store::Database& db, Date as_of) {
  const ReportReading reading(db, as_of);
  auto facts = load_nominal_facts(db, as_of, ReportScope{});
  struct Person {
    std::string name, area;
    bool no_fixed_abode = false;
  };
  std::map<std::string, Person> people;
  auto names =
      db.prepare("SELECT id, surname || ', ' || forenames, no_fixed_abode, area FROM nominals");
  while (names.step()) {
    people[names.column_text(0)] = {names.column_text(1), names.column_text(3),
                                    names.column_int(2) != 0};
  }
  std::vector<CaseloadEntry> entries;
  for (const auto& f : facts) {
    CaseloadEntry e;
    e.nominal_id = f.nominal_id;
    e.nominal_ref = f.ref;
    const Person& person = people[f.nominal_id];
    e.name = person.name;
    e.no_fixed_abode = person.no_fixed_abode;
    e.area = person.area;
    e.officer = f.officer;
    e.risk_level = current_risk(f);
    e.next_visit_due = next_visit_due(f, reading.policy);
    if (e.next_visit_due) e.days_overdue = days_overdue(*e.next_visit_due, as_of);
    e.double_crewed = f.plan && f.plan->double_crewed;
    for (const auto& item : overdue_items(f, reading.policy, as_of)) {
      if (item.priority > e.priority) {
        e.priority = item.priority;
        e.reasons = item.reasons;
      }
    }
    entries.push_back(std::move(e));
  }
  std::sort(entries.begin(), entries.end(), comes_before);
  return entries;
}

}  // namespace vigil::reports
