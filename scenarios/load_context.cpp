#include "scenarios/load_context.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>

#include "engine/net/network.h"
#include "scenarios/values.h"

namespace maillab::scenarios {

LoadContext::LoadContext(World& world_in, Diagnostics& diagnostics_in, std::string file)
    : world(world_in), diagnostics(diagnostics_in), file_(std::move(file)) {}

SourceLocation LoadContext::location(const YAML::Node& node) const {
  SourceLocation where{file_, 0, 0};
  if (!node.IsDefined()) return where;
  YAML::Mark mark = node.Mark();
  if (mark.line >= 0) {
    where.line = mark.line + 1;
    where.column = mark.column + 1;
  }
  return where;
}

void LoadContext::error(const YAML::Node& at, std::string_view what, std::string_view expected) {
  diagnostics.error(location(at), what, expected);
}
void LoadContext::error(const SourceLocation& at, std::string_view what, std::string_view expected) {
  diagnostics.error(at, what, expected);
}

std::string LoadContext::one_line(const YAML::Node& node) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << node;
  std::string text = out.c_str();
  for (char& c : text)
    if (c == '\n') c = ' ';
  return text;
}

std::string LoadContext::describe(const YAML::Node& node) {
  if (!node.IsDefined()) return "nothing";
  switch (node.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    default: return "nothing";
  }
}

bool LoadContext::require_map(const YAML::Node& node, std::string_view what) {
  if (node.IsMap()) return true;
  error(node, std::string(what) + " is " + describe(node), "a map of key: value");
  return false;
}

bool LoadContext::require_sequence(const YAML::Node& node, std::string_view what) {
  if (node.IsSequence()) return true;
  error(node, std::string(what) + " is " + describe(node), "a list (- item, or [a, b])");
  return false;
}

bool LoadContext::check_keys(const YAML::Node& map, std::string_view what,
                             std::initializer_list<std::string_view> required,
                             std::initializer_list<std::string_view> optional) {
  return check_keys(map, what, std::vector<std::string>(required.begin(), required.end()),
                    std::vector<std::string>(optional.begin(), optional.end()));
}

bool LoadContext::check_keys(const YAML::Node& map, std::string_view what, const std::vector<std::string>& required,
                             const std::vector<std::string>& optional) {
  if (!require_map(map, what)) return false;
  bool clean = true;
  std::vector<std::string> allowed = required;
  allowed.insert(allowed.end(), optional.begin(), optional.end());
  std::string allowed_list;
  for (const auto& key : allowed) allowed_list += (allowed_list.empty() ? "" : ", ") + key;
  std::set<std::string> seen;
  for (const auto& entry : map) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) {
      error(key, "a key in " + std::string(what) + " is " + describe(key), "a plain word");
      clean = false;
      continue;
    }
    const std::string& name = key.Scalar();
    if (!seen.insert(name).second) {
      error(key, "key '" + name + "' appears twice in " + std::string(what), "each key once");
      clean = false;
      continue;
    }
    bool known = false;
    for (const auto& a : allowed) known = known || a == name;
    if (!known) {
      error(key, "unknown key '" + name + "' in " + std::string(what) + did_you_mean(name, allowed),
            "one of: " + allowed_list);
      clean = false;
    }
  }
  for (const auto& key : required) {
    if (!seen.count(key)) {
      const bool vowel = std::string_view("aeiou").find(key.front()) != std::string_view::npos;
      error(map, std::string(what) + " has no '" + key + "'", (vowel ? "an '" : "a '") + key + ":' entry");
      clean = false;
    }
  }
  return clean;
}

std::optional<std::string> LoadContext::text(const YAML::Node& node, std::string_view what) {
  if (node.IsScalar()) return node.Scalar();
  error(node, std::string(what) + " is " + describe(node), "a text value");
  return std::nullopt;
}

std::optional<std::int64_t> LoadContext::integer(const YAML::Node& node, std::string_view what, std::int64_t min,
                                                 std::int64_t max) {
  std::string range = "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  if (!node.IsScalar()) {
    error(node, std::string(what) + " is " + describe(node), range);
    return std::nullopt;
  }
  const std::string& s = node.Scalar();
  errno = 0;
  char* end = nullptr;
  long long value = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno == ERANGE) {
    error(node, std::string(what) + " is '" + s + "', not a whole number", range);
    return std::nullopt;
  }
  if (value < min || value > max) {
    error(node, std::string(what) + " is " + s + ", out of range", range);
    return std::nullopt;
  }
  return value;
}

