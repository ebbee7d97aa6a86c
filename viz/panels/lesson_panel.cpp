#include "viz/panels/lesson_panel.h"

#include <algorithm>
#include <cmath>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "engine/net/host.h"
#include "lessons/quiz.h"
#include "lessons/text_layout.h"
#include "viz/panels/padlock_icon.h"
#include "viz/panels/panel_colors.h"
#include "viz/panels/window_flags.h"
#include "viz/panels/wrapped_text.h"
#include "viz/world_scene.h"

namespace maillab::viz {

using lessons::LessonRun;

// --- the scene ---

namespace {

class LessonScene : public Scene {
 public:
  explicit LessonScene(scenarios::World& world) : world_(world) { observe_tls(world_); }
  engine::Simulator& simulator() override { return world_.simulator; }
  Topology topology() override { return topology_of(world_); }
  bool update_topology(Topology& topology) override { return update_topology_of(world_, topology); }
  // The lesson reads this World's trace too (its checkpoints and the records each step lists).
  bool shares_trace() const override { return true; }
  // The lesson's story is fixed: no faults from the UI.
  bool set_link_up(std::size_t, bool) override { return false; }
  bool set_node_up(const std::string&, bool) override { return false; }
  engine::Network* network() override { return &world_.network; }
  std::map<std::string, Point> positions() const override { return positions_of(world_); }
  engine::Time until() const override { return world_.until; }
  std::string title() const override { return world_.title.empty() ? world_.name : world_.title; }

