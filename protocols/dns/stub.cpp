#include "protocols/dns/stub.h"

#include <algorithm>

namespace maillab::dns {

Message make_recursive_query(std::uint16_t id, const Name& name, RecordType type) {
  Message query;
  query.header.id = id;
  query.header.recursion_desired = true;
  query.questions.push_back(Question{name, type, RecordClass::IN});
  return query;
}

Result<Message> match_reply(const Message& query, std::span<const std::uint8_t> reply_bytes) {
  auto reply = decode_message(reply_bytes);
  if (!reply) return reply.error();
  if (auto mismatch = reply_mismatch(query, reply.value())) return *mismatch;
  return reply;
}

std::optional<Error> reply_mismatch(const Message& query, const Message& message) {
  if (!message.header.is_response) return make_error("not a response (QR clear)");
  if (message.header.id != query.header.id)
    return make_error("id " + std::to_string(message.header.id) + " does not match query id " +
                      std::to_string(query.header.id));
  // FORMERR/NOTIMP replies may legitimately omit the question.
  if (!message.questions.empty() && message.questions != query.questions)
    return make_error("question does not match the query");
  return std::nullopt;
}

Name follow_cnames(const Message& response, const Name& name) {
  Name current = name;
  for (std::size_t hop = 0; hop <= response.answers.size(); ++hop) {
    auto cname = std::find_if(response.answers.begin(), response.answers.end(), [&](const ResourceRecord& record) {
      return record.type == RecordType::CNAME && record.name == current;
    });
    if (cname == response.answers.end()) break;
    current = std::get<rdata::CNAME>(cname->data).target;
  }
  return current;
}

std::vector<MailExchanger> extract_mail_exchangers(const Message& response, const Name& name) {
  Name owner = follow_cnames(response, name);
  std::vector<MailExchanger> exchangers;
  for (const auto& record : response.answers)
    if (const auto* mx = std::get_if<rdata::MX>(&record.data); mx && record.name == owner)
      exchangers.push_back(MailExchanger{mx->preference, mx->exchange});
  std::stable_sort(exchangers.begin(), exchangers.end(),
                   [](const MailExchanger& left, const MailExchanger& right) { return left.preference < right.preference; });
  return exchangers;
}

std::vector<std::uint32_t> extract_ipv4_addresses(const Message& response, const Name& name) {
  Name owner = follow_cnames(response, name);
  std::vector<std::uint32_t> addresses;
  for (const auto& record : response.answers)
    if (const auto* a = std::get_if<rdata::A>(&record.data); a && record.name == owner) addresses.push_back(a->address);
  return addresses;
}

std::vector<std::uint32_t> find_ipv4_addresses_anywhere(const Message& response, const Name& name) {
  std::vector<std::uint32_t> addresses;
  for (const auto* section : {&response.answers, &response.authorities, &response.additionals})
    for (const auto& record : *section)
      if (const auto* a = std::get_if<rdata::A>(&record.data); a && record.name == name)
        if (std::find(addresses.begin(), addresses.end(), a->address) == addresses.end())
          addresses.push_back(a->address);
  return addresses;
}

}  // namespace maillab::dns
