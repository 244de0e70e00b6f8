#include "values.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/rules/text.hpp"

namespace vigil::sync {

std::optional<std::string> Names::lookup(
    const char* sql, const std::string& key,
    std::unordered_map<std::string, std::optional<std::string>>& cache) {
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  auto statement = db_.prepare(sql);
  statement.bind_all(key);
  std::optional<std::string> found;
  if (statement.step()) found = statement.column_text(0);
  cache.emplace(key, found);
  return found;
}

std::optional<std::string> Names::officer_id(const std::string& username) {
  return lookup("SELECT id FROM officers WHERE username = ?", username, officer_ids_);
}
std::optional<std::string> Names::team_id(const std::string& name) {
  return lookup("SELECT id FROM teams WHERE name = ?", name, team_ids_);
}
std::string Names::username(const std::string& officer_id) {
  return lookup("SELECT username FROM officers WHERE id = ?", officer_id, usernames_)
      .value_or(officer_id);
}
std::string Names::team_name(const std::string& team_id) {
  return lookup("SELECT name FROM teams WHERE id = ?", team_id, team_names_).value_or(team_id);
}

namespace {

std::string choices_text(const FieldSpec& field) {
  std::string out;
  for (auto choice : field.choices) {
    if (!out.empty()) out += '|';
    out += choice;
  }
  return out;
}

}  // namespace

bool takes_null(const FieldSpec& field) {
  switch (field.type) {
    case FieldType::text:
    case FieldType::yes_no:
    case FieldType::choice:
    case FieldType::attendees:
      return false;
    default:
      return !field.required;
  }
}

ReadValue read_value(const FieldSpec& field, const std::optional<std::string_view>& value,
                     std::string_view label) {
  const std::string name(label.empty() ? field.name : label);
  if (!value) {
    if (takes_null(field)) return {std::monostate{}, {}};
    return {{}, name + " cannot be null"};
  }
  const std::string_view text = *value;
  const std::string quoted = " '" + quoted_excerpt(text) + "'";
  // An empty value where one is needed says what it must be.
  auto expected = [&](const std::string& what) -> ReadValue {
    if (text.empty()) return {{}, name + " is empty; it must be " + what};
    return {{}, name + quoted + " must be " + what};
  };
  switch (field.type) {
    case FieldType::text:
    case FieldType::officer:
    case FieldType::team: {
      // Core's one text grammar: valid UTF-8, no U+0000, the field's length (a name's for an
      // officer's username and a team's).
      const auto longest =
          field.type == FieldType::text ? static_cast<std::size_t>(field.max) : kMaxShortText;
      if (auto problem = text_problem(text, name, longest)) return {{}, std::move(*problem)};
      // Spaces alone are no value: a note of blanks says nothing a reader can use.
      if (is_blank(text) &&
          ((field.required && !field.may_be_empty) || field.type != FieldType::text)) {
        return {{},
                name + (text.empty() ? " is empty" : " is only spaces") + "; it must have a value"};
      }
      return {std::string(text), {}};
    }
    case FieldType::date: {
      auto date = parse_date(text);
      if (text.empty()) return expected("a date (YYYY-MM-DD)");
      if (!date) return {{}, name + quoted + " is not a real date (YYYY-MM-DD)"};
      return {format_date(*date), {}};
    }
    case FieldType::instant: {
      auto instant = parse_instant(text);
      if (!instant) {
        const std::string what = "an ISO-8601 instant with a time zone (e.g. 2024-01-05T10:00:00Z)";
        if (text.empty()) return expected(what);
        return {{}, name + quoted + " is not " + what};
      }
      return {format_instant(*instant), {}};
    }
    case FieldType::yes_no:
      if (const auto yes = parse_yes_no(text)) return {*yes ? 1LL : 0LL, {}};
      return expected("yes or no");
    case FieldType::integer: {
      long long number = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec != std::errc() || end != text.data() + text.size() || number < field.min ||
          number > field.max) {
        return expected("a whole number from " + std::to_string(field.min) + " to " +
                        std::to_string(field.max));
      }
      return {number, {}};
    }
    case FieldType::choice:
      for (auto choice : field.choices) {
        if (choice == text) return {std::string(text), {}};
      }
      if (text.empty()) return expected("one of " + choices_text(field));
      return {{}, name + quoted + " is not one of " + choices_text(field)};
    case FieldType::reference:
      if (!base::is_uuid(text)) {
        return {{}, name + " must be the id (a UUID) of a " + std::string(field.references)};
      }
      return {std::string(text), {}};
    case FieldType::attendees:
      if (text.empty()) return {{}, name + " must name at least one officer"};
      if (auto problem = text_problem(text, name, kMaxLongText)) return {{}, std::move(*problem)};
      return {std::string(text), {}};
  }
  return {{}, name + " has an unknown type"};
}

Converted to_stored(const FieldSpec& field, const std::optional<std::string>& value, Names& names) {
  ReadValue read =
      read_value(field, value ? std::optional<std::string_view>(*value) : std::nullopt);
  if (read.problem) return {{}, std::move(read.problem), {}};
  const std::string name(field.name);
  switch (field.type) {
    case FieldType::officer: {
      auto id = names.officer_id(*value);
      if (!id)
        return {{}, name + ": no officer has the username '" + quoted_excerpt(*value) + "'", {}};
      return {*id, {}, {}};
    }
    case FieldType::team: {
      auto id = names.team_id(*value);
      if (!id) return {{}, name + ": there is no team called '" + quoted_excerpt(*value) + "'", {}};
      return {*id, {}, {}};
    }
    case FieldType::attendees: {
      // Each attendee must be an officer; the engine stores them in visit_attendees.
      Converted attendees{std::move(read.stored), {}, {}};
      for (const auto& username : attendee_usernames(*value)) {
        auto id = names.officer_id(username);
        if (!id) {
          return {
              {}, name + ": no officer has the username '" + quoted_excerpt(username) + "'", {}};
        }
        attendees.attendee_ids.push_back(std::move(*id));
      }
      return attendees;
    }
    default:
      return {std::move(read.stored), {}, {}};
  }
}

