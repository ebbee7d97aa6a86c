#include "protocols/dns/authoritative.h"

#include <algorithm>

namespace maillab::dns {

namespace {

constexpr int max_cname_hops = 8;

void add_unique(std::vector<ResourceRecord>& section, const ResourceRecord& record) {
  if (std::find(section.begin(), section.end(), record) == section.end()) section.push_back(record);
}

// Addresses for a host named in NS or MX data, from whichever served zone holds them
// (including glue below a cut, which is why the zone is searched directly).
void add_addresses(const ZoneSet& zones, const Zone& zone, const Name& host, Message& response) {
  const Zone* holder = host.is_subdomain_of(zone.origin()) ? &zone : zones.find_zone(host);
  if (!holder) return;
  for (RecordType type : {RecordType::A, RecordType::AAAA})
    for (const auto& record : holder->find(host, type)) add_unique(response.additionals, record);
}

ResourceRecord negative_soa(const Zone& zone) {
  ResourceRecord soa = zone.soa();
  soa.ttl = zone.negative_ttl();  // RFC 2308 §3
  return soa;
}

// The records owned by `name`, or those of the covering wildcard renamed to `name` (RFC 4592
// §3.3.1); nullopt when the name does not exist at all.
std::optional<std::vector<ResourceRecord>> node_records(const Zone& zone, const Name& name) {
  if (zone.has_name(name)) return zone.records_at(name);
  Name encloser = name.parent();
  while (!zone.has_name(encloser) && encloser.label_count() > zone.origin().label_count()) encloser = encloser.parent();
  auto wildcard = encloser.prepend("*");
  if (!wildcard || !zone.has_name(wildcard.value())) return std::nullopt;
  auto records = zone.records_at(wildcard.value());
  for (auto& record : records) record.name = name;
  return records;
}

// The first NS RRset strictly below the apex on the way down to `name`: a zone cut.
std::optional<std::vector<ResourceRecord>> find_delegation(const Zone& zone, const Name& name) {
  for (std::size_t count = zone.origin().label_count() + 1; count <= name.label_count(); ++count) {
    auto ns = zone.find(name.first_labels(count), RecordType::NS);
    if (!ns.empty()) return ns;
  }
  return std::nullopt;
}

void answer_from_zone(const ZoneSet& zones, const Zone& zone, Name name, RecordType type, Message& response) {
  for (int hop = 0; hop <= max_cname_hops; ++hop) {
    if (auto delegation = find_delegation(zone, name)) {
      // RFC 1034 §4.3.2 step 3b: a referral is not authoritative (unless a CNAME led here).
      if (response.answers.empty()) response.header.authoritative = false;
      for (const auto& record : *delegation) {
        add_unique(response.authorities, record);
        add_addresses(zones, zone, std::get<rdata::NS>(record.data).host, response);
      }
      return;
    }
    response.header.authoritative = true;
    auto records = node_records(zone, name);
    if (!records) {
      response.header.rcode = Rcode::NXDOMAIN;  // RFC 6604: about the last name of a CNAME chain
      response.authorities.push_back(negative_soa(zone));
      return;
    }
    bool found = false;
    for (const auto& record : *records) {
      if (record.type == type || type == RecordType::ANY) {
        add_unique(response.answers, record);
        found = true;
        if (const auto* mx = std::get_if<rdata::MX>(&record.data)) add_addresses(zones, zone, mx->exchange, response);
        if (const auto* ns = std::get_if<rdata::NS>(&record.data)) add_addresses(zones, zone, ns->host, response);
      }
    }
    if (found) return;
    auto cname = std::find_if(records->begin(), records->end(),
                              [](const ResourceRecord& record) { return record.type == RecordType::CNAME; });
    if (cname == records->end()) {
      response.authorities.push_back(negative_soa(zone));  // NODATA (RFC 2308 §2.2)
      return;
    }
    add_unique(response.answers, *cname);
    name = std::get<rdata::CNAME>(cname->data).target;
    // Follow the chain only inside this zone; the resolver follows it elsewhere.
    if (!name.is_subdomain_of(zone.origin()) || zones.find_zone(name) != &zone) return;
  }
}

}  // namespace

Message answer_query(const ZoneSet& zones, const Message& query) {
  if (query.header.is_response) return make_response(query, Rcode::FORMERR);
  // RFC 6891 §6.1.3: "If a responder does not implement the VERSION level of the request, then
  // it MUST respond with RCODE=BADVERS", its own (highest) version in the OPT record.
  if (query.edns && query.edns->version > 0) return make_response(query, Rcode::BADVERS);
  if (query.header.opcode != Opcode::QUERY) return make_response(query, Rcode::NOTIMP);
  if (query.questions.size() != 1) return make_response(query, Rcode::FORMERR);
  const Question& question = query.questions.front();
  if (question.question_class != RecordClass::IN && question.question_class != RecordClass::ANY)
    return make_response(query, Rcode::REFUSED);
  auto raw_type = static_cast<std::uint16_t>(question.type);
  if (raw_type >= 251 && raw_type <= 254) return make_response(query, Rcode::NOTIMP);  // IXFR/AXFR/MAILB/MAILA
  if (question.type == RecordType::OPT) return make_response(query, Rcode::FORMERR);
  const Zone* zone = zones.find_zone(question.name);
  if (!zone) return make_response(query, Rcode::REFUSED);
  Message response = make_response(query, Rcode::NOERROR);
  answer_from_zone(zones, *zone, question.name, question.type, response);
  return response;
}

std::optional<Bytes> answer_query_bytes(const ZoneSet& zones, std::span<const std::uint8_t> bytes,
                                        std::size_t max_size, const EdnsSupport& edns) {
  if (bytes.size() < 12) return std::nullopt;
  if (bytes[2] & 0x80) return std::nullopt;  // QR set: a response
  return answer_query_bytes(zones, bytes, decode_message(bytes), max_size, edns);
}

std::optional<Bytes> answer_query_bytes(const ZoneSet& zones, std::span<const std::uint8_t> bytes,
                                        Result<Message> query, std::size_t max_size, const EdnsSupport& edns) {
  if (bytes.size() < 12) return std::nullopt;
  if (bytes[2] & 0x80) return std::nullopt;  // QR set: a response
  if (!query) {
    // RFC 1035 §4.1.1 FORMERR: echo the id, opcode and RD; no question (we could not read it).
    Message response;
    response.header.id = *peek_id(bytes);
    response.header.is_response = true;
    response.header.opcode = static_cast<Opcode>((bytes[2] >> 3) & 0x0F);
    response.header.recursion_desired = bytes[2] & 0x01;
    response.header.rcode = Rcode::FORMERR;
    // RFC 6891 §7: a broken OPT record gets FORMERR with an OPT record ("EDNS, but malformed").
    if (query.error().in_edns && edns.enabled) response.edns = edns_with_payload(edns.udp_payload_size);
    return encode_message(response, max_size);
  }
  Message& asked = query.value();
  if (!edns.enabled) asked.edns.reset();  // a pre-EDNS server: the OPT record means nothing to it
  Message response = answer_query(zones, asked);
  if (response.edns) response.edns->udp_payload_size = edns.udp_payload_size;
  const std::size_t limit = asked.edns ? std::max(max_size, udp_reply_limit(asked.edns, edns.udp_payload_size)) : max_size;
  return encode_message(response, limit);
}

}  // namespace maillab::dns
