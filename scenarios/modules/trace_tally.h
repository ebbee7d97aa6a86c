// For expectations that count trace records: `maillab run` keeps no records (they stream to the
// writers), so such an expectation counts as the records are made, through a listener it
// attaches when it is parsed. Records made before that (while loading) are handed to it first,
// from the records kept so far (a World keeps them until `maillab run` says otherwise).
#pragma once

#include "engine/core/trace.h"

namespace maillab::scenarios {

inline void tally_trace(engine::Trace& trace, engine::Trace::Listener listener) {
  for (const auto& kept : trace.records()) listener(kept);
  trace.subscribe(std::move(listener));
}

}  // namespace maillab::scenarios
