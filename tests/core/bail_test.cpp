#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "civil_dates.hpp"
#include "vigil/rules/bail.hpp"

using namespace vigil;
using vigil::testing::d;
using vigil::testing::s;

namespace {
// "inspector 2017-05-01" per stage, so a whole timetable compares (and prints) in one CHECK.
std::vector<std::string> stages(const BailTimetable& timetable) {
  std::vector<std::string> out;
  for (const auto& stage : timetable.stages) {
    out.push_back(std::string(to_string(stage.authority)) + " " + s(stage.ends));
  }
  return out;
}

std::vector<std::string> stages_for(const char* arrested_on,
                                    CaseType case_type = CaseType::standard) {
  return stages(bail_timetable(d(arrested_on), case_type));
}

BailExtensionRequest request(const char* current_end, BailAuthority authority,
                             const char* authorised_on, const char* extended_to,
                             bool representations_considered = true) {
  return BailExtensionRequest{d(current_end), authority, d(authorised_on), d(extended_to),
                              representations_considered};
}

// Arrested 2023-03-14, so bail starts 2023-03-15. Standard 2022 timetable:
//   custody officer 3 months  -> the day before 2023-06-15 = 2023-06-14
//   inspector       6 months  -> the day before 2023-09-15 = 2023-09-14
//   superintendent  9 months  -> the day before 2023-12-15 = 2023-12-14
//   ACC            12 months  -> the day before 2024-03-15 = 2024-03-14
//   court          18 months  -> the day before 2024-09-15 = 2024-09-14
BailTimetable standard_2023() {
  return bail_timetable(d("2023-03-14"), CaseType::standard);
}

}  // namespace

TEST_CASE("the bail regime changes on the days each Act took effect", "[bail]") {
  // The 2017 limits apply to arrests from 3 April 2017; the 2022 timetable from 28 October 2022.
  CHECK(bail_regime(d("1999-06-01")) == BailRegime::none);
  CHECK(bail_regime(d("2017-04-02")) == BailRegime::none);
  CHECK(bail_regime(d("2017-04-03")) == BailRegime::pcsa_2017);
  CHECK(bail_regime(d("2022-10-27")) == BailRegime::pcsa_2017);
  CHECK(bail_regime(d("2022-10-28")) == BailRegime::pcsa_2022);
  CHECK(bail_regime(d("2030-01-01")) == BailRegime::pcsa_2022);
}

TEST_CASE("bail starts the day after arrest, even with no statutory limit", "[bail]") {
  auto before = bail_timetable(d("2017-04-02"), CaseType::standard);
  CHECK(before.regime == BailRegime::none);
  CHECK(s(before.bail_start) == "2017-04-03");
  CHECK(before.stages.empty());
  // The day after arrest crosses the year end.
  auto new_year = bail_timetable(d("2016-12-31"), CaseType::serious_fraud);
  CHECK(s(new_year.bail_start) == "2017-01-01");
  CHECK(new_year.stages.empty());
}

TEST_CASE("the 2017 timetable is 28 days, then 3 months, then 6 months from bail start", "[bail]") {
  // First day of the 2017 regime: bail starts 2017-04-04.
  //   28 days: 2017-04-04 + 27 = 2017-05-01 (April has 30 days).
  //   3 months: the day before 2017-07-04. 6 months: the day before 2017-10-04.
  auto first = bail_timetable(d("2017-04-03"), CaseType::standard);
  CHECK(first.regime == BailRegime::pcsa_2017);
  CHECK(s(first.bail_start) == "2017-04-04");
  CHECK(stages(first) == std::vector<std::string>{"inspector 2017-05-01",
                                                  "superintendent 2017-07-03",
                                                  "magistrates_court 2017-10-03"});
  // Last day of the 2017 regime: bail starts 2022-10-28.
  //   28 days: 2022-10-28 + 3 = 2022-10-31, + 24 more = 2022-11-24.
  //   3 months: the day before 2023-01-28. 6 months: the day before 2023-04-28.
  auto last = bail_timetable(d("2022-10-27"), CaseType::standard);
  CHECK(last.regime == BailRegime::pcsa_2017);
  CHECK(stages(last) == std::vector<std::string>{"inspector 2022-11-24",
                                                 "superintendent 2023-01-27",
                                                 "magistrates_court 2023-04-27"});
}

