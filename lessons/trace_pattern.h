// Helpers over trace records that lessons need beyond TracePattern::matches (declared with the
// lesson model in lesson.h).
#pragma once

#include "engine/core/trace.h"
#include "lessons/lesson.h"

namespace maillab::lessons {

// A hop carrying a TCP segment with only the ACK flag and no data. Lessons hide these unless a
// show filter asks for `acks: true`: a transfer's acknowledgements double its length without
// telling a student anything new. (Same rule as `maillab run`'s text trace.)
bool is_pure_ack_hop(const engine::TraceRecord& record);

}  // namespace maillab::lessons
