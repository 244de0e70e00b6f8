// `vigil seed`: synthetic data at the sizes of docs/domain.md, with the backlogs the inspectors
// found.
//
// The seed runs in three steps. First it draws the force's shape (teams, officers, caseloads).
// Then it sketches each nominal: the few facts the overdue rules look at (last seen visit, last
// assessment, last plan review, last notification) are chosen first, as targets, so a chosen share
// of nominals is late by a chosen number of days; the rest of the history is then generated
// backwards from those targets. Finally each table is written in its own stage.
//
// Every random choice and every id comes from one generator seeded from the options, and every
// date is derived from as_of, so the same profile, seed and as-of date give the same database.
#include "vigil/tools/seed.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/base/json.hpp"
#include "vigil/base/password.hpp"
#include "vigil/rules/bail.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/rules/policy.hpp"
#include "vigil/store/policy_versions.hpp"

namespace vigil::backoffice {
namespace {

using Day = date::sys_days;

Day day_of(Date date) {
  return Day{date};
}
Day plus_days(Day day, int days) {
  return day + date::days{days};
}
Day plus_months(Day day, int months) {
  return day_of(add_months_clamped(Date{day}, months));
}
int days_from(Day from, Day to) {
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
// Word lists: small, built in, plainly synthetic

constexpr std::string_view kSurnames[] = {
    "Ahmed",   "Baker",   "Clarke",  "Davies",    "Evans",    "Fletcher", "Green",   "Hughes",
    "Iqbal",   "Jones",   "Khan",    "Lewis",     "Morgan",   "Nowak",    "Owen",    "Patel",
    "Quinn",   "Roberts", "Smith",   "Taylor",    "Usman",    "Walker",   "Wilson",  "Wright",
    "Young",   "Allen",   "Bennett", "Campbell",  "Doyle",    "Ellis",    "Foster",  "Griffiths",
    "Harris",  "Jackson", "Kelly",   "Lloyd",     "Mason",    "Murphy",   "Nelson",  "O'Brien",
    "Parker",  "Rahman",  "Reid",    "Shaw",      "Thomas",   "Turner",   "Vaughan", "Ward",
    "Webb",    "White",   "Begum",   "Chowdhury", "Kowalski", "Mensah",   "Okafor",  "Singh",
    "Hussain", "Ali",     "Cooper",  "Edwards",   "Hall",     "Kaur",     "Martin",  "Price"};

constexpr std::string_view kForenames[] = {
    "Aisha",  "Adam",   "Amelia",  "Ben",     "Chloe", "Daniel",  "Dylan",    "Emily",  "Fatima",
    "George", "Grace",  "Hannah",  "Harry",   "Imran", "Isla",    "Jack",     "James",  "Jessica",
    "Kieran", "Laura",  "Liam",    "Lucy",    "Mark",  "Megan",   "Mohammed", "Nathan", "Olivia",
    "Omar",   "Paul",   "Priya",   "Rhys",    "Ryan",  "Sarah",   "Sean",     "Sophie", "Stephen",
    "Tariq",  "Thomas", "Tom",     "Wayne",   "Yusuf", "Zara",    "Craig",    "Darren", "Gareth",
    "Karen",  "Lee",    "Michael", "Natalie", "Peter", "Rebecca", "Scott",    "Shaun",  "Stacey"};

// Areas name teams ("North 1") and give no-fixed-abode nominals somewhere to be found.
constexpr std::string_view kAreas[] = {"North",   "South",  "East",   "West",  "Central",
                                       "City",    "Coast",  "Valley", "Moor",  "Riverside",
                                       "Harbour", "Forest", "Vale",   "Downs", "Fen",
                                       "Dales",   "Weald",  "Heath",  "Marsh", "Hills"};

constexpr std::string_view kTowns[] = {
    "Ashford",       "Barnford",  "Carlton",   "Dunmore",   "Elmbridge", "Fairley",      "Glenham",
    "Hartwell",      "Ivybridge", "Kingsmere", "Longford",  "Millbrook", "Newbury Vale", "Oakham",
    "Penrith Cross", "Redfield",  "Stanmore",  "Thornbury", "Upton",     "Westwood"};

constexpr std::string_view kStreets[] = {
    "High Street", "Church Road",  "Station Road", "Victoria Street", "Mill Lane",
    "Park Avenue", "Queen Street", "London Road",  "Green Lane",      "Manor Way",
    "Elm Grove",   "Canal Side",   "Market Place", "Albert Terrace",  "School Lane"};

constexpr std::string_view kRoughSleepingSpots[] = {"town centre", "railway station", "riverside",
                                                    "bus station", "retail park"};

constexpr std::string_view kRiskFactors[] = {
    "access to children",  "substance misuse", "relationship instability",
    "unstable housing",    "poor compliance",  "sexual preoccupation",
    "hostility to police", "isolation",        "history of domestic abuse",
    "use of weapons",      "online offending", "unemployment"};

constexpr std::string_view kProtectiveFactors[] = {
    "stable accommodation", "supportive family",   "in employment", "engages with treatment",
    "complies with order",  "positive peer group", "abstinent",     "good health"};

constexpr std::string_view kObservations[] = {
    "Home checked; nothing of concern.",
    "Spoke with the nominal at the door; home not entered at their request.",
    "Devices examined; no concerns.",
    "New partner present; details taken.",
    "Address well kept; nominal cooperative.",
    "Nominal appeared under the influence; advice given.",
    "Checked compliance with order conditions; compliant.",
    "Employment details confirmed.",
    "Nominal reports no changes since the last visit.",
    "Evidence of children's items at the address; enquiries to follow."};

constexpr std::string_view kRiskChanges[] = {
    "relationship breakdown", "job loss",    "new contact with children", "substance misuse",
    "loss of housing",        "bereavement", "new partner with children"};

constexpr std::string_view kActions[] = {"Check devices for prohibited material",
                                         "Confirm employment details",
                                         "Refer to housing for support",
                                         "Verify new partner's details",
                                         "Share risk information with children's services",
                                         "Arrange joint visit with probation",
                                         "Check compliance with curfew",
                                         "Update vehicle details on the register",
                                         "Complete disclosure consideration",
                                         "Obtain photographs for the register",
                                         "Review foreign travel plans",
                                         "Confirm attendance at treatment programme"};

constexpr std::string_view kAgencies[] = {
    "Children's services", "Adult social care",  "Housing",
    "Probation service",   "Education (school)", "Health visiting team"};

constexpr std::string_view kConcerns[] = {
    "Nominal living with a partner who has children", "Nominal seen near a primary school",
    "Vulnerable adult at the nominal's address", "Nominal at risk of homelessness",
    "Contact with a child reported by a neighbour"};

constexpr std::string_view kBreachActions[] = {
    "Arrested and charged with breach", "Formal warning given", "Reported to the court",
    "Recall to prison requested", "Referred to MAPPA meeting"};

constexpr std::string_view kTraceNotes[] = {"Home address visited; not present",
                                            "PNC and local systems checked",
                                            "Enquiries with known associates",
                                            "Social media checks completed",
                                            "Checked with housing provider",
                                            "Hospital and custody checks",
                                            "ANPR alert reviewed",
                                            "Enquiry with employer",
                                            "Family address visited; not present"};

constexpr std::string_view kReviewNotes[] = {
    "Awaiting forensic results", "Awaiting digital download", "File with CPS for advice",
    "Further witness statements needed", "Awaiting third-party material"};

constexpr std::string_view kFailureReasons[] = {"No answer at the door", "Refused entry",
                                                "Not at the address"};

struct Offence {
  std::string_view name;
  int harm;  // 1 is the most harmful
};
constexpr Offence kOffences[] = {{"Rape", 1},
                                 {"Attempted murder", 1},
                                 {"Sexual assault of a child", 1},
                                 {"Grievous bodily harm with intent", 1},
                                 {"Kidnapping", 1},
                                 {"Sexual assault", 2},
                                 {"Domestic abuse: assault occasioning actual bodily harm", 2},
                                 {"Stalking", 2},
                                 {"Robbery", 2},
                                 {"Controlling or coercive behaviour", 2},
                                 {"Burglary (dwelling)", 3},
                                 {"Assault occasioning actual bodily harm", 3},
                                 {"Possession of a bladed article", 3},
                                 {"Supplying a controlled drug", 3},
                                 {"Arson", 3},
                                 {"Theft from a vehicle", 4},
                                 {"Criminal damage", 4},
                                 {"Fraud by false representation", 4},
                                 {"Vehicle theft", 4},
                                 {"Handling stolen goods", 4},
                                 {"Shoplifting", 5},
                                 {"Common assault", 5},
                                 {"Public order offence", 5},
                                 {"Possession of cannabis", 5},
                                 {"Failing to appear", 5}};

constexpr std::string_view kSeriousFraud[] = {"Conspiracy to defraud", "Money laundering",
                                              "Fraud by abuse of position",
                                              "Cheating the public revenue"};

constexpr std::string_view kVictimViews[] = {
    "Victim wants no contact of any kind", "Victim fears the suspect will return to the area",
    "Victim content with the conditions", "Victim could not be contacted",
    "Victim asked for an exclusion zone around their workplace"};

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

ProfileShape shape_of(SeedProfile profile) {
  switch (profile) {
    case SeedProfile::demo:
      return {12, 22, 28, 2, 500, 100, false, true};
    case SeedProfile::force:
      return {88, 40, 50, 4, 15000, 3000, true, false};
    case SeedProfile::national:
      // 1,500 offender managers at the upper end of 38-50 gives the national ~70,000.
      return {1500, 43, 50, 20, 300000, 50000, true, false};
  }
  throw Error(ErrorCode::internal, "unknown seed profile");
}

constexpr std::array<RiskLevel, 4> kRiskLevels{RiskLevel::low, RiskLevel::medium, RiskLevel::high,
                                               RiskLevel::very_high};
constexpr std::array<int, 4> kRiskWeights{35, 35, 22, 8};
constexpr std::array<NominalKind, 4> kKinds{NominalKind::rso, NominalKind::violent,
                                            NominalKind::other, NominalKind::pdp};
constexpr std::array<int, 4> kKindWeights{50, 38, 7, 5};

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

// ---------------------------------------------------------------------------------------------
// Writing

// One prepared INSERT, reused for every row of its table.
//
// Every table's primary key is a random UUID, so rows written in the order they are made land
// at random places in each index, and that B-tree work is nearly all of the seed's cost. So rows
// are held back (their values packed into one buffer) and written in key order when flushed:
// neighbouring keys then share index pages. Only the order of writing changes, never a value.
class TableWriter {
 public:
  TableWriter(store::Database& db, std::string table, std::string_view sql)
      : table_(std::move(table)), statement_(db.prepare(sql)) {}

  // The first value is the row's key (its id, or the leading column of its primary key).
  template <class... Values>
  void insert(const Values&... values) {
    const std::size_t begin = packed_.size();
    (pack(values), ...);
    held_.push_back({begin, packed_.size()});
  }

  // Writes the rows held back, in key order. Parents flush before children (see Writers).
  void flush() {
    auto row_of = [&](const Held& h) {
      return std::string_view(packed_.data() + h.begin, h.end - h.begin);
    };
    // Each row starts with its key packed as text of a fixed length, so comparing the packed
    // bytes compares keys.
    std::sort(held_.begin(), held_.end(),
              [&](const Held& a, const Held& b) { return row_of(a) < row_of(b); });
    for (const Held& h : held_) {
      int index = 0;
      for (std::size_t at = h.begin; at < h.end;) {
        const char tag = packed_[at++];
        ++index;
        if (tag == kNull) {
          statement_.bind(index, std::nullopt);
        } else if (tag == kInteger) {
          std::int64_t value = 0;
          std::memcpy(&value, packed_.data() + at, sizeof value);
          at += sizeof value;
          statement_.bind(index, value);
        } else {
          std::uint32_t length = 0;
          std::memcpy(&length, packed_.data() + at, sizeof length);
          at += sizeof length;
          statement_.bind(index, std::string_view(packed_.data() + at, length));
          at += length;
        }
      }
      statement_.run();
    }
    rows_ += static_cast<std::int64_t>(held_.size());
    // Give the memory back: a stage's big tables would otherwise keep it through later stages.
    std::vector<Held>().swap(held_);
    std::string().swap(packed_);
  }

  std::size_t held_bytes() const { return packed_.size(); }
  const std::string& table() const { return table_; }
  std::int64_t rows() const { return rows_ + static_cast<std::int64_t>(held_.size()); }

 private:
  static constexpr char kNull = 'n';
  static constexpr char kInteger = 'i';
  static constexpr char kText = 't';
  struct Held {
    std::size_t begin;
    std::size_t end;
  };

  void pack(std::int64_t value) {
    packed_ += kInteger;
    packed_.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void pack(int value) { pack(static_cast<std::int64_t>(value)); }
  void pack(bool value) { pack(static_cast<std::int64_t>(value)); }
  void pack(std::string_view value) {
    packed_ += kText;
    const auto length = static_cast<std::uint32_t>(value.size());
    packed_.append(reinterpret_cast<const char*>(&length), sizeof length);
    packed_.append(value);
  }
  void pack(const char* value) { pack(std::string_view(value)); }
  void pack(const std::string& value) { pack(std::string_view(value)); }
  void pack(std::nullopt_t) { packed_ += kNull; }
  template <class T>
  void pack(const std::optional<T>& value) {
    if (value) {
      pack(*value);
    } else {
      pack(std::nullopt);
    }
  }

  std::string table_;
  store::Statement statement_;
  std::string packed_;
  std::vector<Held> held_;
  std::int64_t rows_ = 0;
};

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
        notification_requirements(
            db, "notification_requirements",
            "INSERT INTO notification_requirements (nominal_id, relevant_date, disposal, months, "
            "age_at_relevant) VALUES (?, ?, ?, ?, ?)"),
        notifications(db, "notifications",
                      "INSERT INTO notifications (id, nominal_id, kind, event_on, excluded_days, "
                      "notified_on, detail) VALUES (?, ?, ?, ?, ?, ?, ?)"),
        safeguarding_referrals(db, "safeguarding_referrals",
                               "INSERT INTO safeguarding_referrals (id, nominal_id, agency, "
                               "contact_name, concern, sent_on, officer_id) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)"),
        referral_steps(db, "referral_steps",
                       "INSERT INTO referral_steps (id, referral_id, step, due_on, done_on, note) "
                       "VALUES (?, ?, ?, ?, ?, ?)"),
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

  std::array<TableWriter*, 25> all() {
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
            &notification_requirements,
            &notifications,
            &safeguarding_referrals,
            &referral_steps,
            &suspects,
            &trace_enquiries,
            &bail_cases,
            &bail_extensions,
            &bail_conditions,
            &rui_reviews};
  }

  TableWriter teams, officers, team_supervisors, nominals, addresses, assessments, plans,
      plan_actions, visits, visit_attendees, visit_amendments, failed_entries, orders,
      order_conditions, breaches, notification_requirements, notifications, safeguarding_referrals,
      referral_steps, suspects, trace_enquiries, bail_cases, bail_extensions, bail_conditions,
      rui_reviews;
};

// Bulk loading: no fsync, a large page cache and no per-row foreign-key lookups while the one
// transaction runs; the connection's settings come back afterwards even when the seed fails.
// The seed makes every parent before its children, so its rows satisfy the foreign keys by
// construction (the tests run PRAGMA foreign_key_check on a seeded database); checking each row
// as it goes would look up a parent's key for nearly every row written.
class BulkLoad {
 public:
  explicit BulkLoad(store::Database& db) : db_(db) {
    cache_size_ = pragma_value("PRAGMA cache_size");
    foreign_keys_ = pragma_value("PRAGMA foreign_keys");
    db_.set_durability(store::Durability::off);
    // Rows arrive in key order batches (TableWriter), so a moderate cache holds the index pages
    // a batch touches; a bigger one was measured to buy nothing but memory.
    db_.execute("PRAGMA cache_size = -65536");
    db_.execute("PRAGMA foreign_keys = OFF");  // only takes effect outside a transaction
  }
  ~BulkLoad() {
    try {
      db_.set_durability(store::Durability::full);
      db_.execute("PRAGMA cache_size = " + std::to_string(cache_size_));
      db_.execute(foreign_keys_ != 0 ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
    } catch (...) {
      // Destructors never throw; the connection keeps the bulk settings until it closes.
    }
  }
  BulkLoad(const BulkLoad&) = delete;
  BulkLoad& operator=(const BulkLoad&) = delete;

 private:
  std::int64_t pragma_value(std::string_view sql) {
    auto statement = db_.prepare(sql);
    return statement.step() ? statement.column_int(0) : 0;
  }

  store::Database& db_;
  std::int64_t cache_size_ = -2000;
  std::int64_t foreign_keys_ = 1;
};

std::string numbered(std::string_view prefix, std::int64_t number, int width) {
  std::string digits = std::to_string(number);
  std::string out(prefix);
  if (static_cast<int>(digits.size()) < width) {
    out.append(static_cast<std::size_t>(width) - digits.size(), '0');
  }
  return out + digits;
}

std::string lower(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '\'') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

int risk_index(RiskLevel level) {
  return static_cast<int>(index_of(level));
}

// The planned visit frequency, when a plan sets one: at least as often as policy.
int plan_months_for(RiskLevel level) {
  switch (level) {
    case RiskLevel::very_high:
      return 1;
    case RiskLevel::high:
      return 2;
    case RiskLevel::medium:
      return 4;
    case RiskLevel::low:
      return 6;
  }
  return 12;
}

// ---------------------------------------------------------------------------------------------
// The seeder

class Seeder {
 public:
  Seeder(store::Database& db, const SeedOptions& options, base::Progress& progress)
      : db_(db),
        options_(options),
        progress_(progress),
        shape_(shape_of(options.profile)),
        dice_(options.seed),
        calendar_(options.as_of),
        as_of_(day_of(options.as_of)),
        window_start_(plus_months(as_of_, -36)) {}

