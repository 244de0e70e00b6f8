// The JSON form of the sync messages, through cereal's JSON archives. Objects are read member by
// member whatever their order, so a message names exactly what it has; unknown members are
// refused rather than ignored, so a typo in a client never silently loses a value.
#include "vigil/sync/wire.hpp"

#include <algorithm>
#include <cereal/archives/json.hpp>
#include <functional>
#include <sstream>

#include "vigil/base/json.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/rules/text.hpp"

namespace vigil::sync {
namespace {

constexpr std::string_view kItemKinds[] = {"change", "record", "purge"};

// Deeper nesting than any message has is refused before parsing: the parser recurses, and a
// body of eight megabytes of '[' must not exhaust the stack. Text holding U+0000 is refused too:
// the decoder would cut it short there, silently losing the rest of what an officer wrote.
// Numbers other than whole ones of at most 19 digits (a 64-bit integer's) are refused too: the
// protocol has no other, and the reader's full-precision conversion of a long fraction with an
// exponent reads past the end of its table of powers of ten.
constexpr int kMaxDepth = 16;
constexpr std::size_t kMaxDigits = 19;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

void check_shape(std::string_view json) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        if (json.substr(i + 1, 5) == "u0000") {
          throw WireError(
              "text in the message holds the character U+0000, which Vigil does not "
              "store");
        }
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) throw WireError("the message nests deeper than 16 levels");
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == '-' || is_digit(c)) {
      std::size_t end = c == '-' ? i + 1 : i;
      while (end < json.size() && is_digit(json[end])) ++end;
      const std::size_t digits = end - i - (c == '-' ? 1 : 0);
      const bool more =
          end < json.size() && (json[end] == '.' || json[end] == 'e' || json[end] == 'E');
      if (digits > kMaxDigits || (digits > 0 && more)) {
        throw WireError("a number in the message is not a whole number of at most 19 digits");
      }
      i = end - 1;
    }
  }
}

// ----- writing

using Out = cereal::JSONOutputArchive;

void write_fields(Out& ar, const char* name, const FieldValues& fields) {
  ar.setNextName(name);
  ar.startNode();
  for (const auto& [field, value] : fields) {
    if (value) {
      ar(cereal::make_nvp(field.c_str(), *value));
    } else {
      ar(cereal::make_nvp(field.c_str(), nullptr));
    }
  }
  ar.finishNode();
}

template <class T, class WriteOne>
void write_array(Out& ar, const char* name, const std::vector<T>& items, WriteOne write_one) {
  ar.setNextName(name);
  ar.startNode();
  ar.makeArray();
  for (const auto& item : items) {
    ar.startNode();
    write_one(item);
    ar.finishNode();
  }
  ar.finishNode();
}

template <class Fill>
std::string write_message(Fill fill) {
  std::ostringstream out;
  {
    Out ar(out, Out::Options::NoIndent());
    fill(ar);
  }  // the archive closes the root object when it goes
  // cereal's writer puts each value on a line of its own even without indentation. A raw line
  // break can only be formatting (inside strings it is escaped), so dropping them all leaves
  // the same JSON, a tenth smaller.
  std::string text = std::move(out).str();
  std::erase(text, '\n');
  return text;
}

// ----- reading

using In = cereal::JSONInputArchive;

// Reads the members of the current object, calling on_member(name) for each; on_member reads
// exactly one value.
void read_object(In& ar, const std::function<void(std::string_view name)>& on_member) {
  while (const char* name = ar.getNodeName()) on_member(name);
}

std::string member_path(const std::string& where, std::string_view name) {
  return where.empty() ? std::string(name) : where + "." + std::string(name);
}

// The JSON reader takes any bytes inside a string: text that is not UTF-8 would be stored and sent
// on to tablets, whose readers refuse it. Refused here, naming the place.
void require_utf8(const std::string& value, const std::string& path) {
  if (!is_valid_utf8(value)) throw WireError(path + " is not valid UTF-8 text");
}

