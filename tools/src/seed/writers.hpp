// Writers: the seed's TableWriter for every table it fills, flushed parents first so every
// foreign key finds its row. One thread; the Database must outlive it.
#pragma once

#include <array>
#include <cstddef>

#include "bulk/table_writer.hpp"
#include "vigil/store/store.hpp"

namespace vigil::backoffice::seed_detail {

using bulk_detail::TableWriter;

struct Writers {
  static constexpr std::size_t kBatchBytes = std::size_t{48} * 1024 * 1024;

  explicit Writers(store::Database& db)
      : teams(db, "teams", "INSERT INTO teams (id, name) VALUES (?, ?)"),
        officers(db, "officers",
                 "INSERT INTO officers (id, username, name, role, team_id, password_hash, "
                 "active, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)"),
        team_supervisors(db, "team_supervisors",
                         "INSERT INTO team_supervisors (team_id, officer_id) VALUES (?, ?)"),
        nominals(db, "nominals",
                 "INSERT INTO nominals (id, ref, surname, forenames, date_of_birth, kind, "
                 "mappa_category, mappa_level, risk_level, officer_id, team_id, no_fixed_abode, "
                 "area, reactive_management) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        addresses(db, "addresses",
                  "INSERT INTO addresses (id, nominal_id, kind, line1, line2, town, postcode, "
                  "area, from_date, to_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        assessments(db, "assessments",
                    "INSERT INTO assessments (id, nominal_id, assessed_on, risk_level, "
                    "risk_factors, protective_factors, assessor_id) VALUES (?, ?, ?, ?, ?, ?, ?)"),
        plans(db, "plans",
              "INSERT INTO plans (id, nominal_id, assessment_id, started_on, last_reviewed_on, "
              "visit_every_months, double_crewed, unannounced_required) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        plan_actions(db, "plan_actions",
                     "INSERT INTO plan_actions (id, plan_id, description, owner_id, due_on, "
                     "status, completed_on) VALUES (?, ?, ?, ?, ?, ?, ?)"),
        visits(db, "visits",
               "INSERT INTO visits (id, nominal_id, occurred_at, recorded_at, received_at, "
               "announced, outcome, observations, risk_change, recorded_by) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        visit_attendees(db, "visit_attendees",
                        "INSERT INTO visit_attendees (visit_id, officer_id) VALUES (?, ?)"),
        visit_amendments(db, "visit_amendments",
                         "INSERT INTO visit_amendments (id, visit_id, reason, changes, "
                         "amended_by, amended_at) VALUES (?, ?, ?, ?, ?, ?)"),
        failed_entries(db, "failed_entries",
                       "INSERT INTO failed_entries (id, nominal_id, visit_id, attempted_at, "
                       "reason, officer_id) VALUES (?, ?, ?, ?, ?, ?)"),
        orders(db, "orders",
               "INSERT INTO orders (id, nominal_id, kind, made_on, ends_on, court) "
               "VALUES (?, ?, ?, ?, ?, ?)"),
        order_conditions(db, "order_conditions",
                         "INSERT INTO order_conditions (id, order_id, text, foreign_travel, "
                         "ends_on) VALUES (?, ?, ?, ?, ?)"),
        breaches(db, "breaches",
                 "INSERT INTO breaches (id, nominal_id, order_id, condition_id, condition_text, "
                 "occurred_at, action_taken, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        breach_follow_ups(db, "breach_follow_ups",
                          "INSERT INTO breach_follow_ups (id, breach_id, followed_up_at, "
                          "action_taken, status, officer_id) VALUES (?, ?, ?, ?, ?, ?)"),
        notification_requirements(
            db, "notification_requirements",
            "INSERT INTO notification_requirements (id, nominal_id, relevant_date, disposal, "
            "months, age_at_relevant) VALUES (?, ?, ?, ?, ?, ?)"),
        notifications(db, "notifications",
                      "INSERT INTO notifications (id, nominal_id, kind, event_on, excluded_days, "
                      "notified_on, detail) VALUES (?, ?, ?, ?, ?, ?, ?)"),
        young_people(db, "young_people",
                     "INSERT INTO young_people (id, number, home_area, team_id) VALUES (?, ?, ?, "
                     "?)"),
        encounters(db, "encounters",
                   "INSERT INTO encounters (id, young_person_id, ref, occurred_at, place, "
                   "criminal_exploitation, sexual_exploitation, markers, officer_id) VALUES (?, "
                   "?, ?, ?, ?, ?, ?, ?, ?)"),
        safeguarding_referrals(db, "safeguarding_referrals",
                               "INSERT INTO safeguarding_referrals (id, young_person_id, "
                               "encounter_id, nominal_id, agency, contact_name, concern, sent_on, "
                               "acknowledged_on, actioned_on, feedback_on, officer_id) VALUES (?, "
                               "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        referral_chases(db, "referral_chases",
                        "INSERT INTO referral_chases (id, referral_id, chased_on, note, "
                        "officer_id) VALUES (?, ?, ?, ?, ?)"),
        suspects(db, "suspects",
                 "INSERT INTO suspects (id, ref, surname, forenames, offence, harm, "
                 "outstanding_since, circulated_on, last_trace_on, last_review_on, status, "
                 "officer_id, team_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        trace_enquiries(db, "trace_enquiries",
                        "INSERT INTO trace_enquiries (id, suspect_id, occurred_at, note, "
                        "officer_id) VALUES (?, ?, ?, ?, ?)"),
        bail_cases(db, "bail_cases",
                   "INSERT INTO bail_cases (id, ref, surname, forenames, offence, arrested_on, "
                   "case_type, status, answer_bail_on, expected_finish_on, officer_id, team_id) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        bail_extensions(db, "bail_extensions",
                        "INSERT INTO bail_extensions (id, bail_case_id, extended_to, authority, "
                        "authorised_by, authorised_on, representations_considered) "
                        "VALUES (?, ?, ?, ?, ?, ?, 1)"),
        bail_conditions(db, "bail_conditions",
                        "INSERT INTO bail_conditions (id, bail_case_id, kind, detail, "
                        "victim_views) VALUES (?, ?, ?, ?, ?)"),
        rui_reviews(db, "rui_reviews",
                    "INSERT INTO rui_reviews (id, bail_case_id, reviewed_on, reviewer_id, "
                    "expected_finish_on, note) VALUES (?, ?, ?, ?, ?, ?)") {}

