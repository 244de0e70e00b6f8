// Pre-charge bail, released under investigation (RUI) and outstanding suspects: the rules of
// docs/domain.md that say how long bail may run, who may extend it, and
// when a case or a suspect must next be reviewed.
//
// Pure functions over plain values: the tablet and the server call the same code, so derived
// status is computed, never stored. They throw nothing and are safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/rules/dates.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/rules/policy.hpp"

namespace vigil {

// One step of the statutory timetable.
struct BailStage {
  BailAuthority authority;
  Date ends;  // the last day of the period this authority may authorise
};

// The limits that apply to one arrest. Stages run from the shortest to the longest period; the
// last is always the magistrates' court's, which may extend bail further still. Regime none has
// no stages: bail before 3 April 2017 had no statutory limit.
struct BailTimetable {
  Date bail_start;  // the day after arrest: every period begins with it
  BailRegime regime;
  std::vector<BailStage> stages;
};

// The law in force for an arrest on that date: before 2017-04-03 none, 2017-04-03..2022-10-27
// pcsa_2017, from 2022-10-28 pcsa_2022.
BailRegime bail_regime(Date arrested_on);

// pcsa_2017 (both case types): inspector 28 days, superintendent 3 months, court 6 months.
// pcsa_2022 standard: custody officer 3 months, inspector 6, superintendent 9, assistant chief
// constable 12 (case designated exceptionally complex), court 18. pcsa_2022 serious fraud:
// custody officer 6 months, superintendent 9, assistant chief constable 12, court 18.
BailTimetable bail_timetable(Date arrested_on, CaseType case_type);

// An extension of bail from current_end to extended_to. The prosecutor's designation of a case
// as exceptionally complex (needed for an assistant chief constable's extension) is not part of
// the request: the caller must record and check it.
struct BailExtensionRequest {
  Date current_end;
  BailAuthority authority;
  Date authorised_on;
  Date extended_to;
  bool representations_considered;
};

struct ExtensionDecision {
  bool valid = false;
  std::string reason;  // one sentence a custody sergeant understands; empty when valid
};

// Refused when: the arrest predates the statutory limits; it was authorised before the arrest
// or after current_end (the period had expired); the suspect's representations were not
// considered; extended_to is not after current_end; a police officer extends beyond the last
// stage; or the authority is junior to the first stage whose end is on or after extended_to.
// A senior rank may authorise a junior stage; only the magistrates' court may authorise the
// court stage, and the court may authorise any extension.
ExtensionDecision check_extension(const BailTimetable& timetable,
                                  const BailExtensionRequest& request);

// The end of the period an extension to `extended_to` extends: the latest of the case's other
// extensions that ends before it, or the first period the law allows. What every door that
// records an extension checks it from (the import, the sync engine).
Date period_extended(const BailTimetable& timetable, const std::vector<Date>& other_extensions,
                     Date extended_to);

// The date an extension (or first authorisation) beyond the current end is needed by, and who
// must give it; nullopt when none applies (regime none, or past every stage). `ends` here is
// the deadline, which is current_end itself (extensions must be authorised before the current
// period ends), not the limit of that authority's stage: next_stage gives that.
std::optional<BailStage> next_extension(const BailTimetable& timetable, Date current_end);

// The first stage that reaches beyond current_end: who must authorise bail past current_end and
// the furthest they may extend it to; nullopt for regime none or past every stage.
std::optional<BailStage> next_stage(const BailTimetable& timetable, Date current_end);

// "custody officer", "assistant chief constable", "magistrates' court": for sentences a person
// reads.
std::string_view bail_authority_label(BailAuthority authority);

// RUI has no time limit, so it is reviewed every policy.rui_review_every_days days after the
// last review (or the release, when never reviewed).
Date rui_review_due(Date last_review_or_release, const Policy& policy);

// An outstanding suspect's intelligence review: policy.suspect_review_every_days days after the
// last review (or the day the suspect became outstanding, when never reviewed).
Date suspect_review_due(Date last_review_or_outstanding_since, const Policy& policy);

// The day by which the next trace enquiry is due: policy.suspect_no_trace_flag_days after the
// later of the last trace activity and the day the suspect became outstanding.
Date suspect_trace_due(std::optional<Date> last_trace_on, Date outstanding_since,
                       const Policy& policy);

// No trace activity for policy.suspect_no_trace_flag_days days: like every deadline in Vigil,
// overdue from the day after suspect_trace_due, not on that day itself.
bool suspect_trace_overdue(std::optional<Date> last_trace_on, Date outstanding_since, Date as_of,
                           const Policy& policy);

// A suspect is closed only when no action on their case is open, unless a supervisor closes them
// with a reason for leaving the actions open (the override, kept with the suspect). Why not, in a
// sentence, when the suspect may not be closed; nullopt when they may.
std::optional<std::string> check_suspect_close(int open_actions, bool override_reason_given);

}  // namespace vigil
