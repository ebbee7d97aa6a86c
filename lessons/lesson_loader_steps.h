// Internal to the lesson loader: reading one step (and its quiz, run and show instructions).
// Each function reports every problem through the LoadContext and returns nullopt if any.
#pragma once

#include <optional>

#include <yaml-cpp/yaml.h>

#include "lessons/lesson.h"
#include "scenarios/load_context.h"

namespace maillab::lessons::loader {

std::optional<Step> read_step(const YAML::Node& node, std::size_t index, scenarios::LoadContext& context);

// Checks a finished step against the scenario World it will run over: node names in patterns
// exist (with "did you mean"). Reports errors; returns false if any.
bool check_step_against_world(const YAML::Node& node, const Step& step, scenarios::LoadContext& context,
                              const scenarios::World& world);

}  // namespace maillab::lessons::loader
