#include "viz/panels/lesson_panel.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "engine/net/host.h"
#include "lessons/quiz.h"
#include "lessons/text_layout.h"
#include "viz/panels/padlock_icon.h"
#include "viz/panels/panel_colors.h"
#include "viz/panels/wrapped_text.h"
#include "viz/world_scene.h"

namespace maillab::viz {

using lessons::LessonRun;

// --- LessonSession ---

LessonSession::LessonSession(std::unique_ptr<LessonRun> run, std::vector<std::string> scripted_answers,
                             RunFactory fresh_run)
    : run_(std::move(run)), scripted_(std::move(scripted_answers)), fresh_run_(std::move(fresh_run)) {}

void LessonSession::remember_shown() {
  if (auto shown = run_->shown_records(); !shown.empty()) last_shown_ = std::move(shown);
}

bool LessonSession::next_step() {
  remember_shown();
  if (!run_->advance()) return false;
  actions_.push_back({Action::Kind::advance, ""});
  feedback_.reset();
  problem_.clear();
  return true;
}

bool LessonSession::can_go_back() const { return fresh_run_ && run_->step_index().has_value(); }

bool LessonSession::back() {
  if (!can_go_back()) return false;
  // Entering step k is the (k+1)-th advance; finishing is one advance past the last step.
  const std::size_t current = run_->finished() ? run_->step_count() : *run_->step_index();
  const std::size_t advances_wanted = current;  // enters step current-1; 0 = the introduction
  std::vector<Action> keep;
  std::size_t advances = 0;
  if (advances_wanted > 0) {
    for (const Action& action : actions_) {
      keep.push_back(action);
      if (action.kind == Action::Kind::advance && ++advances == advances_wanted) break;
    }
  }
  replay(keep);
  return true;
}

bool LessonSession::restart() {
  if (!fresh_run_) return false;
  replay({});
  return true;
}

void LessonSession::replay(const std::vector<Action>& actions) {
  auto fresh = fresh_run_();
  if (!fresh) return;  // the lesson loaded once; a failure now leaves the current run in place
  run_ = std::move(fresh);
  actions_.clear();
  last_shown_.clear();
  for (const Action& action : actions) {
    switch (action.kind) {
      case Action::Kind::advance: next_step(); break;
      case Action::Kind::answer: submit(action.text); break;
      case Action::Kind::skip: skip(); break;
    }
  }
  feedback_.reset();
  problem_.clear();
}

std::vector<std::size_t> LessonSession::displayed_records(bool* from_earlier_step) const {
  if (from_earlier_step) *from_earlier_step = false;
  const lessons::Step* step = run_->current_step();
  if (!step || run_->phase() == lessons::LessonRun::Phase::predict) return {};
  if (step->show) return run_->shown_records();
  if (step->run) return {};
  if (from_earlier_step) *from_earlier_step = !last_shown_.empty();
  return last_shown_;
}

void LessonSession::after_answer(const lessons::Quiz& quiz, bool prediction, bool correct, bool skipped) {
  Feedback feedback;
  feedback.prediction = prediction;
  feedback.correct = correct;
  feedback.skipped = skipped;
  feedback.right_answer = lessons::right_answer_text(quiz);
  feedback.explanation = quiz.explanation;
  feedback_ = std::move(feedback);
  problem_.clear();
}

bool LessonSession::submit(std::string_view text) {
  const lessons::Quiz* quiz = run_->pending_question();
  if (!quiz) return false;
  const lessons::Quiz asked = *quiz;  // answer() moves on to the next question
  const bool prediction = run_->pending_is_prediction();
  const lessons::AnswerCheck check = run_->answer(text);
  if (!check.valid) {
    problem_ = check.problem.empty() ? "that is not an answer to this question" : check.problem;
    return false;
  }
  actions_.push_back({Action::Kind::answer, std::string(text)});
  after_answer(asked, prediction, check.correct, false);
  return true;
}

void LessonSession::skip() {
  const lessons::Quiz* quiz = run_->pending_question();
  if (!quiz) return;
  const lessons::Quiz asked = *quiz;
  const bool prediction = run_->pending_is_prediction();
  run_->skip_question();
  actions_.push_back({Action::Kind::skip, ""});
  after_answer(asked, prediction, false, true);
}

void LessonSession::apply_scripted() {
  while (run_->pending_question() && scripted_used_ < scripted_.size()) {
    // An answer that does not fit counts as skipped: a script must never stall the lesson.
    if (!submit(scripted_[scripted_used_++])) skip();
  }
}

void LessonSession::advance_steps(int steps) {
  apply_scripted();
  for (int i = 0; i < steps && !run_->finished(); ++i) {
    while (run_->pending_question()) {
      apply_scripted();
      if (run_->pending_question()) skip();
    }
    next_step();
    apply_scripted();
  }
}

std::string LessonSession::step_label() const {
  if (run_->finished()) return "Finished";
  const auto index = run_->step_index();
  if (!index) return "Introduction";
  std::string label = "Step " + std::to_string(*index + 1) + "/" + std::to_string(run_->step_count());
  if (const lessons::Step* step = run_->current_step(); step && !step->title.empty()) label += ": " + step->title;
  return label;
}

std::optional<std::size_t> LessonSession::focus_record() const {
  const auto& records = run_->world().simulator.trace().records();
  if (const engine::TraceRecord* checkpoint = run_->checkpoint()) {
    return std::size_t(checkpoint - records.data());
  }
  const auto shown = run_->shown_records();
  if (!shown.empty()) return shown.back();
  return std::nullopt;
}

// --- narration ---

std::vector<NarrationBlock> narration_blocks(std::string_view say) {
  std::vector<NarrationBlock> blocks;
  auto is_item = [](std::string_view line) {
    if (line.rfind("- ", 0) == 0 || line.rfind("* ", 0) == 0) return true;
    std::size_t digits = 0;
    while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) ++digits;
    return digits > 0 && line.substr(digits).rfind(". ", 0) == 0;
  };
  bool open = false;  // the last block takes continuation lines
  std::size_t start = 0;
  while (start <= say.size()) {
    std::size_t end = say.find('\n', start);
    if (end == std::string_view::npos) end = say.size();
    std::string_view line = say.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
    if (blank) {
      if (!blocks.empty() && blocks.back().kind != NarrationBlock::Kind::blank)
        blocks.push_back({NarrationBlock::Kind::blank, ""});
      open = false;
    } else if (line.rfind("  ", 0) == 0) {
      blocks.push_back({NarrationBlock::Kind::verbatim, std::string(line)});
      open = false;
    } else if (is_item(line)) {
      blocks.push_back({NarrationBlock::Kind::list_item, std::string(line)});
      open = true;
    } else if (open) {
      blocks.back().text += ' ';
      blocks.back().text += line;
    } else {
      blocks.push_back({NarrationBlock::Kind::paragraph, std::string(line)});
      open = true;
    }
    if (end == say.size()) break;
  }
  while (!blocks.empty() && blocks.back().kind == NarrationBlock::Kind::blank) blocks.pop_back();
  return blocks;
}

