// The sync messages' JSON form: what goes out comes back the same, and bad input is refused with
// a sentence naming the place, never a crash.
#include <catch2/catch.hpp>
#include <string>

#include "vigil/sync/wire.hpp"

using namespace vigil::sync;

namespace {
std::string decode_error(const std::string& json) {
  try {
    decode_push_request(json);
  } catch (const WireError& error) {
    return error.what();
  }
  return "";
}
}  // namespace

TEST_CASE("a push request survives encoding and decoding unchanged", "[sync][wire]") {
  PushRequest request;
  Change change;
  change.change_id = "0b8a3f5e-2c1d-4e6f-9a7b-1c2d3e4f5a6b";
  change.device_id = "device";
  change.entity = "nominal";
  change.entity_id = "1b8a3f5e-2c1d-4e6f-9a7b-1c2d3e4f5a6b";
  change.operation = Operation::update;
  change.fields = {{"area", "Robert'); DROP TABLE nominals;-- <script>\"x\"</script>"},
                   {"officer", std::nullopt}};
  change.base = {{"area", ""}, {"officer", "pc.a"}};
  change.clock = "0001763830000000.00001";
  change.device_time = "2026-11-22T10:00:00Z";
  request.changes.push_back(change);
  request.pending = 3;
  request.device_time = "2026-11-22T10:00:01Z";

  const PushRequest back = decode_push_request(encode(request));
  REQUIRE(back.changes.size() == 1);
  const Change& c = back.changes.front();
  CHECK(c.change_id == change.change_id);
  CHECK(c.operation == Operation::update);
  CHECK(c.fields == change.fields);
  CHECK(c.base == change.base);
  CHECK(c.clock == change.clock);
  CHECK(back.pending == 3);
  CHECK(back.device_time == request.device_time);
  // The oldest waiting change's time goes in the push's query, never its body: a server of an
  // earlier version refuses a member it does not know.
  request.oldest_pending = "2026-11-21T18:00:00Z";
  CHECK(encode(request).find("oldest_pending") == std::string::npos);
}

TEST_CASE("bad push messages are refused with the place named", "[sync][wire]") {
  CHECK(decode_error("not json") == "the push request is not a JSON object");
  CHECK(decode_error("{}") == "changes is missing");
  CHECK(decode_error(R"({"changes": {}})") == "changes must be an array");
  CHECK(decode_error(R"({"changes": [1]})") == "changes[0] must be an object");
  CHECK(decode_error(R"({"changes": [], "extra": 1})") == "extra is not a known member");
  CHECK(decode_error(R"({"changes": [], "pending": "3"})") == "pending must be a whole number");
  CHECK(decode_error(R"({"changes": [{"fields": {"area": "a", "area": "b"}}]})") ==
        "changes[0].fields.area is given twice");
  CHECK(decode_error(R"({"changes": [{"change_id": 7}]})") ==
        "changes[0].change_id must be a string");
  CHECK(decode_error(
            R"({"changes": [{"change_id": "a", "entity": "visit", "entity_id": "b",
                "operation": "append", "clock": "c", "fields": {"outcome": 1}}]})") ==
        "changes[0].fields.outcome must be a string or null");
  CHECK(decode_error(R"({"changes": [{"change_id": "a", "entity": "visit", "entity_id": "b",
                "operation": "merge", "clock": "c"}]})") ==
        "changes[0].operation must be create, update or append");
  CHECK(decode_error(R"({"changes": [{"change_id": "a", "entity_id": "b",
                "operation": "append", "clock": "c"}]})") == "changes[0].entity is missing");
  CHECK(decode_error(R"({"changes": [{"change_id": "a", "entity": "visit", "entity_id": "b",
                "operation": "append", "clock": "c", "fields": ["x"]}]})") ==
        "changes[0].fields must be an object");
}

TEST_CASE("deeply nested input is refused before it is parsed", "[sync][wire]") {
  CHECK(decode_error(std::string(100000, '[')) == "the message nests deeper than 16 levels");
  // Brackets inside strings do not count.
  CHECK(decode_error(R"({"changes": [], "device_time": "[[[[[[[[[[[[[[[[[[[[[["})").empty());
}

// A number with a long fraction and an exponent sent the JSON reader's full-precision conversion
// past the end of its table of powers of ten (a crash the push fuzzer found). The protocol
// carries whole numbers only, so anything else is refused before the reader sees it.
TEST_CASE("numbers that are not whole numbers of at most 19 digits are refused before parsing",
          "[sync][wire]") {
  const std::string long_fraction = "0." + std::string(400, '0') + "1e-10";
  CHECK(decode_error(R"({"changes": [], "pending": )" + long_fraction + "}") ==
        "a number in the message is not a whole number of at most 19 digits");
  CHECK(decode_error(R"({"changes": [], "pending": 1.5})") ==
        "a number in the message is not a whole number of at most 19 digits");
  CHECK(decode_error(R"({"changes": [], "pending": 1e3})") ==
        "a number in the message is not a whole number of at most 19 digits");
  CHECK(decode_error(R"({"changes": [], "pending": 12345678901234567890})") ==
        "a number in the message is not a whole number of at most 19 digits");
  // Nineteen digits still decode, and digits inside text do not count.
  CHECK(decode_error(R"({"changes": [], "pending": 9223372036854775807})").empty());
  CHECK(decode_error(R"({"changes": [], "pending": -1})") !=
        "a number in the message is not a whole number of at most 19 digits");
  CHECK(decode_error(R"({"changes": [], "device_time": "1.5e400"})").empty());
}

TEST_CASE("the small request bodies take strings only", "[sync][wire]") {
  auto body = decode_string_object(R"({"username": "pc.a", "password": "x"})",
                                   {"username", "password", "device_name"});
  CHECK(body.at("username") == "pc.a");
  CHECK(body.count("device_name") == 0);
  CHECK_THROWS_AS(decode_string_object(R"({"username": 1})", {"username"}), WireError);
  CHECK_THROWS_AS(decode_string_object(R"({"admin": "yes"})", {"username"}), WireError);
  CHECK_THROWS_AS(decode_string_object("[]", {"username"}), WireError);
}

TEST_CASE("messages are written on one line and line breaks in values survive", "[sync][wire]") {
  PullResponse response;
  PullItem item;
  item.kind = PullItem::Kind::change;
  item.entity = "visit";
  item.fields = {{"observations", "first line\nsecond line\r\n\tend"}};
  response.items.push_back(item);
  const std::string json = encode(response);
  CHECK(json.find('\n') == std::string::npos);
  CHECK(decode_pull_response(json).items.front().fields == item.fields);
}

TEST_CASE("text holding U+0000 is refused rather than cut short", "[sync][wire]") {
  CHECK(decode_error(R"({"changes": [], "device_time": "before\u0000after"})") ==
        "text in the message holds the character U+0000, which Vigil does not store");
  // An escaped backslash followed by "u0000" is ordinary text.
  CHECK(decode_error(R"({"changes": [], "device_time": "C:\\u0000"})").empty());
}