TEST_CASE("the 2017 timetable is the same for serious fraud", "[bail]") {
  // docs/domain.md gives the 2017 Act no longer periods for any case type.
  CHECK(stages_for("2017-04-03", CaseType::serious_fraud) == stages_for("2017-04-03"));
  CHECK(stages_for("2022-10-27", CaseType::serious_fraud) == stages_for("2022-10-27"));
}

TEST_CASE("the 2022 standard timetable runs 3, 6, 9, 12 and 18 months from bail start", "[bail]") {
  // First day of the 2022 regime: bail starts 2022-10-29; each stage ends the day before the
  // same day N months later.
  auto first = bail_timetable(d("2022-10-28"), CaseType::standard);
  CHECK(first.regime == BailRegime::pcsa_2022);
  CHECK(s(first.bail_start) == "2022-10-29");
  CHECK(stages(first) == std::vector<std::string>{
                             "custody_officer 2023-01-28", "inspector 2023-04-28",
                             "superintendent 2023-07-28", "assistant_chief_constable 2023-10-28",
                             "magistrates_court 2024-04-28"});
}

TEST_CASE("serious fraud starts with 6 months from the custody officer and has no inspector",
          "[bail]") {
  // Bail starts 2023-03-15: 6 months -> 2023-09-14, 9 -> 2023-12-14, 12 -> 2024-03-14,
  // 18 -> 2024-09-14.
  CHECK(stages_for("2023-03-14", CaseType::serious_fraud) ==
        std::vector<std::string>{"custody_officer 2023-09-14", "superintendent 2023-12-14",
                                 "assistant_chief_constable 2024-03-14",
                                 "magistrates_court 2024-09-14"});
  // On the first day of the 2022 regime: bail starts 2022-10-29.
  CHECK(stages_for("2022-10-28", CaseType::serious_fraud) ==
        std::vector<std::string>{"custody_officer 2023-04-28", "superintendent 2023-07-28",
                                 "assistant_chief_constable 2023-10-28",
                                 "magistrates_court 2024-04-28"});
}

