// Resolver: what a client gets. answer_client builds the response from a finished task (with
// EDNS when the client used it, RFC 6891 §7). A client question with RD=0 (RFC 1034 §4.3.1):
// "If recursive service is not requested ... the non-recursive approach is used": the answer
// from the cache when it is there (following cached CNAMEs), else a referral to the closest
// servers the cache knows (the root hints when it knows none). Nothing is sent upstream for it.
#include <algorithm>

#include "protocols/dns/presentation.h"
#include "protocols/dns/resolver.h"
#include "protocols/dns/stream.h"

namespace maillab::dns {

namespace {
// The TTL root hints carry in the root hints file (named.root): they are configuration.
constexpr std::uint32_t root_hint_ttl = 3600000;
}  // namespace

void Resolver::answer_from_cache_only(const Client& client, std::int64_t now) {
  ++counters_.client_queries;
  Task view;  // never scheduled: only what answer_client reads
  view.question = client.question;
  view.current_name = client.question.name;
  const RecordType type = client.question.type;
  auto what = [&] { return type_to_text(type) + " " + client.question.name.to_short_text(); };
  narrate(view, now, State::init_request, [&]() -> std::string { return "RD=0 " + what() + ": answering from the cache only (RFC 1034 §4.3.1)"; });
  for (int hop = 0; hop <= config_.max_cname_chain; ++hop) {
    CacheLookup hit = cache_.lookup(view.current_name, type, now);
    if (hit.kind == CacheLookup::Kind::positive) {
      ++counters_.cache_hits;
      view.final_records = std::move(hit.records);
      narrate(view, now, State::finished, [&]() -> std::string { return what() + ": answer from cache (RD=0)"; });
      return answer_client(client, view);
    }
    if (hit.kind != CacheLookup::Kind::miss) {
      ++counters_.cache_hits;
      view.rcode = hit.kind == CacheLookup::Kind::nxdomain ? Rcode::NXDOMAIN : Rcode::NOERROR;
      view.negative_soa = hit.soa;
      narrate(view, now, State::finished, [&]() -> std::string { return what() + ": negative answer from cache (RD=0)"; });
      return answer_client(client, view);
    }
    if (type == RecordType::CNAME) break;
    CacheLookup alias = cache_.lookup(view.current_name, RecordType::CNAME, now);
    if (alias.kind != CacheLookup::Kind::positive) break;
    const Name target = std::get<rdata::CNAME>(alias.records.front().data).target;
    bool seen = std::any_of(view.cname_chain.begin(), view.cname_chain.end(),
                            [&](const ResourceRecord& record) { return record.name == target; });
    view.cname_chain.push_back(alias.records.front());
    if (seen || target == client.question.name) break;  // a loop: refer for where it stands
    view.current_name = target;
  }
  // A referral: the deepest cached NS set above the name, with the addresses known for it.
  for (Name zone = view.current_name;; zone = zone.parent()) {
    CacheLookup ns = cache_.lookup(zone, RecordType::NS, now, CacheRank::referral);
    if (ns.kind == CacheLookup::Kind::positive) {
      for (const auto& record : ns.records) {
        view.referral_authorities.push_back(record);
        const Name& host = std::get<rdata::NS>(record.data).host;
        CacheLookup addresses = cache_.lookup(host, RecordType::A, now, CacheRank::glue);
        if (addresses.kind == CacheLookup::Kind::positive)
          view.referral_additionals.insert(view.referral_additionals.end(), addresses.records.begin(),
                                           addresses.records.end());
      }
      narrate(view, now, State::finished, [&]() -> std::string { return what() + ": not in the cache; referral to " + zone.to_text() + " servers (RD=0)"; });
      return answer_client(client, view);
    }
    if (zone.is_root()) break;
  }
  for (const auto& hint : config_.root_hints) {
    view.referral_authorities.push_back(make_record(Name(), root_hint_ttl, rdata::NS{hint.name}));
    view.referral_additionals.push_back(make_record(hint.name, root_hint_ttl, rdata::A{hint.address}));
  }
  narrate(view, now, State::finished, [&]() -> std::string { return what() + ": not in the cache; referral to the root servers (RD=0)"; });
  answer_client(client, view);
}

void Resolver::answer_client(const Client& client, const Task& task) {
  Message response;
  response.header.id = client.query_id;
  response.header.is_response = true;
  response.header.recursion_desired = client.recursion_desired;
  response.header.recursion_available = true;
  response.header.checking_disabled = client.checking_disabled;
  response.header.rcode = task.rcode;
  response.questions.push_back(client.question);
  if (task.rcode != Rcode::SERVFAIL) {
    response.answers = task.cname_chain;
    response.answers.insert(response.answers.end(), task.final_records.begin(), task.final_records.end());
    if (task.negative_soa && task.final_records.empty()) response.authorities.push_back(*task.negative_soa);
    response.authorities.insert(response.authorities.end(), task.referral_authorities.begin(),
                                task.referral_authorities.end());
    response.additionals = task.referral_additionals;
  } else {
    ++counters_.servfail_answers;
  }
  std::size_t limit = max_udp_message;
  if (client.edns) {  // RFC 6891 §7: an OPT in the query, an OPT in the response
    response.edns = edns_with_payload(config_.edns_udp_payload_size);
    limit = udp_reply_limit(client.edns, config_.edns_udp_payload_size);
  }
  Bytes bytes = encode_message(response, limit);
  answers_.push_back(ClientAnswer{client.token, std::move(response), std::move(bytes)});
}

}  // namespace maillab::dns
