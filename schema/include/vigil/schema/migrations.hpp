// The schema's forward-only migrations, embedded at build time from schema/migrations/.
#pragma once

#include <span>

namespace vigil::schema {

struct Migration {
  int version;       // NNNN of the file name; PRAGMA user_version after it has run
  const char* name;  // the rest of the file name
  const char* sql;   // the whole file
};

// Every migration in ascending version order, numbered 1, 2, 3... without gaps.
std::span<const Migration> migrations();

}  // namespace vigil::schema
