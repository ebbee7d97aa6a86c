// The exercise panel (edit mode): the exercise's goals, met or not after the last run, and the
// settings an exercise breaks as fields (a zone's records, an MTA's relay domains and outbound
// TLS policy, a mailbox quota, a mail client's SMTP server and port, a link's up state). "Save
// and re-run" writes the work file, grades it again and replays the new run on the canvas.
// The model is ExerciseSession (viz/exercise_session.h); this file only draws and queues.
#pragma once

#include <string>
#include <vector>

#include "viz/exercise_session.h"
#include "viz/model/geometry.h"
#include "viz/visualizer_state.h"

namespace maillab::viz {

// Saves, re-grades, and points the views at the new run (the canvas plays it from the start).
// What the panel's button does after the frame, and what --rerun does headless.
bool rerun_exercise(VisualizerState& state, ExerciseSession& session);

// Applies "LABEL=VALUE" (the whole value) or "LABEL+=LINE" (a line added to a zone's records or
// an entry to relay domains) to the first field whose label contains LABEL; in VALUE, "\n" is a
// new line. What --edit does headless, through the same ExerciseSession::set the fields call.
bool apply_edit(ExerciseSession& session, const std::string& edit, std::string& error);

struct ExercisePanel {
  std::vector<std::string> drafts;  // each field's text as typed
  std::vector<std::string> errors;  // why a draft does not fit its field ("" when it does)
  int drafts_from_run = -1;         // session.runs() the drafts were read at

  void draw(VisualizerState& state, ExerciseSession& session, const Rect& area);

 private:
  void draw_goals(ExerciseSession& session);
  void draw_fields(ExerciseSession& session);
};

}  // namespace maillab::viz
