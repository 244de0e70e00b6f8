#include "vigil/base/gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <limits>

#include "vigil/base/error.hpp"
#include "vigil/base/url.hpp"

namespace vigil::base {
namespace {

// zlib's windowBits for a gzip wrapper rather than a zlib one.
constexpr int kGzipWindow = 15 + 16;
// zlib counts in uInt: larger inputs go in pieces.
constexpr std::size_t kPiece = std::size_t{1} << 30;

// A z_stream that is ended whatever happens.
template <int (*End)(z_streamp)>
struct Stream {
  z_stream z{};
  ~Stream() { End(&z); }
};

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string gzip(std::string_view plain, Packing packing) {
  Stream<deflateEnd> s;
  const int level = packing == Packing::fastest ? Z_BEST_SPEED : Z_DEFAULT_COMPRESSION;
  if (deflateInit2(&s.z, level, Z_DEFLATED, kGzipWindow, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw Error(ErrorCode::internal, "gzip: zlib could not start compressing");
  }
  std::string out(deflateBound(&s.z, static_cast<uLong>(plain.size())), '\0');
  s.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  s.z.next_out = reinterpret_cast<Bytef*>(out.data());
  std::size_t left = plain.size();
  int rc = Z_OK;
  do {
    const std::size_t piece = std::min(left, kPiece);
    s.z.avail_in = static_cast<uInt>(piece);
    left -= piece;
    // deflateBound leaves room for all of it: the output never runs short.
    s.z.avail_out = static_cast<uInt>(
        std::min<std::size_t>(out.size() - s.z.total_out, std::numeric_limits<uInt>::max()));
    rc = deflate(&s.z, left == 0 ? Z_FINISH : Z_NO_FLUSH);
  } while (rc == Z_OK && (left > 0 || s.z.avail_in > 0));
  if (rc != Z_STREAM_END) throw Error(ErrorCode::internal, "gzip: zlib could not finish");
  out.resize(s.z.total_out);
  return out;
}

std::string gunzip(std::string_view packed, std::size_t limit) {
  Stream<inflateEnd> s;
  if (inflateInit2(&s.z, kGzipWindow) != Z_OK) {
    throw Error(ErrorCode::internal, "gunzip: zlib could not start unpacking");
  }
  if (packed.size() > std::numeric_limits<uInt>::max()) {
    throw Error(ErrorCode::invalid_input, "gunzip: the body is too large to unpack");
  }
  s.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  s.z.avail_in = static_cast<uInt>(packed.size());
  std::string out;
  char buffer[1 << 16];
  int rc = Z_OK;
  while (rc == Z_OK) {
    s.z.next_out = reinterpret_cast<Bytef*>(buffer);
    s.z.avail_out = sizeof buffer;
    rc = inflate(&s.z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    const std::size_t produced = sizeof buffer - s.z.avail_out;
    if (out.size() + produced > limit) {
      throw Error(ErrorCode::invalid_input,
                  "gunzip: the body unpacks to more than " + std::to_string(limit) + " bytes");
    }
    out.append(buffer, produced);
    if (rc == Z_OK && produced == 0 && s.z.avail_in == 0) break;  // cut short
  }
  if (rc != Z_STREAM_END) {
    throw Error(ErrorCode::invalid_input, "gunzip: the body is not whole gzip data");
  }
  if (s.z.avail_in != 0) {
    throw Error(ErrorCode::invalid_input, "gunzip: bytes follow the end of the gzip data");
  }
  return out;
}

bool accepts_gzip(std::string_view accept_encoding) {
  std::string_view rest = accept_encoding;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto semicolon = item.find(';');
    const std::string coding = ascii_lower(trimmed(item.substr(0, semicolon)));
    if (coding != "gzip" && coding != "*") continue;
    if (semicolon == std::string_view::npos) return true;
    // A weight: "q=0", "q=0.0", "q=0.000" refuse; any other accepts.
    const std::string weight = ascii_lower(trimmed(item.substr(semicolon + 1)));
    if (weight.rfind("q=", 0) != 0) return true;
    const std::string value = weight.substr(2);
    const bool zero =
        !value.empty() && value[0] == '0' && value.find_first_not_of("0.", 1) == std::string::npos;
    return !zero;
  }
  return false;
}

}  // namespace vigil::base
