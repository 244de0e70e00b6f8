// The domain's enumerations and their names as stored, imported and exchanged.
//
// Every enumeration has one table of names; to_string, parse_enum and allowed_values read it, so
// the CSV importer, the command line, the JSON and the database all spell values the same way.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

template <class E>
struct EnumNames;  // specialised below: `static constexpr std::array names`

template <class E>
constexpr std::string_view to_string(E value) {
  return EnumNames<E>::names[static_cast<std::size_t>(value)];
}

template <class E>
constexpr std::optional<E> parse_enum(std::string_view text) {
  const auto& names = EnumNames<E>::names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

// "low|medium|high|very_high": for error messages and --help.
template <class E>
std::string allowed_values() {
  std::string out;
  for (auto name : EnumNames<E>::names) {
    if (!out.empty()) out += '|';
    out += name;
  }
  return out;
}

template <class E>
constexpr std::size_t enum_count() {
  return EnumNames<E>::names.size();
}

template <class E>
constexpr std::size_t index_of(E value) {
  return static_cast<std::size_t>(value);
}

// Ordered from least to most risky: comparisons mean "riskier than".
enum class RiskLevel { low, medium, high, very_high };
template <>
struct EnumNames<RiskLevel> {
  static constexpr std::array<std::string_view, 4> names{"low", "medium", "high", "very_high"};
};
// "very high": for sentences a person reads.
std::string_view risk_label(RiskLevel level);

// Registered sex offender (MAPPA 1), violent (MAPPA 2), other dangerous (MAPPA 3),
// potentially dangerous person (no conviction needed).
enum class NominalKind { rso, violent, other, pdp };
template <>
struct EnumNames<NominalKind> {
  static constexpr std::array<std::string_view, 4> names{"rso", "violent", "other", "pdp"};
};

// The MAPPA category a kind of nominal is (docs/domain.md, "Nominal"): 1 for a registered sex
// offender, 2 violent, 3 other dangerous; a potentially dangerous person has none.
std::optional<int> mappa_category_of(NominalKind kind);

enum class Role { officer, supervisor, admin };
template <>
struct EnumNames<Role> {
  static constexpr std::array<std::string_view, 3> names{"officer", "supervisor", "admin"};
};

enum class VisitOutcome { seen, no_answer, refused, not_at_address };
template <>
struct EnumNames<VisitOutcome> {
  static constexpr std::array<std::string_view, 4> names{"seen", "no_answer", "refused",
                                                         "not_at_address"};
};

// Why a visit did not happen as its plan asked: the reason code the officer picks at the door.
enum class NotAsPlanned { staff_shortage, no_vehicle, offender_not_present, other };
template <>
struct EnumNames<NotAsPlanned> {
  static constexpr std::array<std::string_view, 4> names{"staff_shortage", "no_vehicle",
                                                         "offender_not_present", "other"};
};

enum class CaseType { standard, serious_fraud };
template <>
struct EnumNames<CaseType> {
  static constexpr std::array<std::string_view, 2> names{"standard", "serious_fraud"};
};

enum class BailStatus { bail, rui, charged, nfa };
template <>
struct EnumNames<BailStatus> {
  static constexpr std::array<std::string_view, 4> names{"bail", "rui", "charged", "nfa"};
};

// The sentence or disposal that sets a registered sex offender's notification period.
enum class Disposal {
  prison,
  hospital,
  hospital_restricted,
  caution,
  conditional_discharge,
  other
};
template <>
struct EnumNames<Disposal> {
  static constexpr std::array<std::string_view, 6> names{
      "prison", "hospital", "hospital_restricted", "caution", "conditional_discharge", "other"};
};

// Who may authorise a stage of pre-charge bail, from the most junior.
enum class BailAuthority {
  custody_officer,
  inspector,
  superintendent,
  assistant_chief_constable,
  magistrates_court
};
template <>
struct EnumNames<BailAuthority> {
  static constexpr std::array<std::string_view, 5> names{
      "custody_officer", "inspector", "superintendent", "assistant_chief_constable",
      "magistrates_court"};
};

// The pre-charge bail law in force, by date of arrest.
enum class BailRegime { none, pcsa_2017, pcsa_2022 };
template <>
struct EnumNames<BailRegime> {
  static constexpr std::array<std::string_view, 3> names{"none", "2017", "2022"};
};

// The orders a court makes against a nominal (docs/domain.md, "Orders and breaches"): sexual harm
// prevention, sexual risk, violent offender, stalking protection, domestic violence protection and
// criminal behaviour orders.
enum class OrderKind { shpo, sro, voo, spo, dvpo, cbo };
template <>
struct EnumNames<OrderKind> {
  static constexpr std::array<std::string_view, 6> names{"shpo", "sro",  "voo",
                                                         "spo",  "dvpo", "cbo"};
};

// Whether what was done about a breach of an order is still going on or finished.
enum class FollowUpStatus { open, closed };
template <>
struct EnumNames<FollowUpStatus> {
  static constexpr std::array<std::string_view, 2> names{"open", "closed"};
};

// What a supervisor reviews (docs/domain.md, "Review"), and what they decide about it.
enum class ReviewSubject { visit, assessment, plan, plan_action, breach, change };
template <>
struct EnumNames<ReviewSubject> {
  static constexpr std::array<std::string_view, 6> names{"visit",       "assessment", "plan",
                                                         "plan_action", "breach",     "change"};
};
enum class ReviewDecision { signed_off, returned };
template <>
struct EnumNames<ReviewDecision> {
  static constexpr std::array<std::string_view, 2> names{"signed_off", "returned"};
};

// What an overdue item is overdue for.
enum class OverdueKind { visit, assessment, plan_review, action, notification };
template <>
struct EnumNames<OverdueKind> {
  static constexpr std::array<std::string_view, 5> names{"visit", "assessment", "plan_review",
                                                         "action", "notification"};
};

}  // namespace vigil
