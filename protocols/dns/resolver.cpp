// Resolver: public entry points, the task driver and the INIT_REQUEST / QUERY_TARGETS states.
// QUERY_RESPONSE (classifying a server's answer) is in resolver_response.cpp.
#include "protocols/dns/resolver.h"

#include <algorithm>

#include "protocols/common/take_front.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/stream.h"

namespace maillab::dns {

namespace {

std::string describe(const Name& name, RecordType type) { return type_to_text(type) + " " + name.to_short_text(); }

std::string milliseconds(std::int64_t microseconds) { return std::to_string(microseconds / 1000) + " ms"; }

}  // namespace

const char* to_string(ResolverState state) {
  switch (state) {
    case ResolverState::init_request: return "INIT_REQUEST";
    case ResolverState::query_targets: return "QUERY_TARGETS";
    case ResolverState::wait_response: return "WAIT_RESPONSE";
    case ResolverState::wait_dependency: return "WAIT_DEPENDENCY";
    case ResolverState::query_response: return "QUERY_RESPONSE";
    case ResolverState::finished: return "FINISHED";
  }
  return "UNKNOWN";
}

Resolver::Resolver(ResolverConfig config)
    : config_(std::move(config)), cache_(config_.max_cache_ttl), random_state_(config_.seed ? config_.seed : 1) {}

void Resolver::reconfigure(const ResolverConfig& next) {
  ResolverConfig kept = config_;
  config_ = next;
  config_.narrate = std::move(kept.narrate);
  config_.random_id = std::move(kept.random_id);
  config_.narration_wanted = std::move(kept.narration_wanted);
  config_.seed = kept.seed;
  cache_.set_max_ttl(config_.max_cache_ttl);
}

// ---- entry points ---------------------------------------------------------------------------

void Resolver::start_query(std::uint64_t client_token, const Name& name, RecordType type, std::int64_t now) {
  Client client;
  client.token = client_token;
  client.question = Question{name, type, RecordClass::IN};
  start_client(std::move(client), now);
  drive(now);
}

void Resolver::handle_client_query(std::uint64_t client_token, std::span<const std::uint8_t> bytes,
                                   std::int64_t now) {
  auto reject = [&](Message response, Rcode rcode) {
    response.header.rcode = rcode;
    response.header.is_response = true;
    response.header.recursion_available = true;
    ++counters_.client_queries;
    Bytes encoded = encode_message(response, max_udp_message);
    answers_.push_back(ClientAnswer{client_token, std::move(response), std::move(encoded)});
  };
  const bool own_edns = config_.edns_udp_payload_size > 0;
  if (bytes.size() < 12 || (bytes[2] & 0x80)) return;  // no header, or a response: never answer
  auto decoded = decode_message(bytes);
  if (!decoded) {
    Message response;
    response.header.id = *peek_id(bytes);
    response.header.opcode = static_cast<Opcode>((bytes[2] >> 3) & 0x0F);
    response.header.recursion_desired = bytes[2] & 0x01;
    if (decoded.error().in_edns && own_edns) response.edns = edns_with_payload(config_.edns_udp_payload_size);  // RFC 6891 §7
    reject(std::move(response), Rcode::FORMERR);
    return;
  }
  Message& query = decoded.value();
  if (!own_edns) query.edns.reset();  // a resolver without EDNS ignores the OPT record
  // RFC 6891 §6.1.3: only version 0 is implemented.
  if (query.edns && query.edns->version > 0) return reject(make_response(query, Rcode::BADVERS), Rcode::BADVERS);
  if (query.header.opcode != Opcode::QUERY) return reject(make_response(query, Rcode::NOTIMP), Rcode::NOTIMP);
  if (query.questions.size() != 1) return reject(make_response(query, Rcode::FORMERR), Rcode::FORMERR);
  const Question& question = query.questions.front();
  auto raw_type = static_cast<std::uint16_t>(question.type);
  if (question.question_class != RecordClass::IN) return reject(make_response(query, Rcode::REFUSED), Rcode::REFUSED);
  if ((raw_type >= 251 && raw_type <= 255) || question.type == RecordType::OPT)  // no AXFR/IXFR/ANY iteration
    return reject(make_response(query, Rcode::NOTIMP), Rcode::NOTIMP);
  Client client;
  client.token = client_token;
  client.query_id = query.header.id;
  client.question = question;
  client.recursion_desired = query.header.recursion_desired;
  client.checking_disabled = query.header.checking_disabled;
  client.edns = query.edns;
  if (!client.recursion_desired) return answer_from_cache_only(client, now);
  start_client(std::move(client), now);
  drive(now);
}

void Resolver::start_client(Client client, std::int64_t now) {
  ++counters_.client_queries;
  const NameTypeProbe key = probe(client.question.name, client.question.type);
  if (auto failed = servfail_until_.find(key); failed != servfail_until_.end()) {
    if (failed->second > now) {
      Task remembered;
      remembered.question = client.question;
      remembered.rcode = Rcode::SERVFAIL;
      narrate(remembered, now, State::finished,
              [&]() -> std::string { return describe(client.question.name, client.question.type) + ": SERVFAIL remembered from a failed resolution (" +
                  milliseconds(failed->second - now) + " left, RFC 2308 §7.1)"; });
      answer_client(client, remembered);
      return;
    }
    servfail_until_.erase(failed);
  }
  bool joined = task_index_.count(key) > 0;
  std::uint64_t id = join_or_create_task(client.question.name, client.question.type, 0, now);
  Task& task = tasks_.at(id);
  if (joined) {
    ++counters_.coalesced_queries;
    narrate(task, now, State::init_request, [&]() -> std::string { return "joining the resolution of " + describe(client.question.name, client.question.type) +
                                           " already under way"; });
  }
  task.clients.push_back(std::move(client));
}

std::uint64_t Resolver::join_or_create_task(const Name& name, RecordType type, int depth, std::int64_t now,
                                            std::uint64_t resolution) {
  if (auto found = task_index_.find(probe(name, type)); found != task_index_.end()) return found->second;
  Task task;
  task.id = next_task_id_++;
  task.question = Question{name, type, RecordClass::IN};
  task.current_name = name;
  task.depth = depth;
  task.resolution = resolution ? resolution : task.id;
  task.deadline = now + config_.query_budget;
  task_index_.emplace(make_name_type_key(name, type), task.id);
  ready_.push_back(task.id);
  return tasks_.emplace(task.id, std::move(task)).first->first;
}

void Resolver::handle_timeout(std::int64_t now) {
  // Not a structured binding: the narration's lambda captures the task, which clang before 16
  // refuses for a binding (the fuzz build is clang's).
  for (auto& entry : tasks_) {
    const auto id = entry.first;
    Task& task = entry.second;
    if (task.state == State::finished) continue;
    if (task.outstanding && task.outstanding->deadline <= now) {
      ++counters_.timeouts;
      dead_until_[task.outstanding->address] = now + config_.dead_server_hold;
      narrate(task, now, State::wait_response,
              [&]() -> std::string { return "no answer from " + task.outstanding->server_name.to_short_text() + " (" +
                  ipv4_to_text(task.outstanding->address) + ") within " + milliseconds(config_.server_timeout); });
      task.outstanding.reset();
      task.state = State::query_targets;
      ready_.push_back(id);
    }
    if (task.deadline <= now) {
      task.outstanding.reset();
      finish(task, Rcode::SERVFAIL, now,
             "gave up on " + describe(task.question.name, task.question.type) + " after " +
                 milliseconds(config_.query_budget));
      ready_.push_back(id);
    }
  }
  drive(now);
}

std::optional<Transmit> Resolver::poll_transmit() {
  return common::take_front(transmits_);
}

std::optional<ClientAnswer> Resolver::poll_answer() {
  return common::take_front(answers_);
}

std::optional<std::int64_t> Resolver::poll_timeout() const {
  std::optional<std::int64_t> earliest;
  auto consider = [&earliest](std::int64_t time) {
    if (!earliest || time < *earliest) earliest = time;
  };
  for (const auto& [id, task] : tasks_) {
    if (task.state == State::finished) continue;
    if (task.outstanding) consider(task.outstanding->deadline);
    consider(task.deadline);
  }
  return earliest;
}

// ---- the driver -----------------------------------------------------------------------------

void Resolver::drive(std::int64_t now) {
  while (!ready_.empty()) {
    std::uint64_t id = ready_.front();
    ready_.pop_front();
    auto found = tasks_.find(id);
    if (found == tasks_.end()) continue;
    Task& task = found->second;
    run(task, now);
    if (task.state == State::finished) complete(task, now);
  }
}

void Resolver::run(Task& task, std::int64_t now) {
  // Each pass handles one state; WAIT_* states return until an event moves the task on.
  for (int steps = 0; steps < 1000; ++steps) {
    if (task.state != State::finished && now >= task.deadline) {
      finish(task, Rcode::SERVFAIL, now, "out of time for " + describe(task.question.name, task.question.type));
      return;
    }
    switch (task.state) {
      case State::init_request: do_init_request(task, now); break;
      case State::query_targets: do_query_targets(task, now); break;
      case State::query_response: do_query_response(task, now); break;
      case State::wait_response:
      case State::wait_dependency:
      case State::finished: return;
    }
  }
  finish(task, Rcode::SERVFAIL, now, "internal step limit reached");  // a safety net, never expected
}

void Resolver::do_init_request(Task& task, std::int64_t now) {
  const RecordType type = task.question.type;
  if (static_cast<int>(task.cname_chain.size()) > config_.max_cname_chain)
    return finish(task, Rcode::SERVFAIL, now, "CNAME chain longer than " + std::to_string(config_.max_cname_chain));
  CacheLookup hit = cache_.lookup(task.current_name, type, now);
  auto what = [&] { return describe(task.current_name, type); };
  switch (hit.kind) {
    case CacheLookup::Kind::positive:
      ++counters_.cache_hits;
      narrate(task, now, State::init_request, [&]() -> std::string { return "cache hit " + what() + " (TTL " + std::to_string(hit.remaining_ttl) + " left)"; });
      task.final_records = std::move(hit.records);
      return finish(task, Rcode::NOERROR, now, "answer from cache");
    case CacheLookup::Kind::nxdomain:
    case CacheLookup::Kind::nodata: {
      ++counters_.cache_hits;
      bool nxdomain = hit.kind == CacheLookup::Kind::nxdomain;
      narrate(task, now, State::init_request,
              [&]() -> std::string { return std::string("cache hit ") + (nxdomain ? "NXDOMAIN " : "NODATA ") + what() + " (negative, TTL " +
                  std::to_string(hit.remaining_ttl) + " left)"; });
      task.negative_soa = hit.soa;
      return finish(task, nxdomain ? Rcode::NXDOMAIN : Rcode::NOERROR, now, "negative answer from cache");
    }
    case CacheLookup::Kind::miss: break;
  }
  if (type != RecordType::CNAME) {
    CacheLookup alias = cache_.lookup(task.current_name, RecordType::CNAME, now);
    if (alias.kind == CacheLookup::Kind::positive) {
      const auto& target = std::get<rdata::CNAME>(alias.records.front().data).target;
      narrate(task, now, State::init_request,
              [&]() -> std::string { return "cache hit CNAME " + task.current_name.to_short_text() + " -> " + target.to_short_text() + " (TTL " +
                  std::to_string(alias.remaining_ttl) + " left)"; });
      if (auto loop = cname_loop(task, task.current_name, target)) return finish(task, Rcode::SERVFAIL, now, *loop);
      task.cname_chain.push_back(alias.records.front());
      task.current_name = target;
      return;  // stay in INIT_REQUEST for the target
    }
  }
  ++counters_.cache_misses;
  use_closest_delegation(task, now);
  narrate(task, now, State::init_request,
          [&]() -> std::string { return "cache miss " + what() + "; closest known servers: " + task.zone.to_text() + " (" +
              std::to_string(task.name_servers.size()) + " NS)"; });
  task.state = State::query_targets;
}

// RFC 1034 §5.3.3 step 2: the deepest cached NS set above the name, else the root hints.
void Resolver::use_closest_delegation(Task& task, std::int64_t now) {
  for (Name zone = task.current_name;; zone = zone.parent()) {
    const CachePeek ns = cache_.peek(zone, RecordType::NS, now, CacheRank::referral);
    if (ns.kind == CacheLookup::Kind::positive) {
      std::vector<Name> hosts;
      for (const auto& record : *ns.records) hosts.push_back(std::get<rdata::NS>(record.data).host);
      set_delegation(task, zone, hosts, now);
      bool resolvable = std::any_of(task.name_servers.begin(), task.name_servers.end(), [](const NameServer& server) {
        return server.status == NameServer::Status::unresolved;
      });
      if (!task.servers.empty() || resolvable) return;  // else fall back to the parent's servers
    }
    if (zone.is_root()) break;
  }
  task.zone = Name();
  task.name_servers.clear();
  task.servers.clear();
  for (const auto& hint : config_.root_hints) {
    task.name_servers.push_back(NameServer{hint.name, NameServer::Status::resolved});
    task.servers.push_back(Server{hint.name, hint.address, 0});
  }
}

void Resolver::set_delegation(Task& task, const Name& zone, const std::vector<Name>& hosts, std::int64_t now) {
  task.zone = zone;
  task.name_servers.clear();
  task.servers.clear();
  for (const auto& host : hosts) {
    task.name_servers.push_back(NameServer{host});
    // Glue counts here: it is what reaches the servers (RFC 2181 §5.4.1), never an answer.
    const CachePeek addresses = cache_.peek(host, RecordType::A, now, CacheRank::glue);
    if (addresses.kind == CacheLookup::Kind::positive) {
      std::vector<std::uint32_t> found;
      for (const auto& record : *addresses.records) found.push_back(std::get<rdata::A>(record.data).address);
      add_server_addresses(task, host, found);
    } else if (addresses.kind != CacheLookup::Kind::miss) {
      task.name_servers.back().status = NameServer::Status::failed;  // known not to have an address
    }
  }
}

void Resolver::add_server_addresses(Task& task, const Name& host, const std::vector<std::uint32_t>& addresses) {
  if (!addresses.empty())
    for (auto& name_server : task.name_servers)
      if (name_server.name == host) name_server.status = NameServer::Status::resolved;
  for (std::uint32_t address : addresses) {
    bool known = std::any_of(task.servers.begin(), task.servers.end(),
                             [address](const Server& server) { return server.address == address; });
    if (!known) task.servers.push_back(Server{host, address, 0});
  }
}

void Resolver::do_query_targets(Task& task, std::int64_t now) {
  if (std::string limit = over_query_limit(task); !limit.empty()) return finish(task, Rcode::SERVFAIL, now, limit);
  // Untried servers first, then servers not recently dead, in NS order (deterministic).
  Server* best = nullptr;
  auto rank = [&](const Server& server) {
    auto dead = dead_until_.find(server.address);
    bool recently_dead = dead != dead_until_.end() && dead->second > now;
    return std::make_pair(server.tries, recently_dead ? 1 : 0);
  };
  for (auto& server : task.servers) {
    if (server.tries >= config_.tries_per_server) continue;
    if (!best || rank(server) < rank(*best)) best = &server;
  }
  // Before retrying a server, learn the addresses of NS names we have not resolved yet.
  bool unresolved = std::any_of(task.name_servers.begin(), task.name_servers.end(), [](const NameServer& server) {
    return server.status == NameServer::Status::unresolved;
  });
  if ((!best || best->tries > 0) && unresolved && start_dependency(task, now)) return;
  if (!best)
    return finish(task, Rcode::SERVFAIL, now, "no server of " + task.zone.to_text() + " answered");
  send_query(task, *best, now);
}

bool Resolver::start_dependency(Task& task, std::int64_t now) {
  for (auto& name_server : task.name_servers) {
    if (name_server.status != NameServer::Status::unresolved) continue;
    if (task.depth + 1 > config_.max_dependency_depth) {
      name_server.status = NameServer::Status::failed;
      narrate(task, now, State::query_targets, [&]() -> std::string { return "not resolving " + name_server.name.to_short_text() + ": nesting too deep"; });
      continue;
    }
    if (auto existing = task_index_.find(probe(name_server.name, RecordType::A)); existing != task_index_.end() && would_cycle(existing->second, task.id)) {
      name_server.status = NameServer::Status::failed;
      narrate(task, now, State::query_targets,
              [&]() -> std::string { return "not resolving " + name_server.name.to_short_text() + ": it depends on this very lookup"; });
      continue;
    }
    name_server.status = NameServer::Status::resolving;
    narrate(task, now, State::query_targets,
            [&]() -> std::string { return "need the address of " + name_server.name.to_short_text() + " (a server for " + task.zone.to_text() +
                "); resolving it first"; });
    std::uint64_t dependency = join_or_create_task(name_server.name, RecordType::A, task.depth + 1, now, task.resolution);
    tasks_.at(dependency).parents.push_back(task.id);
    task.waiting_on = dependency;
    task.state = State::wait_dependency;
    return true;
  }
  return false;
}

// True when `candidate` (transitively) waits for `waiter`: waiting on it would deadlock.
bool Resolver::would_cycle(std::uint64_t candidate, std::uint64_t waiter) const {
  std::optional<std::uint64_t> current = candidate;
  for (int steps = 0; current && steps < 64; ++steps) {
    if (*current == waiter) return true;
    auto found = tasks_.find(*current);
    if (found == tasks_.end()) return false;
    current = found->second.waiting_on;
  }
  return current.has_value();
}

Message Resolver::make_query(const Task& task, std::uint32_t address, std::int64_t now) {
  Message query;
  query.header.id = next_id(address);
  query.header.recursion_desired = false;  // iterative: we do the recursion ourselves
  query.questions.push_back(Question{task.current_name, task.question.type, RecordClass::IN});
  auto no_edns = no_edns_until_.find(address);
  bool known_without = no_edns != no_edns_until_.end() && no_edns->second > now;
  // RFC 6891 §6.2.5: announce what we take, so most answers fit in one datagram.
  if (config_.edns_udp_payload_size > 0 && !known_without) query.edns = edns_with_payload(config_.edns_udp_payload_size);
  return query;
}

void Resolver::send_query(Task& task, Server& server, std::int64_t now) {
  Message query = make_query(task, server.address, now);
  ++server.tries;
  charge_query(task);
  task.outstanding = Outstanding{query.header.id, server.address, server.name, now + config_.server_timeout, false,
                                 query.edns.has_value()};
  task.state = State::wait_response;
  narrate(
      task, now, State::query_targets,
      [&]() -> std::string {
        return "asking " + server.name.to_short_text() + " (" + ipv4_to_text(server.address) + ") for " +
               describe(task.current_name, task.question.type) +
               (server.tries > 1 ? " (try " + std::to_string(server.tries) + ")" : "");
      },
      true);
  transmits_.push_back(Transmit{server.address, encode_message(query, max_udp_message), summarize_message(query)});
}

void Resolver::send_query_over_tcp(Task& task, std::int64_t now) {
  Message query = make_query(task, task.responder, now);
  charge_query(task);
  ++counters_.tcp_queries;
  // The same wait as for a datagram: the handshake adds one round trip, well inside it.
  task.outstanding = Outstanding{query.header.id, task.responder, task.responder_name, now + config_.server_timeout, true,
                                 query.edns.has_value()};
  task.state = State::wait_response;
  transmits_.push_back(Transmit{task.responder, encode_message(query, max_tcp_message), summarize_message(query) + " (TCP)",
                                true});
}

void Resolver::charge_query(Task& task) {
  ++task.queries_sent;
  ++counters_.queries_sent;
  if (auto owner = tasks_.find(task.resolution); owner != tasks_.end()) ++owner->second.resolution_queries;
}

std::string Resolver::over_query_limit(const Task& task) const {
  if (task.queries_sent >= config_.max_queries_per_task)
    return "sent " + std::to_string(task.queries_sent) + " queries without an answer";
  auto owner = tasks_.find(task.resolution);
  if (owner != tasks_.end() && owner->second.resolution_queries >= config_.max_queries_per_resolution)
    return "query limit: " + std::to_string(owner->second.resolution_queries) + " queries sent in all for " +
           describe(owner->second.question.name, owner->second.question.type) + " (at most " +
           std::to_string(config_.max_queries_per_resolution) + ", NS-name lookups included)";
  return {};
}

std::uint16_t Resolver::next_id(std::uint32_t address) {
  auto draw = [this]() -> std::uint16_t {
    if (config_.random_id) return config_.random_id();
    // xorshift64*: deterministic for a given seed.
    random_state_ ^= random_state_ >> 12;
    random_state_ ^= random_state_ << 25;
    random_state_ ^= random_state_ >> 27;
    return static_cast<std::uint16_t>((random_state_ * 2685821657736338717ull) >> 48);
  };
  std::uint16_t id = draw();
  for (int attempt = 0; attempt < 8; ++attempt) {
    bool clash = std::any_of(tasks_.begin(), tasks_.end(), [&](const auto& item) {
      const auto& outstanding = item.second.outstanding;
      return outstanding && outstanding->address == address && outstanding->id == id;
    });
    if (!clash) break;
    id = draw();
  }
  return id;
}

// ---- finishing ------------------------------------------------------------------------------

void Resolver::settle(Task& task, Rcode rcode, std::int64_t now) {
  task.rcode = rcode;
  task.state = State::finished;
  if (rcode == Rcode::SERVFAIL && task.depth == 0 && config_.servfail_hold > 0)
    servfail_until_.insert_or_assign(make_name_type_key(task.question.name, task.question.type), now + config_.servfail_hold);
}

std::string Resolver::finished_line(const Task& task, std::string_view why) {
  std::string result = rcode_to_text(task.rcode);
  if (task.rcode == Rcode::NOERROR && !task.final_records.empty()) {
    result = "answer";
    for (const auto& record : task.final_records) result += " " + summarize_rdata(record.data) + ",";
    result.pop_back();
  } else if (task.rcode == Rcode::NOERROR) {
    result = "NODATA";
  }
  return describe(task.question.name, task.question.type) + ": " + result + " (" + std::string(why) + ")";
}

void Resolver::complete(Task& task, std::int64_t now) {
  (void)now;
  for (const auto& client : task.clients) answer_client(client, task);
  for (std::uint64_t parent_id : task.parents) {
    auto found = tasks_.find(parent_id);
    if (found == tasks_.end() || found->second.state != State::wait_dependency ||
        found->second.waiting_on != task.id)
      continue;
    Task& parent = found->second;
    parent.waiting_on.reset();
    std::vector<std::uint32_t> addresses;
    for (const auto& record : task.final_records)
      if (const auto* a = std::get_if<rdata::A>(&record.data)) addresses.push_back(a->address);
    for (auto& name_server : parent.name_servers)
      if (name_server.name == task.question.name && addresses.empty()) name_server.status = NameServer::Status::failed;
    add_server_addresses(parent, task.question.name, addresses);
    parent.state = State::query_targets;
    ready_.push_back(parent_id);
  }
  if (auto indexed = task_index_.find(probe(task.question.name, task.question.type)); indexed != task_index_.end())
    task_index_.erase(indexed);
  tasks_.erase(task.id);
}

// RFC 1034 §3.6.2: "CNAME chains should be followed and CNAME loops signalled as an error".
std::optional<std::string> Resolver::cname_loop(const Task& task, const Name& current, const Name& target) const {
  bool seen = target == current || target == task.question.name ||
              std::any_of(task.cname_chain.begin(), task.cname_chain.end(),
                          [&](const ResourceRecord& record) { return record.name == target; });
  if (!seen) return std::nullopt;
  std::string chain = task.question.name.to_short_text();
  for (const auto& record : task.cname_chain) chain += " -> " + std::get<rdata::CNAME>(record.data).target.to_short_text();
  return "CNAME loop: " + chain + " -> " + target.to_short_text() + ", a name the chain has passed already";
}

void Resolver::emit_narration(const Task& task, std::int64_t now, State state, std::string text, bool repeats_datagram,
                              bool unmade) {
  config_.narrate(Narration{now, task.depth, to_string(state), std::move(text), repeats_datagram, unmade});
}

}  // namespace maillab::dns