TEST_CASE("bail periods ending in short months end on the last day of that month", "[bail]") {
  SECTION("arrest on 30 November: bail starts on the 1st of December") {
    // 2023: 3 months from 2023-12-01 ends the day before 2024-03-01 = 29 Feb (leap year).
    CHECK(stages_for("2023-11-30") ==
          std::vector<std::string>{
              "custody_officer 2024-02-29", "inspector 2024-05-31", "superintendent 2024-08-31",
              "assistant_chief_constable 2024-11-30", "magistrates_court 2025-05-31"});
    // 2024: the day before 2025-03-01 = 28 Feb.
    CHECK(stages_for("2024-11-30") ==
          std::vector<std::string>{
              "custody_officer 2025-02-28", "inspector 2025-05-31", "superintendent 2025-08-31",
              "assistant_chief_constable 2025-11-30", "magistrates_court 2026-05-31"});
    // 2017 regime: 28 days from 2019-12-01 is 2019-12-28; 3 months ends 2020-02-29.
    CHECK(stages_for("2019-11-30") == std::vector<std::string>{"inspector 2019-12-28",
                                                               "superintendent 2020-02-29",
                                                               "magistrates_court 2020-05-31"});
  }
  SECTION("arrest on 31 January: bail starts on the 1st of February") {
    CHECK(stages_for("2024-01-31") ==
          std::vector<std::string>{
              "custody_officer 2024-04-30", "inspector 2024-07-31", "superintendent 2024-10-31",
              "assistant_chief_constable 2025-01-31", "magistrates_court 2025-07-31"});
    // 28 days from 1 February end on the 28th whether or not February has 29 days.
    CHECK(stages_for("2019-01-31") == std::vector<std::string>{"inspector 2019-02-28",
                                                               "superintendent 2019-04-30",
                                                               "magistrates_court 2019-07-31"});
    CHECK(stages_for("2020-01-31") == std::vector<std::string>{"inspector 2020-02-28",
                                                               "superintendent 2020-04-30",
                                                               "magistrates_court 2020-07-31"});
  }
  SECTION("arrest on 28 February in a non-leap year: bail starts on 1 March") {
    // 12 months from 2023-03-01 ends the day before 2024-03-01 = 2024-02-29.
    CHECK(stages_for("2023-02-28") ==
          std::vector<std::string>{
              "custody_officer 2023-05-31", "inspector 2023-08-31", "superintendent 2023-11-30",
              "assistant_chief_constable 2024-02-29", "magistrates_court 2024-08-31"});
    // 2017 regime: 28 days from 2019-03-01 = 2019-03-28.
    CHECK(stages_for("2019-02-28") == std::vector<std::string>{"inspector 2019-03-28",
                                                               "superintendent 2019-05-31",
                                                               "magistrates_court 2019-08-31"});
  }
  SECTION("arrest on 28 February in a leap year: bail starts on 29 February") {
    // 3 months: the day before 2024-05-29. 12 months: 2025-02-29 does not exist, so the later
    // day rolls to 2025-03-01 and the period ends 2025-02-28.
    CHECK(stages_for("2024-02-28") ==
          std::vector<std::string>{
              "custody_officer 2024-05-28", "inspector 2024-08-28", "superintendent 2024-11-28",
              "assistant_chief_constable 2025-02-28", "magistrates_court 2025-08-28"});
    // 2017 regime: 28 days from 2020-02-29 = 2020-03-27; 3 months: the day before 2020-05-29.
    CHECK(stages_for("2020-02-28") == std::vector<std::string>{"inspector 2020-03-27",
                                                               "superintendent 2020-05-28",
                                                               "magistrates_court 2020-08-28"});
  }
  SECTION("arrest on 29 February: bail starts on 1 March") {
    CHECK(stages_for("2024-02-29") ==
          std::vector<std::string>{
              "custody_officer 2024-05-31", "inspector 2024-08-31", "superintendent 2024-11-30",
              "assistant_chief_constable 2025-02-28", "magistrates_court 2025-08-31"});
    CHECK(stages_for("2020-02-29") == std::vector<std::string>{"inspector 2020-03-28",
                                                               "superintendent 2020-05-31",
                                                               "magistrates_court 2020-08-31"});
  }
  SECTION("bail starting on the 31st rolls a missing later day forward, not back") {
    // Bail starts 2023-05-31. 6 months: 2023-11-31 does not exist -> 2023-12-01, so the period
    // ends 2023-11-30. 9 months: 2024-02-31 -> 2024-03-01, ends 2024-02-29 (clamping to
    // 2024-02-29 and then taking the day before would wrongly give 2024-02-28).
    CHECK(stages_for("2023-05-30") ==
          std::vector<std::string>{
              "custody_officer 2023-08-30", "inspector 2023-11-30", "superintendent 2024-02-29",
              "assistant_chief_constable 2024-05-30", "magistrates_court 2024-11-30"});
  }
}

TEST_CASE("an extension authorised in time, by the right rank, after representations is valid",
          "[bail]") {
  auto timetable = standard_2023();
  // Authorised on the last day of the custody officer's period is still in time.
  auto decision = check_extension(
      timetable, request("2023-06-14", BailAuthority::inspector, "2023-06-14", "2023-09-14"));
  CHECK(decision.valid);
  CHECK(decision.reason.empty());
  // Authorised well before expiry, even on the day of arrest, is also in time.
  CHECK(check_extension(timetable,
                        request("2023-06-14", BailAuthority::inspector, "2023-03-14", "2023-09-14"))
            .valid);
}