// cereal reports a wrong type as a rapidjson assertion; these turn it into a sentence.
std::string read_text(In& ar, const std::string& path) {
  std::string value;
  try {
    ar(value);
  } catch (const cereal::Exception&) {
    throw WireError(path + " must be a string");
  }
  require_utf8(value, path);
  return value;
}

std::int64_t read_integer(In& ar, const std::string& path) {
  try {
    std::int64_t value = 0;
    ar(value);
    return value;
  } catch (const cereal::Exception&) {
    throw WireError(path + " must be a whole number");
  }
}

bool read_flag(In& ar, const std::string& path) {
  try {
    bool value = false;
    ar(value);
    return value;
  } catch (const cereal::Exception&) {
    throw WireError(path + " must be true or false");
  }
}

void enter(In& ar, const std::string& path, bool array) {
  // startNode reads objects and arrays alike; the shape is checked by what is found inside.
  try {
    ar.startNode();
  } catch (const cereal::Exception&) {
    throw WireError(path + (array ? " must be an array" : " must be an object"));
  }
  if (ar.getNodeName() != nullptr) {
    if (array) throw WireError(path + " must be an array");
    return;
  }
  // No member name: an empty object, or an array where an object belongs. Only an array has a
  // size, so asking for one tells them apart.
  if (!array) {
    bool is_array = false;
    try {
      cereal::size_type size = 0;
      ar.loadSize(size);
      is_array = size > 0;
    } catch (const cereal::Exception&) {
    }
    if (is_array) throw WireError(path + " must be an object");
  }
}

// Reads the value of the member `key` at `path` (a string or null) into fields.
void read_field_value(In& ar, const std::string& path, const std::string& key,
                      FieldValues& fields) {
  // A member given twice would mean one thing to a reader that keeps the first and another to
  // one that keeps the last.
  if (fields.count(key)) throw WireError(path + " is given twice");
  try {
    std::string value;
    ar(value);
    require_utf8(value, path);
    fields[key] = std::move(value);
  } catch (const cereal::Exception&) {
    try {
      std::nullptr_t null;
      ar(null);
      fields[key] = std::nullopt;
    } catch (const cereal::Exception&) {
      throw WireError(path + " must be a string or null");
    }
  }
}

FieldValues read_fields(In& ar, const std::string& path) {
  FieldValues fields;
  enter(ar, path, false);
  read_object(ar, [&](std::string_view name) {
    read_field_value(ar, member_path(path, name), std::string(name), fields);
  });
  ar.finishNode();
  return fields;
}

template <class ReadOne>
void read_array(In& ar, const std::string& path, ReadOne read_one) {
  enter(ar, path, true);
  cereal::size_type size = 0;
  try {
    ar.loadSize(size);
  } catch (const cereal::Exception&) {
    throw WireError(path + " must be an array");
  }
  for (cereal::size_type i = 0; i < size; ++i) {
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    enter(ar, item_path, false);
    read_one(item_path);
    ar.finishNode();
  }
  ar.finishNode();
}

[[noreturn]] void unknown_member(const std::string& path) {
  throw WireError(path + " is not a known member");
}

void require(bool present, const std::string& path) {
  if (!present) throw WireError(path + " is missing");
}

// What a change says of its record, whoever made it: entity, entity_id, operation, fields and
// base. False when `name` is none of these.
struct RecordMembers {
  bool entity = false, entity_id = false, operation = false;
};
bool read_record_member(In& ar, std::string_view name, const std::string& path, Change& change,
                        RecordMembers& seen) {
  if (name == "entity") {
    change.entity = read_text(ar, path), seen.entity = true;
  } else if (name == "entity_id") {
    change.entity_id = read_text(ar, path), seen.entity_id = true;
  } else if (name == "operation") {
    const auto op = parse_enum<Operation>(read_text(ar, path));
    if (!op) throw WireError(path + " must be create, update or append");
    change.operation = *op, seen.operation = true;
  } else if (name == "fields") {
    change.fields = read_fields(ar, path);
  } else if (name == "base") {
    change.base = read_fields(ar, path);
  } else {
    return false;
  }
  return true;
}

