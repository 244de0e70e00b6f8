#include "vigil/sync/entities.hpp"

#include <array>

#include "record_steps.hpp"
#include "server_steps.hpp"
#include "vigil/base/error.hpp"
#include "vigil/rules/text.hpp"

namespace vigil::sync {
namespace {

// Choices come from core's enumerations where core has one, so the wire and the rules agree.
template <class E>
constexpr std::span<const std::string_view> names_of() {
  return {EnumNames<E>::names.data(), EnumNames<E>::names.size()};
}
constexpr std::array<std::string_view, 2> kNominalStatus{"active", "inactive"};
constexpr std::array<std::string_view, 4> kAddressKinds{"main", "secondary", "temporary",
                                                        "no_fixed_abode"};
constexpr std::array<std::string_view, 3> kActionStatus{"open", "done", "cancelled"};
constexpr std::array<std::string_view, 4> kSuspectStatus{"outstanding", "arrested", "warrant",
                                                         "closed"};
constexpr std::array<std::string_view, 4> kNotificationKinds{"initial", "change", "periodic",
                                                             "foreign_travel"};
constexpr std::array<std::string_view, 6> kBailConditionKinds{
    "no_contact", "exclusion_zone", "curfew", "passport_surrender", "residence", "other"};
constexpr std::array<std::string_view, 2> kDecisionKeeps{"winning", "losing"};

using T = FieldType;
using E = Editor;

// Short words (names, references, places) and free text (notes, reasons), each at most as long
// as core's text grammar allows whichever door a value comes in by.
FieldSpec text(std::string_view name, bool required, Editor editor) {
  return {name, name, T::text, required, editor, {}, 0, static_cast<long long>(kMaxShortText)};
}
FieldSpec note(std::string_view name, bool required, Editor editor) {
  return {name, name, T::text, required, editor, {}, 0, static_cast<long long>(kMaxLongText)};
}
FieldSpec may_be_empty(FieldSpec field) {
  field.may_be_empty = true;
  return field;
}
FieldSpec typed(std::string_view name, FieldType type, bool required, Editor editor) {
  return {name, name, type, required, editor};
}
FieldSpec choice(std::string_view name, std::span<const std::string_view> choices, bool required,
                 Editor editor) {
  return {name, name, T::choice, required, editor, choices};
}
FieldSpec integer(std::string_view name, long long min, long long max, bool required,
                  Editor editor) {
  return {name, name, T::integer, required, editor, {}, min, max};
}
FieldSpec officer(std::string_view name, std::string_view column, Editor editor) {
  return {name, column, T::officer, false, editor};
}
FieldSpec reference(std::string_view name, std::string_view entity, bool required = true) {
  return {name, name, T::reference, required, E::nobody, {}, 0, 0, entity};
}

std::vector<EntitySpec> build() {
  std::vector<EntitySpec> all;
  // Kept by the back office, held by every tablet of the force. First, so a tablet taking its
  // scope has the teams and officers its records name before the records arrive.
  all.push_back({.name = "team",
                 .table = "teams",
                 .mutable_record = true,
                 .back_office = true,
                 .fields = {text("name", true, E::nobody)}});
  all.push_back({.name = "officer",
                 .table = "officers",
                 .mutable_record = true,
                 .back_office = true,
                 .fields = {
                     text("username", true, E::nobody),
                     text("name", true, E::nobody),
                     choice("role", names_of<Role>(), true, E::nobody),
                     {"team", "team_id", T::team, true, E::nobody},
                     typed("active", T::yes_no, false, E::nobody),
                     typed("created_at", T::instant, true, E::nobody),
                 }});
  all.push_back({.name = "policy_version",
                 .table = "policy_versions",
                 .mutable_record = true,
                 .back_office = true,
                 .fields = {
                     integer("version", 1, 1'000'000'000, true, E::nobody),
                     typed("effective_from", T::date, true, E::nobody),
                     text("approved_by", true, E::nobody),
                     note("rationale", true, E::nobody),
                     note("body", true, E::nobody),
                     typed("created_at", T::instant, true, E::nobody),
                 }});
  // Mutable records ---------------------------------------------------------------------------
  all.push_back({.name = "nominal",
                 .table = "nominals",
                 .mutable_record = true,
                 .supervisor_creates = true,
                 .team_column = "team_id",
                 .fields = {
                     text("ref", true, E::nobody),
                     text("surname", true, E::supervisor),
                     may_be_empty(text("forenames", true, E::supervisor)),
                     typed("date_of_birth", T::date, true, E::supervisor),
                     choice("kind", names_of<NominalKind>(), true, E::supervisor),
                     integer("mappa_category", 1, 3, false, E::supervisor),
                     integer("mappa_level", 1, 3, true, E::supervisor),
                     choice("risk_level", names_of<RiskLevel>(), true, E::supervisor),
                     officer("officer", "officer_id", E::supervisor),
                     {"team", "team_id", T::team, true, E::supervisor},
                     typed("no_fixed_abode", T::yes_no, false, E::officer),
                     text("area", false, E::officer),
                     choice("status", kNominalStatus, false, E::supervisor),
                     typed("reactive_management", T::yes_no, false, E::supervisor),
                 }});
  all.push_back({.name = "address",
                 .table = "addresses",
                 .mutable_record = true,
                 .parent_field = "nominal_id",
                 .fields = {
                     reference("nominal_id", "nominal"),
                     choice("kind", kAddressKinds, true, E::officer),
                     text("line1", false, E::officer),
                     text("line2", false, E::officer),
                     text("town", false, E::officer),
                     text("postcode", false, E::officer),
                     text("area", false, E::officer),
                     typed("from_date", T::date, false, E::officer),
                     typed("to_date", T::date, false, E::officer),
                 }});
  // Before the plans, which name the assessment they follow: a tablet stores each record as it
  // comes.
  all.push_back({.name = "assessment",
                 .table = "assessments",
                 .parent_field = "nominal_id",
                 .author_column = "assessor_id",
                 .fields = {
                     reference("nominal_id", "nominal"),
                     typed("assessed_on", T::date, true, E::nobody),
                     choice("risk_level", names_of<RiskLevel>(), true, E::nobody),
                     note("risk_factors", false, E::nobody),
                     note("protective_factors", false, E::nobody),
                 }});
  // A plan is written by a supervisor (an officer progresses its actions and records its review).
  all.push_back({.name = "plan",
                 .table = "plans",
                 .mutable_record = true,
                 .supervisor_creates = true,
                 .parent_field = "nominal_id",
                 .fields = {
                     reference("nominal_id", "nominal"),
                     // The assessment the plan follows, one of the same nominal's.
                     reference("assessment_id", "assessment", false),
                     typed("started_on", T::date, true, E::nobody),
                     typed("last_reviewed_on", T::date, false, E::officer),
                     integer("visit_every_months", 1, 120, false, E::supervisor),
                     typed("double_crewed", T::yes_no, false, E::supervisor),
                     typed("unannounced_required", T::yes_no, false, E::supervisor),
                 }});
  all.push_back({.name = "plan_action",
                 .table = "plan_actions",
                 .mutable_record = true,
                 .parent_field = "plan_id",
                 .fields = {
                     reference("plan_id", "plan"),
                     note("description", true, E::officer),
                     officer("owner", "owner_id", E::officer),
                     typed("due_on", T::date, false, E::officer),
                     choice("status", kActionStatus, false, E::officer),
                     typed("completed_on", T::date, false, E::officer),
                     text("partner_agency", false, E::officer),
                 }});
  all.push_back({.name = "suspect",
                 .table = "suspects",
                 .mutable_record = true,
                 .supervisor_creates = true,
                 .team_column = "team_id",
                 .record_steps = &kSuspectSteps,
                 .fields = {
                     text("ref", true, E::nobody),
                     text("surname", true, E::supervisor),
                     may_be_empty(text("forenames", true, E::supervisor)),
                     text("offence", true, E::supervisor),
                     integer("harm", 1, 5, true, E::supervisor),
                     typed("outstanding_since", T::date, true, E::supervisor),
                     typed("circulated_on", T::date, false, E::officer),
                     typed("last_trace_on", T::date, false, E::officer),
                     typed("last_review_on", T::date, false, E::supervisor),
                     typed("date_of_birth", T::date, false, E::supervisor),
                     choice("status", kSuspectStatus, false, E::officer),
                     officer("officer", "officer_id", E::supervisor),
                     {"team", "team_id", T::team, true, E::supervisor},
                     // Why a supervisor closed the suspect with actions still open
                     // (kSuspectSteps: without it, a suspect with an open action stays open).
                     note("close_reason", false, E::supervisor),
                 }});
  // What is to be done to find and arrest a suspect, set and progressed by the team's officers.
  all.push_back({.name = "suspect_action",
                 .table = "suspect_actions",
                 .mutable_record = true,
                 .parent_field = "suspect_id",
                 .record_steps = &kSuspectActionSteps,
                 .fields = {
                     reference("suspect_id", "suspect"),
                     note("description", true, E::officer),
                     officer("owner", "owner_id", E::officer),
                     typed("due_on", T::date, false, E::officer),
                     choice("status", kActionStatus, false, E::officer),
                     typed("completed_on", T::date, false, E::officer),
                 }});
  // A supervisor's review of an outstanding suspect's case, with what they found: the next
  // review falls due from the latest (core/rules, suspect_review_due).
  all.push_back({.name = "suspect_review",
                 .table = "suspect_reviews",
                 .supervisor_creates = true,
                 .parent_field = "suspect_id",
                 .author_column = "reviewer_id",
                 .record_steps = &kSuspectReviewSteps,
                 .fields = {
                     reference("suspect_id", "suspect"),
                     typed("reviewed_on", T::date, true, E::nobody),
                     note("note", true, E::nobody),
                 }});
  all.push_back(
      {.name = "bail_case",
       .table = "bail_cases",
       .mutable_record = true,
       .team_column = "team_id",
       .record_steps = &kBailCaseSteps,
       .fields = {
           text("ref", true, E::nobody),
           text("surname", true, E::officer),
           may_be_empty(text("forenames", true, E::officer)),
           text("offence", true, E::officer),
           typed("arrested_on", T::date, true, E::nobody),
           choice("case_type", names_of<CaseType>(), true, E::nobody),
           choice("status", names_of<BailStatus>(), true, E::officer),
           typed("answer_bail_on", T::date, false, E::officer),
           typed("expected_finish_on", T::date, false, E::officer),
           officer("officer", "officer_id", E::supervisor),
           {"team", "team_id", T::team, true, E::supervisor},
           typed("date_of_birth", T::date, false, E::officer),
           // The suspect the case is about, one of the case's team (kBailCaseSteps).
           {"suspect_id", "suspect_id", T::reference, false, E::officer, {}, 0, 0, "suspect"},
       }});
  // A bail case's extensions are recorded by a supervisor (at the desk, or imported from custody
  // records), each checked against the law's ranks and periods (kBailExtensionSteps); its
  // conditions come from the back office. Tablets receive both, so the officer in charge sees the
  // deadline and what the suspect must keep to.
  all.push_back({.name = "bail_extension",
                 .table = "bail_extensions",
                 .supervisor_creates = true,
                 .parent_field = "bail_case_id",
                 .record_steps = &kBailExtensionSteps,
                 .fields = {
                     reference("bail_case_id", "bail_case"),
                     typed("extended_to", T::date, true, E::nobody),
                     choice("authority", names_of<BailAuthority>(), true, E::nobody),
                     text("authorised_by", true, E::nobody),
                     typed("authorised_on", T::date, true, E::nobody),
                     typed("representations_considered", T::yes_no, true, E::nobody),
                 }});
  all.push_back({.name = "bail_condition",
                 .table = "bail_conditions",
                 .mutable_record = true,
                 .back_office = true,
                 .parent_field = "bail_case_id",
                 .fields = {
                     reference("bail_case_id", "bail_case"),
                     choice("kind", kBailConditionKinds, true, E::nobody),
                     note("detail", false, E::nobody),
                     note("victim_views", false, E::nobody),
                 }});
  // A young person at risk of exploitation, known by an anonymised number (never a name), and the
  // referrals made for them to the safeguarding partnership, each step dated as it happens.
  all.push_back({.name = "young_person",
                 .table = "young_people",
                 .mutable_record = true,
                 .team_column = "team_id",
                 .fields = {
                     text("number", true, E::nobody),
                     text("home_area", false, E::officer),
                     {"team", "team_id", T::team, true, E::supervisor},
                 }});
  // Each encounter with them, before the referrals that may name one.
  all.push_back({.name = "encounter",
                 .table = "encounters",
                 .parent_field = "young_person_id",
                 .author_column = "officer_id",
                 .fields = {
                     reference("young_person_id", "young_person"),
                     text("ref", true, E::nobody),
                     typed("occurred_at", T::instant, true, E::nobody),
                     text("place", true, E::nobody),
                     typed("criminal_exploitation", T::yes_no, false, E::nobody),
                     typed("sexual_exploitation", T::yes_no, false, E::nobody),
                     note("markers", false, E::nobody),
                 }});
  all.push_back({.name = "safeguarding_referral",
                 .table = "safeguarding_referrals",
                 .mutable_record = true,
                 .parent_field = "young_person_id",
                 .fields = {
                     reference("young_person_id", "young_person"),
                     // The encounter it was made for, one of the same young person's.
                     reference("encounter_id", "encounter", false),
                     text("agency", true, E::officer),
                     text("contact_name", true, E::officer),
                     note("concern", false, E::officer),
                     typed("sent_on", T::date, true, E::nobody),
                     typed("acknowledged_on", T::date, false, E::officer),
                     typed("actioned_on", T::date, false, E::officer),
                     typed("feedback_on", T::date, false, E::officer),
                     officer("officer", "officer_id", E::officer),
                 }});
  // Facts -------------------------------------------------------------------------------------
  all.push_back({.name = "visit",
                 .table = "visits",
                 .parent_field = "nominal_id",
                 .author_column = "recorded_by",
                 .device_column = "device_id",
                 .received_column = "received_at",
                 .clock_skew_column = "clock_skew_flag",
                 .record_steps = &kVisitSteps,
                 .fields = {
                     reference("nominal_id", "nominal"),
                     typed("occurred_at", T::instant, true, E::nobody),
                     typed("recorded_at", T::instant, true, E::nobody),
                     typed("announced", T::yes_no, true, E::nobody),
                     choice("outcome", names_of<VisitOutcome>(), true, E::nobody),
                     note("observations", false, E::nobody),
                     note("risk_change", false, E::nobody),
                     {"attendees", "", T::attendees, true, E::nobody},
                     // Why it was not as the plan asks (docs/domain.md, "Crewing"): the tablet
                     // asks for each when its warning is given.
                     note("crew_reason", false, E::nobody),
                     note("announced_reason", false, E::nobody),
                     choice("not_as_planned", names_of<NotAsPlanned>(), false, E::nobody),
                     note("devices_checked", false, E::nobody),
                 }});
  all.push_back({.name = "visit_amendment",
                 .table = "visit_amendments",
                 .parent_field = "visit_id",
                 .author_column = "amended_by",
                 .record_steps = &kVisitAmendmentSteps,
                 .fields = {
                     reference("visit_id", "visit"),
                     note("reason", true, E::nobody),
                     // A JSON object of the visit's fields it changes and their new values.
                     note("changes", true, E::nobody),
                     typed("amended_at", T::instant, true, E::nobody),
                 }});
  all.push_back({.name = "failed_entry",
                 .table = "failed_entries",
                 .parent_field = "nominal_id",
                 .author_column = "officer_id",
                 .fields = {
                     reference("nominal_id", "nominal"),
                     reference("visit_id", "visit", false),
                     typed("attempted_at", T::instant, true, E::nobody),
                     note("reason", false, E::nobody),
                 }});
  // A court's orders and their conditions come from the back office; a breach names them.
  all.push_back({.name = "order",
                 .table = "orders",
                 .mutable_record = true,
                 .back_office = true,
                 .parent_field = "nominal_id",
                 .fields = {
                     reference("nominal_id", "nominal"),
                     choice("kind", names_of<OrderKind>(), true, E::nobody),
                     typed("made_on", T::date, true, E::nobody),
                     typed("ends_on", T::date, false, E::nobody),
                     text("court", false, E::nobody),
                 }});
  all.push_back({.name = "order_condition",
                 .table = "order_conditions",
                 .mutable_record = true,
                 .back_office = true,
                 .parent_field = "order_id",
                 .fields = {
                     reference("order_id", "order"),
                     note("text", true, E::nobody),
                     typed("foreign_travel", T::yes_no, false, E::nobody),
                     typed("ends_on", T::date, false, E::nobody),
                     // Each condition runs its own period within the order's (core/rules,
                     // orders.hpp): from the order's making unless it starts later.
                     typed("starts_on", T::date, false, E::nobody),
                     typed("renewed_on", T::date, false, E::nobody),
                 }});
  all.push_back({.name = "breach",
                 .table = "breaches",
                 .parent_field = "nominal_id",
                 .author_column = "recorded_by",
                 .fields = {
                     reference("nominal_id", "nominal"),
                     reference("order_id", "order"),
                     reference("condition_id", "order_condition", false),
                     note("condition_text", false, E::nobody),
                     typed("occurred_at", T::instant, true, E::nobody),
                     note("action_taken", true, E::nobody),
                 }});
  // What was done about a breach afterwards, by whoever did it: a breach without one a day after
  // it happened is flagged (core/rules, orders.hpp).
  all.push_back({.name = "breach_follow_up",
                 .table = "breach_follow_ups",
                 .parent_field = "breach_id",
                 .author_column = "officer_id",
                 .record_steps = &kBreachFollowUpSteps,
                 .fields = {
                     reference("breach_id", "breach"),
                     typed("followed_up_at", T::instant, true, E::nobody),
                     note("action_taken", true, E::nobody),
                     choice("status", names_of<FollowUpStatus>(), true, E::nobody),
                 }});
  // What starts and bounds a registered sex offender's notification period, one set per
  // nominal (kNotificationRequirementSteps): recorded by a supervisor (at the desk, or imported)
  // and received by tablets, so their caseload has the server's notification deadlines.
  all.push_back({.name = "notification_requirement",
                 .table = "notification_requirements",
                 .mutable_record = true,
                 .supervisor_creates = true,
                 .parent_field = "nominal_id",
                 .record_steps = &kNotificationRequirementSteps,
                 .fields = {
                     reference("nominal_id", "nominal"),
                     typed("relevant_date", T::date, true, E::supervisor),
                     choice("disposal", names_of<Disposal>(), true, E::supervisor),
                     integer("months", 0, 1200, false, E::supervisor),
                     integer("age_at_relevant", 0, 150, false, E::supervisor),
                 }});
  all.push_back({.name = "notification",
                 .table = "notifications",
                 .parent_field = "nominal_id",
                 .fields = {
                     reference("nominal_id", "nominal"),
                     choice("kind", kNotificationKinds, true, E::nobody),
                     typed("event_on", T::date, true, E::nobody),
                     integer("excluded_days", 0, 36500, false, E::nobody),
                     typed("notified_on", T::date, false, E::nobody),
                     note("detail", false, E::nobody),
                 }});
  // A referral whose acknowledgement or feedback is overdue is chased: each chase a fact.
  all.push_back({.name = "referral_chase",
                 .table = "referral_chases",
                 .parent_field = "referral_id",
                 .author_column = "officer_id",
                 .fields = {
                     reference("referral_id", "safeguarding_referral"),
                     typed("chased_on", T::date, true, E::nobody),
                     note("note", false, E::nobody),
                 }});
  all.push_back({.name = "trace_enquiry",
                 .table = "trace_enquiries",
                 .parent_field = "suspect_id",
                 .author_column = "officer_id",
                 .fields = {
                     reference("suspect_id", "suspect"),
                     typed("occurred_at", T::instant, true, E::nobody),
                     note("note", true, E::nobody),
                 }});
  all.push_back({.name = "rui_review",
                 .table = "rui_reviews",
                 .parent_field = "bail_case_id",
                 .author_column = "reviewer_id",
                 .fields = {
                     reference("bail_case_id", "bail_case"),
                     typed("reviewed_on", T::date, true, E::nobody),
                     typed("expected_finish_on", T::date, false, E::nobody),
                     note("note", false, E::nobody),
                 }});
  all.push_back(
      {.name = "read_event",
       .table = "audit_log",
       .parent_field = "nominal_id",
       .author_column = "officer_id",
       .device_column = "device_id",
       .received_column = "received_at",
       .fixed_columns = {{"action", "read"}, {"entity", "nominal"}},
       .outside_scope_allowed = true,
       .server_steps = &kReadEventSteps,
       .fields = {
           {"nominal_id", "entity_id", T::reference, true, E::nobody, {}, 0, 0, "nominal"},
           typed("occurred_at", T::instant, true, E::nobody),
           note("reason", false, E::nobody),
           integer("chain_index", 0, 1LL << 50, true, E::nobody),
           text("prev_hash", false, E::nobody),
           text("hash", true, E::nobody),
       }});
  // A supervisor's decision on a conflict: applied to the conflict (and, when the losing value
  // is kept, to the field) rather than stored in a table of its own.
  all.push_back({.name = "conflict_decision",
                 .table = "",
                 .supervisor_creates = true,
                 .parent_field = "conflict_id",
                 .server_steps = &kConflictDecisionSteps,
                 .fields = {
                     reference("conflict_id", "conflict"),
                     choice("keep", kDecisionKeeps, true, E::nobody),
                     note("note", false, E::nobody),
                 }});
  // A supervisor's review of an officer's work: signed off, or returned to the officer with a
  // comment. A fact the team's tablets receive, so the officer sees what came back to them; its
  // team is checked against its subject's (kReviewDecisionSteps).
  all.push_back({.name = "review_decision",
                 .table = "review_decisions",
                 .supervisor_creates = true,
                 .team_column = "team_id",
                 .author_column = "reviewer_id",
                 .received_column = "received_at",
                 .record_steps = &kReviewDecisionSteps,
                 .fields = {
                     {"team", "team_id", T::team, true, E::nobody},
                     choice("subject", names_of<ReviewSubject>(), true, E::nobody),
                     text("subject_id", true, E::nobody),
                     choice("decision", names_of<ReviewDecision>(), true, E::nobody),
                     note("comment", false, E::nobody),
                     typed("decided_at", T::instant, true, E::nobody),
                 }});
  return all;
}

}  // namespace

const FieldSpec* EntitySpec::field(std::string_view field_name) const {
  for (const auto& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

const FieldSpec* EntitySpec::team_field() const {
  for (const auto& f : fields) {
    if (!team_column.empty() && f.column == team_column) return &f;
  }
  return nullptr;
}

const std::vector<EntitySpec>& entities() {
  static const std::vector<EntitySpec> all = build();
  return all;
}

const EntitySpec* find_entity(std::string_view name) {
  for (const auto& e : entities()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

const FieldSpec& field_of(std::string_view entity, std::string_view field) {
  const EntitySpec* spec = find_entity(entity);
  const FieldSpec* found = spec != nullptr ? spec->field(field) : nullptr;
  if (found == nullptr) {
    throw Error(ErrorCode::internal,
                "the entity table has no field " + std::string(entity) + "." + std::string(field));
  }
  return *found;
}

}  // namespace vigil::sync
