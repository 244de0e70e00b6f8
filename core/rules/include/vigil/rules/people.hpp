// One person, one view (docs/domain.md, "One person"): whether a suspect or a bail case is a
// nominal Vigil already manages. Records kept by different teams spell names differently (a
// hyphen, an accent, a letter typed twice, Mohammed and Muhammad), so names are compared loosely
// and the date of birth exactly. Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// A name as it is compared: lower case, accents taken off Latin letters, and everything but
// letters dropped ("O'Neill-Smith" -> "oneillsmith", "Zoë" -> "zoe").
std::string name_key(std::string_view name);

// Whether two spellings of one name are alike: the same once keyed, or one letter apart (one
// added, dropped, changed, or two side by side swapped) when both are at least four letters long,
// or, for the longer names of six letters or more, two changes apart.
bool names_alike(std::string_view a, std::string_view b);

// Whether two records are of one person: the same date of birth (both given), surnames alike and
// first forenames alike (a record without forenames matches on the surname alone).
bool same_person(std::string_view surname_a, std::string_view forenames_a,
                 std::string_view date_of_birth_a, std::string_view surname_b,
                 std::string_view forenames_b, std::string_view date_of_birth_b);

}  // namespace vigil
