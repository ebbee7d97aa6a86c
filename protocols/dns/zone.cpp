#include "protocols/dns/zone.h"

#include <algorithm>

namespace maillab::dns {

Zone::Zone(ResourceRecord soa) : origin_(soa.name), soa_(std::move(soa)) {
  nodes_[make_name_type_key(origin_)].push_back(soa_);
  add_name(origin_);
}

void Zone::add_name(const Name& owner) {
  // Stops at the first name known already: the names above it are known too.
  for (Name name = owner; names_.insert(make_name_type_key(name)).second && !name.is_root(); name = name.parent()) {
  }
}

std::uint32_t Zone::negative_ttl() const { return std::min(soa_.ttl, soa_data().minimum); }

std::optional<Error> Zone::add(ResourceRecord record) {
  if (!record.name.is_subdomain_of(origin_))
    return make_error(record.name.to_text() + " is outside zone " + origin_.to_text());
  if (record.record_class != RecordClass::IN) return make_error("only class IN records are served");
  if (record.type == RecordType::OPT)  // RFC 6891 §6.1.1: "OPT RRs MUST NOT be ... stored in or loaded from master files"
    return make_error("OPT is the EDNS(0) pseudo-record, never zone data (RFC 6891 §6.1.1)");
  if (record.type == RecordType::SOA) {
    if (record == soa_) return std::nullopt;
    return make_error("zone " + origin_.to_text() + " already has an SOA");
  }
  auto node = nodes_.find(probe(record.name));
  if (node == nodes_.end()) {
    add_name(record.name);
    node = nodes_.emplace(make_name_type_key(record.name), std::vector<ResourceRecord>{}).first;
  }
  auto& records = node->second;
  for (const auto& existing : records) {
    if (existing.type == record.type && existing.data == record.data) return std::nullopt;
    // RFC 1034 §3.6.2: a CNAME owner has no other data.
    if ((existing.type == RecordType::CNAME) != (record.type == RecordType::CNAME))
      return make_error("CNAME and other data at " + record.name.to_text());
  }
  records.push_back(std::move(record));
  return std::nullopt;
}

std::vector<ResourceRecord> Zone::find(const Name& name, RecordType type) const {
  std::vector<ResourceRecord> found;
  auto node = nodes_.find(probe(name));
  if (node == nodes_.end()) return found;
  for (const auto& record : node->second)
    if (record.type == type) found.push_back(record);
  return found;
}

std::vector<ResourceRecord> Zone::records_at(const Name& name) const {
  auto node = nodes_.find(probe(name));
  return node == nodes_.end() ? std::vector<ResourceRecord>{} : node->second;
}

bool Zone::has_name(const Name& name) const { return names_.find(probe(name)) != names_.end(); }

std::vector<ResourceRecord> Zone::all_records() const {
  // Owners in canonical order (RFC 4034 §6.1); no two differ in case only, so the order is total.
  std::vector<const std::vector<ResourceRecord>*> nodes;
  for (const auto& [owner, node_records] : nodes_)
    if (!node_records.empty()) nodes.push_back(&node_records);
  std::sort(nodes.begin(), nodes.end(), [](const auto* left, const auto* right) {
    return left->front().name < right->front().name;
  });
  std::vector<ResourceRecord> records{soa_};
  for (const auto* node_records : nodes)
    for (const auto& record : *node_records)
      if (record.type != RecordType::SOA) records.push_back(record);
  return records;
}

Result<Zone> Zone::from_records(std::vector<ResourceRecord> records) {
  auto soa = std::find_if(records.begin(), records.end(),
                          [](const ResourceRecord& record) { return record.type == RecordType::SOA; });
  if (soa == records.end() || !std::holds_alternative<rdata::SOA>(soa->data))
    return make_error("zone has no SOA record");
  Zone zone(*soa);
  for (auto& record : records) {
    if (auto error = zone.add(std::move(record))) return *error;
  }
  return zone;
}

void ZoneSet::add(Zone zone) {
  for (auto& existing : zones_) {
    if (existing.origin() == zone.origin()) {
      existing = std::move(zone);
      return;
    }
  }
  zones_.push_back(std::move(zone));
}

const Zone* ZoneSet::find_zone(const Name& name) const {
  const Zone* best = nullptr;
  for (const auto& zone : zones_)
    if (name.is_subdomain_of(zone.origin()) &&
        (!best || zone.origin().label_count() > best->origin().label_count()))
      best = &zone;
  return best;
}

}  // namespace maillab::dns
