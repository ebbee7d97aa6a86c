#include "lessons/result_file.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "engine/core/trace_writers.h"

namespace maillab::lessons {

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

std::string json_string(const std::string& text) { return "\"" + engine::json_escape(text) + "\""; }

std::string number_text(double value, int decimals) {
  if (std::isnan(value) || std::isinf(value)) return "0";
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string text = buffer;
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

Result new_result(std::string kind, std::string student, std::string activity, int version, std::string started,
                  std::string finished) {
  Result result;
  result.kind = std::move(kind);
  result.student = std::move(student);
  result.activity = std::move(activity);
  result.version = version;
  result.started = std::move(started);
  result.finished = std::move(finished);
  return result;
}

void write_result_json(const Result& result, std::ostream& out) {
  out << "{\n  \"maillab_result\": 1,\n  \"kind\": " << json_string(result.kind) << ",\n  \"student\": "
      << json_string(result.student) << ",\n  \"activity\": " << json_string(result.activity)
      << ",\n  \"version\": " << result.version << ",\n  \"started\": " << json_string(result.started)
      << ",\n  \"finished\": " << json_string(result.finished) << ",\n  \"items\": [";
  for (std::size_t i = 0; i < result.items.size(); ++i) {
    const ResultItem& item = result.items[i];
    out << (i ? "," : "") << "\n    {\"id\": " << json_string(item.id) << ", \"text\": " << json_string(item.text)
        << ", \"answer\": " << json_string(item.answer) << ", \"right\": " << (item.right ? "true" : "false")
        << ", \"attempts\": " << item.attempts << ", \"graded\": " << (item.graded ? "true" : "false")
        << ", \"points\": " << number_text(item.points, 4) << ", \"max_points\": " << number_text(item.max_points, 4) << "}";
  }
  out << (result.items.empty() ? "" : "\n  ") << "],\n  \"hints_used\": " << result.hints_used
      << ",\n  \"hint_penalty\": " << number_text(result.hint_penalty, 4) << ",\n  \"score\": " << number_text(result.score, 4)
      << ",\n  \"max_score\": " << number_text(result.max_score, 4) << ",\n  \"percent\": " << number_text(result.percent(), 4)
      << "\n}\n";
}

bool write_result_file(const Result& result, const std::string& path, std::string& error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) write_result_json(result, out);
  if (!out) {
    error = "cannot write the result file '" + path + "'";
    return false;
  }
  return true;
}

std::optional<Result> read_result_json(const std::string& text, const std::string& file, std::string& error) {
  // JSON is YAML 1.2 (as far as what write_result_json writes goes), so yaml-cpp reads it and
  // gives the place of a syntax error.
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    error = file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
            ": error: not JSON: " + e.msg;
    return std::nullopt;
  }
  if (!root.IsMap() || !root["maillab_result"]) {
    error = file + ": error: not a maillab result file (no \"maillab_result\" key; write one with --result)";
    return std::nullopt;
  }
  try {
    Result result;
    result.kind = root["kind"].as<std::string>();
    result.student = root["student"].as<std::string>();
    result.activity = root["activity"].as<std::string>();
    result.version = root["version"].as<int>();
    result.started = root["started"].as<std::string>("");
    result.finished = root["finished"].as<std::string>("");
    for (const auto& node : root["items"]) {
      ResultItem item;
      item.id = node["id"].as<std::string>();
      item.text = node["text"].as<std::string>("");
      item.answer = node["answer"].as<std::string>("");
      item.right = node["right"].as<bool>();
      item.attempts = node["attempts"].as<int>(0);
      item.graded = node["graded"].as<bool>(true);
      item.points = node["points"].as<double>(0);
      item.max_points = node["max_points"].as<double>(1);
      result.items.push_back(std::move(item));
    }
    result.hints_used = root["hints_used"].as<int>(0);
    result.hint_penalty = root["hint_penalty"].as<double>(0);
    result.score = root["score"].as<double>();
    result.max_score = root["max_score"].as<double>();
    if (result.student.empty() || result.activity.empty()) {
      error = file + ": error: the result has no student or activity id";
      return std::nullopt;
    }
    return result;
  } catch (const YAML::Exception& e) {
    error = file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
            ": error: not a maillab result file: a key is missing or has the wrong type (" + e.msg + ")";
    return std::nullopt;
  }
}

std::optional<Result> read_result_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": error: cannot read the file";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return read_result_json(text.str(), path, error);
}

}  // namespace maillab::lessons