TEST_CASE("no extension is needed for an arrest before 3 April 2017", "[bail]") {
  auto timetable = bail_timetable(d("2017-04-02"), CaseType::standard);
  auto decision = check_extension(timetable, request("2017-05-01", BailAuthority::magistrates_court,
                                                     "2017-04-20", "2017-08-01"));
  CHECK_FALSE(decision.valid);
  CHECK(decision.reason ==
        "no extension is needed: arrests before 3 April 2017 have no statutory bail limit");
}

TEST_CASE("an extension authorised after the bail period expired is refused", "[bail]") {
  auto decision = check_extension(
      standard_2023(), request("2023-06-14", BailAuthority::inspector, "2023-06-15", "2023-09-14"));
  CHECK_FALSE(decision.valid);
  CHECK(decision.reason ==
        "the extension was authorised on 2023-06-15, after the bail period ended on 2023-06-14: "
        "an extension must be authorised before the current period ends");
  // Expiry is refused even for the court: the period has lapsed.
  CHECK_FALSE(
      check_extension(standard_2023(), request("2024-03-14", BailAuthority::magistrates_court,
                                               "2024-03-20", "2024-09-14"))
          .valid);
}

TEST_CASE("an extension dated before the arrest is refused as a wrong date", "[bail]") {
  auto decision = check_extension(
      standard_2023(), request("2023-06-14", BailAuthority::inspector, "2023-03-13", "2023-09-14"));
  CHECK_FALSE(decision.valid);
  CHECK_THAT(decision.reason, Catch::Contains("2023-03-13") && Catch::Contains("2023-03-14"));
}

TEST_CASE("an extension without the suspect's representations considered is refused", "[bail]") {
  auto decision = check_extension(standard_2023(), request("2023-06-14", BailAuthority::inspector,
                                                           "2023-06-10", "2023-09-14", false));
  CHECK_FALSE(decision.valid);
  CHECK(decision.reason ==
        "the extension to 2023-09-14 cannot be authorised until the suspect's representations "
        "have been considered");
}

TEST_CASE("an extension that does not move the end of bail later is refused", "[bail]") {
  auto same = check_extension(
      standard_2023(), request("2023-06-14", BailAuthority::inspector, "2023-06-10", "2023-06-14"));
  CHECK_FALSE(same.valid);
  CHECK(same.reason == "the new end 2023-06-14 must be after the current end of bail, 2023-06-14");
  auto earlier = check_extension(
      standard_2023(),
      request("2023-06-14", BailAuthority::magistrates_court, "2023-06-10", "2023-06-01"));
  CHECK_FALSE(earlier.valid);
  CHECK_THAT(earlier.reason, Catch::Contains("2023-06-01") && Catch::Contains("2023-06-14"));
}

TEST_CASE("police cannot extend beyond the last stage; the court can", "[bail]") {
  // The last stage (the court's 18 months) ends 2024-09-14.
  auto police = check_extension(
      standard_2023(),
      request("2024-03-14", BailAuthority::assistant_chief_constable, "2024-03-01", "2024-09-15"));
  CHECK_FALSE(police.valid);
  CHECK(police.reason ==
        "an extension to 2024-09-15 is beyond the last stage of the timetable, which ends on "
        "2024-09-14, and only a magistrates' court can authorise it");
  // The court may extend further still ("then further").
  CHECK(check_extension(standard_2023(), request("2024-09-14", BailAuthority::magistrates_court,
                                                 "2024-09-01", "2025-03-14"))
            .valid);
}