// --- the scene ---

namespace {

class LessonScene : public Scene {
 public:
  explicit LessonScene(scenarios::World& world) : world_(world) { observe_tls(world_); }
  engine::Simulator& simulator() override { return world_.simulator; }
  Topology topology() override { return topology_of(world_); }
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

namespace {


void queue_next_step(VisualizerState& state, LessonSession& session, LessonPanel& panel) {
  state.after_frame.push_back([&state, &session, &panel] {
    if (session.next_step()) {
      panel.free_answer.clear();
      panel.choice = -1;
      state.status.clear();
    }
  });
}

void queue_rewind(VisualizerState& state, LessonSession& session, LessonPanel& panel, bool to_start) {
  state.after_frame.push_back([&state, &session, &panel, to_start] {
    if (!rewind_lesson(state, session, to_start)) return;
    panel.free_answer.clear();
    panel.choice = -1;
    panel.focused_step.reset();
  });
}

}  // namespace

void LessonPanel::draw_time_bar(VisualizerState& state, LessonSession& session, const Rect& area) {
  LessonRun& run = session.run();
  ImGui::SetNextWindowPos(ImVec2(float(area.x), float(area.y)));
  ImGui::SetNextWindowSize(ImVec2(float(area.width), float(area.height)));
  ImGui::Begin("Time", nullptr, fixed_window | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
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

void LessonPanel::draw(VisualizerState& state, LessonSession& session, const Rect& area) {
  LessonRun& run = session.run();
  const auto& records = run.world().simulator.trace().records();

  // The event log tints what this step ran (nothing while a prediction waits: it has not run).
  state.marked_records.reset();
  if (run.step_index() && !run.finished() && run.phase() != LessonRun::Phase::predict &&
      run.window_end() > run.window_begin()) {
    state.marked_records = std::make_pair(run.window_begin(), run.window_end());
  }

  // After a step ran, point the canvas and inspector at what the step stopped at.
  if (run.step_index() != focused_step && run.phase() != LessonRun::Phase::predict) {
    focused_step = run.step_index();
    if (auto record = session.focus_record()) {
      state.selection.record = record;
      if (!records[*record].message.empty()) state.selection.message = records[*record].message;
    }
  }

  ImGui::SetNextWindowPos(ImVec2(float(area.x), float(area.y)));
  ImGui::SetNextWindowSize(ImVec2(float(area.width), float(area.height)));
  ImGui::Begin("Lesson", nullptr, fixed_window);
  const float unit = ImGui::GetFontSize();

  ImGui::PushStyleColor(ImGuiCol_Text, accent_color);
  text_wrapped(run.lesson().title);
  ImGui::PopStyleColor();
  ImGui::TextDisabled("score %zu/%zu", run.score(), run.max_score());
  ImGui::Separator();

  // The step's text scrolls; the records it ran get a region of their own below it (a long
  // narration must not push them out of sight); the controls stay at the bottom.
  const float footer = ImGui::GetFrameHeightWithSpacing() * 1.3f;
  const lessons::Step* step = run.current_step();
  bool earlier = false;
  std::vector<std::size_t> shown;
  if (step && !run.finished()) shown = session.displayed_records(&earlier);
  // (Nothing to list while a prediction waits: the step has not run.)
  const bool list_records = step && !run.finished() && run.phase() != LessonRun::Phase::predict &&
                            (!shown.empty() || step->show);
  const std::size_t limit_wanted = step && step->show ? std::size_t(std::max(step->show->limit, 1)) : 40;
  const std::size_t limit = std::min(shown.size(), limit_wanted);
  // While a question waits it comes first: the records scroll with the text, as before.
  const bool records_below = list_records && !run.pending_question();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float records_height =
      records_below ? line * (float(std::min<std::size_t>(std::max<std::size_t>(limit, 1), 6)) + 1.6f) +
                          ImGui::GetStyle().ScrollbarSize  // the horizontal one, for long lines
                    : 0.0f;
  auto draw_records = [&] {
    if (earlier) {
      ImGui::TextDisabled("from the step before (click one to inspect it):");
    } else {
      ImGui::TextDisabled("what happened (%zu of %zu records; click one to inspect it):", shown.size(),
                          run.window_end() - run.window_begin());
    }
    for (std::size_t i = 0; i < limit; ++i) {
      const auto& record = records[shown[i]];
      ImGui::PushID(int(i));
      const bool selected = state.selection.record && *state.selection.record == shown[i];
      std::string text = engine::format_seconds(record.time) + "  " + record.node;
      if (!record.peer.empty()) text += " -> " + record.peer;
      const std::string caption = record.kind == engine::TraceKind::hop ? hop_caption(record) : record.summary;
      text += "  " + (record.protocol.empty() ? "" : record.protocol + " ") + caption;
      padlock_icon(state.padlock(shown[i]));  // a blank of the same width when none: rows stay aligned
      ImGui::PushStyleColor(ImGuiCol_Text, record_color(record));
      if (ImGui::Selectable(text.c_str(), selected)) {
        state.selection.record = shown[i];
        if (!record.message.empty()) state.selection.message = record.message;
      }
      ImGui::PopStyleColor();
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
      ImGui::PopID();
    }
    if (shown.size() > limit) ImGui::TextDisabled("... and %zu more", shown.size() - limit);
  };
  ImGui::BeginChild("step", ImVec2(0, -(footer + records_height)), false);
  // Everything a student must read whole (narration, question, answers, feedback) is measured:
  // how far it reaches past the panel's right edge, where the window would cut it off.
  ImGui::BeginGroup();
  bool measured = false;
  auto measure = [&] {
    ImGui::EndGroup();
    measured = true;
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    widest_overflow = std::max(0.0f, ImGui::GetItemRectMax().x - right);
  };
  if (run.finished()) {
    ImGui::TextColored(accent_color, "Finished");
    ImGui::Text("score: %zu/%zu", run.score(), run.max_score());
    ImGui::Spacing();
    for (const auto& answer : run.answers()) {
      ImGui::PushStyleColor(ImGuiCol_Text, answer.correct ? good_color : bad_color);
      text_wrapped(std::string(answer.correct ? "right" : "wrong") + " step " + std::to_string(answer.step + 1) +
                   (answer.prediction ? " prediction: " : " quiz: ") + (answer.skipped ? "(skipped)" : answer.given));
      ImGui::PopStyleColor();
    }
  } else if (!step) {
    ImGui::TextColored(accent_color, "Introduction");
    if (!run.lesson().description.empty()) {
      for (const auto& block : narration_blocks(run.lesson().description)) {
        if (block.kind == NarrationBlock::Kind::blank) ImGui::Spacing();
        else text_wrapped(block.text);
      }
    }
    ImGui::Spacing();
    ImGui::TextDisabled("%zu steps, %zu questions. Press Next step to begin.", run.step_count(), run.max_score());
  } else {
    ImGui::TextColored(accent_color, "%s", session.step_label().c_str());
    ImGui::Spacing();
    for (const auto& block : narration_blocks(step->say)) {
      switch (block.kind) {
        case NarrationBlock::Kind::blank: ImGui::Spacing(); break;
        // Kept on its own line, but wrapped when wider than the column (a table in the narration).
        case NarrationBlock::Kind::verbatim: text_wrapped(block.text); break;
        case NarrationBlock::Kind::list_item:
        case NarrationBlock::Kind::paragraph: text_wrapped(block.text); break;
      }
    }

    // Feedback on the last answer.
    if (const auto& feedback = session.feedback()) {
      ImGui::Spacing();
      ImGui::Separator();
      const char* what = feedback->prediction ? "Your prediction: " : "";
      if (feedback->correct) {
        ImGui::TextColored(good_color, "%sright.", what);
      } else {
        ImGui::PushStyleColor(ImGuiCol_Text, bad_color);
        text_wrapped(std::string(what) + (feedback->skipped ? "skipped" : "not quite") + ": the answer is " +
                     feedback->right_answer + ".");
        ImGui::PopStyleColor();
      }
      if (!feedback->explanation.empty()) {
        for (const auto& block : narration_blocks(feedback->explanation)) {
          if (block.kind != NarrationBlock::Kind::blank) text_wrapped(block.text);
        }
      }
    }

    // The pending question.
    if (const lessons::Quiz* quiz = run.pending_question()) {
      ImGui::Spacing();
      ImGui::Separator();
      ImGui::TextColored(accent_color, "%s %zu/%zu", run.pending_is_prediction() ? "Predict" : "Question",
                         run.question_number(), run.max_score());
      text_wrapped(quiz->question);
      if (quiz->multiple_choice()) {
        // Each choice wraps beside its button (a radio button's own label never wraps, and a long
        // answer would be cut at the panel's edge); a click on the text picks it too.
        for (std::size_t i = 0; i < quiz->choices.size(); ++i) {
          ImGui::PushID(int(i));
          ImGui::RadioButton("##choice", &choice, int(i));
          ImGui::SameLine();
          ImGui::BeginGroup();
          text_wrapped(std::string(1, char('a' + i)) + ") " + quiz->choices[i]);
          ImGui::EndGroup();
          if (ImGui::IsItemClicked()) choice = int(i);
          ImGui::PopID();
        }
      } else {
        ImGui::SetNextItemWidth(unit * 10);
        ImGui::InputText("##answer", &free_answer);
      }
      const bool ready = quiz->multiple_choice() ? choice >= 0 : !free_answer.empty();
      if (!ready) ImGui::BeginDisabled();
      if (ImGui::Button("Submit")) {
        std::string text = quiz->multiple_choice() ? std::to_string(choice + 1) : free_answer;
        state.after_frame.push_back([&session, this, text] {
          if (session.submit(text)) {
            free_answer.clear();
            choice = -1;
          }
        });
      }
      if (!ready) ImGui::EndDisabled();
      ImGui::SameLine();
      if (ImGui::SmallButton("skip")) {
        state.after_frame.push_back([&session, this] {
          session.skip();
          free_answer.clear();
          choice = -1;
        });
      }
      if (!session.problem().empty()) ImGui::TextColored(bad_color, "%s", session.problem().c_str());
    }
    // What the step ran and showed (hidden while a prediction waits: the step has not run).
    if (run.phase() != LessonRun::Phase::predict && step->run) {
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

    measure();  // the records' lines scroll sideways when long: not measured
    if (list_records && !records_below) {
      ImGui::Spacing();
      ImGui::Separator();
      draw_records();
    }
  }
  if (!measured) measure();
  ImGui::EndChild();

  if (records_below) {
    ImGui::Separator();
    ImGui::BeginChild("records", ImVec2(0, records_height - ImGui::GetStyle().ItemSpacing.y), false,
                      ImGuiWindowFlags_HorizontalScrollbar);
    draw_records();
    ImGui::EndChild();
  }

  // Footer: the one way time moves (Back replays the lesson to the step before).
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
  if (ImGui::Button(label, ImVec2(unit * 7, 0))) {
    queue_next_step(state, session, *this);
  }
  if (!can_advance) ImGui::EndDisabled();
  ImGui::SameLine();
  if (run.pending_question()) ImGui::TextDisabled("answer the question first");
  else if (run.finished()) ImGui::Text("score: %zu/%zu", run.score(), run.max_score());
  else ImGui::TextDisabled("score %zu/%zu", run.score(), run.max_score());
  ImGui::End();
}

}  // namespace maillab::viz