 private:
  scenarios::World& world_;
};

}  // namespace

std::unique_ptr<Scene> make_lesson_scene(LessonRun& run) { return std::make_unique<LessonScene>(run.world()); }

// --- layout ---

LessonScreen lesson_screen_layout(double width, double height, double ui_scale, bool show_log, bool show_inspector,
                                  double panel_share) {
  LessonScreen out;
  // Always reserve the right-hand column: the lesson lives there.
  out.screen = compute_screen_layout(width, height, ui_scale, show_log, true);
  // Wider than the inspector's usual column: narration and record lines need the room.
  const double right = std::round(std::min(470 * ui_scale, width * 0.4));
  out.screen.canvas.width = width - right;
  out.screen.log.width = width - right;
  const Rect column{width - right, out.screen.inspector.y, right,
                    out.screen.inspector.height + out.screen.journey.height};
  const double lesson_height = show_inspector ? std::round(column.height * panel_share) : column.height;
  out.lesson = {column.x, column.y, column.width, lesson_height};
  out.screen.inspector = {column.x, column.y + lesson_height, column.width, column.height - lesson_height};
  out.screen.journey = {column.x, column.y + column.height, column.width, 0};
  return out;
}

bool rewind_lesson(VisualizerState& state, LessonSession& session, bool to_start) {
  if (!(to_start ? session.restart() : session.back())) return false;
  // The old run's World is gone: the replay controller makes a scene of the new one (a new
  // generation, so the log, flights and inspectors rebuild), and nothing of the old stays selected.
  state.replay.restart();
  state.selection = Selection{};
  state.status.clear();
  state.refresh();
  return true;
}

// --- drawing ---
//
// LessonPanel::draw lays the window out top to bottom: the lesson's title and score; a scrolling
// region with the introduction, a step (narration, feedback on the last answer, the pending
// question, where the clock stopped) or the summary at the end; the records the step ran; the
// footer with Back, Restart and Next step. Each part has its function below, in that order.

namespace {

void clear_answer(LessonPanel& panel) {
  panel.free_answer.clear();
  panel.choice = -1;
}

void queue_next_step(VisualizerState& state, LessonSession& session, LessonPanel& panel) {
  state.after_frame.push_back([&state, &session, &panel] {
    if (session.next_step()) {
      clear_answer(panel);
      state.status.clear();
    }
  });
}

void queue_rewind(VisualizerState& state, LessonSession& session, LessonPanel& panel, bool to_start) {
  state.after_frame.push_back([&state, &session, &panel, to_start] {
    if (!rewind_lesson(state, session, to_start)) return;
    clear_answer(panel);
    panel.focused_step.reset();
  });
}

// Selects trace record `index` (and its message, if it carries one) in the canvas and inspector.
void select_record(VisualizerState& state, const std::vector<engine::TraceRecord>& records, std::size_t index) {
  state.selection.record = index;
  if (!records[index].message.empty()) state.selection.message = records[index].message;
}

// The records the panel lists for the current step, and where: below the step's text in a region
// of their own (a long narration must not push them out of sight), or, while a question waits
// and comes first, at the end of the text, scrolling with it.
struct StepRecords {
  std::vector<std::size_t> shown;
  bool from_earlier_step = false;
  std::size_t limit = 0;  // how many of `shown` are listed
  bool listed = false;
  bool below = false;
  float height = 0;  // of the region below; 0 when they are not below
};

StepRecords step_records(const LessonSession& session) {
  const LessonRun& run = session.run();
  const lessons::Step* step = run.current_step();
  StepRecords out;
  if (!step || run.finished()) return out;
  out.shown = session.displayed_records(&out.from_earlier_step);
  // (Nothing to list while a prediction waits: the step has not run.)
  out.listed = run.phase() != LessonRun::Phase::predict && (!out.shown.empty() || step->show);
  const std::size_t limit_wanted = step->show ? std::size_t(std::max(step->show->limit, 1)) : 40;
  out.limit = std::min(out.shown.size(), limit_wanted);
  out.below = out.listed && !run.pending_question();
  if (out.below) {
    const float line = ImGui::GetTextLineHeightWithSpacing();
    out.height = line * (float(std::min<std::size_t>(std::max<std::size_t>(out.limit, 1), 6)) + 1.6f) +
                 ImGui::GetStyle().ScrollbarSize;  // the horizontal one, for long lines
  }
  return out;
}

void draw_header(const LessonRun& run) {
  ImGui::PushStyleColor(ImGuiCol_Text, accent_color);
  text_wrapped(run.lesson().title);
  ImGui::PopStyleColor();
  ImGui::TextDisabled("score %zu/%zu", run.score(), run.max_score());
  ImGui::Separator();
}

void draw_intro(const LessonRun& run) {
  ImGui::TextColored(accent_color, "Introduction");
  for (const auto& block : lessons::narration_blocks(run.lesson().description)) {
    if (block.kind == lessons::NarrationBlock::Kind::blank) ImGui::Spacing();
    else text_wrapped(block.text);
  }
  ImGui::Spacing();
  ImGui::TextDisabled("%zu steps, %zu questions. Press Next step to begin.", run.step_count(), run.max_score());
}

void draw_finished(const LessonRun& run) {
  ImGui::TextColored(accent_color, "Finished");
  ImGui::Text("score: %zu/%zu", run.score(), run.max_score());
  ImGui::Spacing();
  for (const auto& answer : run.answers()) {
    ImGui::PushStyleColor(ImGuiCol_Text, answer.correct ? good_color : bad_color);
    text_wrapped(std::string(answer.correct ? "right" : "wrong") + " step " + std::to_string(answer.step + 1) +
                 (answer.prediction ? " prediction: " : " quiz: ") + (answer.skipped ? "(skipped)" : answer.given));
    ImGui::PopStyleColor();
  }
}

// The step's `say:`. A verbatim line stays on its own line but still wraps when wider than the
// column (a table in the narration).
void draw_narration(const lessons::Step& step) {
  for (const auto& block : lessons::narration_blocks(step.say)) {
    if (block.kind == lessons::NarrationBlock::Kind::blank) ImGui::Spacing();
    else text_wrapped(block.text);
  }
}

void draw_feedback(const LessonSession::Feedback& feedback) {
  ImGui::Spacing();
  ImGui::Separator();
  const char* what = feedback.prediction ? "Your prediction: " : "";
  if (feedback.correct) {
    ImGui::TextColored(good_color, "%sright.", what);
  } else {
    ImGui::PushStyleColor(ImGuiCol_Text, bad_color);
    text_wrapped(std::string(what) + (feedback.skipped ? "skipped" : "not quite") + ": the answer is " +
                 feedback.right_answer + ".");
    ImGui::PopStyleColor();
  }
  for (const auto& block : lessons::narration_blocks(feedback.explanation)) {
    if (block.kind != lessons::NarrationBlock::Kind::blank) text_wrapped(block.text);
  }
}

// Where the step's run left the clock: at its checkpoint's record, or just the time.
void draw_clock(const LessonRun& run) {
  ImGui::Spacing();
  ImGui::Separator();
  if (const engine::TraceRecord* checkpoint = run.checkpoint()) {
    ImGui::TextDisabled("clock stopped at %s s:", engine::format_seconds(run.now()).c_str());
    // Mail-client records already start with their device's name ("bob-laptop: 1 new message").
    const bool named = checkpoint->summary.rfind(checkpoint->node + ":", 0) == 0;
    ImGui::PushStyleColor(ImGuiCol_Text, record_color(*checkpoint));
    text_wrapped((named ? "" : checkpoint->node + " ") + checkpoint->summary);
    ImGui::PopStyleColor();
  } else if (run.checkpoint_missed()) {
    ImGui::TextColored(bad_color, "(the checkpoint this step waits for never came)");
  } else {
    ImGui::TextDisabled("clock now %s s", engine::format_seconds(run.now()).c_str());
  }
}

// One line per record, a click selects it; the lines scroll sideways when long.
void draw_records(VisualizerState& state, const LessonRun& run, const StepRecords& list) {
  const auto& records = run.world().simulator.trace().records();
  if (list.from_earlier_step) {
    ImGui::TextDisabled("from the step before (click one to inspect it):");
  } else {
    ImGui::TextDisabled("what happened (%zu of %zu records; click one to inspect it):", list.shown.size(),
                        run.window_end() - run.window_begin());
  }
  for (std::size_t i = 0; i < list.limit; ++i) {
    const std::size_t index = list.shown[i];
    const auto& record = records[index];
    ImGui::PushID(int(i));
    const bool selected = state.selection.record && *state.selection.record == index;
    std::string text = engine::format_seconds(record.time) + "  " + record.node;
    if (!record.peer.empty()) text += " -> " + record.peer;
    const std::string caption = record.kind == engine::TraceKind::hop ? hop_caption(record) : record.summary;
    text += "  " + (record.protocol.empty() ? "" : record.protocol + " ") + caption;
    padlock_icon(state.padlock(index));  // a blank of the same width when none: rows stay aligned
    ImGui::PushStyleColor(ImGuiCol_Text, record_color(record));
    if (ImGui::Selectable(text.c_str(), selected)) select_record(state, records, index);
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
    ImGui::PopID();
  }
  if (list.shown.size() > list.limit) ImGui::TextDisabled("... and %zu more", list.shown.size() - list.limit);
}

}  // namespace

void LessonPanel::draw_time_bar(VisualizerState& state, LessonSession& session, const Rect& area) {
  LessonRun& run = session.run();
  begin_fixed_window("Time", area, fixed_bar);
  ImGui::TextColored(accent_color, "Lesson");
  ImGui::SameLine();
  ImGui::TextUnformatted(run.lesson().title.c_str());
  ImGui::Text("t = %s s", engine::format_seconds(run.now()).c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("events %llu  |  %s  |  score %zu/%zu  |  time moves with the lesson's steps",
                      static_cast<unsigned long long>(run.world().simulator.executed()),
                      session.step_label().c_str(), run.score(), run.max_score());
  ImGui::SameLine();
  ImGui::Checkbox("Legend", &state.show_legend);
  ImGui::SameLine();
  ImGui::Checkbox("Log", &state.show_log);
  ImGui::SameLine();
  ImGui::Checkbox("Inspector", &state.show_inspector);
  ImGui::End();
}

void LessonPanel::follow_step(VisualizerState& state, const LessonSession& session) {
  const LessonRun& run = session.run();
  // The event log tints what this step ran (nothing while a prediction waits: it has not run).
  state.marked_records.reset();
  if (run.step_index() && !run.finished() && run.phase() != LessonRun::Phase::predict &&
      run.window_end() > run.window_begin()) {
    state.marked_records = std::make_pair(run.window_begin(), run.window_end());
  }
  // After a step ran, point the canvas and inspector at what the step stopped at.
  if (run.step_index() != focused_step && run.phase() != LessonRun::Phase::predict) {
    focused_step = run.step_index();
    if (auto record = session.focus_record()) select_record(state, run.world().simulator.trace().records(), *record);
  }
}

void LessonPanel::draw(VisualizerState& state, LessonSession& session, const Rect& area) {
  follow_step(state, session);
  const LessonRun& run = session.run();
  begin_fixed_window("Lesson", area);
  draw_header(run);

  const float footer = ImGui::GetFrameHeightWithSpacing() * 1.3f;  // the controls stay at the bottom
  const StepRecords records = step_records(session);
  ImGui::BeginChild("step", ImVec2(0, -(footer + records.height)), false);
  // Everything a student must read whole (narration, question, answers, feedback) is measured:
  // how far it reaches past the panel's right edge, where the window would cut it off.
  ImGui::BeginGroup();
  if (run.finished()) {
    draw_finished(run);
  } else if (const lessons::Step* step = run.current_step()) {
    draw_step(state, session, *step);
  } else {
    draw_intro(run);
  }
  ImGui::EndGroup();
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  widest_overflow = std::max(0.0f, ImGui::GetItemRectMax().x - right);
  if (records.listed && !records.below) {
    ImGui::Spacing();
    ImGui::Separator();
    draw_records(state, run, records);
  }
  ImGui::EndChild();

  if (records.below) {
    ImGui::Separator();
    ImGui::BeginChild("records", ImVec2(0, records.height - ImGui::GetStyle().ItemSpacing.y), false,
                      ImGuiWindowFlags_HorizontalScrollbar);
    draw_records(state, run, records);
    ImGui::EndChild();
  }
  draw_footer(state, session);
  ImGui::End();
}

void LessonPanel::draw_step(VisualizerState& state, LessonSession& session, const lessons::Step& step) {
  const LessonRun& run = session.run();
  ImGui::TextColored(accent_color, "%s", session.step_label().c_str());
  ImGui::Spacing();
  draw_narration(step);
  if (const auto& feedback = session.feedback()) draw_feedback(*feedback);
  if (const lessons::Quiz* quiz = run.pending_question()) draw_question(state, session, *quiz);
  // (Nothing ran yet while a prediction waits.)
  if (run.phase() != LessonRun::Phase::predict && step.run) draw_clock(run);
}

void LessonPanel::draw_question(VisualizerState& state, LessonSession& session, const lessons::Quiz& quiz) {
  const LessonRun& run = session.run();
  ImGui::Spacing();
  ImGui::Separator();
  ImGui::TextColored(accent_color, "%s %zu/%zu", run.pending_is_prediction() ? "Predict" : "Question",
                     run.question_number(), run.max_score());
  text_wrapped(quiz.question);
  if (quiz.multiple_choice()) {
    // Each choice wraps beside its button (a radio button's own label never wraps, and a long
    // answer would be cut at the panel's edge); a click on the text picks it too.
    for (std::size_t i = 0; i < quiz.choices.size(); ++i) {
      ImGui::PushID(int(i));
      ImGui::RadioButton("##choice", &choice, int(i));
      ImGui::SameLine();
      ImGui::BeginGroup();
      text_wrapped(std::string(1, char('a' + i)) + ") " + quiz.choices[i]);
      ImGui::EndGroup();
      if (ImGui::IsItemClicked()) choice = int(i);
      ImGui::PopID();
    }
  } else {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    ImGui::InputText("##answer", &free_answer);
  }
  const bool ready = quiz.multiple_choice() ? choice >= 0 : !free_answer.empty();
  if (!ready) ImGui::BeginDisabled();
  if (ImGui::Button("Submit")) {
    std::string text = quiz.multiple_choice() ? std::to_string(choice + 1) : free_answer;
    state.after_frame.push_back([&session, this, text] {
      if (session.submit(text)) clear_answer(*this);
    });
  }
  if (!ready) ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::SmallButton("skip")) {
    state.after_frame.push_back([&session, this] {
      session.skip();
      clear_answer(*this);
    });
  }
  if (!session.problem().empty()) ImGui::TextColored(bad_color, "%s", session.problem().c_str());
}

// The one way time moves (Back replays the lesson to the step before).
void LessonPanel::draw_footer(VisualizerState& state, LessonSession& session) {
  const LessonRun& run = session.run();
  ImGui::Separator();
  if (!session.can_go_back()) ImGui::BeginDisabled();
  if (ImGui::Button("< Back")) queue_rewind(state, session, *this, false);
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Go back to the start of the previous step (the lesson is replayed; your answers from there on are forgotten)");
  ImGui::SameLine();
  if (ImGui::SmallButton("Restart")) queue_rewind(state, session, *this, true);
  if (!session.can_go_back()) ImGui::EndDisabled();
  ImGui::SameLine();
  const bool can_advance = !run.finished() && !run.pending_question();
  if (!can_advance) ImGui::BeginDisabled();
  const bool last = run.step_index() && *run.step_index() + 1 >= run.step_count();
  const char* label = run.finished() ? "Done" : last ? "Finish" : run.step_index() ? "Next step >" : "Start >";
  if (ImGui::Button(label, ImVec2(ImGui::GetFontSize() * 7, 0))) queue_next_step(state, session, *this);
  if (!can_advance) ImGui::EndDisabled();
  ImGui::SameLine();
  if (run.pending_question()) ImGui::TextDisabled("answer the question first");
  else if (run.finished()) ImGui::Text("score: %zu/%zu", run.score(), run.max_score());
  else ImGui::TextDisabled("score %zu/%zu", run.score(), run.max_score());
}

}  // namespace maillab::viz