Change read_change(In& ar, const std::string& where) {
  Change change;
  RecordMembers seen;
  bool has_id = false, has_clock = false;
  read_object(ar, [&](std::string_view name) {
    const std::string path = member_path(where, name);
    if (read_record_member(ar, name, path, change, seen)) return;
    if (name == "change_id") {
      change.change_id = read_text(ar, path), has_id = true;
    } else if (name == "device_id") {
      change.device_id = read_text(ar, path);
    } else if (name == "clock") {
      change.clock = read_text(ar, path), has_clock = true;
    } else if (name == "device_time") {
      change.device_time = read_text(ar, path);
    } else {
      unknown_member(path);
    }
  });
  require(has_id, member_path(where, "change_id"));
  require(seen.entity, member_path(where, "entity"));
  require(seen.entity_id, member_path(where, "entity_id"));
  require(seen.operation, member_path(where, "operation"));
  require(has_clock, member_path(where, "clock"));
  return change;
}

void write_change(Out& ar, const Change& change) {
  ar(cereal::make_nvp("change_id", change.change_id),
     cereal::make_nvp("device_id", change.device_id), cereal::make_nvp("entity", change.entity),
     cereal::make_nvp("entity_id", change.entity_id),
     cereal::make_nvp("operation", std::string(to_string(change.operation))));
  write_fields(ar, "fields", change.fields);
  if (change.operation == Operation::update) write_fields(ar, "base", change.base);
  ar(cereal::make_nvp("clock", change.clock), cereal::make_nvp("device_time", change.device_time));
}

template <class Read>
auto decode(std::string_view json, const char* what, Read read) {
  check_shape(json);
  const auto first = json.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || json[first] != '{') {
    throw WireError(std::string("the ") + what + " is not a JSON object");
  }
  try {
    std::istringstream in{std::string(json)};
    In ar(in);
    return read(ar);
  } catch (const WireError&) {
    throw;
  } catch (const cereal::Exception&) {
    throw WireError(std::string("the ") + what + " is not a JSON object");
  }
}

}  // namespace

std::string encode(const PushRequest& request) {
  return write_message([&](Out& ar) {
    write_array(ar, "changes", request.changes, [&](const Change& c) { write_change(ar, c); });
    ar(cereal::make_nvp("pending", request.pending),
       cereal::make_nvp("device_time", request.device_time));
  });
}

std::string encode(const PushResponse& response) {
  return write_message([&](Out& ar) {
    write_array(ar, "outcomes", response.outcomes, [&](const ChangeOutcome& o) {
      ar(cereal::make_nvp("change_id", o.change_id),
         cereal::make_nvp("outcome", std::string(to_string(o.outcome))));
      if (o.first_outcome) {
        ar(cereal::make_nvp("first_outcome", std::string(to_string(*o.first_outcome))));
      }
      ar(cereal::make_nvp("reason", o.reason), cereal::make_nvp("seq", o.seq));
    });
    ar(cereal::make_nvp("server_time", response.server_time));
  });
}

std::string encode(const PullResponse& response) {
  return write_message([&](Out& ar) {
    write_array(ar, "items", response.items, [&](const PullItem& item) {
      ar(cereal::make_nvp("kind", std::string(kItemKinds[static_cast<int>(item.kind)])),
         cereal::make_nvp("seq", item.seq), cereal::make_nvp("entity", item.entity),
         cereal::make_nvp("entity_id", item.entity_id));
      if (item.kind == PullItem::Kind::change) {
        ar(cereal::make_nvp("change_id", item.change_id),
           cereal::make_nvp("operation", std::string(to_string(item.operation))),
           cereal::make_nvp("device_id", item.device_id));
      }
      // Records carry their last writer's clock too, so a tablet's next stamp follows it.
      if (item.kind != PullItem::Kind::purge) ar(cereal::make_nvp("clock", item.clock));
      if (item.kind != PullItem::Kind::purge) write_fields(ar, "fields", item.fields);
    });
    ar(cereal::make_nvp("next", response.next), cereal::make_nvp("more", response.more),
       cereal::make_nvp("resume", response.resume), cereal::make_nvp("digest", response.digest),
       cereal::make_nvp("server_time", response.server_time));
  });
}