std::vector<std::string> attendee_usernames(std::string_view list) {
  std::vector<std::string> usernames;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto end = std::min(list.find(';', start), list.size());
    usernames.emplace_back(list.substr(start, end - start));
    start = end + 1;
  }
  return usernames;
}

std::optional<std::string> to_wire(const FieldSpec& field, const store::Statement& row, int column,
                                   Names& names) {
  if (row.is_null(column)) return std::nullopt;
  switch (field.type) {
    case FieldType::yes_no:
    case FieldType::integer:
      return to_wire(field, StoredValue(static_cast<long long>(row.column_int(column))), names);
    default:
      return to_wire(field, StoredValue(row.column_text(column)), names);
  }
}

std::optional<std::string> to_wire(const FieldSpec& field, const StoredValue& value, Names& names) {
  if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
  if (const auto* number = std::get_if<long long>(&value)) {
    if (field.type == FieldType::yes_no) return std::string(yes_no(*number != 0));
    return std::to_string(*number);
  }
  const auto& text = std::get<std::string>(value);
  switch (field.type) {
    case FieldType::officer:
      return names.username(text);
    case FieldType::team:
      return names.team_name(text);
    default:
      return text;
  }
}

std::map<std::string, StoredValue> column_defaults(store::Database& db, std::string_view table) {
  std::map<std::string, StoredValue> defaults;
  auto columns = db.prepare("SELECT name, dflt_value FROM pragma_table_info(?)");
  columns.bind_all(table);
  while (columns.step()) {
    const auto text = columns.column_optional_text(1);
    if (!text || *text == "NULL") continue;
    StoredValue value;
    if (text->size() >= 2 && text->front() == '\'' && text->back() == '\'') {
      std::string unquoted;
      for (std::size_t i = 1; i + 1 < text->size(); ++i) {
        unquoted += (*text)[i];
        if ((*text)[i] == '\'') ++i;  // '' inside a literal is one quote
      }
      value = std::move(unquoted);
    } else {
      long long number = 0;
      auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), number);
      if (ec != std::errc() || end != text->data() + text->size()) {
        throw Error(ErrorCode::internal, "the default of " + std::string(table) + "." +
                                             columns.column_text(0) +
                                             " is neither text nor a "
                                             "whole number: " +
                                             *text);
      }
      value = number;
    }
    defaults.emplace(columns.column_text(0), std::move(value));
  }
  return defaults;
}

FieldValues created_fields(const EntitySpec& spec, const std::vector<ParsedField>& given_fields,
                           const std::map<std::string, StoredValue>& defaults, Names& names) {
  FieldValues fields;
  for (const auto& field : spec.fields) {
    const auto given = std::find_if(given_fields.begin(), given_fields.end(),
                                    [&](const ParsedField& f) { return f.spec == &field; });
    if (field.type == FieldType::attendees) {
      std::vector<std::string> usernames;
      if (given != given_fields.end()) usernames = attendee_usernames(given->stored_text());
      std::sort(usernames.begin(), usernames.end());
      usernames.erase(std::unique(usernames.begin(), usernames.end()), usernames.end());
      std::optional<std::string> joined;
      for (const auto& username : usernames) joined = (joined ? *joined + ";" : "") + username;
      fields.emplace(field.name, joined);
    } else if (given != given_fields.end()) {
      fields.emplace(field.name, to_wire(field, given->stored, names));
    } else {
      const auto fallback = defaults.find(std::string(field.column));
      fields.emplace(field.name, fallback == defaults.end()
                                     ? std::nullopt
                                     : to_wire(field, fallback->second, names));
    }
  }
  return fields;
}

void bind_stored(store::Statement& statement, int index, const StoredValue& value) {
  if (std::holds_alternative<long long>(value)) {
    statement.bind(index, static_cast<std::int64_t>(std::get<long long>(value)));
  } else if (std::holds_alternative<std::string>(value)) {
    statement.bind(index, std::get<std::string>(value));
  } else {
    statement.bind(index, std::nullopt);
  }
}

std::string record_columns(const EntitySpec& spec) {
  std::string columns;
  for (const auto& field : spec.fields) {
    if (!columns.empty()) columns += ", ";
    if (field.type == FieldType::attendees) {
      // The attendees as recorded: an amendment's travel with the amendment.
      columns +=
          "(SELECT group_concat(username, ';') FROM (SELECT o.username FROM visit_attendees va "
          "JOIN officers o ON o.id = va.officer_id WHERE va.visit_id = x.id AND va.recorded = 1 "
          "ORDER BY o.username))";
    } else {
      columns += "x." + std::string(field.column);
    }
  }
  return columns;
}

ConflictRecord conflict_from_row(const store::Statement& row) {
  ConflictRecord c;
  row.columns(0, c.id, c.entity, c.entity_id, c.field, c.winning_value, c.losing_value,
              c.winning_change, c.losing_change, c.winning_device, c.losing_device, c.winning_clock,
              c.losing_clock, c.detected_at, c.status, c.decided_by, c.decision);
  return c;
}

FieldValues record_fields(const EntitySpec& spec, const store::Statement& row, int first_column,
                          Names& names) {
  FieldValues fields;
  int column = first_column;
  for (const auto& field : spec.fields) {
    fields.emplace(field.name, to_wire(field, row, column++, names));
  }
  return fields;
}

}  // namespace vigil::sync
