#include "exercises/world_editor.h"

#include <deque>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

#include "lessons/variables.h"

namespace maillab::exercises {
namespace {

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

std::string joined(const YAML::Node& list, const std::string& separator) {
  std::string out;
  if (!list || !list.IsSequence()) return out;
  for (const auto& item : list) out += (out.empty() ? "" : separator) + item.as<std::string>("");
  return out;
}

// Text split at `separators`, each part trimmed, empty parts dropped.
std::vector<std::string> split(const std::string& text, const std::string& separators) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : text + separators.front()) {
    if (separators.find(c) == std::string::npos) {
      part += c;
      continue;
    }
    if (!trim(part).empty()) parts.push_back(trim(part));
    part.clear();
  }
  return parts;
}

bool whole_number(const std::string& text, long long low, long long high) {
  if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  const long long value = std::stoll(text);
  return value >= low && value <= high;
}

// A line split into its YAML content and its comment: a '#' at the start or after a space,
// outside a quoted scalar (one that opens after ':', '-', '[', '{' or ',').
std::pair<std::string, std::string> split_comment(const std::string& line) {
  char quote = 0;
  char last = ':';  // the last non-space character before this one
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if ((c == '"' || c == '\'') && std::string_view(":-[{,").find(last) != std::string_view::npos) {
      quote = c;
    } else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return {line.substr(0, i), line.substr(i)};
    }
    if (c != ' ' && c != '\t') last = c;
  }
  return {line, ""};
}

// What two lines written by different emitters have in common: the text without quotes and spaces.
std::string line_key(const std::string& content) {
  std::string key;
  for (char c : content)
    if (c != '"' && c != '\'' && c != ' ' && c != '\t') key += c;
  return key;
}

// yaml-cpp drops comments. Puts the original block's comments back: a comment line goes above
// the emitted line that matches the line it stood above, a trailing comment after the emitted
// line that matches its line. Lines the edit changed lose theirs; blank lines between entries
// are kept the same way.
std::string with_comments(const std::string& original_block, const std::string& emitted) {
  struct Kept {
    std::vector<std::string> above;  // comment and blank lines, verbatim
    std::string trailing;
  };
  std::map<std::string, std::deque<Kept>> by_line;
  std::vector<std::string> pending;
  bool started = false;
  std::istringstream original(original_block);
  for (std::string line; std::getline(original, line);) {
    const auto [content, comment] = split_comment(line);
    if (trim(content).empty()) {
      if (started || !comment.empty()) pending.push_back(comment.empty() ? "" : line);
      continue;
    }
    started = true;
    by_line[line_key(content)].push_back({std::move(pending), comment});
    pending.clear();
  }
  std::string out;
  std::istringstream lines(emitted);
  for (std::string line; std::getline(lines, line);) {
    auto found = by_line.find(line_key(line));
    if (found == by_line.end() || found->second.empty()) {
      out += line + "\n";
      continue;
    }
    const Kept kept = std::move(found->second.front());
    found->second.pop_front();
    for (const auto& above : kept.above) out += above + "\n";
    out += line + (kept.trailing.empty() ? "" : "  " + kept.trailing) + "\n";
  }
  for (const auto& left : pending)
    if (!left.empty()) out += left + "\n";  // comments after the last entry
  return out;
}

// Everything up to and including the exercise: line.
std::string header_text(const WorkFile& work) {
  std::string out;
  std::istringstream lines(work.text);
  int number = 0;
  for (std::string line; number < work.header_line && std::getline(lines, line);) {
    ++number;
    out += line + "\n";
  }
  return out;
}

}  // namespace

std::optional<WorldEditor> WorldEditor::open(const std::string& work_path, scenarios::Diagnostics& diagnostics) {
  auto work = read_work_file(work_path, diagnostics);
  if (!work) return std::nullopt;
  auto parsed = lessons::parse_yaml_text(work->world_text, work_path, diagnostics);
  if (!parsed || !parsed->IsMap()) return std::nullopt;
  WorldEditor editor;
  editor.work_ = std::move(*work);
  editor.scenario_ = *parsed;
  editor.header_text_ = header_text(editor.work_);
  auto add = [&](EditableField::Kind kind, std::string label, std::string value, YAML::Node node) {
    editor.fields_.push_back({kind, std::move(label), std::move(value), node});
  };
  for (auto host : editor.scenario_["hosts"]) {
    if (!host.IsMap()) continue;
    const std::string name = host["name"].as<std::string>("?");
    if (host["dns_server"].IsMap()) {
      for (auto zone : host["dns_server"]["zones"])
        if (zone.IsMap() && zone["records"].IsSequence())
          add(EditableField::Kind::zone_records, name + ": zone " + zone["origin"].as<std::string>("?"),
              joined(zone["records"], "\n"), zone);
    }
    if (host["mta"].IsMap()) {
      add(EditableField::Kind::relay_domains, name + ": relay domains", joined(host["mta"]["relay_domains"], ", "), host["mta"]);
      // No outbound_tls: is "may" (scenarios/README.md, "TLS").
      add(EditableField::Kind::outbound_tls, name + ": outbound TLS", host["mta"]["outbound_tls"].as<std::string>("may"),
          host["mta"]);
    }
    if (host["mailboxes"].IsMap()) {
      for (auto user : host["mailboxes"]["users"])
        if (user.IsMap())
          add(EditableField::Kind::quota, name + ": quota of " + user["name"].as<std::string>("?"),
              user["quota"].as<std::string>(""), user);
    }
    if (host["mail_client"].IsMap()) {
      for (auto account : host["mail_client"]["accounts"]) {
        if (!account.IsMap() || !account["smtp"].IsMap()) continue;
        const std::string who = name + ": " + account["address"].as<std::string>("?");
        add(EditableField::Kind::smtp_server, who + " smtp server", account["smtp"]["server"].as<std::string>(""), account["smtp"]);
        add(EditableField::Kind::smtp_port, who + " smtp port", account["smtp"]["port"].as<std::string>(""), account["smtp"]);
      }
    }
  }
  for (auto link : editor.scenario_["links"]) {
    if (!link.IsMap() || !link["between"].IsSequence() || link["between"].size() != 2) continue;
    add(EditableField::Kind::link_up,
        "link " + link["between"][0].as<std::string>("?") + " - " + link["between"][1].as<std::string>("?"),
        link["up"].as<std::string>("true"), link);
  }
  return editor;
}