PushRequest decode_push_request(std::string_view json) {
  return decode(json, "push request", [](In& ar) {
    PushRequest request;
    bool has_changes = false;
    read_object(ar, [&](std::string_view name) {
      const std::string path(name);
      if (name == "changes") {
        read_array(ar, path, [&](const std::string& where) {
          request.changes.push_back(read_change(ar, where));
        });
        has_changes = true;
      } else if (name == "pending") {
        request.pending = read_integer(ar, path);
        if (request.pending < 0) throw WireError("pending must not be negative");
      } else if (name == "device_time") {
        request.device_time = read_text(ar, path);
      } else {
        unknown_member(path);
      }
    });
    require(has_changes, "changes");
    return request;
  });
}

PushResponse decode_push_response(std::string_view json) {
  return decode(json, "push response", [](In& ar) {
    PushResponse response;
    read_object(ar, [&](std::string_view name) {
      const std::string path(name);
      if (name == "outcomes") {
        read_array(ar, path, [&](const std::string& where) {
          ChangeOutcome o;
          read_object(ar, [&](std::string_view member) {
            const std::string p = member_path(where, member);
            if (member == "change_id") {
              o.change_id = read_text(ar, p);
            } else if (member == "outcome" || member == "first_outcome") {
              const auto outcome = parse_enum<Outcome>(read_text(ar, p));
              if (!outcome) throw WireError(p + " is not a known outcome");
              (member == "outcome" ? o.outcome : o.first_outcome.emplace()) = *outcome;
            } else if (member == "reason") {
              o.reason = read_text(ar, p);
            } else if (member == "seq") {
              o.seq = read_integer(ar, p);
            } else {
              unknown_member(p);
            }
          });
          response.outcomes.push_back(std::move(o));
        });
      } else if (name == "server_time") {
        response.server_time = read_text(ar, path);
      } else {
        unknown_member(path);
      }
    });
    return response;
  });
}

PullResponse decode_pull_response(std::string_view json) {
  return decode(json, "pull response", [](In& ar) {
    PullResponse response;
    read_object(ar, [&](std::string_view name) {
      const std::string path(name);
      if (name == "items") {
        read_array(ar, path, [&](const std::string& where) {
          PullItem item;
          read_object(ar, [&](std::string_view member) {
            const std::string p = member_path(where, member);
            if (member == "kind") {
              const std::string kind = read_text(ar, p);
              if (kind == "change") {
                item.kind = PullItem::Kind::change;
              } else if (kind == "record") {
                item.kind = PullItem::Kind::record;
              } else if (kind == "purge") {
                item.kind = PullItem::Kind::purge;
              } else {
                throw WireError(p + " must be change, record or purge");
              }
            } else if (member == "seq") {
              item.seq = read_integer(ar, p);
            } else if (member == "entity") {
              item.entity = read_text(ar, p);
            } else if (member == "entity_id") {
              item.entity_id = read_text(ar, p);
            } else if (member == "change_id") {
              item.change_id = read_text(ar, p);
            } else if (member == "operation") {
              const auto op = parse_enum<Operation>(read_text(ar, p));
              if (!op) throw WireError(p + " must be create, update or append");
              item.operation = *op;
            } else if (member == "clock") {
              item.clock = read_text(ar, p);
            } else if (member == "device_id") {
              item.device_id = read_text(ar, p);
            } else if (member == "fields") {
              item.fields = read_fields(ar, p);
            } else {
              unknown_member(p);
            }
          });
          response.items.push_back(std::move(item));
        });
      } else if (name == "next") {
        response.next = read_integer(ar, path);
      } else if (name == "more") {
        response.more = read_flag(ar, path);
      } else if (name == "digest") {
        response.digest = read_text(ar, path);
      } else if (name == "resume") {
        response.resume = read_text(ar, path);
      } else if (name == "server_time") {
        response.server_time = read_text(ar, path);
      } else {
        unknown_member(path);
      }
    });
    return response;
  });
}

