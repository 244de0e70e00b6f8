#include "vigil/sync/nominal_record.hpp"

#include <algorithm>
#include <utility>

#include "vigil/base/json.hpp"
#include "vigil/sync/replica.hpp"

namespace vigil::sync {
void write_record(base::JsonWriter& w, const FieldValues& values) {
  w.begin_object();
  for (const auto& [name, value] : values) w.field(name, value);
  w.end_object();
}

NominalRecord read_nominal_record(store::Database& db, const std::string& nominal_id) {
  Replica replica(db);
  NominalRecord record;
  record.nominal = replica.fields_of("nominal", nominal_id).value_or(FieldValues{});
  if (record.nominal.empty()) return record;
  record.addresses = replica.children_of("address", nominal_id);
  record.visits = replica.children_of("visit", nominal_id);
  record.assessments = replica.children_of("assessment", nominal_id);
  record.plans = replica.children_of("plan", nominal_id);
  record.orders = replica.children_of("order", nominal_id);
  std::stable_sort(record.visits.begin(), record.visits.end(), [](const auto& a, const auto& b) {
    return a.at("occurred_at").value_or("") < b.at("occurred_at").value_or("");
  });
  const auto gather = [&](std::vector<FieldValues>& into, const std::string& entity,
                          const std::vector<FieldValues>& parents) {
    for (const auto& parent : parents) {
      auto children = replica.children_of(entity, parent.at("id").value_or(""));
      into.insert(into.end(), std::make_move_iterator(children.begin()),
                  std::make_move_iterator(children.end()));
    }
  };
  gather(record.amendments, "visit_amendment", record.visits);
  gather(record.actions, "plan_action", record.plans);
  gather(record.conditions, "order_condition", record.orders);
  record.breaches = replica.children_of("breach", nominal_id);
  gather(record.follow_ups, "breach_follow_up", record.breaches);
  record.notifications = replica.children_of("notification", nominal_id);
  record.failed_entries = replica.children_of("failed_entry", nominal_id);
  if (auto requirement = replica.children_of("notification_requirement", nominal_id);
      !requirement.empty()) {
    record.notification_requirement = std::move(requirement.front());
  }
  return record;
}

void write_record_members(base::JsonWriter& w, const NominalRecord& record) {
  w.key("nominal");
  write_record(w, record.nominal);
  const std::pair<const char*, const std::vector<FieldValues>*> lists[] = {
      {"addresses", &record.addresses},
      {"plans", &record.plans},
      {"actions", &record.actions},
      {"assessments", &record.assessments},
      {"orders", &record.orders},
      {"conditions", &record.conditions},
      {"visits", &record.visits},
      {"amendments", &record.amendments},
      {"failed_entries", &record.failed_entries},
      {"breaches", &record.breaches},
      {"follow_ups", &record.follow_ups},
      {"notifications", &record.notifications}};
  for (const auto& [name, list] : lists) {
    w.key(name).begin_array();
    for (const auto& values : *list) write_record(w, values);
    w.end_array();
  }
  w.key("notification_requirement");
  if (record.notification_requirement) {
    write_record(w, *record.notification_requirement);
  } else {
    w.null();
  }
}

}  // namespace vigil::sync
