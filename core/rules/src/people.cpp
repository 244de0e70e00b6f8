#include "vigil/rules/people.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace vigil {
namespace {

// Latin letters with accents, as UTF-8 of two bytes (0xC3 then the second), and the letter each
// stands for: the spellings a keyboard without them gives.
char unaccented(unsigned char second) {
  static constexpr std::array<std::pair<unsigned char, char>, 52> kLetters{{
      {0x80, 'a'}, {0x81, 'a'}, {0x82, 'a'}, {0x83, 'a'}, {0x84, 'a'}, {0x85, 'a'}, {0x87, 'c'},
      {0x88, 'e'}, {0x89, 'e'}, {0x8A, 'e'}, {0x8B, 'e'}, {0x8C, 'i'}, {0x8D, 'i'}, {0x8E, 'i'},
      {0x8F, 'i'}, {0x91, 'n'}, {0x92, 'o'}, {0x93, 'o'}, {0x94, 'o'}, {0x95, 'o'}, {0x96, 'o'},
      {0x98, 'o'}, {0x99, 'u'}, {0x9A, 'u'}, {0x9B, 'u'}, {0x9C, 'u'}, {0x9D, 'y'}, {0xA0, 'a'},
      {0xA1, 'a'}, {0xA2, 'a'}, {0xA3, 'a'}, {0xA4, 'a'}, {0xA5, 'a'}, {0xA7, 'c'}, {0xA8, 'e'},
      {0xA9, 'e'}, {0xAA, 'e'}, {0xAB, 'e'}, {0xAC, 'i'}, {0xAD, 'i'}, {0xAE, 'i'}, {0xAF, 'i'},
      {0xB1, 'n'}, {0xB2, 'o'}, {0xB3, 'o'}, {0xB4, 'o'}, {0xB5, 'o'}, {0xB6, 'o'}, {0xB8, 'o'},
      {0xB9, 'u'}, {0xBA, 'u'}, {0xBB, 'u'},
  }};
  for (const auto& [byte, letter] : kLetters) {
    if (byte == second) return letter;
  }
  return 0;
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbours each cost one. Names are short, so the full table is cheap.
std::size_t distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::string_view first_word(std::string_view names) {
  const auto start = names.find_first_not_of(" \t");
  if (start == std::string_view::npos) return {};
  names.remove_prefix(start);
  // "Jean-Paul" is Jean as much as "Jean Paul" is.
  return names.substr(0, names.find_first_of(" \t-"));
}

}  // namespace

std::string name_key(std::string_view name) {
  std::string key;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c >= 'A' && c <= 'Z') {
      key += static_cast<char>(c - 'A' + 'a');
    } else if (c >= 'a' && c <= 'z') {
      key += static_cast<char>(c);
    } else if (c == 0xC3 && i + 1 < name.size()) {
      if (const char letter = unaccented(static_cast<unsigned char>(name[i + 1]))) key += letter;
      ++i;
    }
  }
  return key;
}

bool names_alike(std::string_view a, std::string_view b) {
  const std::string x = name_key(a), y = name_key(b);
  if (x.empty() || y.empty()) return false;
  if (x == y) return true;
  const std::size_t shorter = std::min(x.size(), y.size());
  const std::size_t apart = distance(x, y);
  return (shorter >= 4 && apart <= 1) || (shorter >= 6 && apart <= 2);
}

bool same_person(std::string_view surname_a, std::string_view forenames_a,
                 std::string_view date_of_birth_a, std::string_view surname_b,
                 std::string_view forenames_b, std::string_view date_of_birth_b) {
  if (date_of_birth_a.empty() || date_of_birth_a != date_of_birth_b) return false;
  if (!names_alike(surname_a, surname_b)) return false;
  const auto first_a = first_word(forenames_a), first_b = first_word(forenames_b);
  return first_a.empty() || first_b.empty() || names_alike(first_a, first_b);
}

}  // namespace vigil
