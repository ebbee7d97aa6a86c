// Resolver: receiving a server's datagram and the QUERY_RESPONSE state (RFC 1034 §5.3.3 step 4,
// RFC 2308 §2 for negative answers, RFC 2181 §5.4.1 for what may be cached from where).
#include <algorithm>

#include "protocols/dns/presentation.h"
#include "protocols/dns/resolver.h"
#include "protocols/dns/stream.h"

namespace maillab::dns {

namespace {

std::vector<ResourceRecord> select(const std::vector<ResourceRecord>& records, const Name& owner, RecordType type) {
  std::vector<ResourceRecord> selected;
  for (const auto& record : records)
    if (record.name == owner && record.type == type && record.record_class == RecordClass::IN)
      selected.push_back(record);
  return selected;
}

}  // namespace

void Resolver::handle_response(std::uint32_t from_server_address, std::span<const std::uint8_t> bytes,
                               std::int64_t now) {
  auto id = peek_id(bytes);
  Task* task = nullptr;
  for (auto& [task_id, candidate] : tasks_)
    if (candidate.outstanding && id && candidate.outstanding->address == from_server_address &&
        candidate.outstanding->id == *id)
      task = &candidate;
  if (!task) {
    ++counters_.unexpected_responses;  // late (after a timeout), spoofed, or from the wrong address
    return drive(now);
  }
  auto decoded = decode_message(bytes);
  if (decoded) {
    const Message& message = decoded.value();
    bool matches = message.header.is_response && message.questions.size() == 1 &&
                   message.questions.front().name == task->current_name &&
                   message.questions.front().type == task->question.type &&
                   message.questions.front().question_class == RecordClass::IN;
    // RFC 5452 §9.1: a reply with the wrong question is not ours; keep waiting for the real one.
    // (A server's FORMERR/NOTIMP/REFUSED may omit the question; accept those.)
    if (!matches && !(message.header.is_response && message.questions.empty() &&
                      message.header.rcode != Rcode::NOERROR)) {
      ++counters_.unexpected_responses;
      narrate(*task, now, State::wait_response, [&]() -> std::string {
        return "ignored a reply from " + task->outstanding->server_name.to_short_text() + " that does not match the question";
      });
      return drive(now);
    }
  }
  ++counters_.responses_received;
  const Outstanding answered = *task->outstanding;
  task->outstanding.reset();
  if (!decoded) {
    give_up_on_server(*task, from_server_address);
    narrate(*task, now, State::query_response, [&]() -> std::string {
      return "malformed reply from " + answered.server_name.to_short_text() + ": " + decoded.error().describe();
    });
  } else {
    task->responder = from_server_address;
    task->responder_name = answered.server_name;
    task->response_over_tcp = answered.tcp;
    task->response_to_edns = answered.edns;
    task->response = std::move(decoded).value();
    task->state = State::query_response;
  }
  ready_.push_back(task->id);
  drive(now);
}

// The server is of no use for this task (lame, broken or refusing): do not ask it again.
void Resolver::give_up_on_server(Task& task, std::uint32_t address) {
  for (auto& server : task.servers)
    if (server.address == address) server.tries = config_.tries_per_server;
  task.state = State::query_targets;
}

void Resolver::do_query_response(Task& task, std::int64_t now) {
  Message response = std::move(*task.response);
  task.response.reset();
  task.state = State::query_targets;
  const RecordType type = task.question.type;
  narrate(task, now, State::query_response, [&]() -> std::string { return summarize_message(response); }, true);
  if (ask_again(task, response, now)) return;

  const AnswerWalk walk = walk_answer(task, response, now);
  if (walk == AnswerWalk::finished) return;
  const bool followed = walk == AnswerWalk::followed_cname;
  const std::optional<ResourceRecord> soa = negative_answer_soa(task, response);
  if (response.header.rcode == Rcode::NXDOMAIN) {
    if (soa) cache_.store_nxdomain(task.current_name, *soa, now);
    task.negative_soa = soa;
    return finish(task, Rcode::NXDOMAIN, now, [&] { return task.current_name.to_short_text() + " does not exist"; });
  }
  if (followed && !task.current_name.is_subdomain_of(task.zone)) {
    narrate(task, now, State::query_response,
            [&]() -> std::string { return "CNAME leads out of " + task.zone.to_text() + " to " + task.current_name.to_short_text() + "; restarting there"; });
    task.state = State::init_request;
    return;
  }
  std::vector<ResourceRecord> delegation = referral(response);
  if (soa || delegation.empty() || !response.answers.empty()) {
    if (soa) cache_.store_nodata(task.current_name, type, *soa, now);
    task.negative_soa = soa;
    if (followed && !soa) {  // the chain went on inside the zone but the target's data was not included
      task.state = State::init_request;
      return;
    }
    return finish(task, Rcode::NOERROR, now,
                  [&] { return "no " + type_to_text(type) + " data for " + task.current_name.to_short_text(); });
  }
  follow_referral(task, response, delegation, now);
}

void Resolver::mark_lame(Task& task, std::int64_t now, const std::string& why) {
  give_up_on_server(task, task.responder);
  narrate(task, now, State::query_response, [&]() -> std::string { return why + "; trying another server"; });
}

bool Resolver::ask_again(Task& task, const Message& response, std::int64_t now) {
  const Rcode rcode = response.header.rcode;
  auto responder = [&] { return task.responder_name.to_short_text(); };
  if (task.response_to_edns && !response.edns && (rcode == Rcode::FORMERR || rcode == Rcode::NOTIMP)) {
    // RFC 6891 §7: a server that does not know EDNS may answer an OPT record with FORMERR (or
    // NOTIMP) and no OPT of its own; ask it again without one and remember not to use it.
    no_edns_until_[task.responder] = now + config_.no_edns_hold;
    ++counters_.no_edns_retries;
    narrate(task, now, State::query_response,
            [&]() -> std::string { return responder() + " answered " + rcode_to_text(rcode) + " without an OPT record: it does not do EDNS(0) "
            "(RFC 6891 §7); asking again without it"; });
    for (auto& server : task.servers)
      if (server.address == task.responder) {
        send_query(task, server, now);
        return true;
      }
  }
  if (response.header.truncated && !task.response_over_tcp) {
    // RFC 1035 §4.2.1 / RFC 7766 §5: the answer did not fit in a UDP datagram; ask again over TCP.
    // With EDNS that is an answer over our payload size; without, over 512 octets.
    std::string why = response.edns ? "the answer is over the " + std::to_string(config_.edns_udp_payload_size) +
                                          " octets EDNS(0) allows over UDP"
                      : task.response_to_edns ? responder() + " does not do EDNS(0), so its UDP answers stop at " +
                                                    std::to_string(max_udp_message) + " octets"
                                              : "the answer does not fit in " + std::to_string(max_udp_message) +
                                                    " octets of UDP";
    narrate(task, now, State::query_response, [&]() -> std::string { return "truncated reply (TC: " + why + "); asking " + responder() + " again over TCP"; });
    send_query_over_tcp(task, now);
    return true;
  }
  if (response.header.truncated || (rcode != Rcode::NOERROR && rcode != Rcode::NXDOMAIN)) {
    // Truncated even over TCP is broken, as useless as SERVFAIL/REFUSED.
    mark_lame(task, now, response.header.truncated ? "truncated reply over TCP" : "server said " + rcode_to_text(rcode));
    return true;
  }
  return false;
}

Resolver::AnswerWalk Resolver::walk_answer(Task& task, const Message& response, std::int64_t now) {
  // Answer section: the records for our name, following CNAMEs the server included. Only data
  // inside the zone we asked about is believed (the bailiwick rule).
  const RecordType type = task.question.type;
  Name name = task.current_name;
  bool followed = false;
  for (int hop = 0; hop <= config_.max_cname_chain + 1; ++hop) {
    if (!name.is_subdomain_of(task.zone)) break;
    auto records = select(response.answers, name, type);
    if (!records.empty()) {
      cache_.store_rrset(records, CacheRank::answer, now);
      task.current_name = name;
      task.final_records = std::move(records);
      finish(task, Rcode::NOERROR, now, [&] { return "answer from " + task.zone.to_text() + " servers"; });
      return AnswerWalk::finished;
    }
    if (type == RecordType::CNAME) break;
    auto alias = select(response.answers, name, RecordType::CNAME);
    if (alias.empty()) break;
    cache_.store_rrset({alias.front()}, CacheRank::answer, now);
    const Name& target = std::get<rdata::CNAME>(alias.front().data).target;
    if (auto loop = cname_loop(task, name, target)) {
      finish(task, Rcode::SERVFAIL, now, *loop);
      return AnswerWalk::finished;
    }
    task.cname_chain.push_back(alias.front());
    if (static_cast<int>(task.cname_chain.size()) > config_.max_cname_chain) {
      finish(task, Rcode::SERVFAIL, now, "CNAME chain longer than " + std::to_string(config_.max_cname_chain));
      return AnswerWalk::finished;
    }
    name = std::get<rdata::CNAME>(alias.front().data).target;
    followed = true;
  }
  if (!followed) return AnswerWalk::no_answer;
  task.current_name = name;
  return AnswerWalk::followed_cname;
}

std::optional<ResourceRecord> Resolver::negative_answer_soa(const Task& task, const Message& response) const {
  // Negative answers (RFC 2308 §2): the SOA in AUTHORITY is of a zone inside the bailiwick.
  std::optional<ResourceRecord> soa;
  for (const auto& record : response.authorities)
    if (record.type == RecordType::SOA && record.name.is_subdomain_of(task.zone) &&
        task.current_name.is_subdomain_of(record.name))
      soa = record;
  if (soa) soa->ttl = Cache::negative_ttl(*soa);  // RFC 2308 §3
  return soa;
}

std::vector<ResourceRecord> Resolver::referral(const Message& response) {
  // A referral: NS records for a zone below the one we asked, above our name (RFC 1034 §4.3.2 3b).
  std::vector<ResourceRecord> delegation;
  for (const auto& record : response.authorities)
    if (record.type == RecordType::NS && record.record_class == RecordClass::IN &&
        (delegation.empty() || record.name == delegation.front().name))
      delegation.push_back(record);
  return delegation;
}

void Resolver::follow_referral(Task& task, const Message& response, const std::vector<ResourceRecord>& delegation,
                               std::int64_t now) {
  auto in_bailiwick = [&](const Name& name) { return name.is_subdomain_of(task.zone); };
  const Name zone = delegation.front().name;
  if (zone.label_count() <= task.zone.label_count() || !zone.is_subdomain_of(task.zone) ||
      !task.current_name.is_subdomain_of(zone)) {
    // An upward or sideways referral: the server is lame for this zone.
    return mark_lame(task, now, "lame referral to " + zone.to_text() + " while asking " + task.zone.to_text() + " servers");
  }
  if (++task.referrals > config_.max_referrals)
    return finish(task, Rcode::SERVFAIL, now,
                  "referral limit: " + zone.to_text() + " would be referral " + std::to_string(task.referrals) +
                      " for this question (at most " + std::to_string(config_.max_referrals) + ")");

  cache_.store_rrset(delegation, CacheRank::referral, now);
  std::vector<Name> hosts;
  for (const auto& record : delegation) hosts.push_back(std::get<rdata::NS>(record.data).host);
  // Glue: only addresses of the NS hosts, and only inside the zone the answering server serves.
  for (const auto& host : hosts) {
    if (!in_bailiwick(host)) continue;
    auto glue = select(response.additionals, host, RecordType::A);
    if (!glue.empty()) cache_.store_rrset(glue, CacheRank::glue, now);
  }
  narrate(task, now, State::query_response, [&]() -> std::string {
    std::string names;
    for (std::size_t index = 0; index < hosts.size(); ++index) names += (index ? ", " : "") + hosts[index].to_short_text();
    return "referral to " + zone.to_text() + " servers: " + names;
  });
  set_delegation(task, zone, hosts, now);
  // Glue that did not make it into the cache (TTL 0, or ranked lower) is still usable now.
  for (const auto& host : hosts) {
    if (!in_bailiwick(host)) continue;
    std::vector<std::uint32_t> addresses;
    for (const auto& record : select(response.additionals, host, RecordType::A))
      addresses.push_back(std::get<rdata::A>(record.data).address);
    add_server_addresses(task, host, addresses);
  }
}

}  // namespace maillab::dns
