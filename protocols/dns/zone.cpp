#include "protocols/dns/zone.h"

#include <algorithm>

namespace maillab::dns {

Zone::Zone(ResourceRecord soa) : origin_(soa.name), soa_(std::move(soa)) {
  nodes_[origin_].push_back(soa_);
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
  auto& records = nodes_[record.name];
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
  auto node = nodes_.find(name);
  if (node == nodes_.end()) return found;
  for (const auto& record : node->second)
    if (record.type == type) found.push_back(record);
  return found;
}

std::vector<ResourceRecord> Zone::records_at(const Name& name) const {
  auto node = nodes_.find(name);
  return node == nodes_.end() ? std::vector<ResourceRecord>{} : node->second;
}

bool Zone::has_name(const Name& name) const {
  // In canonical order a name's descendants follow it directly.
  auto node = nodes_.lower_bound(name);
  return node != nodes_.end() && node->first.is_subdomain_of(name);
}

std::vector<ResourceRecord> Zone::all_records() const {
  std::vector<ResourceRecord> records{soa_};
  for (const auto& [owner, node_records] : nodes_)
    for (const auto& record : node_records)
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
