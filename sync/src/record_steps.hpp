// What only one kind of record must be and does, on the server and on the tablet alike, named by
// the entity's description (entities.cpp, `record_steps`), so neither asks for an entity by name:
// a visit amendment's changes must be a visit's, and storing one settles its visit's effective
// values (effective_visit.cpp). Private to sync/.
#pragma once

#include <optional>
#include <string>

#include "checks.hpp"
#include "vigil/store/store.hpp"

namespace vigil::sync {

struct RecordSteps {
  // Why the change cannot be taken beyond its fields' own values, asked by parse_change once they
  // are read; it may fill the change's `inner` fields. nullptr: nothing more.
  std::optional<std::string> (*check)(store::Database& db, Names& names,
                                      ParsedChange& change) = nullptr;
  // What storing the record with this id settles elsewhere, run after every store of it (a new
  // record, a record pulled, the server's copy of the tablet's own). nullptr: nothing.
  void (*stored)(store::Database& db, const std::string& id) = nullptr;
  // The same for a record the server has just created from a change, given the change as read,
  // the record's team and its author, so what was just written need not be read back. nullptr:
  // `stored`.
  void (*created)(store::Database& db, const ParsedChange& change, const std::string& team_id,
                  const std::string& author_id) = nullptr;
};

// A visit's effective values follow its amendments, whatever stored the visit last, and its copy
// for the reports follows the visit as settled.
extern const RecordSteps kVisitSteps;
// An amendment changes only what a visit holds, each value as a visit's; storing one settles its
// visit.
extern const RecordSteps kVisitAmendmentSteps;

// A suspect is closed only with no action open, or by a supervisor with a reason for leaving
// them open (core's check_suspect_close).
extern const RecordSteps kSuspectSteps;
// No action is opened (made, or set open again) on a closed suspect.
extern const RecordSteps kSuspectActionSteps;
// A suspect's review is not dated after today (London's day).
extern const RecordSteps kSuspectReviewSteps;
// A bail case names its suspect only within its own team: the suspect's team is checked against
// the case's (the one sent, or the one stored), so no device links a case to another team's record.
extern const RecordSteps kBailCaseSteps;
// A bail extension is one the law allows (core's check_extension): authorised in time, by a rank
// senior enough for the period it extends to, the suspect's representations considered.
extern const RecordSteps kBailExtensionSteps;
// A nominal has one set of notification requirements: a second is refused, naming the first.
extern const RecordSteps kNotificationRequirementSteps;
// A follow-up of a breach comes after the breach: one dated before it is refused.
extern const RecordSteps kBreachFollowUpSteps;

// A review decision names a record of its own team (a rejected change by its officer's team), and
// one that returns the record to the officer says why.
extern const RecordSteps kReviewDecisionSteps;

// Runs the entity's `stored` step for the record, if it has one.
void settle_stored(store::Database& db, const EntitySpec& spec, const std::string& id);
// Runs the entity's `created` step for the record just created from the change (else `stored`).
void settle_created(store::Database& db, const ParsedChange& change, const std::string& team_id,
                    const std::string& author_id);

}  // namespace vigil::sync
