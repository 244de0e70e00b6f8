// Fuzz target for the push-message decoder, the parser every tablet's body reaches. A message
// either decodes, and then survives encoding and decoding unchanged, or is refused with a
// WireError naming what is wrong; nothing else may happen.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vigil/sync/wire.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  vigil::sync::PushRequest request;
  try {
    request = vigil::sync::decode_push_request(text);
  } catch (const vigil::sync::WireError& error) {
    if (std::string_view(error.what()).empty()) std::abort();
    return 0;
  }
  const auto again = vigil::sync::decode_push_request(vigil::sync::encode(request));
  if (again.changes.size() != request.changes.size() || again.pending != request.pending ||
      again.device_time != request.device_time) {
    std::abort();
  }
  for (std::size_t i = 0; i < request.changes.size(); ++i) {
    const auto& a = request.changes[i];
    const auto& b = again.changes[i];
    if (a.change_id != b.change_id || a.entity != b.entity || a.entity_id != b.entity_id ||
        a.operation != b.operation || a.fields != b.fields || a.clock != b.clock ||
        a.device_time != b.device_time || a.device_id != b.device_id) {
      std::abort();
    }
    // A base travels with updates only.
    if (a.operation == vigil::sync::Operation::update && a.base != b.base) std::abort();
  }
  return 0;
}
