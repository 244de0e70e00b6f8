#include "vigil/sync/read_audit.hpp"

#include "vigil/core/digest.hpp"

namespace vigil::sync {

std::string read_event_hash(const ReadEvent& event) {
  Sha256 digest;
  digest.add("vigil read event 1\n");
  for (const std::string& field :
       {event.device_id, std::to_string(event.chain_index), event.prev_hash, event.nominal_id,
        event.occurred_at, event.reason}) {
    digest.add(std::to_string(field.size())).add(":").add(field).add("\n");
  }
  return digest.hex();
}

}  // namespace vigil::sync
