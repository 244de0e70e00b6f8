// The inside of `vigil seed` (vigil/tools/seed.hpp), shared by the files of seed/: dates as
// days, the one random generator (Dice), dates as text (Calendar), the profiles' shapes, what is
// drawn before anything is written (the sketches), and the Seeder, whose members live one file
// per concern:
//   seed.cpp           the run, its preconditions and the policy
//   force.cpp          teams and officers
//   sketch.cpp         each nominal's targets
//   nominals.cpp       nominals, addresses, assessments and plans
//   visits.cpp         visits, their attendees, failed entries and amendments
//   orders.cpp         orders, conditions and breaches
//   notifications.cpp  notifications by registered sex offenders
//   young_people.cpp   young people at risk, their encounters and safeguarding referrals
//   suspects.cpp       outstanding suspects and trace enquiries
//   bail.cpp           pre-charge bail and released under investigation
// The word lists are in words.hpp, the tables written to in writers.hpp. Private to seed/.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/base/progress.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/rules/policy.hpp"
#include "vigil/store/store.hpp"
#include "vigil/tools/seed.hpp"

namespace vigil::backoffice::seed_detail {

struct Offence;  // words.hpp
struct Writers;  // writers.hpp

using Day = date::sys_days;

inline Day day_of(Date date) {
  return Day{date};
}
inline Day plus_days(Day day, int days) {
  return day + date::days{days};
}
inline Day plus_months(Day day, int months) {
  return day_of(add_months_clamped(Date{day}, months));
}
inline int days_from(Day from, Day to) {
  return static_cast<int>((to - from).count());
}

// ---------------------------------------------------------------------------------------------
// Randomness

// One generator for the whole seed. The helpers use modulo and bit arithmetic rather than the
// std::*_distribution classes, whose results differ between standard libraries: the same seed
// then gives the same database wherever Vigil is built.
class Dice {
 public:
  explicit Dice(std::uint64_t seed) : engine_(seed) {}

  std::string uuid() { return base::make_uuid(engine_); }

  // A whole number from low to high inclusive (low when the range is empty).
  int between(int low, int high) {
    if (high <= low) return low;
    const auto width = static_cast<std::uint64_t>(high - low) + 1;
    return low + static_cast<int>(engine_() % width);
  }
  // Uniform in [0, 1).
  double unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool chance(double probability) { return unit() < probability; }
  // From low to high, most often near low: a few backlogs are very old, most are not.
  int skewed(int low, int high, double power) {
    if (high <= low) return low;
    const double span = static_cast<double>(high - low + 1);
    const int offset = static_cast<int>(span * std::pow(unit(), power));
    return std::min(high, low + offset);
  }
  std::size_t index(std::size_t count) { return static_cast<std::size_t>(engine_() % count); }
  template <class T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[index(N)];
  }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[index(items.size())];
  }
  // An index into weights, chosen in proportion to them.
  template <std::size_t N>
  std::size_t weighted(const std::array<int, N>& weights) {
    int total = 0;
    for (int weight : weights) total += weight;
    int roll = between(0, total - 1);
    for (std::size_t i = 0; i < N; ++i) {
      if (roll < weights[i]) return i;
      roll -= weights[i];
    }
    return N - 1;
  }

 private:
  std::mt19937_64 engine_;
};

// ---------------------------------------------------------------------------------------------
// Dates as text, fast

// The national profile writes a few million dates and instants. date::format is far too slow for
// that, so each civil date is formatted once (by format_date) and kept; instants are built from
// the cached date and the time of day.
class Calendar {
 public:
  explicit Calendar(Date as_of)
      : as_of_(day_of(as_of)),
        first_(plus_days(as_of_, -kDaysBefore)),
        dates_(static_cast<std::size_t>(kDaysBefore + kDaysAfter + 1)),
        midnights_(dates_.size(), kUnknown) {}

  Day as_of() const { return as_of_; }

  // The stored text of that date; valid as long as the Calendar.
  const std::string& text(Day day) {
    std::string& slot = dates_[slot_of(day)];
    if (slot.empty()) slot = format_date(Date{day});
    return slot;
  }
  std::optional<std::string_view> text(std::optional<Day> day) {
    if (!day) return std::nullopt;
    return std::string_view(text(*day));
  }

  // The instant `seconds` after the start of that civil date in Europe/London.
  Instant at(Day day, int seconds) {
    std::int64_t& midnight = midnights_[slot_of(day)];
    if (midnight == kUnknown) midnight = london_midnight(Date{day}).time_since_epoch().count();
    return Instant{std::chrono::seconds{midnight + seconds}};
  }