TEST_CASE("an extension by too junior a rank is refused, naming the rank needed", "[bail]") {
  auto timetable = standard_2023();
  SECTION("past 3 months needs an inspector") {
    auto decision = check_extension(timetable, request("2023-06-14", BailAuthority::custody_officer,
                                                       "2023-06-14", "2023-06-15"));
    CHECK_FALSE(decision.valid);
    CHECK(decision.reason ==
          "an extension to 2023-06-15 must be authorised by an inspector or a more senior "
          "officer, not a custody officer");
  }
  SECTION("past 6 months needs a superintendent") {
    auto decision = check_extension(
        timetable, request("2023-09-14", BailAuthority::inspector, "2023-09-01", "2023-09-15"));
    CHECK_FALSE(decision.valid);
    CHECK(decision.reason ==
          "an extension to 2023-09-15 must be authorised by a superintendent or a more senior "
          "officer, not an inspector");
  }
  SECTION("past 9 months needs an assistant chief constable") {
    auto decision = check_extension(timetable, request("2023-12-14", BailAuthority::superintendent,
                                                       "2023-12-01", "2024-03-14"));
    CHECK_FALSE(decision.valid);
    CHECK(decision.reason ==
          "an extension to 2024-03-14 must be authorised by an assistant chief constable or a "
          "more senior officer, not a superintendent");
  }
  SECTION("past 12 months needs the magistrates' court") {
    auto decision =
        check_extension(timetable, request("2024-03-14", BailAuthority::assistant_chief_constable,
                                           "2024-03-01", "2024-03-15"));
    CHECK_FALSE(decision.valid);
    CHECK(decision.reason ==
          "an extension to 2024-03-15 must be authorised by a magistrates' court: police "
          "officers can extend bail only to 2024-03-14");
  }
}

TEST_CASE("each rank may extend up to and including the last day of its own stage", "[bail]") {
  auto timetable = standard_2023();
  CHECK(check_extension(timetable,
                        request("2023-06-14", BailAuthority::inspector, "2023-06-01", "2023-09-14"))
            .valid);
  CHECK(check_extension(timetable, request("2023-09-14", BailAuthority::superintendent,
                                           "2023-09-01", "2023-12-14"))
            .valid);
  CHECK(check_extension(timetable, request("2023-12-14", BailAuthority::assistant_chief_constable,
                                           "2023-12-01", "2024-03-14"))
            .valid);
  CHECK(check_extension(timetable, request("2024-03-14", BailAuthority::magistrates_court,
                                           "2024-03-01", "2024-09-14"))
            .valid);
}

TEST_CASE("a senior rank or the court may authorise a junior stage", "[bail]") {
  auto timetable = standard_2023();
  CHECK(check_extension(timetable, request("2023-06-14", BailAuthority::superintendent,
                                           "2023-06-01", "2023-07-01"))
            .valid);
  CHECK(check_extension(timetable, request("2023-06-14", BailAuthority::assistant_chief_constable,
                                           "2023-06-01", "2023-09-14"))
            .valid);
  CHECK(check_extension(timetable, request("2023-06-14", BailAuthority::magistrates_court,
                                           "2023-06-01", "2023-06-20"))
            .valid);
}

TEST_CASE("serious fraud has no inspector stage, so its first extension needs a superintendent",
          "[bail]") {
  // Arrested 2023-03-14: custody officer to 2023-09-14, superintendent to 2023-12-14.
  auto timetable = bail_timetable(d("2023-03-14"), CaseType::serious_fraud);
  // Within the custody officer's 6 months, a custody officer may authorise.
  CHECK(check_extension(timetable, request("2023-06-14", BailAuthority::custody_officer,
                                           "2023-06-01", "2023-09-14"))
            .valid);
  auto inspector = check_extension(
      timetable, request("2023-09-14", BailAuthority::inspector, "2023-09-01", "2023-10-01"));
  CHECK_FALSE(inspector.valid);
  CHECK_THAT(inspector.reason, Catch::Contains("a superintendent"));
  CHECK(check_extension(timetable, request("2023-09-14", BailAuthority::superintendent,
                                           "2023-09-01", "2023-12-14"))
            .valid);
}

