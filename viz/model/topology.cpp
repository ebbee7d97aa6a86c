#include "viz/model/topology.h"

namespace maillab::viz {

namespace {
std::string ends_key(const std::string& a, const std::string& b) {
  // Names never contain a NUL, so this joins them without ambiguity.
  return a < b ? a + '\0' + b : b + '\0' + a;
}
}  // namespace

void Topology::reindex() {
  node_by_name_.clear();
  link_by_ends_.clear();
  link_by_id_.clear();
  for (std::size_t i = 0; i < nodes.size(); ++i) node_by_name_.emplace(nodes[i].name, i);
  for (std::size_t i = 0; i < links.size(); ++i) {
    link_by_ends_.emplace(ends_key(links[i].a, links[i].b), i);
    link_by_id_.emplace(links[i].id, i);
  }
}

std::optional<std::size_t> Topology::node_index(const std::string& name) const {
  auto it = node_by_name_.find(name);
  if (it == node_by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::size_t> Topology::link_index(const std::string& a, const std::string& b) const {
  auto it = link_by_ends_.find(ends_key(a, b));
  if (it == link_by_ends_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::size_t> Topology::link_index_by_id(std::size_t id) const {
  auto it = link_by_id_.find(id);
  if (it == link_by_id_.end()) return std::nullopt;
  return it->second;
}

}  // namespace maillab::viz