std::optional<double> LoadContext::number(const YAML::Node& node, std::string_view what, double min, double max) {
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "a number from %g to %g", min, max);
  if (!node.IsScalar()) {
    error(node, std::string(what) + " is " + describe(node), buffer);
    return std::nullopt;
  }
  const std::string& s = node.Scalar();
  char* end = nullptr;
  double value = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(value)) {
    error(node, std::string(what) + " is '" + s + "', not a number", buffer);
    return std::nullopt;
  }
  if (value < min || value > max) {
    error(node, std::string(what) + " is " + s + ", out of range", buffer);
    return std::nullopt;
  }
  return value;
}

std::optional<bool> LoadContext::boolean(const YAML::Node& node, std::string_view what) {
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  error(node, std::string(what) + " is " + describe(node), "true or false");
  return std::nullopt;
}

std::optional<engine::Time> LoadContext::duration(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) {
    error(node, std::string(what) + " is " + describe(node), duration_forms);
    return std::nullopt;
  }
  auto parsed = parse_duration(node.Scalar());
  if (!parsed.ok()) {
    error(node, "bad " + std::string(what) + ": " + parsed.error(), duration_forms);
    return std::nullopt;
  }
  return parsed.value();
}

std::optional<std::uint64_t> LoadContext::bandwidth(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) {
    error(node, std::string(what) + " is " + describe(node), bandwidth_forms);
    return std::nullopt;
  }
  auto parsed = parse_bandwidth(node.Scalar());
  if (!parsed.ok()) {
    error(node, "bad " + std::string(what) + ": " + parsed.error(), bandwidth_forms);
    return std::nullopt;
  }
  return parsed.value();
}

std::optional<engine::Address> LoadContext::address(const YAML::Node& node, std::string_view what) {
  constexpr std::string_view expected = "an IPv4 address like 10.0.0.1";
  if (!node.IsScalar()) {
    error(node, std::string(what) + " is " + describe(node), expected);
    return std::nullopt;
  }
  auto parsed = engine::parse_address(node.Scalar());
  if (!parsed) {
    error(node, "bad " + std::string(what) + " '" + node.Scalar() + "'", expected);
    return std::nullopt;
  }
  return parsed;
}

std::optional<std::uint16_t> LoadContext::port(const YAML::Node& node, std::string_view what) {
  auto value = integer(node, what, 1, 65535);
  if (!value) return std::nullopt;
  return static_cast<std::uint16_t>(*value);
}

std::optional<std::vector<std::string>> LoadContext::text_list(const YAML::Node& node, std::string_view what) {
  if (node.IsScalar()) return std::vector<std::string>{node.Scalar()};
  if (!node.IsSequence()) {
    error(node, std::string(what) + " is " + describe(node), "a text value or a list of them");
    return std::nullopt;
  }
  std::vector<std::string> values;
  bool clean = true;
  for (const auto& item : node) {
    auto value = text(item, "an item of " + std::string(what));
    if (value) values.push_back(*value);
    else clean = false;
  }
  if (!clean) return std::nullopt;
  return values;
}

std::vector<std::string> LoadContext::node_names() const {
  std::vector<std::string> names;
  for (const auto& node : world.network.nodes()) names.push_back(node.name);
  return names;
}

engine::Host* LoadContext::host(const YAML::Node& node, std::string_view what) {
  auto name = text(node, what);
  if (!name) return nullptr;
  if (auto* found = world.network.host(*name)) return found;
  if (auto address = engine::parse_address(*name)) {
    if (auto* found = world.network.host_at(*address)) return found;
    error(node, "no host has address " + *name + " (" + std::string(what) + ")", "the name or address of a host");
    return nullptr;
  }
  if (broken_names_.count(*name)) return nullptr;  // its declaration was already reported
  const engine::NodeInfo* info = world.network.node(*name);
  if (info && info->is_router) {
    error(node, std::string(what) + " '" + *name + "' is a router, not a host", "the name of a host");
    return nullptr;
  }
  std::vector<std::string> hosts;
  for (auto* h : world.network.hosts()) hosts.push_back(h->name());
  error(node, "unknown host '" + *name + "' (" + std::string(what) + ")" + did_you_mean(*name, hosts),
        "the name of a host declared under hosts:");
  return nullptr;
}

std::optional<std::string> LoadContext::node_name(const YAML::Node& node, std::string_view what) {
  auto name = text(node, what);
  if (!name) return std::nullopt;
  if (world.network.node(*name)) return name;
  if (broken_names_.count(*name)) return std::nullopt;
  error(node, "unknown node '" + *name + "' (" + std::string(what) + ")" + did_you_mean(*name, node_names()),
        "the name of a host or router");
  return std::nullopt;
}

}  // namespace maillab::scenarios