  SeedCounts run() {
    make_admin_ = !has_admin();
    plan_force_shape();
    check_no_clashes();
    // Argon2id is deliberately slow: one hash, shared by every seeded officer.
    const std::string password_hash = base::hash_password(kSeedPassword);

    BulkLoad bulk(db_);
    store::Transaction transaction(db_);
    SeedCounts counts;
    if (record_policy_if_missing()) counts["policy_versions"] = 1;
    policy_ = store::policy_in_force(db_, options_.as_of);
    Writers writers(db_);

    write_teams_and_officers(writers, password_hash);
    writers.flush();
    sketch_nominals();
    // Each stage's rows are all written before the next stage, whose rows may refer to them.
    for (auto stage :
         {&Seeder::write_nominals, &Seeder::write_addresses, &Seeder::write_assessments,
          &Seeder::write_plans, &Seeder::write_visits, &Seeder::write_orders,
          &Seeder::write_notifications, &Seeder::write_referrals, &Seeder::write_suspects,
          &Seeder::write_bail_cases}) {
      (this->*stage)(writers);
      writers.flush();
    }

    progress_.stage("committing");
    transaction.commit();
    progress_.finish();
    for (const TableWriter* writer : writers.all()) counts[writer->table()] = writer->rows();
    return counts;
  }

