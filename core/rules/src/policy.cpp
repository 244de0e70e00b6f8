#include "vigil/rules/policy.hpp"

#include <algorithm>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "vigil/base/error.hpp"
#include "vigil/base/json.hpp"
#include "vigil/rules/text.hpp"

namespace vigil {

extern const char* const kDefaultPolicyJson;

namespace {

// Reads the fields of a policy document, remembering the first problem as a sentence.
class Reader {
 public:
  std::string error;

  const rapidjson::Value* member(const rapidjson::Value& object, const std::string& path,
                                 const char* name) {
    auto it = object.FindMember(name);
    if (it == object.MemberEnd()) {
      fail("policy field " + path + name + " is missing");
      return nullptr;
    }
    return &it->value;
  }

  void whole(const rapidjson::Value& object, const std::string& path, const char* name, int& out,
             int low, int high) {
    const auto* v = member(object, path, name);
    if (v == nullptr) return;
    check_whole(*v, path, name, out, low, high);
  }

  // A field later versions added: a document without it keeps the default.
  void optional_whole(const rapidjson::Value& object, const char* name, int& out, int low,
                      int high) {
    auto it = object.FindMember(name);
    if (it != object.MemberEnd()) check_whole(it->value, "", name, out, low, high);
  }

  void check_whole(const rapidjson::Value& value, const std::string& path, const char* name,
                   int& out, int low, int high) {
    const auto* v = &value;
    if (!v->IsInt() || v->GetInt() < low || v->GetInt() > high) {
      fail("policy field " + path + name + " must be a whole number from " + std::to_string(low) +
           " to " + std::to_string(high));
      return;
    }
    out = v->GetInt();
  }

  void number(const rapidjson::Value& object, const std::string& path, const char* name,
              double& out) {
    const auto* v = member(object, path, name);
    if (v == nullptr) return;
    if (!v->IsNumber() || v->GetDouble() < 0) {
      fail("policy field " + path + name + " must be a number of 0 or more");
      return;
    }
    out = v->GetDouble();
  }

  const rapidjson::Value* object(const rapidjson::Value& parent, const std::string& path,
                                 const char* name) {
    const auto* v = member(parent, path, name);
    if (v != nullptr && !v->IsObject()) {
      fail("policy field " + path + name + " must be an object");
      return nullptr;
    }
    return v;
  }

