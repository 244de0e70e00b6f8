// The steps only one kind of record takes when the server takes it in, kept with the merge engine
// (engine.cpp) and named by the entity's description (entities.cpp, `server_steps`), so the
// engine asks the description instead of the entity's name. Private to sync/.
#pragma once

#include <optional>
#include <string>

#include "checks.hpp"
#include "vigil/store/store.hpp"
#include "vigil/sync/hlc.hpp"

namespace vigil::sync {

struct PushBatch;  // one push's caller, time and look-ups (engine.cpp)

struct ServerSteps {
  // Why the server refuses the change, asked once the caller's scope allows it; nullptr: no
  // check of its own.
  std::optional<std::string> (*refuse)(store::Database& db, const PushBatch& batch,
                                       const ParsedChange& change) = nullptr;
  // Takes in a change whose entity has no table of its own, once the change is logged; nullptr:
  // the record is stored in the entity's table as any other.
  void (*take)(store::Database& db, PushBatch& batch, HybridClock& clock,
               const ParsedChange& change, const std::string& team) = nullptr;
};

// A read event follows on from the device's chain of read events.
extern const ServerSteps kReadEventSteps;
// A decision names an open conflict, and settles it (keeping the losing value writes it).
extern const ServerSteps kConflictDecisionSteps;

}  // namespace vigil::sync