  // 'YYYY-MM-DDTHH:MM:SSZ', exactly as format_instant writes it.
  struct InstantText {
    std::array<char, 20> chars{};
    std::string_view view() const { return {chars.data(), chars.size()}; }
  };
  InstantText text(Instant instant) {
    const Day day = date::floor<date::days>(instant);
    auto seconds = static_cast<int>((instant - Instant{day}).count());
    InstantText out;
    const std::string& date_text = text(day);
    std::copy(date_text.begin(), date_text.end(), out.chars.begin());
    out.chars[10] = 'T';
    auto two = [&](std::size_t at, int value) {
      out.chars[at] = static_cast<char>('0' + value / 10);
      out.chars[at + 1] = static_cast<char>('0' + value % 10);
    };
    two(11, seconds / 3600);
    out.chars[13] = ':';
    two(14, seconds / 60 % 60);
    out.chars[16] = ':';
    two(17, seconds % 60);
    out.chars[19] = 'Z';
    return out;
  }

 private:
  static constexpr int kDaysBefore = 100 * 366;  // dates of birth, old convictions
  static constexpr int kDaysAfter = 40 * 366;    // deadlines: orders, answer-bail dates
  static constexpr std::int64_t kUnknown = INT64_MIN;

  std::size_t slot_of(Day day) const {
    const int offset = days_from(first_, day);
    if (offset < 0 || offset >= static_cast<int>(dates_.size())) {
      throw Error(ErrorCode::internal, "seed date out of range: " + format_date(Date{day}));
    }
    return static_cast<std::size_t>(offset);
  }

  Day as_of_;
  Day first_;
  std::vector<std::string> dates_;
  std::vector<std::int64_t> midnights_;
};

// ---------------------------------------------------------------------------------------------
// Profiles

struct ProfileShape {
  int offender_managers;  // officers holding a caseload
  int caseload_min;
  int caseload_max;
  int areas;  // teams are named "<Area> <n>" over this many areas
  int bail_cases;
  int suspects;
  bool area_inspectors;  // an inspector per area supervising all of its teams
  bool curated;          // demo: fixed teams, readable usernames, every kind of overdue item
};

inline constexpr std::array<RiskLevel, 4> kRiskLevels{RiskLevel::low, RiskLevel::medium,
                                                      RiskLevel::high, RiskLevel::very_high};
inline constexpr std::array<int, 4> kRiskWeights{35, 35, 22, 8};
inline constexpr std::array<NominalKind, 4> kKinds{NominalKind::rso, NominalKind::violent,
                                                   NominalKind::other, NominalKind::pdp};
inline constexpr std::array<int, 4> kKindWeights{50, 38, 7, 5};

// ---------------------------------------------------------------------------------------------
// What is drawn before anything is written

struct TeamSketch {
  std::string id;
  std::string name;
  std::string_view area;
  std::size_t sergeant = 0;          // index into officers
  std::vector<std::size_t> members;  // offender managers, indices into officers
};

struct OfficerSketch {
  std::string id;
  std::string username;
  std::string name;
  Role role = Role::officer;
  std::size_t team = 0;
};

struct AssessmentSketch {
  Day on;
  RiskLevel level;
  std::string id;
};

// What is known about a nominal's notification period (registered sex offenders only).
struct NotificationSketch {
  Day relevant_date;
  Disposal disposal = Disposal::other;
  std::optional<int> months;
  int age = 30;
  int late_days = 0;  // > 0: the last notification is this many days past its year
  bool pending_change = false;
};

struct NominalSketch {
  std::string id;
  std::size_t officer = 0;
  std::size_t team = 0;
  NominalKind kind = NominalKind::rso;
  RiskLevel risk = RiskLevel::low;
  Day managed_since;
  Day date_of_birth;
  bool reactive = false;
  bool no_fixed_abode = false;
  Day nfa_since;
  std::optional<Day> moved_on;  // a change of main address within the history

  // Targets the history is built back from.
  std::optional<Day> last_seen;  // nullopt: never seen since the plan started
  int visit_late_days = 0;
  bool risk_change_at_last_seen = false;
  bool single_crewed_last = false;
  Day last_assessed;
  Day plan_started;
  std::optional<Day> plan_reviewed;
  std::optional<int> plan_every_months;
  bool double_crewed = true;
  bool unannounced_required = false;
  int overdue_action_days = 0;  // > 0: an open action is this many days past due
  std::optional<NotificationSketch> notification;
  bool has_order = false;
  int recent_breach_days = 0;  // > 0: a breach this many days ago
  bool referral = false;

  std::vector<AssessmentSketch> assessments;  // oldest first
};

// What the demo must show (docs/domain.md, why Vigil exists): each kind of overdue item at each
// risk level, and the aggravating facts a supervisor must see.
enum class Showcase { none, overdue_kind, no_fixed_abode, single_crewed, recent_breach };
struct Designation {
  Showcase showcase = Showcase::none;
  OverdueKind kind = OverdueKind::visit;
  RiskLevel risk = RiskLevel::low;
};

// Small helpers several files of the seed use (defined in seed.cpp).
std::string numbered(std::string_view prefix, std::int64_t number, int width);
int risk_index(RiskLevel level);

