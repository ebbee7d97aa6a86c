// Reading a lesson step: narration, predict/quiz questions, the run instruction (a time or a
// checkpoint pattern) and the show filter. The key lists here are the format lessons/README.md
// documents; keep the two in step.
#include "lessons/lesson_loader_steps.h"

#include <cctype>
#include <limits>

#include "protocols/common/ascii_case.h"
#include "scenarios/diagnostics.h"

namespace maillab::lessons::loader {
namespace {

using scenarios::LoadContext;

constexpr engine::TraceKind all_kinds[] = {engine::TraceKind::hop,      engine::TraceKind::drop,
                                           engine::TraceKind::transport, engine::TraceKind::protocol,
                                           engine::TraceKind::mail,      engine::TraceKind::cache,
                                           engine::TraceKind::fault,     engine::TraceKind::note};
constexpr std::size_t max_choices = 6;

std::string kind_list() {
  std::string list;
  for (auto kind : all_kinds) list += (list.empty() ? "" : ", ") + std::string(engine::to_string(kind));
  return list;
}

std::optional<engine::TraceKind> read_kind(const YAML::Node& node, std::string_view what, LoadContext& context) {
  auto text = context.text(node, what);
  if (!text) return std::nullopt;
  std::vector<std::string> names;
  for (auto kind : all_kinds) {
    if (*text == engine::to_string(kind)) return kind;
    names.emplace_back(engine::to_string(kind));
  }
  context.error(node, "unknown trace kind '" + *text + "'" + scenarios::did_you_mean(*text, names),
                "one of: " + kind_list());
  return std::nullopt;
}

// The pattern keys shared by run_until and show. Returns false after reporting errors.
bool read_pattern(const YAML::Node& map, std::string_view what, TracePattern& pattern, LoadContext& context) {
  bool ok = true;
  if (const YAML::Node kinds = map["kind"]) {
    if (kinds.IsSequence()) {
      if (kinds.size() == 0) {
        context.error(kinds, std::string(what) + " kind is an empty list", "one or more of: " + kind_list());
        ok = false;
      }
      for (const auto& item : kinds) {
        if (auto kind = read_kind(item, std::string(what) + " kind", context)) pattern.kinds.push_back(*kind);
        else ok = false;
      }
    } else if (auto kind = read_kind(kinds, std::string(what) + " kind", context)) {
      pattern.kinds.push_back(*kind);
    } else {
      ok = false;
    }
  }
  auto field = [&](const char* key, std::optional<std::string>& into) {
    if (!map[key]) return;
    into = context.text(map[key], std::string(what) + " " + key);
    if (!into) ok = false;
    else if (into->empty()) {
      context.error(map[key], std::string(what) + " " + key + " is empty", "a non-empty text");
      ok = false;
    }
  };
  field("node", pattern.node);
  field("peer", pattern.peer);
  field("protocol", pattern.protocol);
  field("message", pattern.message);
  if (const YAML::Node between = map["between"]) {
    auto names = context.text_list(between, std::string(what) + " between");
    if (!names || names->size() != 2 || (*names)[0].empty() || (*names)[1].empty()) {
      if (names) context.error(between, std::string(what) + " between needs exactly two names", "[alice-laptop, mail.example.com]");
      ok = false;
    } else {
      pattern.between = std::make_pair((*names)[0], (*names)[1]);
    }
  }
  if (const YAML::Node summary = map["summary_contains"]) {
    // One text, or a list: any of them.
    std::optional<std::vector<std::string>> parts;
    if (summary.IsSequence()) {
      parts = context.text_list(summary, std::string(what) + " summary_contains");
    } else if (auto text = context.text(summary, std::string(what) + " summary_contains")) {
      parts = std::vector<std::string>{std::move(*text)};
    }
    if (!parts) {
      ok = false;
    } else if (parts->empty() || std::any_of(parts->begin(), parts->end(), [](const auto& part) { return part.empty(); })) {
      context.error(summary, std::string(what) + " summary_contains is empty", "a non-empty text, or a list of them");
      ok = false;
    } else {
      pattern.summary_contains = std::move(*parts);
    }
  }
  return ok;
}

std::optional<RunInstruction> read_run_until(const YAML::Node& node, LoadContext& context) {
  RunInstruction run;
  run.where = context.location(node);
  if (node.IsScalar()) {
    if (node.Scalar() == "end") {
      run.mode = RunInstruction::Mode::until_end;
      return run;
    }
    auto time = context.duration(node, "run_until");
    if (!time) return std::nullopt;
    run.mode = RunInstruction::Mode::until_time;
    run.time = *time;
    return run;
  }
  if (!node.IsMap()) {
    context.error(node, "run_until is " + LoadContext::describe(node),
                  "a time (5s), 'end', or a checkpoint pattern like {kind: protocol, protocol: DNS}");
    return std::nullopt;
  }
  if (!context.check_keys(node, "run_until", {},
                          {"kind", "node", "peer", "between", "protocol", "message", "summary_contains", "count", "within"}))
    return std::nullopt;
  run.mode = RunInstruction::Mode::until_checkpoint;
  bool ok = read_pattern(node, "run_until", run.pattern, context);
  bool has_pattern = false;
  for (const char* key : {"kind", "node", "peer", "between", "protocol", "message", "summary_contains"})
    has_pattern = has_pattern || node[key];
  if (!has_pattern) {
    context.error(node, "run_until has no pattern", "at least one of kind, node, peer, between, protocol, message, summary_contains");
    ok = false;
  }
  if (node["count"]) {
    auto count = context.integer(node["count"], "run_until count", 1, 1'000'000);
    if (count) run.count = static_cast<int>(*count);
    else ok = false;
  }
  if (node["within"]) {
    auto within = context.duration(node["within"], "run_until within");
    if (within && *within == 0) {
      context.error(node["within"], "run_until within is 0s", "a duration above 0s");
      ok = false;
    } else if (within) {
      run.within = *within;
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return run;
}

std::optional<ShowInstruction> read_show(const YAML::Node& node, LoadContext& context) {
  ShowInstruction show;
  show.where = context.location(node);
  if (node.IsScalar() && node.Scalar() == "all") return show;
  if (!node.IsMap()) {
    context.error(node, "show is " + LoadContext::describe(node),
                  "'all' or a filter map like {kind: [hop, drop], protocol: DNS, limit: 20}");
    return std::nullopt;
  }
  if (!context.check_keys(node, "show", {},
                          {"kind", "node", "peer", "between", "protocol", "message", "summary_contains", "acks", "limit"}))
    return std::nullopt;
  bool ok = read_pattern(node, "show", show.pattern, context);
  if (node["acks"]) {
    auto acks = context.boolean(node["acks"], "show acks");
    if (acks) show.acknowledgements = *acks;
    else ok = false;
  }
  if (node["limit"]) {
    auto limit = context.integer(node["limit"], "show limit", 1, 10'000);
    if (limit) show.limit = static_cast<int>(*limit);
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return show;
}

// "b", "B" or a 1-based number "2" naming one of `count` choices.
std::optional<std::size_t> read_answer_index(const YAML::Node& node, std::size_t count, LoadContext& context) {
  std::string expected = "a letter a-" + std::string(1, static_cast<char>('a' + count - 1)) + " or a number 1-" +
                         std::to_string(count) + " (counting from 1)";
  if (!node.IsScalar()) {
    context.error(node, "quiz answer is " + LoadContext::describe(node), expected);
    return std::nullopt;
  }
  const std::string& text = node.Scalar();
  if (text.size() == 1 && std::isalpha(static_cast<unsigned char>(text[0]))) {
    std::size_t index = static_cast<std::size_t>(common::to_lower(text[0]) - 'a');
    if (index < count) return index;
    context.error(node, "quiz answer '" + text + "' is out of range: there are " + std::to_string(count) + " choices",
                  expected);
    return std::nullopt;
  }
  bool digits = !text.empty() && text.size() <= 3 && text.find_first_not_of("0123456789") == std::string::npos;
  if (digits) {
    std::size_t number = std::stoul(text);
    if (number >= 1 && number <= count) return number - 1;
    context.error(node, "quiz answer " + text + " is out of range: there are " + std::to_string(count) + " choices",
                  expected);
    return std::nullopt;
  }
  context.error(node, "quiz answer '" + text + "' is not a letter or a number", expected);
  return std::nullopt;
}

// id:, graded:, second_try:, question: and explain:. False after an error.
bool read_quiz_text(const YAML::Node& node, const std::string& what, Quiz& quiz, LoadContext& context) {
  bool ok = true;
  if (node["id"]) {
    auto id = context.text(node["id"], what + " id");
    if (id && !id->empty() && id->find_first_of(" ,\"\n") == std::string::npos) quiz.id = *id;
    else {
      if (id) context.error(node["id"], what + " id '" + *id + "' is not one word", "a short name without spaces or commas (a gradebook column)");
      ok = false;
    }
  }
  if (node["graded"]) {
    if (auto graded = context.boolean(node["graded"], what + " graded")) quiz.graded = *graded;
    else ok = false;
  }
  if (node["second_try"]) {
    if (auto credit = context.number(node["second_try"], what + " second_try", 0, 1)) quiz.second_try = *credit;
    else ok = false;
  }
  if (auto question = context.text(node["question"], what + " question")) quiz.question = *question;
  else ok = false;
  if (node["explain"]) {
    if (auto explain = context.text(node["explain"], what + " explain")) quiz.explanation = *explain;
    else ok = false;
  }
  return ok;
}

// One entry of choices:: its text, or {text: ..., why: ...} (why is shown to whoever picks it).
bool read_choice(const YAML::Node& item, const std::string& what, Quiz& quiz, LoadContext& context) {
  if (!item.IsMap()) {
    auto text = context.text(item, what + " choice");
    if (!text) return false;
    quiz.choices.push_back(*text);
    quiz.choice_explanations.emplace_back();
    return true;
  }
  if (!context.check_keys(item, what + " choice", {"text", "why"}, {})) return false;
  auto text = context.text(item["text"], what + " choice text");
  auto why = context.text(item["why"], what + " choice why");
  if (!text || !why) return false;
  quiz.choices.push_back(*text);
  quiz.choice_explanations.push_back(*why);
  return true;
}

// A multiple-choice question: choices: (2 to 6) and answer:. False to give up on the quiz at
// once; an error after which reading goes on sets `ok` to false.
bool read_choices(const YAML::Node& node, const std::string& what, Quiz& quiz, LoadContext& context, bool& ok) {
  const YAML::Node choices = node["choices"], answer = node["answer"], accept = node["accept"];
  if (accept) {
    context.error(accept, what + " has both choices and accept",
                  "choices: with answer: (multiple choice), or accept: alone (free text)");
    ok = false;
  }
  if (!choices.IsSequence()) {
    context.error(choices, what + " choices is " + LoadContext::describe(choices), "a list of 2 to 6 choices");
    return false;
  }
  if (choices.size() < 2 || choices.size() > max_choices) {
    context.error(choices, what + " has " + std::to_string(choices.size()) +
                               (choices.size() == 1 ? " choice" : " choices"),
                  "2 to 6 choices");
    ok = false;
  }
  for (const auto& item : choices)
    if (!read_choice(item, what, quiz, context)) ok = false;
  if (!answer) {
    context.error(node, what + " has choices but no 'answer'",
                  "answer: the letter (a, b, ...) or number (1, 2, ...) of the right choice");
    ok = false;
  } else if (ok) {
    if (auto index = read_answer_index(answer, quiz.choices.size(), context)) quiz.correct_choice = *index;
    else ok = false;
  }
  return true;
}

// A free-text question: accept: [accepted answers]. False after an error.
bool read_accepted(const YAML::Node& node, const std::string& what, Quiz& quiz, LoadContext& context) {
  const YAML::Node answer = node["answer"], accept = node["accept"];
  bool ok = true;
  if (answer) {
    context.error(answer, what + " has 'answer' without 'choices'",
                  "choices: with answer:, or accept: [accepted answers] for a free-text question");
    ok = false;
  }
  auto values = context.text_list(accept, what + " accept");
  if (!values) return false;
  if (values->empty()) {
    context.error(accept, what + " accept is an empty list", "one or more accepted answers");
    ok = false;
  }
  for (const auto& value : *values) {
    if (value.find_first_not_of(" \t") == std::string::npos) {
      context.error(accept, what + " accepts an empty answer", "non-empty accepted answers");
      ok = false;
    }
  }
  quiz.accepted = *values;
  return ok;
}

std::optional<Quiz> read_quiz(const YAML::Node& node, std::string_view what_view, LoadContext& context) {
  if (!context.check_keys(node, what_view, {"question"}, {"id", "choices", "answer", "accept", "explain", "graded", "second_try"}))
    return std::nullopt;
  const std::string what(what_view);
  Quiz quiz;
  quiz.where = context.location(node);
  bool ok = read_quiz_text(node, what, quiz, context);
  if (node["choices"]) {
    if (!read_choices(node, what, quiz, context, ok)) return std::nullopt;
  } else if (node["accept"]) {
    ok = read_accepted(node, what, quiz, context) && ok;
  } else {
    context.error(node, what + " has neither 'choices' nor 'accept'",
                  "choices: [..] with answer: b (multiple choice), or accept: [\"3\"] (free text)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return quiz;
}

}  // namespace

std::optional<Step> read_step(const YAML::Node& node, std::size_t index, LoadContext& context) {
  const std::string what = "step " + std::to_string(index + 1);
  if (!node.IsMap()) {
    context.error(node, what + " is " + LoadContext::describe(node), "a map with say: and optionally run_until:, show:, quiz:");
    return std::nullopt;
  }
  bool ok = context.check_keys(node, what, {"say"},
                               {"title", "predict", "run_until", "run_for", "show", "quiz"});
  Step step;
  step.where = context.location(node);
  if (node["title"]) {
    if (auto title = context.text(node["title"], what + " title")) step.title = *title;
    else ok = false;
  }
  if (node["say"]) {
    if (auto say = context.text(node["say"], what + " say")) step.say = *say;
    else ok = false;
  }
  if (node["run_until"] && node["run_for"]) {
    context.error(node["run_for"], what + " has both run_until and run_for", "one of them");
    ok = false;
  } else if (node["run_until"]) {
    step.run = read_run_until(node["run_until"], context);
    ok = ok && step.run;
  } else if (node["run_for"]) {
    auto duration = context.duration(node["run_for"], what + " run_for");
    if (duration) {
      RunInstruction run;
      run.mode = RunInstruction::Mode::for_duration;
      run.time = *duration;
      run.where = context.location(node["run_for"]);
      step.run = run;
    } else {
      ok = false;
    }
  }
  if (node["show"]) {
    step.show = read_show(node["show"], context);
    ok = ok && step.show;
  }
  if (node["predict"]) {
    step.predict = read_quiz(node["predict"], what + " predict", context);
    ok = ok && step.predict;
    if (step.predict && step.predict->id.empty()) step.predict->id = "s" + std::to_string(index + 1) + ".predict";
    if (!step.run && !node["run_until"] && !node["run_for"]) {
      context.error(node["predict"], what + " asks to predict but runs nothing",
                    "run_until: or run_for: in the same step (predict, then observe)");
      ok = false;
    }
  }
  if (node["quiz"]) {
    step.quiz = read_quiz(node["quiz"], what + " quiz", context);
    ok = ok && step.quiz;
    if (step.quiz && step.quiz->id.empty()) step.quiz->id = "s" + std::to_string(index + 1) + ".quiz";
  }
  if (!ok) return std::nullopt;
  return step;
}

bool check_step_against_world(const YAML::Node& node, const Step& step, LoadContext& context,
                              const scenarios::World& world) {
  std::vector<std::string> names;
  for (const auto& info : world.network.nodes()) names.push_back(info.name);
  bool ok = true;
  auto check = [&](const YAML::Node& at, const std::string& name, std::string_view what) {
    for (const auto& known : names)
      if (known == name) return;
    context.error(at, "node '" + name + "' is not in the scenario (" + std::string(what) + ")" +
                          scenarios::did_you_mean(name, names),
                  "the name of a host or router of the scenario");
    ok = false;
  };
  // Every name a pattern gives (node, peer, between) must be a node of the scenario.
  auto check_pattern = [&](const YAML::Node& map, const TracePattern& pattern, const std::string& what) {
    if (!map || !map.IsMap()) return;  // run_for, or a time: no pattern
    if (pattern.node) check(map["node"], *pattern.node, what + " node");
    if (pattern.peer) check(map["peer"], *pattern.peer, what + " peer");
    if (pattern.between) {
      check(map["between"], pattern.between->first, what + " between");
      check(map["between"], pattern.between->second, what + " between");
    }
  };
  if (step.run) check_pattern(node["run_until"], step.run->pattern, "run_until");
  if (step.show) check_pattern(node["show"], step.show->pattern, "show");
  return ok;
}

}  // namespace maillab::lessons::loader