 private:
  void fail(std::string sentence) {
    if (error.empty()) error = std::move(sentence);
  }
};

// The policy's whole-number settings, each with its range, read and written from this one list in
// the document's order.
struct WholeSetting {
  const char* name;
  int Policy::*member;
  int low;
  int high;
  bool since_version_1;  // added after version 1: a document without it keeps the default
};
constexpr WholeSetting kWholeSettings[] = {
    {"visit_crew", &Policy::visit_crew, 1, 6, false},
    {"reassess_every_months", &Policy::reassess_every_months, 1, 120, false},
    {"reassess_after_risk_change_days", &Policy::reassess_after_risk_change_days, 1, 365, false},
    {"plan_review_every_months", &Policy::plan_review_every_months, 1, 120, false},
    {"plan_review_after_reassessment_days", &Policy::plan_review_after_reassessment_days, 1, 365,
     false},
    {"rui_review_every_days", &Policy::rui_review_every_days, 1, 365, false},
    {"suspect_review_every_days", &Policy::suspect_review_every_days, 1, 365, false},
    {"suspect_no_trace_flag_days", &Policy::suspect_no_trace_flag_days, 1, 365, false},
    {"recent_breach_days", &Policy::recent_breach_days, 1, 3650, false},
    {"caseload_per_officer", &Policy::caseload_per_officer, 1, 1000, false},
    {"tablet_idle_lock_seconds", &Policy::tablet_idle_lock_seconds, 5, 3600, true},
    {"tablet_wrong_passwords_before_wipe", &Policy::tablet_wrong_passwords_before_wipe, 3, 100,
     true},
    {"referral_acknowledge_days", &Policy::referral_acknowledge_days, 1, 90, true},
    {"referral_feedback_days", &Policy::referral_feedback_days, 1, 365, true},
    {"repeat_encounters", &Policy::repeat_encounters, 2, 100, true},
    {"review_sample_percent", &Policy::review_sample_percent, 0, 100, true},
    {"review_window_days", &Policy::review_window_days, 7, 3650, true},
};

constexpr std::size_t kPriorityListMost = 1000;

// {"name": "V100", "suspects": ["S-0001", ...]}: a name to show, and each suspect's reference
// once.
Policy::PriorityList read_priority_list(const rapidjson::Value& value, Reader& r) {
  Policy::PriorityList list;
  const auto* name = value.IsObject() ? r.member(value, "priority_list.", "name") : nullptr;
  const auto* refs = value.IsObject() ? r.member(value, "priority_list.", "suspects") : nullptr;
  if (!value.IsObject()) {
    r.error = "policy field priority_list must be an object with a name and suspects";
  } else if (name != nullptr && (!name->IsString() || is_blank(name->GetString()) ||
                                 name->GetStringLength() > kMaxShortText)) {
    r.error = "policy field priority_list.name must be a name of 1 to " +
              std::to_string(kMaxShortText) + " characters";
  } else if (refs != nullptr && (!refs->IsArray() || refs->Size() > kPriorityListMost)) {
    r.error = "policy field priority_list.suspects must be a list of at most " +
              std::to_string(kPriorityListMost) + " suspects' references";
  }
  if (!r.error.empty()) return list;
  list.name = name->GetString();
  for (const auto& ref : refs->GetArray()) {
    if (!ref.IsString() || is_blank(ref.GetString()) || ref.GetStringLength() > kMaxShortText) {
      r.error = "policy field priority_list.suspects must hold suspects' references, each text";
      return list;
    }
    if (std::find(list.suspects.begin(), list.suspects.end(), ref.GetString()) !=
        list.suspects.end()) {
      r.error =
          std::string("policy field priority_list.suspects names ") + ref.GetString() + " twice";
      return list;
    }
    list.suspects.emplace_back(ref.GetString());
  }
  return list;
}

}  // namespace

PolicyParse parse_policy(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    return {std::nullopt, std::string("policy is not valid JSON: ") +
                              rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                              std::to_string(doc.GetErrorOffset())};
  }
  if (!doc.IsObject()) return {std::nullopt, "policy must be a JSON object"};
  Policy p;
  Reader r;
  const auto* visits = r.object(doc, "", "visit_every_months");
  if (visits != nullptr) {
    for (std::size_t i = 0; i < p.visit_every_months.size(); ++i) {
      auto name = std::string(to_string(static_cast<RiskLevel>(i)));
      r.whole(*visits, "visit_every_months.", name.c_str(), p.visit_every_months[i], 1, 120);
    }
  }
  for (const WholeSetting& setting : kWholeSettings) {
    int& out = p.*setting.member;
    if (setting.since_version_1) {
      r.optional_whole(doc, setting.name, out, setting.low, setting.high);
    } else {
      r.whole(doc, "", setting.name, out, setting.low, setting.high);
    }
  }
  if (const auto* weights = r.object(doc, "", "priority")) {
    if (const auto* risk = r.object(*weights, "priority.", "risk_weight")) {
      for (std::size_t i = 0; i < p.priority.risk_weight.size(); ++i) {
        auto name = std::string(to_string(static_cast<RiskLevel>(i)));
        r.number(*risk, "priority.risk_weight.", name.c_str(), p.priority.risk_weight[i]);
      }
    }
    if (const auto* kind = r.object(*weights, "priority.", "kind_weight")) {
      for (std::size_t i = 0; i < p.priority.kind_weight.size(); ++i) {
        auto name = std::string(to_string(static_cast<OverdueKind>(i)));
        r.number(*kind, "priority.kind_weight.", name.c_str(), p.priority.kind_weight[i]);
      }
    }
    r.number(*weights, "priority.", "days_per_step", p.priority.days_per_step);
    r.number(*weights, "priority.", "no_fixed_abode", p.priority.no_fixed_abode);
    r.number(*weights, "priority.", "crewing_not_met", p.priority.crewing_not_met);
    r.number(*weights, "priority.", "recent_breach", p.priority.recent_breach);
    if (r.error.empty() && p.priority.days_per_step <= 0) {
      r.error = "policy field priority.days_per_step must be more than 0";
    }
  }
  // Through a const reference: a Document's own (non-const) member iterators compare ambiguously
  // under C++20's reversed operators, which clang refuses.
  const rapidjson::Value& root = doc;
  if (const auto list = root.FindMember("priority_list"); list != root.MemberEnd()) {
    p.priority_list = read_priority_list(list->value, r);
  }
  if (!r.error.empty()) return {std::nullopt, r.error};
  return {p, {}};
}

std::string policy_to_json(const Policy& p) {
  base::JsonWriter w(true);
  w.begin_object();
  w.key("visit_every_months").begin_object();
  for (std::size_t i = 0; i < p.visit_every_months.size(); ++i) {
    w.field(to_string(static_cast<RiskLevel>(i)), p.visit_every_months[i]);
  }
  w.end_object();
  for (const WholeSetting& setting : kWholeSettings) w.field(setting.name, p.*setting.member);
  w.key("priority").begin_object();
  w.key("risk_weight").begin_object();
  for (std::size_t i = 0; i < p.priority.risk_weight.size(); ++i) {
    w.field(to_string(static_cast<RiskLevel>(i)), p.priority.risk_weight[i]);
  }
  w.end_object();
  w.field("days_per_step", p.priority.days_per_step);
  w.key("kind_weight").begin_object();
  for (std::size_t i = 0; i < p.priority.kind_weight.size(); ++i) {
    w.field(to_string(static_cast<OverdueKind>(i)), p.priority.kind_weight[i]);
  }
  w.end_object();
  w.field("no_fixed_abode", p.priority.no_fixed_abode);
  w.field("crewing_not_met", p.priority.crewing_not_met);
  w.field("recent_breach", p.priority.recent_breach);
  w.end_object();
  if (p.priority_list) {
    w.key("priority_list").begin_object().field("name", p.priority_list->name);
    w.key("suspects").begin_array();
    for (const auto& ref : p.priority_list->suspects) w.value(ref);
    w.end_array().end_object();
  }
  w.end_object();
  return w.str();
}

const char* default_policy_json() {
  return kDefaultPolicyJson;
}

Policy default_policy() {
  // Parsed once: the file is ours and checked by a test, so failure here is a build defect.
  static const Policy parsed = [] {
    auto result = parse_policy(kDefaultPolicyJson);
    if (!result.policy) {
      throw Error(ErrorCode::internal, "the built-in default policy is invalid: " + result.error);
    }
    return *result.policy;
  }();
  return parsed;
}

}  // namespace vigil