std::string encode(const std::vector<ConflictRecord>& conflicts) {
  return base::items_json(conflicts, [](base::JsonWriter& w, const ConflictRecord& c) {
    w.object({base::member("id", c.id), base::member("entity", c.entity),
              base::member("entity_id", c.entity_id), base::member("field", c.field),
              base::member("winning_value", c.winning_value),
              base::member("losing_value", c.losing_value),
              base::member("winning_change", c.winning_change),
              base::member("losing_change", c.losing_change),
              base::member("winning_device", c.winning_device),
              base::member("losing_device", c.losing_device),
              base::member("winning_clock", c.winning_clock),
              base::member("losing_clock", c.losing_clock),
              base::member("detected_at", c.detected_at), base::member("status", c.status),
              base::member("decided_by", c.decided_by), base::member("decision", c.decision)});
  });
}

std::vector<ConflictRecord> decode_conflicts(std::string_view json) {
  return decode(json, "conflict list", [](In& ar) {
    std::vector<ConflictRecord> conflicts;
    read_object(ar, [&](std::string_view name) {
      const std::string path(name);
      if (name != "items") unknown_member(path);
      read_array(ar, path, [&](const std::string& where) {
        // Every member is a string or null: read them as field values, then name them.
        FieldValues members;
        read_object(ar, [&](std::string_view member) {
          read_field_value(ar, member_path(where, member), std::string(member), members);
        });
        auto text = [&](const char* key) {
          const auto found = members.find(key);
          if (found == members.end() || !found->second) {
            throw WireError(member_path(where, key) + " must be a string");
          }
          return *found->second;
        };
        auto optional = [&](const char* key) {
          const auto found = members.find(key);
          return found == members.end() ? std::nullopt : found->second;
        };
        ConflictRecord c;
        c.id = text("id");
        c.entity = text("entity");
        c.entity_id = text("entity_id");
        c.field = text("field");
        c.winning_value = optional("winning_value");
        c.losing_value = optional("losing_value");
        c.winning_change = text("winning_change");
        c.losing_change = text("losing_change");
        c.winning_device = text("winning_device");
        c.losing_device = text("losing_device");
        c.winning_clock = text("winning_clock");
        c.losing_clock = text("losing_clock");
        c.detected_at = text("detected_at");
        c.status = text("status");
        c.decided_by = optional("decided_by");
        c.decision = optional("decision");
        conflicts.push_back(std::move(c));
      });
    });
    return conflicts;
  });
}

std::string encode_fields(const FieldValues& fields) {
  // Core's writer rather than cereal's stream: the server writes one of these for every change.
  base::JsonWriter w;
  w.begin_object();
  for (const auto& [name, value] : fields) w.field(name, value);
  w.end_object();
  return w.str();
}

Change decode_desk_change(std::string_view json) {
  return decode(json, "record", [](In& ar) {
    Change change;
    RecordMembers seen;
    read_object(ar, [&](std::string_view name) {
      const std::string path(name);
      if (!read_record_member(ar, name, path, change, seen)) unknown_member(path);
    });
    require(seen.entity, "entity");
    require(seen.operation, "operation");
    if (change.operation == Operation::update && change.entity_id.empty()) {
      throw WireError("entity_id is missing: an update names the record it changes");
    }
    if (change.operation != Operation::update && !change.entity_id.empty()) {
      throw WireError("entity_id is made by the server for a new record: leave it out");
    }
    return change;
  });
}

FieldValues decode_fields(std::string_view json) {
  return decode(json, "field values", [](In& ar) {
    FieldValues fields;
    read_object(ar, [&](std::string_view name) {
      read_field_value(ar, std::string(name), std::string(name), fields);
    });
    return fields;
  });
}

std::map<std::string, std::string> decode_string_object(
    std::string_view json, std::initializer_list<std::string_view> allowed) {
  return decode(json, "request body", [&](In& ar) {
    std::map<std::string, std::string> members;
    read_object(ar, [&](std::string_view name) {
      const std::string path(name);
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) unknown_member(path);
      members[path] = read_text(ar, path);
    });
    return members;
  });
}

}  // namespace vigil::sync