  // Writes every table's held rows once enough are held, parents first (the order of the
  // members below), so every foreign key finds its row. The bigger the batch, the closer the keys.
  void flush_if_large() {
    std::size_t held = 0;
    for (const TableWriter* writer : all()) held += writer->held_bytes();
    if (held >= kBatchBytes) flush();
  }
  void flush() {
    for (TableWriter* writer : all()) writer->flush();
  }

  std::array<TableWriter*, 28> all() {
    return {&teams,
            &officers,
            &team_supervisors,
            &nominals,
            &addresses,
            &assessments,
            &plans,
            &plan_actions,
            &visits,
            &visit_attendees,
            &visit_amendments,
            &failed_entries,
            &orders,
            &order_conditions,
            &breaches,
            &breach_follow_ups,
            &notification_requirements,
            &notifications,
            &young_people,
            &encounters,
            &safeguarding_referrals,
            &referral_chases,
            &suspects,
            &trace_enquiries,
            &bail_cases,
            &bail_extensions,
            &bail_conditions,
            &rui_reviews};
  }

  TableWriter teams, officers, team_supervisors, nominals, addresses, assessments, plans,
      plan_actions, visits, visit_attendees, visit_amendments, failed_entries, orders,
      order_conditions, breaches, breach_follow_ups, notification_requirements, notifications,
      young_people, encounters, safeguarding_referrals, referral_chases, suspects, trace_enquiries,
      bail_cases, bail_extensions, bail_conditions, rui_reviews;
};

}  // namespace vigil::backoffice::seed_detail
