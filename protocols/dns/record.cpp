#include "protocols/dns/record.h"

namespace maillab::dns {

std::optional<RecordType> type_of(const RData& data) {
  struct Visitor {
    std::optional<RecordType> operator()(const rdata::A&) const { return RecordType::A; }
    std::optional<RecordType> operator()(const rdata::AAAA&) const { return RecordType::AAAA; }
    std::optional<RecordType> operator()(const rdata::NS&) const { return RecordType::NS; }
    std::optional<RecordType> operator()(const rdata::CNAME&) const { return RecordType::CNAME; }
    std::optional<RecordType> operator()(const rdata::SOA&) const { return RecordType::SOA; }
    std::optional<RecordType> operator()(const rdata::MX&) const { return RecordType::MX; }
    std::optional<RecordType> operator()(const rdata::TXT&) const { return RecordType::TXT; }
    std::optional<RecordType> operator()(const rdata::PTR&) const { return RecordType::PTR; }
    std::optional<RecordType> operator()(const rdata::Unknown&) const { return std::nullopt; }
  };
  return std::visit(Visitor{}, data);
}

rdata::TXT txt_from_text(std::string_view text) {
  rdata::TXT txt;
  for (std::size_t at = 0; at < text.size(); at += 255) txt.strings.emplace_back(text.substr(at, 255));
  if (txt.strings.empty()) txt.strings.emplace_back();
  return txt;
}

ResourceRecord make_record(const Name& name, std::uint32_t ttl, RData data) {
  ResourceRecord record;
  record.name = name;
  record.type = type_of(data).value_or(RecordType::A);
  record.ttl = ttl;
  record.data = std::move(data);
  return record;
}

ResourceRecord make_raw_record(const Name& name, RecordType type, std::uint32_t ttl,
                               std::vector<std::uint8_t> octets) {
  ResourceRecord record;
  record.name = name;
  record.type = type;
  record.ttl = ttl;
  record.data = rdata::Unknown{std::move(octets)};
  return record;
}

}  // namespace maillab::dns
