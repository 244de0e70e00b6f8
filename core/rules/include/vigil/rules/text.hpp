// Words for the people who read Vigil's output (a count with its noun), and the one grammar every
// text value obeys whichever door it comes in by: an import file, a tablet's push, a back-office
// command or a sign-in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

// "1 day", "0 days", "3 officers". Only for nouns whose plural adds an "s".
inline std::string counted(std::int64_t count, std::string_view noun) {
  return std::to_string(count) + ' ' + std::string(noun) + (count == 1 ? "" : "s");
}

// The longest a value may be, in characters (Unicode code points). Names, references, places,
// offences and other short words are at most kMaxShortText; notes, observations, reasons and
// other free text at most kMaxLongText. Longer is refused at every door, never cut.
inline constexpr std::size_t kMaxShortText = 200;
inline constexpr std::size_t kMaxLongText = 20000;

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Why `text` cannot be stored as the value of `what` (nothing when it can): it must be valid UTF-8,
// hold no U+0000 (which C strings, SQLite's text functions and JSON readers each treat
// differently) and be at most `max_chars` characters long. The sentence quotes none of the
// value, so a hostile value never reaches a log or a terminal through it.
[[nodiscard]] std::optional<std::string> text_problem(std::string_view text, std::string_view what,
                                                      std::size_t max_chars);

// A yes-or-no value as every door writes it: exactly "yes" or "no" (nothing else, no case or
// space folded), so a file, a push and a command line mean one thing by it.
inline std::optional<bool> parse_yes_no(std::string_view text) {
  if (text == "yes") return true;
  if (text == "no") return false;
  return std::nullopt;
}
inline std::string_view yes_no(bool value) {
  return value ? "yes" : "no";
}

// Whether `text` says nothing: empty, or only spaces, tabs and line breaks. A reason the rules ask
// for is not given by a space.
inline bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// At most the first `max_chars` characters of `text` (cut on a character boundary, with "..."
// when cut), with control characters shown as '?': a bad value quoted in an error message.
std::string quoted_excerpt(std::string_view text, std::size_t max_chars = 40);

}  // namespace vigil
