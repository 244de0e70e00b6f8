#include <catch2/catch.hpp>

#include "vigil/rules/people.hpp"

using namespace vigil;

TEST_CASE("A name is compared without case, accents, spaces or punctuation") {
  CHECK(name_key("O'Neill-Smith") == "oneillsmith");
  CHECK(name_key("Zoë  Ann") == "zoeann");
  CHECK(name_key("JOSÉ") == "jose");
}

TEST_CASE("Spellings of one name are alike; other names are not") {
  CHECK(names_alike("Mohammed", "Muhammad"));  // two letters changed in a long name
  CHECK(names_alike("Stephens", "Stevens"));
  CHECK(names_alike("Thomson", "Thompson"));
  CHECK(names_alike("Jonh", "John"));  // two letters swapped
  CHECK(names_alike("Zoe", "Zoë"));
  CHECK_FALSE(names_alike("Ann", "Jan"));  // short names must match whole
  CHECK_FALSE(names_alike("Brown", "Green"));
  CHECK_FALSE(names_alike("Smith", "Smythe-Jones"));
  CHECK_FALSE(names_alike("", ""));
}

TEST_CASE("One person: the same date of birth, surnames and first forenames alike") {
  CHECK(same_person("O'Brien", "Sean Patrick", "1990-04-02", "OBrien", "Seán", "1990-04-02"));
  CHECK(same_person("Stephens", "Mark", "1980-01-01", "Stevens", "", "1980-01-01"));
  CHECK_FALSE(same_person("Stephens", "Mark", "1980-01-01", "Stevens", "Mark", "1980-01-02"));
  CHECK_FALSE(same_person("Stephens", "Mark", "", "Stephens", "Mark", ""));
  CHECK_FALSE(same_person("Stephens", "Mark", "1980-01-01", "Stephens", "Paul", "1980-01-01"));
  // A hyphenated forename is its first part as much as a spaced one.
  CHECK(same_person("Martin", "Jean-Paul", "1975-06-30", "Martin", "Jean", "1975-06-30"));
}
