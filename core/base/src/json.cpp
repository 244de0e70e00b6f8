// rapidjson (the JSON engine cereal is built on) lives in this one translation unit.
#include "vigil/base/json.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <type_traits>
#include <variant>

namespace vigil::base {

struct JsonWriter::Impl {
  rapidjson::StringBuffer buffer;
  std::variant<rapidjson::Writer<rapidjson::StringBuffer>,
               rapidjson::PrettyWriter<rapidjson::StringBuffer>>
      writer;
  explicit Impl(bool pretty)
      : writer(pretty ? decltype(writer){std::in_place_index<1>, buffer}
                      : decltype(writer){std::in_place_index<0>, buffer}) {
    if (pretty) std::get<1>(writer).SetIndent(' ', 2);
  }
  template <class F>
  void with(F&& f) {
    std::visit(f, writer);
  }
};

JsonWriter::JsonWriter(bool pretty) : impl_(std::make_unique<Impl>(pretty)) {}
JsonWriter::~JsonWriter() = default;

JsonWriter& JsonWriter::bracket(Bracket which) {
  impl_->with([which](auto& w) {
    switch (which) {
      case Bracket::open_object:
        return w.StartObject();
      case Bracket::close_object:
        return w.EndObject();
      case Bracket::open_array:
        return w.StartArray();
      case Bracket::close_array:
        return w.EndArray();
    }
    return false;
  });
  return *this;
}
JsonWriter& JsonWriter::key(std::string_view name) {
  impl_->with([&](auto& w) { w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size())); });
  return *this;
}
JsonWriter& JsonWriter::value(std::string_view text) {
  impl_->with(
      [&](auto& w) { w.String(text.data(), static_cast<rapidjson::SizeType>(text.size())); });
  return *this;
}
JsonWriter& JsonWriter::value(std::int64_t number) {
  impl_->with([&](auto& w) { w.Int64(number); });
  return *this;
}
JsonWriter& JsonWriter::value(double number) {
  impl_->with([&](auto& w) { w.Double(number); });
  return *this;
}
JsonWriter& JsonWriter::value(bool flag) {
  impl_->with([&](auto& w) { w.Bool(flag); });
  return *this;
}
JsonWriter& JsonWriter::null() {
  impl_->with([](auto& w) { w.Null(); });
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  impl_->with([&](auto& w) { w.RawValue(json.data(), json.size(), rapidjson::kObjectType); });
  return *this;
}

JsonWriter& JsonWriter::value(const JsonValue& v) {
  std::visit(
      [this](const auto& held) {
        if constexpr (std::is_same_v<std::decay_t<decltype(held)>, std::monostate>) {
          null();
        } else {
          value(held);
        }
      },
      v.value_);
  return *this;
}

JsonWriter& JsonWriter::fields(std::initializer_list<JsonMember> members) {
  for (const auto& m : members) key(m.name).value(m.value);
  return *this;
}

std::string JsonWriter::str() const {
  return {impl_->buffer.GetString(), impl_->buffer.GetSize()};
}

std::string json_string_array(const std::vector<std::string>& items) {
  JsonWriter w;
  w.begin_array();
  for (const auto& item : items) w.value(item);
  w.end_array();
  return w.str();
}

}  // namespace vigil::base