 private:
  // -------------------------------------------------------------------------------------------
  // Preconditions and policy

  // An `init` may already have made an admin: the seed then keeps that one and adds none.
  bool has_admin() {
    auto admins = db_.prepare("SELECT count(*) FROM officers WHERE role = 'admin'");
    admins.step();
    return admins.column_int(0) > 0;
  }

  // The seed makes its own teams and officers; it refuses rather than half-merge with someone
  // else's.
  void check_no_clashes() {
    std::unordered_set<std::string> taken;
    auto names = db_.prepare("SELECT name FROM teams UNION ALL SELECT username FROM officers");
    while (names.step()) taken.insert(names.column_text(0));
    for (const auto& team : teams_) {
      if (taken.count(team.name) != 0) {
        throw Error(ErrorCode::invalid_input,
                    "the database already has a team named '" + team.name +
                        "'; seed a database that holds no teams of its own");
      }
    }
    for (const auto& officer : officers_) {
      if (taken.count(officer.username) != 0) {
        throw Error(ErrorCode::invalid_input,
                    "the database already has an officer with username '" + officer.username +
                        "'; seed a database that holds no officers of its own");
      }
    }
  }

  bool record_policy_if_missing() {
    auto count = db_.prepare("SELECT count(*) FROM policy_versions");
    count.step();
    if (count.column_int(0) != 0) return false;
    store::add_policy_version(
        db_, default_policy(), add_months_clamped(options_.as_of, -36), "National guidance",
        "The historic national minimum standards, in force when the synthetic "
        "history begins.");
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // Teams and officers

  // Every draw is its own statement: the order in which a function's arguments (or the operands
  // of +) are evaluated is unspecified, and a different order would give a different database.
  std::string person_name() {
    std::string name(dice_.pick(kForenames));
    name += ' ';
    name += dice_.pick(kSurnames);
    return name;
  }

  std::size_t add_officer(std::string username, std::string name, Role role, std::size_t team) {
    officers_.push_back({dice_.uuid(), std::move(username), std::move(name), role, team});
    return officers_.size() - 1;
  }

  void plan_force_shape() {
    if (shape_.curated) {
      // Readable usernames for people trying Vigil out: sgt.north, pc.ahmed, ...
      std::vector<std::string_view> surnames(std::begin(kSurnames), std::end(kSurnames));
      for (std::size_t i = 0; i < surnames.size(); ++i) {
        std::swap(surnames[i], surnames[i + dice_.index(surnames.size() - i)]);
      }
      std::size_t next_surname = 0;
      for (int t = 0; t < shape_.areas; ++t) {
        TeamSketch team;
        team.id = dice_.uuid();
        team.area = kAreas[t];
        team.name = std::string(team.area) + " 1";
        teams_.push_back(std::move(team));
        const std::size_t index = teams_.size() - 1;
        teams_[index].sergeant = add_officer(
            "sgt." + lower(kAreas[t]),
            std::string(dice_.pick(kForenames)) + " " + std::string(surnames[next_surname++]),
            Role::supervisor, index);
        for (int m = 0; m < shape_.offender_managers / shape_.areas; ++m) {
          std::string_view surname = surnames[next_surname++];
          teams_[index].members.push_back(
              add_officer("pc." + lower(surname),
                          std::string(dice_.pick(kForenames)) + " " + std::string(surname),
                          Role::officer, index));
        }
      }
    } else {
      // Teams of 6 to 8 offender managers and a sergeant (docs/domain.md, realistic sizes).
      int placed = 0;
      int per_area_count[std::size(kAreas)] = {};
      while (placed < shape_.offender_managers) {
        const std::size_t index = teams_.size();
        const auto area = index % static_cast<std::size_t>(shape_.areas);
        const int size =
            std::min(6 + static_cast<int>(dice_.weighted(std::array<int, 3>{10, 25, 65})),
                     std::max(6, shape_.offender_managers - placed));
        TeamSketch team;
        team.id = dice_.uuid();
        team.area = kAreas[area];
        team.name = std::string(team.area) + " " + std::to_string(++per_area_count[area]);
        teams_.push_back(std::move(team));
        teams_[index].sergeant =
            add_officer("sgt." + lower(teams_[index].name), person_name(), Role::supervisor, index);
        for (int m = 0; m < size; ++m) {
          const auto number = static_cast<std::int64_t>(officers_.size());
          const std::string_view surname = dice_.pick(kSurnames);
          teams_[index].members.push_back(
              add_officer("pc." + lower(surname) + "." + numbered("", number, 4),
                          std::string(dice_.pick(kForenames)) + " " + std::string(surname),
                          Role::officer, index));
        }
        placed += size;
      }
      if (shape_.area_inspectors) {
        // An inspector per area, based in its first team, supervising every team of the area.
        for (int a = 0; a < shape_.areas && a < static_cast<int>(teams_.size()); ++a) {
          inspectors_.push_back(add_officer("insp." + lower(kAreas[a]), person_name(),
                                            Role::supervisor, static_cast<std::size_t>(a)));
        }
      }
    }
    if (make_admin_) add_officer("admin", "Force Administrator", Role::admin, 0);
    for (const auto& team : teams_) {
      for (std::size_t member : team.members) offender_managers_.push_back(member);
    }
  }

  void write_teams_and_officers(Writers& w, const std::string& password_hash) {
    progress_.stage("teams and officers", static_cast<std::int64_t>(officers_.size()));
    for (const auto& team : teams_) w.teams.insert(team.id, team.name);
    std::int64_t done = 0;
    for (const auto& officer : officers_) {
      // Officers joined before the history starts, so everything they recorded is after it.
      const Day joined = plus_days(window_start_, -dice_.between(30, 900));
      const auto created = calendar_.text(calendar_.at(joined, dice_.between(8 * 3600, 17 * 3600)));
      w.officers.insert(officer.id, officer.username, officer.name, to_string(officer.role),
                        teams_[officer.team].id, password_hash, created.view());
      w.flush_if_large();
      progress_.update(++done);
    }
    for (const auto& team : teams_) {
      w.team_supervisors.insert(team.id, officers_[team.sergeant].id);
    }
    for (std::size_t inspector : inspectors_) {
      const std::string_view area = teams_[officers_[inspector].team].area;
      for (const auto& team : teams_) {
        if (team.area == area) w.team_supervisors.insert(team.id, officers_[inspector].id);
      }
    }
  }

  const std::string& officer_id(std::size_t index) const { return officers_[index].id; }

  // A colleague for a double-crewed visit: another offender manager of the team, sometimes the
  // sergeant.
  std::size_t partner_of(std::size_t officer) {
    const TeamSketch& team = teams_[officers_[officer].team];
    if (dice_.chance(0.1) || team.members.size() < 2) return team.sergeant;
    for (;;) {
      std::size_t other = dice_.pick(team.members);
      if (other != officer) return other;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Sketching nominals: the targets each history is built back from

  void sketch_nominals() {
    std::vector<std::size_t> owners;
    for (std::size_t officer : offender_managers_) {
      const int caseload = dice_.between(shape_.caseload_min, shape_.caseload_max);
      for (int i = 0; i < caseload; ++i) owners.push_back(officer);
    }
    std::vector<Designation> designations(owners.size());
    if (shape_.curated) designate_showcases(designations);
    nominals_.reserve(owners.size());
    for (std::size_t i = 0; i < owners.size(); ++i) {
      nominals_.push_back(sketch_nominal(owners[i], designations[i]));
    }
  }

  // Spreads the demo's showcase nominals over the caseloads so each officer has some.
  void designate_showcases(std::vector<Designation>& designations) {
    std::vector<Designation> wanted;
    for (OverdueKind kind : {OverdueKind::visit, OverdueKind::assessment, OverdueKind::plan_review,
                             OverdueKind::action, OverdueKind::notification}) {
      for (RiskLevel risk : kRiskLevels) wanted.push_back({Showcase::overdue_kind, kind, risk});
    }
    wanted.push_back({Showcase::no_fixed_abode, OverdueKind::visit, RiskLevel::high});
    wanted.push_back({Showcase::single_crewed, OverdueKind::visit, RiskLevel::very_high});
    wanted.push_back({Showcase::single_crewed, OverdueKind::visit, RiskLevel::high});
    wanted.push_back({Showcase::recent_breach, OverdueKind::visit, RiskLevel::medium});
    const std::size_t step = designations.size() / (wanted.size() + 1);
    for (std::size_t k = 0; k < wanted.size(); ++k) designations[(k + 1) * step - 1] = wanted[k];
  }

  int visit_months(RiskLevel level, std::optional<int> plan_months) const {
    const int by_policy = policy_.visit_months(level);
    return plan_months ? std::min(*plan_months, by_policy) : by_policy;
  }

  NominalSketch sketch_nominal(std::size_t officer, const Designation& designation) {
    NominalSketch n;
    n.id = dice_.uuid();
    n.officer = officer;
    n.team = officers_[officer].team;
    n.risk = kRiskLevels[dice_.weighted(kRiskWeights)];
    n.kind = kKinds[dice_.weighted(kKindWeights)];
    const bool showcase = designation.showcase != Showcase::none;
    if (showcase) {
      n.risk = designation.risk;
      if (designation.showcase == Showcase::overdue_kind &&
          designation.kind == OverdueKind::notification) {
        n.kind = NominalKind::rso;
      }
      if (designation.showcase == Showcase::no_fixed_abode) n.kind = NominalKind::rso;
      if (designation.showcase == Showcase::recent_breach) n.kind = NominalKind::violent;
    }
    const bool is_new = !showcase && dice_.chance(0.15);
    n.reactive = !showcase && !is_new && n.risk == RiskLevel::low && dice_.chance(0.08);
    n.no_fixed_abode = dice_.chance(0.03);
    if (dice_.chance(0.25)) n.plan_every_months = plan_months_for(n.risk);
    n.double_crewed = dice_.chance(0.85);
    n.unannounced_required = dice_.chance(0.2);
    const int months = visit_months(n.risk, n.plan_every_months);
    const Day managed_guess = is_new ? plus_days(as_of_, -dice_.between(7, 330))
                                     : plus_days(as_of_, -dice_.between(400, 8 * 365));

    // Visits: most on time, a few just late, and the inspectors' backlog: about 8% well past
    // due, the worst two years.
    const double roll = dice_.unit();
    bool never_seen = false;
    if (is_new) {
      never_seen = roll < 0.07;
    } else if (roll < 0.08 && !n.reactive) {
      n.visit_late_days = dice_.skewed(31, 730, 2.2);
      // The inspectors' worst case: a high-risk offender not seen for two years.
      if ((n.risk == RiskLevel::high || n.risk == RiskLevel::very_high) &&
          worst_visits_[index_of(n.risk)]++ == 0) {
        n.visit_late_days = dice_.between(715, 730);
      }
    } else if (roll < 0.13 && !n.reactive) {
      n.visit_late_days = dice_.between(1, 30);
    }

    // Assessments: the latest within a year for most; some overdue; a few overdue because a
    // dynamic risk change at the last visit was not followed by a reassessment within 14 days.
    const double assessment_roll = dice_.unit();
    std::optional<int> assessment_late;
    if (!is_new && assessment_roll < 0.06) {
      assessment_late = dice_.skewed(1, 180, 1.5);
    } else if (!is_new && assessment_roll < 0.07 && n.visit_late_days == 0 && !never_seen) {
      n.risk_change_at_last_seen = true;
    }

    // Plan reviews: the backlog the inspectors found, the worst 18 months.
    std::optional<int> review_late;
    if (!is_new && dice_.chance(0.06)) {
      review_late = dice_.skewed(1, 548, 1.8);
      if (worst_reviews_++ == 0) review_late = 548;
    }
    n.overdue_action_days = 0;
    n.single_crewed_last = dice_.chance(0.1);

    if (showcase) {
      // A clean record, then exactly the lateness the demo is meant to show.
      n.visit_late_days = 0;
      never_seen = false;
      assessment_late.reset();
      n.risk_change_at_last_seen = false;
      review_late.reset();
      n.no_fixed_abode = designation.showcase == Showcase::no_fixed_abode;
      n.single_crewed_last = designation.showcase == Showcase::single_crewed;
      if (n.single_crewed_last) n.double_crewed = true;
      const std::size_t r = index_of(n.risk);
      if (designation.showcase == Showcase::overdue_kind) {
        switch (designation.kind) {
          case OverdueKind::visit:
            n.visit_late_days = std::array{400, 200, 730, 95}[r];
            break;
          case OverdueKind::assessment:
            assessment_late = 20 + 40 * static_cast<int>(r);
            break;
          case OverdueKind::plan_review:
            review_late = std::array{60, 150, 548, 30}[r];
            break;
          case OverdueKind::action:
            n.overdue_action_days = 10 + 30 * static_cast<int>(r);
            break;
          case OverdueKind::notification:
            break;
        }
      }
    }

    // The last seen visit.
    if (!never_seen) {
      if (n.visit_late_days > 0) {
        n.last_seen = plus_months(plus_days(as_of_, -n.visit_late_days), -months);
      } else if (n.risk_change_at_last_seen) {
        n.last_seen = plus_days(as_of_, -dice_.between(15, 27));
      } else {
        const int newest_gap = std::min(months * 28 - 1, days_from(managed_guess, as_of_));
        n.last_seen = plus_days(as_of_, -dice_.between(0, newest_gap));
      }
    }

    // The last assessment, which sets the current risk level.
    if (is_new) {
      n.last_assessed = managed_guess;
    } else if (assessment_late) {
      n.last_assessed = plus_months(plus_days(as_of_, -*assessment_late), -12);
    } else if (n.risk_change_at_last_seen) {
      n.last_assessed = plus_days(as_of_, -dice_.between(60, 300));
    } else {
      n.last_assessed = plus_days(as_of_, -dice_.between(0, 330));
    }

    std::optional<Day> review_target;
    if (review_late) review_target = plus_months(plus_days(as_of_, -*review_late), -6);

    // Management began before every target.
    n.managed_since = std::min(managed_guess, n.last_assessed);
    if (n.last_seen)
      n.managed_since = std::min(n.managed_since, plus_days(*n.last_seen, -dice_.between(0, 30)));
    if (review_target)
      n.managed_since =
          std::min(n.managed_since, plus_days(*review_target, -dice_.between(14, 60)));
    if (is_new) n.last_assessed = n.managed_since;

    n.plan_started = plus_days(n.managed_since, dice_.between(0, 14));
    if (n.last_seen) n.plan_started = std::min(n.plan_started, *n.last_seen);
    if (review_target) n.plan_started = std::min(n.plan_started, plus_days(*review_target, -1));
    n.plan_started = std::min(n.plan_started, as_of_);

    // The last plan review: after the latest reassessment, within six months, unless it is late.
    if (review_target) {
      n.plan_reviewed = review_target;
    } else {
      const Day candidate = plus_days(as_of_, -dice_.between(0, 150));
      if (candidate < n.plan_started) {
        n.plan_reviewed.reset();
      } else if (n.last_assessed > candidate && days_from(n.last_assessed, as_of_) > 27) {
        n.plan_reviewed = plus_days(
            n.last_assessed, dice_.between(0, std::min(14, days_from(n.last_assessed, as_of_))));
      } else {
        n.plan_reviewed = candidate;
      }
    }

    if (n.no_fixed_abode) {
      n.nfa_since = std::max(n.managed_since, plus_days(as_of_, -dice_.between(14, 400)));
    } else if (dice_.chance(0.12)) {
      const Day moved = plus_days(as_of_, -dice_.between(30, 1000));
      if (moved > std::max(n.managed_since, window_start_)) n.moved_on = moved;
    }

    // Registered sex offenders: the notification period and whether notifications are late.
    if (n.kind == NominalKind::rso) {
      n.notification = sketch_notification(n, designation);
    } else {
      n.date_of_birth = plus_days(as_of_, -dice_.between(18 * 365, 75 * 365));
    }

    const double order_chance = n.kind == NominalKind::rso       ? 0.2
                                : n.kind == NominalKind::violent ? 0.15
                                                                 : 0.08;
    n.has_order = dice_.chance(order_chance);
    if (n.has_order && dice_.chance(0.25)) {
      n.recent_breach_days = dice_.chance(0.3) ? dice_.between(1, 90) : dice_.between(91, 700);
    }
    if (designation.showcase == Showcase::recent_breach) {
      n.has_order = true;
      n.recent_breach_days = dice_.between(3, 20);
    }
    n.referral = dice_.chance(n.kind == NominalKind::rso ? 0.035 : 0.015);
    return n;
  }

  NotificationSketch sketch_notification(NominalSketch& n, const Designation& designation) {
    NotificationSketch s;
    s.age = dice_.chance(0.03) ? dice_.between(14, 17) : dice_.between(18, 70);
    switch (dice_.weighted(std::array<int, 6>{70, 3, 2, 8, 4, 13})) {
      case 0: {
        s.disposal = Disposal::prison;
        const auto band = dice_.weighted(std::array<int, 3>{15, 40, 45});
        s.months = band == 0   ? dice_.between(1, 6)
                   : band == 1 ? dice_.between(7, 29)
                               : dice_.between(30, 180);
        break;
      }
      case 1:
        s.disposal = Disposal::hospital;
        break;
      case 2:
        s.disposal = Disposal::hospital_restricted;
        break;
      case 3:
        s.disposal = Disposal::caution;
        break;
      case 4:
        s.disposal = Disposal::conditional_discharge;
        s.months = dice_.between(12, 36);
        break;
      default:
        s.disposal = Disposal::other;
        break;
    }
    // The period, in days; nullopt: indefinite.
    auto period = [&]() -> std::optional<int> {
      int years = 0;
      switch (s.disposal) {
        case Disposal::prison:
          if (*s.months >= 30) return std::nullopt;
          years = *s.months > 6 ? 10 : 7;
          break;
        case Disposal::hospital_restricted:
          return std::nullopt;
        case Disposal::hospital:
          years = 7;
          break;
        case Disposal::caution:
          years = 2;
          break;
        case Disposal::conditional_discharge:
          return *s.months * 30 / (s.age < 18 ? 2 : 1);
        case Disposal::other:
          years = 5;
          break;
      }
      return years * 365 / (s.age < 18 ? 2 : 1);
    };
    const int managed_for = days_from(n.managed_since, as_of_);
    // Nobody is managed as a registered sex offender after the period ends: a period too short
    // for this history becomes a long prison sentence.
    if (auto days = period(); days && *days <= managed_for + 60) {
      s.disposal = Disposal::prison;
      s.months = dice_.between(30, 120);
    }
    const auto days = period();
    const int before_management = days ? std::min(*days - managed_for - 31, 3650) : 3650;
    s.relevant_date = plus_days(n.managed_since, -dice_.between(0, before_management));
    n.date_of_birth = plus_days(s.relevant_date, -(s.age * 365 + dice_.between(5, 360)));
    if (designation.showcase == Showcase::overdue_kind &&
        designation.kind == OverdueKind::notification) {
      s.late_days = 15 + 20 * risk_index(n.risk);
    } else if (designation.showcase == Showcase::none && !n.no_fixed_abode && dice_.chance(0.03)) {
      s.late_days = dice_.skewed(1, 120, 1.5);
    }
    s.pending_change = designation.showcase == Showcase::none && dice_.chance(0.02);
    return s;
  }

  // -------------------------------------------------------------------------------------------
  // Nominals and addresses

  std::string forenames() {
    std::string out(dice_.pick(kForenames));
    if (dice_.chance(0.4)) out += " " + std::string(dice_.pick(kForenames));
    return out;
  }

  std::string rough_sleeping_area(const NominalSketch& n) {
    std::string area(teams_[n.team].area);
    area += ' ';
    area += dice_.pick(kRoughSleepingSpots);
    return area;
  }

  void write_nominals(Writers& w) {
    progress_.stage("nominals", static_cast<std::int64_t>(nominals_.size()));
    std::int64_t number = 0;
    for (const auto& n : nominals_) {
      ++number;
      std::optional<int> category;
      switch (n.kind) {
        case NominalKind::rso:
          category = 1;
          break;
        case NominalKind::violent:
          category = 2;
          break;
        case NominalKind::other:
          category = 3;
          break;
        case NominalKind::pdp:
          break;
      }
      const std::array<int, 3> levels = n.risk == RiskLevel::very_high
                                            ? std::array<int, 3>{45, 40, 15}
                                        : n.risk == RiskLevel::high ? std::array<int, 3>{80, 17, 3}
                                                                    : std::array<int, 3>{96, 4, 0};
      const int mappa_level = 1 + static_cast<int>(dice_.weighted(levels));
      const std::string area = n.no_fixed_abode ? rough_sleeping_area(n) : std::string();
      const std::string_view surname = dice_.pick(kSurnames);
      const std::string given = forenames();
      w.nominals.insert(n.id, numbered("NOM-", number, 6), surname, given,
                        calendar_.text(n.date_of_birth), to_string(n.kind), category, mappa_level,
                        to_string(n.risk), officer_id(n.officer), teams_[n.team].id,
                        n.no_fixed_abode, area, n.reactive);
      w.flush_if_large();
      progress_.update(number);
    }
  }

  void write_address(Writers& w, const NominalSketch& n, std::string_view kind,
                     std::optional<Day> from, std::optional<Day> to) {
    const std::string id = dice_.uuid();
    std::string line1 = std::to_string(dice_.between(1, 240));
    line1 += ' ';
    line1 += dice_.pick(kStreets);
    const std::string line2 =
        dice_.chance(0.2) ? "Flat " + std::to_string(dice_.between(1, 40)) : "";
    const std::string_view town = dice_.pick(kTowns);
    std::string postcode;
    postcode += static_cast<char>('A' + dice_.between(0, 25));
    postcode += static_cast<char>('A' + dice_.between(0, 25));
    postcode += std::to_string(dice_.between(1, 29));
    postcode += ' ';
    postcode += std::to_string(dice_.between(0, 9));
    postcode += static_cast<char>('A' + dice_.between(0, 25));
    postcode += static_cast<char>('A' + dice_.between(0, 25));
    w.addresses.insert(id, n.id, kind, line1, line2, town, postcode, std::string(),
                       calendar_.text(from), calendar_.text(to));
  }

  void write_addresses(Writers& w) {
    progress_.stage("addresses", static_cast<std::int64_t>(nominals_.size()));
    std::int64_t done = 0;
    for (const auto& n : nominals_) {
      const Day lived_from = plus_days(n.managed_since, -dice_.between(1, 1500));
      if (n.no_fixed_abode) {
        write_address(w, n, "main", lived_from, plus_days(n.nfa_since, -1));
        // Where a person with no fixed abode is known to stay: the area is what officers need.
        const std::string id = dice_.uuid();
        const std::string_view town = dice_.pick(kTowns);
        const std::string area = rough_sleeping_area(n);
        w.addresses.insert(id, n.id, "no_fixed_abode", "", "", town, "", area,
                           calendar_.text(n.nfa_since), std::nullopt);
      } else if (n.moved_on) {
        write_address(w, n, "main", lived_from, plus_days(*n.moved_on, -1));
        write_address(w, n, "main", *n.moved_on, std::nullopt);
      } else {
        write_address(w, n, "main", lived_from, std::nullopt);
      }
      if (dice_.chance(0.05)) {
        write_address(w, n, "secondary", plus_days(as_of_, -dice_.between(10, 700)), std::nullopt);
      }
      w.flush_if_large();
      progress_.update(++done);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Assessments and plans

  std::string factors(const std::string_view* items, std::size_t count, int how_many) {
    std::string out;
    for (int i = 0; i < how_many; ++i) {
      std::string_view item = items[dice_.index(count)];
      if (out.find(item) != std::string::npos) continue;
      if (!out.empty()) out += "; ";
      out += item;
    }
    return out;
  }

  void write_assessments(Writers& w) {
    progress_.stage("assessments", static_cast<std::int64_t>(nominals_.size()));
    std::int64_t done = 0;
    for (auto& n : nominals_) {
      // Yearly reassessments back from the last one; the first, which the plan follows, at the
      // start of management (even when that is before the history window).
      std::vector<Day> dates;
      if (n.last_assessed > n.managed_since) {
        dates.push_back(n.last_assessed);
        for (Day on = plus_days(n.last_assessed, -dice_.between(330, 365));
             on > plus_days(n.managed_since, 60) && on >= window_start_;
             on = plus_days(on, -dice_.between(330, 365))) {
          dates.push_back(on);
        }
      }
      dates.push_back(n.managed_since);
      std::reverse(dates.begin(), dates.end());
      RiskLevel level = n.risk;
      n.assessments.resize(dates.size());
      for (std::size_t i = dates.size(); i-- > 0;) {
        n.assessments[i] = {dates[i], level, dice_.uuid()};
        if (dice_.chance(0.2)) {
          const int moved = std::clamp(risk_index(level) + (dice_.chance(0.5) ? 1 : -1), 0, 3);
          level = kRiskLevels[static_cast<std::size_t>(moved)];
        }
      }
      for (const auto& a : n.assessments) {
        const std::size_t assessor = dice_.chance(0.3) ? teams_[n.team].sergeant : n.officer;
        const std::string risks =
            factors(kRiskFactors, std::size(kRiskFactors), dice_.between(1, 3));
        const std::string protective =
            factors(kProtectiveFactors, std::size(kProtectiveFactors), dice_.between(0, 2));
        w.assessments.insert(a.id, n.id, calendar_.text(a.on), to_string(a.level), risks,
                             protective, officer_id(assessor));
      }
      w.flush_if_large();
      progress_.update(++done);
    }
  }

  void write_plans(Writers& w) {
    progress_.stage("plans", static_cast<std::int64_t>(nominals_.size()));
    std::int64_t done = 0;
    for (auto& n : nominals_) {
      const std::string plan_id = dice_.uuid();
      w.plans.insert(plan_id, n.id, n.assessments.front().id, calendar_.text(n.plan_started),
                     calendar_.text(n.plan_reviewed), n.plan_every_months, n.double_crewed,
                     n.unannounced_required);
      // 0-4 actions: a plan with none, an action with no owner or no due date, and an open
      // action past its date are the defects a supervisor must see; most are done.
      int count = static_cast<int>(dice_.weighted(std::array<int, 5>{5, 15, 30, 30, 20}));
      if (n.overdue_action_days > 0) count = std::max(count, 1);
      const Day earliest = std::max(n.plan_started, plus_days(as_of_, -365));
      for (int i = 0; i < count; ++i) {
        const Day set_on = plus_days(earliest, dice_.between(0, days_from(earliest, as_of_)));
        std::optional<Day> due = plus_days(set_on, dice_.between(14, 120));
        std::optional<std::size_t> owner = dice_.chance(0.1) ? teams_[n.team].sergeant : n.officer;
        std::string_view status = "open";
        std::optional<Day> completed;
        if (i == 0 && n.overdue_action_days > 0) {
          due = plus_days(as_of_, -n.overdue_action_days);
        } else if (*due < as_of_) {
          // Past its date: nearly always done (or cancelled); the few still open are overdue.
          const double roll = dice_.unit();
          if (roll < 0.9) {
            status = "done";
            completed = std::min(as_of_, plus_days(*due, dice_.between(-20, 5)));
            completed = std::max(*completed, set_on);
          } else if (roll < 0.96) {
            status = "cancelled";
          }
        } else if (dice_.chance(0.25)) {
          status = "done";
          completed = plus_days(set_on, dice_.between(0, days_from(set_on, as_of_)));
        }
        if (!(i == 0 && n.overdue_action_days > 0)) {
          if (dice_.chance(0.04)) owner.reset();
          if (dice_.chance(0.04)) due.reset();
        }
        std::optional<std::string_view> owner_text;
        if (owner) owner_text = officer_id(*owner);
        const std::string id = dice_.uuid();
        const std::string_view description = dice_.pick(kActions);
        w.plan_actions.insert(id, plan_id, description, owner_text, calendar_.text(due), status,
                              calendar_.text(completed));
      }
      w.flush_if_large();
      progress_.update(++done);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Visits

  struct PlannedVisit {
    Day on;
    VisitOutcome outcome = VisitOutcome::seen;
    std::string_view risk_change = "";  // never a null view: SQLite would store NULL
    bool single_crewed = false;
  };

  RiskLevel level_at(const NominalSketch& n, Day day) const {
    RiskLevel level = n.assessments.front().level;
    for (const auto& a : n.assessments) {
      if (a.on > day) break;
      level = a.level;
    }
    return level;
  }

  VisitOutcome failed_outcome() {
    const std::size_t which = dice_.weighted(std::array<int, 3>{60, 15, 25});
    return which == 0   ? VisitOutcome::no_answer
           : which == 1 ? VisitOutcome::refused
                        : VisitOutcome::not_at_address;
  }

  std::vector<PlannedVisit> plan_visits(const NominalSketch& n) {
    std::vector<PlannedVisit> planned;
    const Day floor = std::max(n.plan_started, window_start_);
    const double retry_chance = 0.06 + 0.03 * risk_index(n.risk);
    if (n.last_seen) {
      // Back from the last seen visit, each a little before the next was due.
      bool newest = true;
      for (Day on = *n.last_seen; newest || on >= floor;) {
        PlannedVisit visit{on, VisitOutcome::seen, "", false};
        if (newest) {
          if (n.risk_change_at_last_seen) visit.risk_change = dice_.pick(kRiskChanges);
          visit.single_crewed = n.single_crewed_last;
        } else {
          visit.single_crewed = dice_.chance(0.1);
        }
        planned.push_back(visit);
        if (dice_.chance(retry_chance)) {
          Day attempt = on;
          for (int k = dice_.between(1, 2); k > 0; --k) {
            attempt = plus_days(attempt, -dice_.between(1, 7));
            if (attempt < floor) break;
            planned.push_back({attempt, failed_outcome(), "", dice_.chance(0.1)});
          }
        }
        newest = false;
        const int months = visit_months(level_at(n, on), n.plan_every_months);
        on = plus_days(plus_months(on, -months), dice_.between(0, months * 3));
      }
      // A dynamic risk change seen at a visit, followed by the early reassessment it prompted.
      for (std::size_t i = 1; i < n.assessments.size(); ++i) {
        const Day assessed = n.assessments[i].on;
        if (assessed < plus_days(floor, 14) || assessed >= *n.last_seen || !dice_.chance(0.12)) {
          continue;
        }
        planned.push_back({plus_days(assessed, -dice_.between(2, 12)), VisitOutcome::seen,
                           dice_.pick(kRiskChanges), dice_.chance(0.1)});
      }
    }
    // Officers of late cases did try: failed attempts since the last time the nominal was seen.
    const Day after = n.last_seen ? plus_days(*n.last_seen, 1) : n.plan_started;
    if ((n.visit_late_days > 30 || !n.last_seen) && after <= as_of_ && dice_.chance(0.5)) {
      for (int k = dice_.between(1, 3); k > 0; --k) {
        planned.push_back({plus_days(after, dice_.between(0, days_from(after, as_of_))),
                           failed_outcome(), "", dice_.chance(0.15)});
      }
    }
    std::sort(planned.begin(), planned.end(),
              [](const PlannedVisit& a, const PlannedVisit& b) { return a.on < b.on; });
    return planned;
  }

  void write_visits(Writers& w) {
    progress_.stage("visits", static_cast<std::int64_t>(nominals_.size()));
    std::int64_t done = 0;
    for (const auto& n : nominals_) {
      for (const PlannedVisit& visit : plan_visits(n)) {
        const std::string visit_id = dice_.uuid();
        const Instant occurred = calendar_.at(visit.on, dice_.between(8 * 3600, 20 * 3600));
        const Instant recorded = occurred + std::chrono::seconds{dice_.between(300, 5400)};
        const Instant received = recorded + std::chrono::seconds{dice_.between(5, 3600)};
        const auto occurred_text = calendar_.text(occurred);
        const bool announced = dice_.chance(n.unannounced_required ? 0.05 : 0.2);
        const bool seen = visit.outcome == VisitOutcome::seen;
        const std::string_view observations = seen ? dice_.pick(kObservations) : "";
        w.visits.insert(visit_id, n.id, occurred_text.view(), calendar_.text(recorded).view(),
                        calendar_.text(received).view(), announced, to_string(visit.outcome),
                        observations, visit.risk_change, officer_id(n.officer));
        w.visit_attendees.insert(visit_id, officer_id(n.officer));
        if (!visit.single_crewed)
          w.visit_attendees.insert(visit_id, officer_id(partner_of(n.officer)));
        if (!seen) {
          w.failed_entries.insert(dice_.uuid(), n.id, visit_id, occurred_text.view(),
                                  kFailureReasons[index_of(visit.outcome) - 1],
                                  officer_id(n.officer));
        } else if (dice_.chance(0.003)) {
          // A visit is evidence: a correction is a further record saying what changed and why.
          const Day amended_on = plus_days(visit.on, dice_.between(1, 3));
          if (amended_on <= as_of_) {
            base::JsonWriter changes;
            changes.begin_object().field("observations", dice_.pick(kObservations)).end_object();
            const std::string id = dice_.uuid();
            const auto amended_at =
                calendar_.text(calendar_.at(amended_on, dice_.between(9 * 3600, 17 * 3600)));
            w.visit_amendments.insert(id, visit_id,
                                      "Observations corrected after supervisor review",
                                      changes.str(), officer_id(n.officer), amended_at.view());
          }
        }
      }
      w.flush_if_large();
      progress_.update(++done);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Orders, conditions and breaches

  struct OrderShape {
    std::string_view kind;
    int min_days;
    int max_days;  // 0: until further order is possible
    std::array<std::string_view, 5> conditions;
  };

  OrderShape order_for(NominalKind kind) {
    static const OrderShape kShpo{"shpo",
                                  5 * 365,
                                  0,
                                  {"Not to have unsupervised contact with any child under 16",
                                   "Not to use any device capable of accessing the internet "
                                   "unless it keeps a history that is not deleted",
                                   "Not to loiter near schools, parks or playgrounds",
                                   "To notify the police of any relationship with a person who "
                                   "has children",
                                   "Not to use cloud storage without telling the police"}};
    static const OrderShape kSro{
        "sro",
        2 * 365,
        5 * 365,
        {"Not to approach or communicate with any child under 16",
         "Not to enter the named exclusion zone",
         "Not to use social media apps that allow private messaging",
         "To allow police to examine any device on request", "Not to offer lifts to children"}};
    static const OrderShape kVoo{
        "voo",
        2 * 365,
        5 * 365,
        {"Not to enter the named licensed premises",
         "Not to contact the named victim directly or indirectly",
         "Not to carry any bladed article", "To reside at the address approved by police",
         "Not to enter the exclusion zone shown on the map"}};
    static const OrderShape kSpo{
        "spo",
        2 * 365,
        0,
        {"Not to contact the victim by any means",
         "Not to go within 200 metres of the victim's home", "Not to monitor the victim online",
         "To attend the assessment for a perpetrator programme",
         "Not to send gifts to the victim or their family"}};
    static const OrderShape kCbo{
        "cbo",
        2 * 365,
        5 * 365,
        {"Not to enter the town centre exclusion zone",
         "Not to be in possession of open alcohol in public",
         "Not to associate with the named individuals", "To observe a curfew from 21:00 to 07:00",
         "Not to enter the named retail premises"}};
    switch (kind) {
      case NominalKind::rso:
        return dice_.chance(0.85) ? kShpo : kSro;
      case NominalKind::violent:
        return dice_.chance(0.6) ? kVoo : dice_.chance(0.6) ? kSpo : kCbo;
      case NominalKind::other:
        return dice_.chance(0.5) ? kCbo : kSpo;
      case NominalKind::pdp:
        return kSro;
    }
    return kCbo;
  }

  void write_orders(Writers& w) {
    progress_.stage("orders", static_cast<std::int64_t>(nominals_.size()));
    std::int64_t done = 0;
    for (const auto& n : nominals_) {
      w.flush_if_large();
      progress_.update(++done);
      if (!n.has_order) continue;
      const OrderShape shape = order_for(n.kind);
      std::optional<int> length;
      if (shape.max_days == 0) {
        if (dice_.chance(0.6)) length = dice_.between(shape.min_days, 15 * 365);
      } else {
        length = dice_.between(shape.min_days, shape.max_days);
      }
      // Made early enough for any breach, and still in force today.
      const int latest_made = std::max(n.recent_breach_days, 0) + 30;
      const int oldest_made =
          length ? std::max(latest_made, std::min(6 * 365, *length - 30)) : 6 * 365;
      const Day made = plus_days(as_of_, -dice_.between(latest_made, oldest_made));
      std::optional<Day> ends;
      if (length) ends = plus_days(made, *length);
      const std::string order_id = dice_.uuid();
      std::string court(dice_.pick(kTowns));
      court += dice_.chance(0.7) ? " Magistrates' Court" : " Crown Court";
      w.orders.insert(order_id, n.id, shape.kind, calendar_.text(made), calendar_.text(ends),
                      court);

      struct Condition {
        std::string id;
        std::string_view text;
      };
      std::vector<Condition> conditions;
      const int count = dice_.between(2, 4);
      const std::size_t first = dice_.index(shape.conditions.size());
      for (int i = 0; i < count; ++i) {
        const auto text =
            shape.conditions[(first + static_cast<std::size_t>(i)) % shape.conditions.size()];
        conditions.push_back({dice_.uuid(), text});
        // Each prohibition may have its own period; most run with the order.
        std::optional<Day> condition_ends = ends;
        if (!ends && dice_.chance(0.3))
          condition_ends = plus_days(made, dice_.between(5 * 365, 10 * 365));
        w.order_conditions.insert(conditions.back().id, order_id, text, false,
                                  calendar_.text(condition_ends));
      }
      if (shape.kind == "shpo" && dice_.chance(0.25)) {
        // Foreign travel bans last at most five years (they can be renewed).
        conditions.push_back({dice_.uuid(), "Not to travel outside the United Kingdom"});
        w.order_conditions.insert(conditions.back().id, order_id, conditions.back().text, true,
                                  calendar_.text(plus_days(made, dice_.between(2 * 365, 5 * 365))));
      }
      if (n.recent_breach_days > 0) {
        std::vector<int> ago{n.recent_breach_days};
        const int made_ago = days_from(made, as_of_);
        if (dice_.chance(0.3) && made_ago - 1 > n.recent_breach_days) {
          ago.push_back(dice_.between(n.recent_breach_days + 1, made_ago - 1));
        }
        for (int days : ago) {
          const Condition& breached = dice_.pick(conditions);
          const Day on = plus_days(as_of_, -days);
          const std::string id = dice_.uuid();
          const auto occurred =
              calendar_.text(calendar_.at(on, dice_.between(7 * 3600, 22 * 3600)));
          const std::string_view action = dice_.pick(kBreachActions);
          w.breaches.insert(id, n.id, order_id, breached.id, breached.text, occurred.view(), action,
                            officer_id(n.officer));
        }
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Notifications by registered sex offenders

  struct PlannedNotification {
    std::string_view kind;
    Day event_on;
    int excluded_days = 0;
    std::optional<Day> notified_on;
    std::string_view detail;
  };

  void write_notifications(Writers& w) {
    progress_.stage("notifications", static_cast<std::int64_t>(nominals_.size()));
    std::int64_t done = 0;
    std::vector<PlannedNotification> planned;
    for (const auto& n : nominals_) {
      w.flush_if_large();
      progress_.update(++done);
      if (!n.notification) continue;
      const NotificationSketch& s = *n.notification;
      w.notification_requirements.insert(n.id, calendar_.text(s.relevant_date),
                                         to_string(s.disposal), s.months, s.age);
      planned.clear();
      const Day floor = std::max(n.managed_since, window_start_);
      std::optional<Day> initial;
      if (n.managed_since >= window_start_) {
        // Initial notification within 3 days beginning with the release.
        initial = std::min(as_of_, plus_days(n.managed_since, dice_.between(0, 2)));
        planned.push_back(
            {"initial", n.managed_since, 0, initial, "Initial notification on release"});
      }
      // Yearly notifications, back from the last one; a few were late.
      const Day last = s.late_days > 0 ? plus_days(as_of_, -(365 + s.late_days))
                                       : plus_days(as_of_, -dice_.between(0, 330));
      std::vector<Day> yearly;
      if (last > (initial ? plus_days(*initial, 30) : n.managed_since)) {
        yearly.push_back(last);
        for (Day on = plus_days(last, -dice_.between(330, 364));
             on >= plus_days(floor, 30) && (!initial || on > plus_days(*initial, 30));
             on = plus_days(
                 on, dice_.chance(0.03) ? -dice_.between(366, 385) : -dice_.between(330, 364))) {
          yearly.push_back(on);
        }
      }
      std::reverse(yearly.begin(), yearly.end());
      for (std::size_t i = 0; i < yearly.size(); ++i) {
        const Day previous = i > 0     ? yearly[i - 1]
                             : initial ? *initial
                                       : plus_days(yearly[i], -dice_.between(330, 364));
        planned.push_back({"periodic", previous, 0, yearly[i], "Periodic notification"});
      }
      if (s.late_days == 0) {
        if (n.no_fixed_abode) {
          // With no sole or main residence, notification is weekly.
          Day previous = n.nfa_since;
          for (Day on = plus_days(n.nfa_since, dice_.between(0, 2)); on <= as_of_;
               on = plus_days(on, dice_.between(5, 7))) {
            planned.push_back({"periodic", previous, 0, on, "Weekly notification: no fixed abode"});
            previous = on;
          }
        }
        if (n.moved_on) {
          const int excluded = dice_.chance(0.1) ? dice_.between(1, 5) : 0;
          const Day notified =
              std::min(as_of_, plus_days(*n.moved_on, dice_.between(0, 2) + excluded));
          planned.push_back({"change", *n.moved_on, excluded, notified, "Change of home address"});
        }
        if (dice_.chance(0.05)) {
          const Day travel = plus_days(as_of_, -dice_.between(10, 700));
          if (travel > plus_days(floor, 30)) {
            planned.push_back({"foreign_travel", travel, 0,
                               plus_days(travel, -dice_.between(7, 30)),
                               "Travel to Spain for one week"});
          }
        }
        if (s.pending_change) {
          planned.push_back(
              {"change", plus_days(as_of_, -dice_.between(0, 20)), 0, std::nullopt,
               dice_.chance(0.5) ? "Staying 7 days at another address" : "Change of name"});
        }
      }
      for (const auto& p : planned) {
        w.notifications.insert(dice_.uuid(), n.id, p.kind, calendar_.text(p.event_on),
                               p.excluded_days, calendar_.text(p.notified_on), p.detail);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Safeguarding referrals

  void write_referrals(Writers& w) {
    progress_.stage("safeguarding referrals", static_cast<std::int64_t>(nominals_.size()));
    std::int64_t done = 0;
    for (const auto& n : nominals_) {
      w.flush_if_large();
      progress_.update(++done);
      if (!n.referral) continue;
      const Day earliest = std::max(n.managed_since, plus_days(as_of_, -400));
      const Day sent = plus_days(earliest, dice_.between(0, days_from(earliest, as_of_)));
      const std::string referral_id = dice_.uuid();
      const std::string_view agency = dice_.pick(kAgencies);
      const std::string contact = person_name();
      const std::string_view concern = dice_.pick(kConcerns);
      w.safeguarding_referrals.insert(referral_id, n.id, agency, contact, concern,
                                      calendar_.text(sent), officer_id(n.officer));
      // Every step has a timer because the loop used to break silently: some never close.
      bool previous_done = true;
      Day previous_on = sent;
      for (auto [step, days] : {std::pair<std::string_view, int>{"acknowledged", 3},
                                {"actioned", 14},
                                {"fed_back", 28}}) {
        const Day due = days_beginning_with(Date{sent}, days);
        std::optional<Day> done_on;
        if (previous_done && dice_.chance(0.85)) {
          const Day when = std::max(
              previous_on,
              plus_days(due, dice_.chance(0.8) ? -dice_.between(0, 2) : dice_.between(1, 12)));
          if (when <= as_of_) done_on = when;
        }
        w.referral_steps.insert(dice_.uuid(), referral_id, step, calendar_.text(due),
                                calendar_.text(done_on),
                                done_on ? "Confirmed by the named contact" : "");
        previous_done = done_on.has_value();
        if (done_on) previous_on = *done_on;
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Outstanding suspects

  const Offence& offence_of_harm(int harm) {
    for (;;) {
      const Offence& offence = dice_.pick(kOffences);
      if (offence.harm == harm) return offence;
    }
  }

  void write_suspects(Writers& w) {
    progress_.stage("suspects", shape_.suspects);
    for (int number = 1; number <= shape_.suspects; ++number) {
      const std::string suspect_id = dice_.uuid();
      const std::size_t officer = dice_.pick(offender_managers_);
      const int harm = 1 + static_cast<int>(dice_.weighted(std::array<int, 5>{8, 15, 25, 27, 25}));
      const Offence& offence = offence_of_harm(harm);
      const Day since = plus_days(as_of_, -dice_.skewed(0, 720, 2.0));
      const int outstanding = days_from(since, as_of_);
      std::optional<Day> circulated;
      if (dice_.chance(
              std::array{0.95, 0.85, 0.6, 0.4, 0.25}[static_cast<std::size_t>(harm - 1)])) {
        circulated = plus_days(since, dice_.between(0, std::min(14, outstanding)));
      }
      // Trace enquiries back from the latest; about a third have had none for weeks.
      std::vector<Day> traces;
      if (!dice_.chance(0.05)) {
        const Day latest =
            plus_days(as_of_, dice_.chance(0.35) ? -dice_.between(8, 120) : -dice_.between(0, 6));
        for (Day on = std::max(latest, since); on >= since && traces.size() < 6;
             on = plus_days(on, -dice_.between(3, 21))) {
          traces.push_back(on);
          if (dice_.chance(0.3)) break;
        }
        std::reverse(traces.begin(), traces.end());
      }
      std::optional<Day> last_trace;
      if (!traces.empty()) last_trace = traces.back();
      std::optional<Day> reviewed;
      if (outstanding >= 28 || dice_.chance(0.5)) {
        const Day candidate =
            plus_days(as_of_, dice_.chance(0.15) ? -dice_.between(29, 90) : -dice_.between(0, 27));
        reviewed = std::max(candidate, since);
      }
      const std::string_view surname = dice_.pick(kSurnames);
      const std::string given = forenames();
      const std::string_view status = dice_.chance(0.05) ? "warrant" : "outstanding";
      w.suspects.insert(suspect_id, numbered("SUS-", number, 6), surname, given, offence.name, harm,
                        calendar_.text(since), calendar_.text(circulated),
                        calendar_.text(last_trace), calendar_.text(reviewed), status,
                        officer_id(officer), teams_[officers_[officer].team].id);
      for (Day on : traces) {
        const std::string id = dice_.uuid();
        const auto occurred = calendar_.text(calendar_.at(on, dice_.between(8 * 3600, 19 * 3600)));
        const std::string_view note = dice_.pick(kTraceNotes);
        w.trace_enquiries.insert(id, suspect_id, occurred.view(), note, officer_id(officer));
      }
      w.flush_if_large();
      progress_.update(number);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Pre-charge bail and released under investigation

  // The arrest date decides the law (docs/domain.md, pre-charge bail): arrests before 3 April 2017
  // had no limit; from then to 27 October 2022, 28 days then 3 months then the court; from 28
  // October 2022, 3 months (6 in serious fraud cases), then 6, 9 and 12 months, then the court.
  Day pick_arrest_date() {
    const Day act_2017 = day_of(date::year{2017} / 4 / 3);
    const Day act_2022 = day_of(date::year{2022} / 10 / 28);
    struct Range {
      Day first;
      Day last;
      int weight;
    };
    std::vector<Range> ranges;
    ranges.push_back({std::min(day_of(date::year{2015} / 1 / 1), plus_days(as_of_, -730)),
                      std::min(plus_days(act_2017, -1), as_of_), 10});
    if (as_of_ >= act_2017)
      ranges.push_back({act_2017, std::min(plus_days(act_2022, -1), as_of_), 30});
    if (as_of_ >= act_2022) ranges.push_back({act_2022, as_of_, 60});
    int total = 0;
    for (const auto& r : ranges) total += r.weight;
    int roll = dice_.between(0, total - 1);
    for (const auto& r : ranges) {
      if (roll < r.weight) {
        // Most recent first: arrests thin out towards the start of each range.
        return plus_days(r.last, -dice_.skewed(0, days_from(r.first, r.last), 1.6));
      }
      roll -= r.weight;
    }
    return as_of_;
  }

  std::string authoriser(BailAuthority authority) {
    switch (authority) {
      case BailAuthority::custody_officer:
        return "Sgt " + std::string(dice_.pick(kSurnames));
      case BailAuthority::inspector:
        return "Insp " + std::string(dice_.pick(kSurnames));
      case BailAuthority::superintendent:
        return "Supt " + std::string(dice_.pick(kSurnames));
      case BailAuthority::assistant_chief_constable:
        return "ACC " + std::string(dice_.pick(kSurnames));
      case BailAuthority::magistrates_court:
        return std::string(dice_.pick(kTowns)) + " Magistrates' Court";
    }
    return {};
  }

  struct PlannedExtension {
    Day extended_to;
    BailAuthority authority;
    Day authorised_on;
  };

  static Day months_beginning_with_day(Day start, int months) {
    return day_of(months_beginning_with(Date{start}, months));
  }

  // The extensions that kept bail running until `until` (or until it lapsed); returns the end of
  // the last period, which is the answer-bail date. The stages are core's timetable for the
  // arrest; past its last stage the court extends again, 3 months at a time under the 2017 law
  // and 6 under the 2022 law.
  Day plan_bail_periods(Day arrested, bool serious_fraud, Day until, bool lapses,
                        std::vector<PlannedExtension>& extensions) {
    const BailTimetable timetable = bail_timetable(
        Date{arrested}, serious_fraud ? CaseType::serious_fraud : CaseType::standard);
    const Day start = day_of(timetable.bail_start);
    const int court_step = timetable.regime == BailRegime::pcsa_2022 ? 6 : 3;
    int court_months = 0;
    Day end = day_of(timetable.stages.front().ends);
    std::size_t next = 1;
    // A few open cases were let lapse: nobody extended or ended the bail.
    const int lapse_after = lapses ? dice_.between(0, 2) : 1000;
    for (int made = 0; end < until && made < lapse_after; ++made) {
      // Authorised before the current period ends, as the law requires.
      const Day authorised = std::max(start, plus_days(end, -dice_.between(1, 7)));
      BailAuthority authority = BailAuthority::magistrates_court;
      if (next < timetable.stages.size()) {
        authority = timetable.stages[next].authority;
        end = day_of(timetable.stages[next++].ends);
      } else {
        Day further = end;
        while (further <= end) {
          court_months += court_step;
          further = months_beginning_with_day(start, court_months);
        }
        end = further;
      }
      extensions.push_back({end, authority, authorised});
    }
    return end;
  }

  void write_bail_conditions(Writers& w, const std::string& case_id) {
    constexpr std::string_view kinds[] = {"no_contact",         "exclusion_zone", "curfew",
                                          "passport_surrender", "residence",      "other"};
    constexpr std::string_view details[] = {
        "Not to contact the complainant directly or indirectly",
        "Not to enter the area shown on the attached map",
        "To remain at the bail address between 20:00 and 07:00",
        "To surrender passport to the officer in the case within 24 hours",
        "To live and sleep at the bail address",
        "To report to the police station weekly"};
    if (!dice_.chance(0.7)) return;
    const std::size_t first = dice_.index(std::size(kinds));
    const int count = dice_.between(1, 3);
    for (int i = 0; i < count; ++i) {
      const std::size_t k = (first + static_cast<std::size_t>(i)) % std::size(kinds);
      const bool victim = k <= 1;  // the victim's views matter for contact and exclusion
      const std::string id = dice_.uuid();
      const std::string_view views = victim ? dice_.pick(kVictimViews) : std::string_view("");
      w.bail_conditions.insert(id, case_id, kinds[k], details[k], views);
    }
  }

  void write_bail_cases(Writers& w) {
    progress_.stage("bail cases", shape_.bail_cases);
    const Day act_2017 = day_of(date::year{2017} / 4 / 3);
    const Day act_2022 = day_of(date::year{2022} / 10 / 28);
    std::vector<PlannedExtension> extensions;
    std::vector<std::pair<Day, Day>> reviews;  // reviewed on, expected finish
    for (int number = 1; number <= shape_.bail_cases; ++number) {
      const std::string case_id = dice_.uuid();
      const std::size_t officer = dice_.pick(offender_managers_);
      const Day arrested = pick_arrest_date();
      const int age = days_from(arrested, as_of_);
      const bool serious_fraud = dice_.chance(0.04);
      const std::string_view offence =
          serious_fraud ? dice_.pick(kSeriousFraud) : dice_.pick(kOffences).name;
      const double open_chance = age < 90 ? 0.85 : age < 365 ? 0.45 : age < 3 * 365 ? 0.12 : 0.03;
      const bool open = dice_.chance(open_chance);
      BailStatus status;
      if (open) {
        const double bail_share = arrested >= act_2022 ? 0.55 : arrested >= act_2017 ? 0.2 : 0.8;
        status = dice_.chance(bail_share) ? BailStatus::bail : BailStatus::rui;
      } else {
        status = dice_.chance(0.55) ? BailStatus::charged : BailStatus::nfa;
      }
      // Closed cases: when they closed, and whether the suspect was on bail until then.
      const Day closed =
          open ? as_of_
               : std::min(as_of_, plus_days(arrested, dice_.between(1, std::min(age, 540))));
      const bool was_on_bail =
          status == BailStatus::bail || (!open && dice_.chance(arrested >= act_2022   ? 0.5
                                                               : arrested >= act_2017 ? 0.25
                                                                                      : 0.8));

      extensions.clear();
      std::optional<Day> answer_on;
      if (was_on_bail) {
        if (arrested < act_2017) {
          // No statutory limit then: an answer date set case by case.
          answer_on = open ? plus_days(as_of_, dice_.between(7, 60))
                           : plus_days(arrested, dice_.between(28, 120));
        } else {
          answer_on = plan_bail_periods(arrested, serious_fraud, closed, open && dice_.chance(0.08),
                                        extensions);
        }
      }
      reviews.clear();
      std::optional<Day> expected_finish;
      if (status == BailStatus::rui) {
        // RUI has no time limit, so the risk is drift: reviews every 28 days, some overdue.
        const bool drifting = dice_.chance(0.15);
        const Day last_review =
            plus_days(as_of_, drifting ? -dice_.between(29, 120) : -dice_.between(0, 27));
        for (Day on = last_review; on >= plus_days(arrested, 14) && on >= plus_days(as_of_, -180);
             on = plus_days(on, -dice_.between(21, 35))) {
          reviews.emplace_back(on, plus_days(on, dice_.between(28, 180)));
        }
        std::reverse(reviews.begin(), reviews.end());
        expected_finish =
            reviews.empty() ? plus_days(arrested, dice_.between(60, 180)) : reviews.back().second;
      }

      const std::string_view surname = dice_.pick(kSurnames);
      const std::string given = forenames();
      w.bail_cases.insert(case_id, numbered("BC-", number, 6), surname, given, offence,
                          calendar_.text(arrested), serious_fraud ? "serious_fraud" : "standard",
                          to_string(status), calendar_.text(answer_on),
                          calendar_.text(expected_finish), officer_id(officer),
                          teams_[officers_[officer].team].id);
      for (const auto& e : extensions) {
        const std::string id = dice_.uuid();
        const std::string by = authoriser(e.authority);
        w.bail_extensions.insert(id, case_id, calendar_.text(e.extended_to), to_string(e.authority),
                                 by, calendar_.text(e.authorised_on));
      }
      if (was_on_bail) write_bail_conditions(w, case_id);
      const std::size_t reviewer = teams_[officers_[officer].team].sergeant;
      for (const auto& [on, finish] : reviews) {
        const std::string id = dice_.uuid();
        const std::string_view note = dice_.pick(kReviewNotes);
        w.rui_reviews.insert(id, case_id, calendar_.text(on), officer_id(reviewer),
                             calendar_.text(finish), note);
      }
      w.flush_if_large();
      progress_.update(number);
    }
  }

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

}  // namespace

SeedCounts seed_database(store::Database& db, const SeedOptions& options,
                         base::Progress& progress) {
  {
    auto nominals = db.prepare("SELECT count(*) FROM nominals");
    nominals.step();
    if (nominals.column_int(0) > 0) {
      throw Error(ErrorCode::invalid_input,
                  "the database already holds nominals; seed only a new, empty database");
    }
  }
  Seeder seeder(db, options, progress);
  return seeder.run();
}

}  // namespace vigil::backoffice
