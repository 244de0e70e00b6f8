// rapidjson (the JSON engine cereal is built on) lives in this one translation unit.
#include "vigil/base/json.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

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

JsonWriter& JsonWriter::begin_object() {
  impl_->with([](auto& w) { w.StartObject(); });
  return *this;
}
JsonWriter& JsonWriter::end_object() {
  impl_->with([](auto& w) { w.EndObject(); });
  return *this;
}
JsonWriter& JsonWriter::begin_array() {
  impl_->with([](auto& w) { w.StartArray(); });
  return *this;
}
JsonWriter& JsonWriter::end_array() {
  impl_->with([](auto& w) { w.EndArray(); });
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
