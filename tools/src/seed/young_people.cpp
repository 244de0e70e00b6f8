// The seed's young people at risk of exploitation, their encounters and the safeguarding
// referrals made for them (Seeder, seeder.hpp). The shape follows a force's learning review
// (docs/domain.md): most children are met once; about one in twenty has three or more encounters,
// a few seven or more; referrals are mostly acknowledged and fed back in time, some never.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seed/seeder.hpp"
#include "seed/words.hpp"
#include "seed/writers.hpp"

namespace vigil::backoffice::seed_detail {

namespace {

// Children met per offender manager of a team, over the seed's last 400 days.
constexpr int kYoungPeoplePerOfficer = 12;
constexpr int kHistoryDays = 400;

std::string numbered(const char* prefix, int number) {
  char text[24];
  std::snprintf(text, sizeof text, "%s-%06d", prefix, number);
  return text;
}

}  // namespace

void Seeder::write_referral(Writers& w, const std::string& young_person_id,
                            const std::optional<std::string>& encounter_id,
                            const std::optional<std::string>& nominal_id, std::string_view concern,
                            Day sent, const std::string& officer) {
  const std::string referral_id = dice_.uuid();
  // Each step has a timer because the loop used to break silently: some never close.
  const Day acknowledgement_due =
      days_beginning_with(Date{sent}, policy_.referral_acknowledge_days);
  const Day feedback_due = days_beginning_with(Date{sent}, policy_.referral_feedback_days);
  const auto done_around = [&](Day due, Day after) -> std::optional<Day> {
    const Day when = std::max(
        after, plus_days(due, dice_.chance(0.8) ? -dice_.between(0, 2) : dice_.between(1, 12)));
    return when <= as_of_ ? std::optional(when) : std::nullopt;
  };
  std::optional<Day> acknowledged, actioned, fed_back;
  if (dice_.chance(0.85)) acknowledged = done_around(acknowledgement_due, sent);
  if (acknowledged && dice_.chance(0.85))
    actioned = done_around(plus_days(sent, 14), *acknowledged);
  if (actioned && dice_.chance(0.8)) fed_back = done_around(feedback_due, *actioned);
  w.safeguarding_referrals.insert(referral_id, young_person_id, encounter_id, nominal_id,
                                  dice_.pick(kAgencies), person_name(), concern,
                                  calendar_.text(sent), calendar_.text(acknowledged),
                                  calendar_.text(actioned), calendar_.text(fed_back), officer);
  // A step missed is chased a few days after its due date, most of the time.
  for (const auto& [due, done] :
       {std::pair{acknowledgement_due, acknowledged}, std::pair{feedback_due, fed_back}}) {
    const Day chased = plus_days(due, dice_.between(1, 4));
    if ((!done || *done > due) && chased <= as_of_ && (!done || chased < *done) &&
        dice_.chance(0.6)) {
      w.referral_chases.insert(dice_.uuid(), referral_id, calendar_.text(chased),
                               "Chased the named contact by phone", officer);
    }
  }
}

void Seeder::write_young_people(Writers& w) {
  progress_.stage("young people at risk");
  int number = 0;
  int encounter_number = 0;
  for (const auto& team : teams_) {
    const int children = kYoungPeoplePerOfficer * static_cast<int>(team.members.size());
    for (int child = 0; child < children; ++child) {
      const std::string id = dice_.uuid();
      w.young_people.insert(id, numbered("YP", ++number), dice_.pick(kTowns), team.id);
      // 1 encounter mostly; 2 for some; 3 to 6 for about one in twenty; 7 to 10 for a few.
      const double u = dice_.unit();
      const int count = u < 0.895   ? 1
                        : u < 0.953 ? 2
                        : u < 0.994 ? dice_.between(3, 6)
                                    : dice_.between(7, 10);
      std::vector<std::pair<std::string, Day>> met;
      for (int i = 0; i < count; ++i) {
        const Day on = plus_days(as_of_, -dice_.between(1, kHistoryDays));
        const std::string encounter_id = dice_.uuid();
        const bool criminal = dice_.chance(0.6);
        const bool sexual = dice_.chance(0.25);
        const std::size_t officer = team.members[dice_.index(team.members.size())];
        w.encounters.insert(
            encounter_id, id, numbered("ENC", ++encounter_number),
            calendar_.text(calendar_.at(on, dice_.between(9 * 3600, 23 * 3600))).view(),
            dice_.pick(kEncounterPlaces), criminal, sexual,
            criminal || sexual ? dice_.pick(kExploitationMarkers) : std::string_view(),
            officer_id(officer));
        met.emplace_back(encounter_id, on);
      }
      // A referral for the child's latest encounter: most of those met again, a few met once.
      if (dice_.chance(count >= 2 ? 0.7 : 0.1)) {
        const auto latest =
            *std::max_element(met.begin(), met.end(),
                              [](const auto& a, const auto& b) { return a.second < b.second; });
        const Day sent = std::min(as_of_, plus_days(latest.second, 1));
        write_referral(w, id, latest.first, std::nullopt, "Risk of exploitation after encounter",
                       sent, officer_id(team.members.front()));
      }
    }
  }
  // A child in a nominal's household the nominal's officer referred.
  for (const auto& n : nominals_) {
    if (!n.referral) continue;
    const std::string id = dice_.uuid();
    w.young_people.insert(id, numbered("YP", ++number), dice_.pick(kTowns), teams_[n.team].id);
    const Day earliest = std::max(n.managed_since, plus_days(as_of_, -kHistoryDays));
    const Day sent = plus_days(earliest, dice_.between(0, days_from(earliest, as_of_)));
    write_referral(w, id, std::nullopt, n.id, dice_.pick(kConcerns), sent, officer_id(n.officer));
  }
}

}  // namespace vigil::backoffice::seed_detail
