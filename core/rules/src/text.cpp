#include "vigil/rules/text.hpp"

namespace vigil {
namespace {

// The length of the UTF-8 sequence starting at text[at], or 0 when none starts there (RFC 3629:
// shortest form only, no surrogates, nothing past U+10FFFF).
std::size_t sequence_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  if (byte(at + 1) < low || byte(at + 1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(at + i) < 0x80 || byte(at + i) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = sequence_length(text, at);
    if (length == 0) return false;
    at += length;
  }
  return true;
}

std::optional<std::string> text_problem(std::string_view text, std::string_view what,
                                        std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t at = 0; at < text.size(); ++chars) {
    const std::size_t length = sequence_length(text, at);
    if (length == 0) {
      return std::string(what) + " is not valid UTF-8 text (byte " + std::to_string(at + 1) + ")";
    }
    if (text[at] == '\0') {
      return std::string(what) + " holds a NUL character (U+0000) at character " +
             std::to_string(chars + 1);
    }
    at += length;
  }
  if (chars > max_chars) {
    std::string limit = std::to_string(max_chars);
    if (limit.size() > 3) limit.insert(limit.size() - 3, ",");
    return std::string(what) + " is longer than " + limit + " characters";
  }
  return std::nullopt;
}

std::string quoted_excerpt(std::string_view text, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t at = 0; at < text.size(); ++chars) {
    if (chars == max_chars) return out + "...";
    std::size_t length = sequence_length(text, at);
    if (length == 0) {
      out += '?';
      ++at;
      continue;
    }
    if (length == 1 && (static_cast<unsigned char>(text[at]) < 0x20 || text[at] == 0x7F)) {
      out += '?';
    } else {
      out.append(text.substr(at, length));
    }
    at += length;
  }
  return out;
}

}  // namespace vigil