TEST_CASE("the 2017 timetable needs a superintendent past 28 days and the court past 3 months",
          "[bail]") {
  // Arrested 2019-01-31: inspector to 2019-02-28, superintendent to 2019-04-30, court to
  // 2019-07-31.
  auto timetable = bail_timetable(d("2019-01-31"), CaseType::standard);
  CHECK(check_extension(timetable, request("2019-02-28", BailAuthority::superintendent,
                                           "2019-02-27", "2019-04-30"))
            .valid);
  auto inspector = check_extension(
      timetable, request("2019-02-28", BailAuthority::inspector, "2019-02-27", "2019-03-01"));
  CHECK_FALSE(inspector.valid);
  CHECK_THAT(inspector.reason, Catch::Contains("a superintendent"));
  auto superintendent = check_extension(
      timetable, request("2019-04-30", BailAuthority::superintendent, "2019-04-29", "2019-05-01"));
  CHECK_FALSE(superintendent.valid);
  CHECK_THAT(superintendent.reason,
             Catch::Contains("magistrates' court") && Catch::Contains("2019-04-30"));
  // An assistant chief constable has no stage in 2017 but outranks the superintendent.
  CHECK(check_extension(timetable, request("2019-02-28", BailAuthority::assistant_chief_constable,
                                           "2019-02-27", "2019-04-30"))
            .valid);
}

TEST_CASE("next_extension says who must authorise bail past the current end, and by when",
          "[bail]") {
  auto timetable = standard_2023();
  SECTION("at the end of a stage, the next stage's authority, by the current end") {
    auto next = next_extension(timetable, d("2023-06-14"));
    REQUIRE(next);
    CHECK(next->authority == BailAuthority::inspector);
    CHECK(s(next->ends) == "2023-06-14");
    next = next_extension(timetable, d("2024-03-14"));
    REQUIRE(next);
    CHECK(next->authority == BailAuthority::magistrates_court);
    CHECK(s(next->ends) == "2024-03-14");
  }
  SECTION("inside a stage, that stage's authority") {
    auto next = next_extension(timetable, d("2023-07-01"));
    REQUIRE(next);
    CHECK(next->authority == BailAuthority::inspector);
    CHECK(s(next->ends) == "2023-07-01");
  }
  SECTION("before bail starts, the first authorisation") {
    auto next = next_extension(timetable, d("2023-03-14"));
    REQUIRE(next);
    CHECK(next->authority == BailAuthority::custody_officer);
  }
  SECTION("past every stage, or with no statutory limit, nothing") {
    CHECK_FALSE(next_extension(timetable, d("2024-09-14")));
    CHECK_FALSE(next_extension(timetable, d("2025-01-01")));
    CHECK_FALSE(
        next_extension(bail_timetable(d("2017-04-02"), CaseType::standard), d("2017-05-01")));
  }
  SECTION("serious fraud and 2017 skip to their own next authority") {
    auto fraud =
        next_extension(bail_timetable(d("2023-03-14"), CaseType::serious_fraud), d("2023-09-14"));
    REQUIRE(fraud);
    CHECK(fraud->authority == BailAuthority::superintendent);
    auto old = next_extension(bail_timetable(d("2019-01-31"), CaseType::standard), d("2019-02-28"));
    REQUIRE(old);
    CHECK(old->authority == BailAuthority::superintendent);
    CHECK(s(old->ends) == "2019-02-28");
  }
}

TEST_CASE("next_stage gives the furthest the next authority may extend to", "[bail]") {
  auto next = next_stage(standard_2023(), d("2023-06-14"));
  REQUIRE(next);
  CHECK(next->authority == BailAuthority::inspector);
  CHECK(s(next->ends) == "2023-09-14");
  CHECK_FALSE(next_stage(standard_2023(), d("2024-09-14")));
}

TEST_CASE("authorities read as a custody sergeant would say them", "[bail]") {
  CHECK(bail_authority_label(BailAuthority::custody_officer) == "custody officer");
  CHECK(bail_authority_label(BailAuthority::assistant_chief_constable) ==
        "assistant chief constable");
  CHECK(bail_authority_label(BailAuthority::magistrates_court) == "magistrates' court");
}