std::optional<std::size_t> WorldEditor::find(EditableField::Kind kind, const std::string& label_part) const {
  for (std::size_t i = 0; i < fields_.size(); ++i)
    if (fields_[i].kind == kind && fields_[i].label.find(label_part) != std::string::npos) return i;
  return std::nullopt;
}

bool WorldEditor::set(std::size_t index, const std::string& value, std::string& error) {
  if (index >= fields_.size()) {
    error = "no such field";
    return false;
  }
  EditableField& field = fields_[index];
  const std::string text = trim(value);
  switch (field.kind) {
    case EditableField::Kind::zone_records: {
      YAML::Node records(YAML::NodeType::Sequence);
      for (const auto& line : split(value, "\n")) records.push_back(line);
      if (records.size() == 0) {
        error = "a zone needs at least one record";
        return false;
      }
      field.node["records"] = records;
      field.value = joined(records, "\n");
      return true;
    }
    case EditableField::Kind::relay_domains: {
      const auto domains = split(value, ", ");
      if (domains.empty()) {
        field.node.remove("relay_domains");
      } else {
        YAML::Node list(YAML::NodeType::Sequence);
        list.SetStyle(YAML::EmitterStyle::Flow);
        for (const auto& domain : domains) list.push_back(domain);
        field.node["relay_domains"] = list;
      }
      field.value = joined(field.node["relay_domains"], ", ");
      return true;
    }
    case EditableField::Kind::outbound_tls:
      if (text != "may" && text != "encrypt" && text != "verify") {
        error = "outbound TLS is may, encrypt or verify, not '" + text + "'";
        return false;
      }
      field.node["outbound_tls"] = text;
      field.value = text;
      return true;
    case EditableField::Kind::quota:
      if (text.empty()) field.node.remove("quota");
      else if (whole_number(text, 1, 1'000'000'000'000)) field.node["quota"] = text;
      else {
        error = "a quota is a number of bytes (or empty for none), not '" + text + "'";
        return false;
      }
      field.value = text;
      return true;
    case EditableField::Kind::smtp_server:
      if (text.empty()) {
        error = "the account needs a server (a host's name or address)";
        return false;
      }
      field.node["server"] = text;
      field.value = text;
      return true;
    case EditableField::Kind::smtp_port:
      if (text.empty()) field.node.remove("port");
      else if (whole_number(text, 1, 65535)) field.node["port"] = text;
      else {
        error = "a port is a number from 1 to 65535, not '" + text + "'";
        return false;
      }
      field.value = text;
      return true;
    case EditableField::Kind::link_up:
      if (text != "true" && text != "false") {
        error = "a link is up (true) or down (false), not '" + text + "'";
        return false;
      }
      field.node["up"] = text == "true";
      field.value = text;
      return true;
  }
  return false;
}

std::string WorldEditor::text() const { return text_under(header_text_); }

std::string WorldEditor::text_under(const std::string& header) const {
  YAML::Emitter emitter;
  emitter << scenario_;
  std::string block;
  std::istringstream lines(emitter.c_str());
  for (std::string line; std::getline(lines, line);) block += (line.empty() ? "" : "  " + line) + "\n";
  return header + "scenario:\n" + with_comments(work_.world_text, block);
}

bool WorldEditor::save(std::string& error) const {
  // The header as it is on disk now: `maillab exercise hint` may have counted a hint since the
  // file was opened, and a save must not take that back.
  std::string header = header_text_;
  scenarios::Diagnostics ignored;
  if (auto now = read_work_file(work_.path, ignored);
      now && now->header.id == work_.header.id && now->header.student == work_.header.student)
    header = header_text(*now);
  const std::string out = text_under(header);
  std::ofstream file(work_.path, std::ios::binary | std::ios::trunc);
  if (file) file << out;
  if (!file) {
    error = "cannot write " + work_.path;
    return false;
  }
  return true;
}

}  // namespace maillab::exercises
