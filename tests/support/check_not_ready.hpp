// /readyz when the server must not be sent work, as an orchestrator or a load balancer reads it:
// for the tests of readiness and of a database file that goes from under the server.
#pragma once

#include <string>

#include "api_world.hpp"

namespace api_world {

// /readyz answers 503, its check `check` failed with a detail that says `why`. The whole answer,
// for whatever else a test asks of it.
inline rapidjson::Document check_not_ready(World& world, const std::string& check,
                                           const std::string& why) {
  const auto ready = world.client()->get("/readyz");
  INFO(ready.body);
  CHECK(ready.status == 503);
  auto body = parse(ready.body);
  const auto& found = body["checks"][check.c_str()];
  CHECK_FALSE(found["ok"].GetBool());
  CHECK(member(found, "detail").find(why) != std::string::npos);
  return body;
}

}  // namespace api_world
