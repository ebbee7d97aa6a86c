#include "scenarios/modules/loop_checks.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "protocols/common/ascii_case.h"

namespace maillab::scenarios {
namespace {

// Follows `next` from each start in order; calls `found` once per loop with its members in
// order, starting from the member met first. `next` gives the successors of a node.
template <typename Node, typename Next, typename Found>
void find_loops(const std::vector<Node>& starts, Next next, Found found) {
  std::set<Node> finished;
  std::set<std::set<Node>> reported;
  for (const Node& start : starts) {
    // Iterative depth-first search: a stack of (node, index of the next successor to try).
    std::vector<std::pair<Node, std::size_t>> path{{start, 0}};
    std::set<Node> on_path{start};
    while (!path.empty()) {
      auto& [node, index] = path.back();
      const std::vector<Node> successors = next(node);
      if (index >= successors.size() || finished.count(node)) {
        finished.insert(node);
        on_path.erase(node);
        path.pop_back();
        continue;
      }
      const Node successor = successors[index++];
      if (on_path.count(successor)) {
        std::vector<Node> loop;
        auto from = std::find_if(path.begin(), path.end(), [&](const auto& step) { return step.first == successor; });
        for (auto step = from; step != path.end(); ++step) loop.push_back(step->first);
        std::set<Node> members(loop.begin(), loop.end());
        if (reported.insert(members).second) found(loop);
      } else if (!finished.count(successor)) {
        path.emplace_back(successor, 0);
        on_path.insert(successor);
      }
    }
  }
}

template <typename Node, typename Show>
std::string describe_loop(const std::vector<Node>& loop, Show show) {
  std::string text;
  for (const Node& node : loop) text += show(node) + " -> ";
  return text + show(loop.front());
}

struct CnameEdge {
  dns::Name owner, target;
  SourceLocation where;
};
struct CnameRecords {
  std::vector<CnameEdge> edges;  // in the order the file declares them
};

// The `records:` entry that declares `owner` CNAME: its first word names the owner.
std::optional<YAML::Node> record_node_for(const dns::Name& owner, const dns::Name& origin,
                                          const std::vector<YAML::Node>& record_nodes) {
  for (const auto& node : record_nodes) {
    if (!node.IsScalar()) continue;
    std::istringstream words(node.Scalar());
    std::string first, word;
    words >> first;
    bool cname = false;
    while (words >> word) cname = cname || common::to_lower(word) == "cname";
    if (!cname) continue;
    if (first == "@") {
      if (owner == origin) return node;
      continue;
    }
    auto name = dns::Name::from_text(first, origin);
    if (name.ok() && name.value() == owner) return node;
  }
  return std::nullopt;
}

}  // namespace

void report_alias_loops(const YAML::Node& block, LoadContext& context) {
  const YAML::Node aliases = block["aliases"];
  if (!aliases.IsMap()) return;
  std::set<std::string> domains;
  if (block["domains"].IsSequence())
    for (const auto& domain : block["domains"])
      if (domain.IsScalar()) domains.insert(common::to_lower(domain.Scalar()));
  std::map<std::string, std::vector<std::string>> targets;  // alias -> local names it expands to
  std::map<std::string, YAML::Node> declared_at;
  std::vector<std::string> order;
  for (const auto& entry : aliases) {
    if (!entry.first.IsScalar()) continue;
    const std::string alias = common::to_lower(entry.first.Scalar());
    std::vector<std::string> names;
    auto add = [&](const YAML::Node& target) {
      if (!target.IsScalar()) return;
      std::string name = common::to_lower(target.Scalar());
      if (const auto at = name.find('@'); at != std::string::npos) {
        if (!domains.count(name.substr(at + 1))) return;  // mail leaves these mailboxes
        name.resize(at);
      }
      names.push_back(name);
    };
    if (entry.second.IsSequence())
      for (const auto& target : entry.second) add(target);
    else
      add(entry.second);
    if (!targets.count(alias)) order.push_back(alias);
    targets[alias] = std::move(names);
    declared_at.emplace(alias, entry.first);
  }
  find_loops<std::string>(
      order,
      [&](const std::string& name) {
        auto found = targets.find(name);
        return found == targets.end() ? std::vector<std::string>{} : found->second;
      },
      [&](const std::vector<std::string>& loop) {
        context.error(declared_at[loop.front()],
                      "alias loop: " + describe_loop(loop, [](const std::string& name) { return name; }) +
                          "; mail to any of them would expand to nobody",
                      "aliases that end at users or at outside addresses");
      });
}

void note_cname_records(const dns::Zone& zone, const YAML::Node& zone_item, const std::vector<YAML::Node>& record_nodes,
                        LoadContext& context) {
  auto& records = context.world.module_state<CnameRecords>();
  for (const auto& record : zone.all_records()) {
    const auto* cname = std::get_if<dns::rdata::CNAME>(&record.data);
    if (!cname) continue;
    auto node = record_node_for(record.name, zone.origin(), record_nodes);
    const YAML::Node where = node ? *node : zone_item["text"] ? zone_item["text"] : zone_item;
    records.edges.push_back({record.name, cname->target, context.location(where)});
  }
}

void report_cname_loops(LoadContext& context) {
  const auto& edges = context.world.module_state<CnameRecords>().edges;
  std::map<dns::Name, const CnameEdge*> first_edge;  // a secondary's copy says the same
  std::vector<dns::Name> order;
  for (const auto& edge : edges)
    if (first_edge.emplace(edge.owner, &edge).second) order.push_back(edge.owner);
  // A zone lists its records in canonical order: start from them in file order instead.
  std::stable_sort(order.begin(), order.end(), [&](const dns::Name& left, const dns::Name& right) {
    const SourceLocation& a = first_edge.at(left)->where;
    const SourceLocation& b = first_edge.at(right)->where;
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  find_loops<dns::Name>(
      order,
      [&](const dns::Name& name) {
        auto found = first_edge.find(name);
        return found == first_edge.end() ? std::vector<dns::Name>{} : std::vector<dns::Name>{found->second->target};
      },
      [&](const std::vector<dns::Name>& loop) {
        context.error(first_edge.at(loop.front())->where,
                      "CNAME loop: " + describe_loop(loop, [](const dns::Name& name) { return name.to_text(); }) +
                          "; a resolver following it answers SERVFAIL",
                      "a CNAME chain that ends at a name with records");
      });
}

}  // namespace maillab::scenarios
