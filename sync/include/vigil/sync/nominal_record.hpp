// A nominal's whole record as a store holds it, every record in wire form (officers by username,
// teams by name, each record with its "id"): what the officer's tablet shows when a record is
// opened (vigil-field show) and what a supervisor's page of the nominal shows on the server
// (GET /api/v1/nominals/{id}), read one way from either store, since both hold the same tables.
// The caller owns the Database and reads in its own transaction; throws vigil::Error when the
// database fails.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/store/store.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::base {
class JsonWriter;
}

namespace vigil::sync {

struct NominalRecord {
  FieldValues nominal;
  std::vector<FieldValues> addresses, assessments, plans, orders;
  std::vector<FieldValues> visits;      // oldest first
  std::vector<FieldValues> amendments;  // of those visits, each naming its visit_id
  std::vector<FieldValues> actions;     // of its plans, each naming its plan_id
  std::vector<FieldValues> conditions;  // of its orders, each naming its order_id
  std::vector<FieldValues> breaches, notifications, failed_entries;
  std::vector<FieldValues> follow_ups;  // of its breaches, each naming its breach_id
  std::optional<FieldValues> notification_requirement;
};

// The record of the nominal with this id; `nominal` is empty when the store holds no such
// nominal.
NominalRecord read_nominal_record(store::Database& db, const std::string& nominal_id);

// One record in wire form as a JSON object, each field a member (null when absent).
void write_record(base::JsonWriter& w, const FieldValues& values);

// The record's members, written into an open JSON object: "nominal", then "addresses", "plans",
// "actions", "assessments", "orders", "conditions", "visits", "amendments", "failed_entries",
// "breaches", "follow_ups", "notifications" (arrays of objects) and "notification_requirement"
// (an object or null).
void write_record_members(base::JsonWriter& w, const NominalRecord& record);

}  // namespace vigil::sync
