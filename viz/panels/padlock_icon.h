// The padlock of a trace record (viz/model/tls_view.h) drawn inline in ImGui lists and the
// inspector, in the same colours and shape as on the canvas: shut and gold for TLS records,
// open and red for mail protocol bytes in the clear.
#pragma once

#include "viz/model/tls_view.h"

namespace maillab::viz {

// Draws the padlock at the cursor, one line of text tall, and moves the cursor past it (on the
// same line). `none` leaves the same space empty, so rows stay aligned.
void padlock_icon(Padlock padlock);

// The words a student reads next to it.
const char* padlock_meaning(Padlock padlock);

}  // namespace maillab::viz