// ---------------------------------------------------------------------------------------------
// The seeder

// One run of `vigil seed`: draws the force, sketches each nominal and writes every table. Its
// members are defined in the file of their concern, named beside each group below.
class Seeder {
 public:
  Seeder(store::Database& db, const SeedOptions& options, base::Progress& progress);

  SeedCounts run();

 private:
  // Preconditions and policy (seed.cpp)
  bool has_admin();
  void check_no_clashes();
  bool record_policy_if_missing();

  // Teams and officers (force.cpp)
  std::string person_name();
  std::size_t add_officer(std::string username, std::string name, Role role, std::size_t team);
  void plan_force_shape();
  void write_teams_and_officers(Writers& w, const std::string& password_hash);
  const std::string& officer_id(std::size_t index) const { return officers_[index].id; }
  std::size_t partner_of(std::size_t officer);

  // Sketching nominals: the targets each history is built back from (sketch.cpp)
  void sketch_nominals();
  void designate_showcases(std::vector<Designation>& designations);
  int visit_months(RiskLevel level, std::optional<int> plan_months) const;
  NominalSketch sketch_nominal(std::size_t officer, const Designation& designation);
  NotificationSketch sketch_notification(NominalSketch& n, const Designation& designation);

  // Nominals, addresses, assessments and plans (nominals.cpp)
  std::string forenames();
  std::string rough_sleeping_area(const NominalSketch& n);
  void write_nominals(Writers& w);
  void write_address(Writers& w, const NominalSketch& n, std::string_view kind,
                     std::optional<Day> from, std::optional<Day> to);
  void write_addresses(Writers& w);
  std::string factors(const std::string_view* items, std::size_t count, int how_many);
  void write_assessments(Writers& w);
  void write_plans(Writers& w);

  // Visits (visits.cpp)
  struct PlannedVisit {
    Day on;
    VisitOutcome outcome = VisitOutcome::seen;
    std::string_view risk_change = "";  // never a null view: SQLite would store NULL
    bool single_crewed = false;
  };

  RiskLevel level_at(const NominalSketch& n, Day day) const;
  VisitOutcome failed_outcome();
  std::vector<PlannedVisit> plan_visits(const NominalSketch& n);
  void write_visits(Writers& w);

  // Orders, conditions and breaches (orders.cpp)
  struct OrderShape {
    std::string_view kind;
    int min_days;
    int max_days;  // 0: until further order is possible
    std::array<std::string_view, 5> conditions;
  };

  OrderShape order_for(NominalKind kind);
  void write_orders(Writers& w);

  // write(n) for every nominal, as one stage of the progress (seed.cpp).
  void for_each_nominal(Writers& w, std::string_view stage,
                        const std::function<void(const NominalSketch&)>& write);

  // Notifications by registered sex offenders, and safeguarding referrals (notifications.cpp)
  struct PlannedNotification {
    std::string_view kind;
    Day event_on;
    int excluded_days = 0;
    std::optional<Day> notified_on;
    std::string_view detail;
  };

  void write_notifications(Writers& w);
  // Young people at risk, their encounters and referrals (young_people.cpp): last, so the draws of
  // the other stages do not depend on them.
  void write_young_people(Writers& w);
  void write_referral(Writers& w, const std::string& young_person_id,
                      const std::optional<std::string>& encounter_id,
                      const std::optional<std::string>& nominal_id, std::string_view concern,
                      Day sent, const std::string& officer);

  // Outstanding suspects (suspects.cpp)
  const Offence& offence_of_harm(int harm);
  void write_suspects(Writers& w);

  // Pre-charge bail and released under investigation (bail.cpp)
  Day pick_arrest_date();
  std::string authoriser(BailAuthority authority);
  struct PlannedExtension {
    Day extended_to;
    BailAuthority authority;
    Day authorised_on;
  };

  static Day months_beginning_with_day(Day start, int months);
  Day plan_bail_periods(Day arrested, bool serious_fraud, Day until, bool lapses,
                        std::vector<PlannedExtension>& extensions);
  void write_bail_conditions(Writers& w, const std::string& case_id);
  void write_bail_cases(Writers& w);

  store::Database& db_;
  const SeedOptions& options_;
  base::Progress& progress_;
  ProfileShape shape_;
  Dice dice_;
  Calendar calendar_;
  Day as_of_;
  Day window_start_;  // the history covers three years
  Policy policy_;
  bool make_admin_ = true;

  std::vector<TeamSketch> teams_;
  std::vector<OfficerSketch> officers_;
  std::vector<std::size_t> offender_managers_;
  std::vector<std::size_t> inspectors_;
  std::vector<NominalSketch> nominals_;
  std::array<int, 4> worst_visits_{};
  int worst_reviews_ = 0;
};

}  // namespace vigil::backoffice::seed_detail
