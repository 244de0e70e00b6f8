// Writing JSON for commands, reports and the API. One writer for the whole product, so every
// output escapes strings and prints numbers the same way. Not thread-safe; one writer per output.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vigil::base {

// One member's value for JsonWriter::object and fields: text, a whole number, a number, yes/no or
// null (an empty optional). Text is held as a view: the member lists are written in the same
// expression that makes them, so the text it views is still alive.
// Implicit, so that member("risk", level) needs no spelling out of the type.
class JsonValue {
 public:
  JsonValue(std::string_view text) : value_(text) {}
  JsonValue(const std::string& text) : value_(std::string_view(text)) {}
  JsonValue(const char* text) : value_(std::string_view(text)) {}
  JsonValue(std::int64_t number) : value_(number) {}
  JsonValue(int number) : value_(std::int64_t{number}) {}
  JsonValue(double number) : value_(number) {}
  JsonValue(bool flag) : value_(flag) {}
  template <class T>
  JsonValue(const std::optional<T>& maybe) : value_(maybe ? JsonValue(*maybe).value_ : Held{}) {}

 private:
  friend class JsonWriter;
  using Held = std::variant<std::monostate, std::string_view, std::int64_t, double, bool>;
  Held value_;
};

// A member of an object written in one call: member("name", value). It views its name and text,
// so it is made inside the call that writes it and never kept.
struct JsonMember {
  std::string_view name;
  JsonValue value;
};
inline JsonMember member(std::string_view name, JsonValue value) {
  return {name, value};
}

class JsonWriter {
 public:
  explicit JsonWriter(bool pretty = false);
  ~JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& begin_object() { return bracket(Bracket::open_object); }
  JsonWriter& end_object() { return bracket(Bracket::close_object); }
  JsonWriter& begin_array() { return bracket(Bracket::open_array); }
  JsonWriter& end_array() { return bracket(Bracket::close_array); }
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(double number);
  JsonWriter& value(bool flag);
  JsonWriter& null();
  // A value that is already JSON, written by another JsonWriter (never text from outside):
  // one answer built from others.
  JsonWriter& raw(std::string_view json);
  template <class T>
  JsonWriter& value(const std::optional<T>& maybe) {
    return maybe ? value(*maybe) : null();
  }
  // key(name).value(v) in one call.
  template <class T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }
  JsonWriter& value(const JsonValue& v);
  // Several members of the object being written, in order.
  JsonWriter& fields(std::initializer_list<JsonMember> members);
  // A whole object of these members: w.object({member("a", 1), member("b", "x")}) writes
  // {"a":1,"b":"x"}.
  JsonWriter& object(std::initializer_list<JsonMember> members) {
    begin_object();
    fields(members);
    return end_object();
  }

  // The document so far; complete once every object and array has been ended.
  std::string str() const;

 private:
  enum class Bracket { open_object, close_object, open_array, close_array };
  JsonWriter& bracket(Bracket which);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ["a","b"]: how a list of ids or names is bound as one SQL value (read with json_each).
std::string json_string_array(const std::vector<std::string>& items);

// {"items":[...]}: the envelope of every list the API answers with; write_item(w, item) writes
// one item.
template <class T, class WriteItem>
std::string items_json(const std::vector<T>& items, WriteItem write_item) {
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  for (const auto& item : items) write_item(w, item);
  w.end_array().end_object();
  return w.str();
}

}  // namespace vigil::base