TEST_CASE("an RUI case is reviewed every policy number of days", "[bail]") {
  Policy policy;  // default: every 28 days
  // 2024-01-10 + 21 = 2024-01-31, + 7 = 2024-02-07.
  CHECK(s(rui_review_due(d("2024-01-10"), policy)) == "2024-02-07");
  // Across a leap February: 2024-02-10 + 19 = 2024-02-29, + 9 = 2024-03-09.
  CHECK(s(rui_review_due(d("2024-02-10"), policy)) == "2024-03-09");
  // And a non-leap one: 2023-02-10 + 18 = 2023-02-28, + 10 = 2023-03-10.
  CHECK(s(rui_review_due(d("2023-02-10"), policy)) == "2023-03-10");
  policy.rui_review_every_days = 14;  // a force that reviews fortnightly
  CHECK(s(rui_review_due(d("2024-02-10"), policy)) == "2024-02-24");
}

TEST_CASE("an outstanding suspect is reviewed every policy number of days", "[bail]") {
  Policy policy;  // default: every 28 days
  // 2023-12-20 + 11 = 2023-12-31, + 17 = 2024-01-17.
  CHECK(s(suspect_review_due(d("2023-12-20"), policy)) == "2024-01-17");
  policy.suspect_review_every_days = 7;
  CHECK(s(suspect_review_due(d("2023-12-28"), policy)) == "2024-01-04");
}

TEST_CASE("a suspect with no trace activity for 7 days is flagged from the day after", "[bail]") {
  Policy policy;  // default: flag after 7 days
  SECTION("counted from the last trace") {
    // Last trace 2024-03-01: due 2024-03-08, flagged from 2024-03-09.
    auto last = std::optional<Date>{d("2024-03-01")};
    CHECK(s(suspect_trace_due(last, d("2024-02-01"), policy)) == "2024-03-08");
    CHECK_FALSE(suspect_trace_overdue(last, d("2024-02-01"), d("2024-03-01"), policy));
    CHECK_FALSE(suspect_trace_overdue(last, d("2024-02-01"), d("2024-03-08"), policy));
    CHECK(suspect_trace_overdue(last, d("2024-02-01"), d("2024-03-09"), policy));
  }
  SECTION("counted from the day outstanding when never traced") {
    // Outstanding since 2024-02-26: 2024-02-26 + 3 = 2024-02-29, + 4 = 2024-03-04.
    CHECK(s(suspect_trace_due(std::nullopt, d("2024-02-26"), policy)) == "2024-03-04");
    CHECK_FALSE(suspect_trace_overdue(std::nullopt, d("2024-02-26"), d("2024-03-04"), policy));
    CHECK(suspect_trace_overdue(std::nullopt, d("2024-02-26"), d("2024-03-05"), policy));
  }
  SECTION("a trace before the suspect became outstanding does not count") {
    auto stale = std::optional<Date>{d("2023-12-01")};
    CHECK(s(suspect_trace_due(stale, d("2024-02-26"), policy)) == "2024-03-04");
    CHECK_FALSE(suspect_trace_overdue(stale, d("2024-02-26"), d("2024-03-01"), policy));
  }
  SECTION("the policy sets the number of days") {
    policy.suspect_no_trace_flag_days = 3;
    auto last = std::optional<Date>{d("2024-03-01")};
    CHECK_FALSE(suspect_trace_overdue(last, d("2024-02-01"), d("2024-03-04"), policy));
    CHECK(suspect_trace_overdue(last, d("2024-02-01"), d("2024-03-05"), policy));
  }
}

TEST_CASE("a suspect is closed with an action open only by an override with a reason",
          "[bail][suspects]") {
  CHECK_FALSE(check_suspect_close(0, false));
  CHECK_FALSE(check_suspect_close(2, true));
  const auto one = check_suspect_close(1, false);
  REQUIRE(one);
  CHECK(*one ==
        "the suspect has 1 open action: complete or cancel it first, or a supervisor closes the "
        "suspect with a reason for leaving it open (close_reason)");
  CHECK(check_suspect_close(3, false)->find("3 open actions") != std::string::npos);
}
