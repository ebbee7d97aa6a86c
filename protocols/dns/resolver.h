#pragma once
// A caching iterative resolver as a sans-I/O state machine (RFC 1034 §5.3.3, RFC 2308).
//
// Shaped like quinn-proto: the caller passes the time in (microseconds) to every handle_* call,
// then drains poll_transmit() (datagrams to send to port 53 of a server), poll_answer()
// (finished client answers) and schedules a wake-up at poll_timeout(). Nothing here owns a
// socket or reads a clock; query ids come from an injected source.
//
// Each (name, type) being resolved is a task that moves through Unbound-style states:
//   INIT_REQUEST    look in the cache (answer, CNAME, negative entry); else find the closest
//                   cached delegation (NS set) for the name, or the root hints
//   QUERY_TARGETS   pick a server of the NS set (untried first, then ones not recently dead);
//                   if no address is known, resolve an NS name first (a dependency task)
//   WAIT_RESPONSE   one query outstanding; a timeout moves back to QUERY_TARGETS
//   WAIT_DEPENDENCY waiting for a dependency task (an NS name's address)
//   QUERY_RESPONSE  classify: answer / CNAME (restart at INIT_REQUEST for the target) /
//                   referral (new NS set, cache NS + in-bailiwick glue) / NXDOMAIN / NODATA /
//                   lame or error (try another server)
//   FINISHED        answer every waiting client and parent task
// Concurrent client questions for the same (name, type) join the same task.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "protocols/dns/cache.h"
#include "protocols/dns/message.h"
#include "protocols/dns/name_key.h"
#include "protocols/dns/wire.h"

namespace maillab::dns {

struct RootHint {
  Name name;                 // a.root-servers.net.
  std::uint32_t address = 0; // IPv4, host byte order
};

// A task's state, Unbound's iterator states (iterator/iterator.h): the narration names them.
enum class ResolverState { init_request, query_targets, wait_response, wait_dependency, query_response, finished };
const char* to_string(ResolverState state);  // "INIT_REQUEST", "QUERY_TARGETS", ...

struct Narration {
  std::int64_t time = 0;
  int depth = 0;        // 0 for a client's question, 1+ for nested NS-address resolutions
  std::string state;    // to_string(ResolverState): "INIT_REQUEST", "QUERY_TARGETS", ...
  std::string text;     // "cache hit MX example.org (TTL 3541 left)", "asking a0.org-servers.net ..."
  // The line only repeats a datagram's own summary (a query sent, a reply received), for a
  // caller that records the datagrams themselves.
  bool repeats_datagram = false;
  // Not made: `narration_wanted` said nobody reads narration now. `text` is empty; the call
  // still comes, so that a caller can count what it did not record.
  bool unmade = false;
};

struct ResolverConfig {
  std::vector<RootHint> root_hints;
  std::int64_t server_timeout = 2'000'000;   // wait this long for one server, then try another
  std::int64_t query_budget = 10'000'000;    // a client question gets SERVFAIL after this long
  int tries_per_server = 2;                  // rounds over an NS set's addresses before giving up
  int max_queries_per_task = 24;             // datagrams one (name, type) resolution may send
  // Queries one client question may cost in all, the NS-name lookups it needs included (Unbound's
  // max-sent-count, 32): a zone whose servers lead to more and more lookups ends in SERVFAIL.
  int max_queries_per_resolution = 32;
  int max_cname_chain = 8;                   // CNAMEs followed for one question (a loop stops at once)
  int max_referrals = 16;                    // referrals followed for one question
  int max_dependency_depth = 4;              // NS name needs NS name needs ... at most this deep
  std::int64_t dead_server_hold = 60'000'000;  // after a timeout, prefer other servers this long
  // RFC 2308 §7.1: a resolution that ended in SERVFAIL may be remembered (at most five minutes),
  // so a client's retries do not start the same hopeless walk again. 0 turns it off.
  std::int64_t servfail_hold = 30'000'000;
  std::uint32_t max_cache_ttl = 86400;
  // EDNS(0) (RFC 6891): the UDP payload size announced to servers and the most sent to clients
  // that announce as much. 0: a resolver without EDNS (512-octet datagrams both ways).
  std::uint16_t edns_udp_payload_size = default_edns_payload_size;
  // A server that answered an EDNS query FORMERR or NOTIMP without an OPT record does not know
  // EDNS (RFC 6891 §7): it is asked without it for this long.
  std::int64_t no_edns_hold = 900'000'000;
  std::function<std::uint16_t()> random_id;  // query ids; if empty, a generator seeded with `seed`
  std::uint64_t seed = 1;
  std::function<void(const Narration&)> narrate;  // optional: called for every narration line
  // Optional, with `narrate`: whether anyone reads narration at this moment. When it says no, the
  // lines' words are not made (most runs read no trace, and the words cost more than resolving
  // from the cache); `narrate` is called with `unmade` set instead.
  std::function<bool()> narration_wanted;
};

struct Transmit {
  std::uint32_t server_address = 0;  // send to this address, port 53
  Bytes bytes;
  std::string summary;               // "Q MX example.org"
  // Over TCP (protocols/dns/stream.h), because the UDP reply came back truncated: connect to
  // port 53, send the message with its two-octet length, and hand the reply (without its length)
  // to handle_response like a datagram.
  bool tcp = false;
};

struct ClientAnswer {
  std::uint64_t client_token = 0;
  Message response;  // QR, RA set; id and question echo the client's query; rcode is final
  Bytes bytes;       // `response` encoded for UDP (512 octets, or the EDNS payload size the client
                     // announced up to ours; TC if cut); a client that asked over TCP gets
                     // encode_message(response) whole instead
};

struct ResolverCounters {
  std::uint64_t client_queries = 0;
  std::uint64_t cache_hits = 0;     // resolutions answered (positively or negatively) from the cache
  std::uint64_t cache_misses = 0;   // resolutions that had to ask servers
  std::uint64_t queries_sent = 0;
  std::uint64_t responses_received = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t unexpected_responses = 0;  // wrong id/address/question, or nobody waiting
  std::uint64_t coalesced_queries = 0;     // client questions that joined a running resolution
  std::uint64_t servfail_answers = 0;
  std::uint64_t tcp_queries = 0;           // questions repeated over TCP after a truncated reply
  std::uint64_t no_edns_retries = 0;       // questions repeated without EDNS (RFC 6891 §7)
};

class Resolver {
 public:
  explicit Resolver(ResolverConfig config);

  // A client question (RD implied). The answer comes out of poll_answer() with this token,
  // header id 0 — use handle_client_query to have the client's id echoed.
  void start_query(std::uint64_t client_token, const Name& name, RecordType type, std::int64_t now);
  // A client's raw query datagram. Junk gets FORMERR, other opcodes NOTIMP, non-IN REFUSED.
  // RD=0 is answered from the cache, or with a referral, without asking anyone (RFC 1034 §4.3.1).
  void handle_client_query(std::uint64_t client_token, std::span<const std::uint8_t> bytes, std::int64_t now);
  // A datagram from a server (source port 53). Unmatched ones are counted and ignored.
  void handle_response(std::uint32_t from_server_address, std::span<const std::uint8_t> bytes, std::int64_t now);
  // Call at (or after) the time poll_timeout() named.
  void handle_timeout(std::int64_t now);

  std::optional<Transmit> poll_transmit();
  std::optional<std::int64_t> poll_timeout() const;
  std::optional<ClientAnswer> poll_answer();

  const Cache& cache() const { return cache_; }
  std::vector<CacheEntryView> dump_cache(std::int64_t now) const { return cache_.dump(now); }
  void flush_cache() { cache_.clear(); }
  // New limits, timeouts, EDNS size and root hints (`narrate`, `random_id` and `seed` stay): the
  // cache and the resolutions in progress are kept; each limit holds from its next check.
  void reconfigure(const ResolverConfig& next);
  const ResolverCounters& counters() const { return counters_; }
  std::size_t active_resolutions() const { return tasks_.size(); }

 private:
  using State = ResolverState;
  struct Server {
    Name name;
    std::uint32_t address = 0;
    int tries = 0;
  };
  struct NameServer {
    Name name;
    enum class Status { unresolved, resolving, resolved, failed } status = Status::unresolved;
  };
  struct Outstanding {
    std::uint16_t id = 0;
    std::uint32_t address = 0;
    Name server_name;
    std::int64_t deadline = 0;
    bool tcp = false;
    bool edns = false;  // the query carried an OPT record
  };
  struct Client {
    std::uint64_t token = 0;
    std::uint16_t query_id = 0;
    Question question;  // as the client asked it (its case)
    bool recursion_desired = true;
    bool checking_disabled = false;
    std::optional<Edns> edns;  // the client's OPT record, if it sent one
  };
  struct Task {
    std::uint64_t id = 0;
    Question question;     // lower-cased key: original name and type
    Name current_name;     // after CNAMEs so far
    int depth = 0;
    std::int64_t deadline = 0;
    State state = State::init_request;
    std::vector<ResourceRecord> cname_chain;
    Name zone;             // the zone whose servers we are asking (bailiwick)
    std::vector<NameServer> name_servers;
    std::vector<Server> servers;
    int queries_sent = 0;
    int referrals = 0;
    std::uint64_t resolution = 0;  // the client question's task this one works for (its budget)
    int resolution_queries = 0;    // on that task: queries sent for the question, dependencies too
    std::optional<Outstanding> outstanding;
    std::optional<Message> response;  // the one being classified in QUERY_RESPONSE
    std::uint32_t responder = 0;      // the address it came from
    Name responder_name;
    bool response_over_tcp = false;
    bool response_to_edns = false;  // our query had an OPT record
    std::optional<std::uint64_t> waiting_on;
    // result
    Rcode rcode = Rcode::NOERROR;
    std::vector<ResourceRecord> final_records;
    std::optional<ResourceRecord> negative_soa;
    std::vector<ResourceRecord> referral_authorities;  // RD=0 and not cached: NS to go on with
    std::vector<ResourceRecord> referral_additionals;  // and their addresses
    // who wants the result
    std::vector<Client> clients;
    std::vector<std::uint64_t> parents;
  };

  std::uint64_t join_or_create_task(const Name& name, RecordType type, int depth, std::int64_t now,
                                    std::uint64_t resolution = 0);
  // Counts one query sent by `task` against its client question's budget.
  void charge_query(Task& task);
  // The reason `task` may send no more queries, or "" (per task and per client question).
  std::string over_query_limit(const Task& task) const;
  // "CNAME loop: a -> b -> a ..." when a CNAME from `current` (the chain's end) to `target`
  // comes back to a name the chain has passed.
  std::optional<std::string> cname_loop(const Task& task, const Name& current, const Name& target) const;
  void start_client(Client client, std::int64_t now);
  // RD=0 (RFC 1034 §4.3.1): the cache's answer or a referral, never a query upstream.
  void answer_from_cache_only(const Client& client, std::int64_t now);
  void drive(std::int64_t now);
  void run(Task& task, std::int64_t now);
  void do_init_request(Task& task, std::int64_t now);
  void do_query_targets(Task& task, std::int64_t now);
  void do_query_response(Task& task, std::int64_t now);
  // QUERY_RESPONSE's steps (resolver_response.cpp). A reply that says "ask again" (no EDNS, RFC
  // 6891 §7; truncated over UDP, RFC 7766 §5) or "ask elsewhere" (an error, truncated over TCP):
  // true when it was one, and the task has moved on.
  bool ask_again(Task& task, const Message& response, std::int64_t now);
  void mark_lame(Task& task, std::int64_t now, const std::string& why);  // give up on the responder
  enum class AnswerWalk { finished, followed_cname, no_answer };
  // The answer section: our records (the task finishes) or the CNAMEs towards them.
  AnswerWalk walk_answer(Task& task, const Message& response, std::int64_t now);
  // The SOA of a negative answer (RFC 2308 §2), its TTL the negative one (§3).
  std::optional<ResourceRecord> negative_answer_soa(const Task& task, const Message& response) const;
  static std::vector<ResourceRecord> referral(const Message& response);  // the AUTHORITY's NS set
  // RFC 1034 §4.3.2 3b: a referral down to the zone of `delegation`, with its in-bailiwick glue.
  void follow_referral(Task& task, const Message& response, const std::vector<ResourceRecord>& delegation,
                       std::int64_t now);
  void use_closest_delegation(Task& task, std::int64_t now);
  void set_delegation(Task& task, const Name& zone, const std::vector<Name>& hosts, std::int64_t now);
  void add_server_addresses(Task& task, const Name& host, const std::vector<std::uint32_t>& addresses);
  bool start_dependency(Task& task, std::int64_t now);
  bool would_cycle(std::uint64_t candidate, std::uint64_t waiter) const;
  void send_query(Task& task, Server& server, std::int64_t now);
  // The question for a server, with an OPT record unless it is known not to do EDNS.
  Message make_query(const Task& task, std::uint32_t address, std::int64_t now);
  // The same question to the same server over TCP (RFC 7766 §5), after a truncated UDP reply.
  void send_query_over_tcp(Task& task, std::int64_t now);
  void give_up_on_server(Task& task, std::uint32_t address);
  // `why` is the reason as text, or a callable making it: made only for a narration someone reads.
  template <typename Why>
  void finish(Task& task, Rcode rcode, std::int64_t now, const Why& why) {
    settle(task, rcode, now);
    narrate(task, now, State::finished, [&]() -> std::string {
      if constexpr (std::is_invocable_v<const Why&>) {
        return finished_line(task, why());
      } else {
        return finished_line(task, why);
      }
    });
  }
  void settle(Task& task, Rcode rcode, std::int64_t now);  // the result is final (a SERVFAIL is remembered)
  static std::string finished_line(const Task& task, std::string_view why);  // "MX example.org: answer 10 mx... (why)"
  void complete(Task& task, std::int64_t now);
  void answer_client(const Client& client, const Task& task);
  std::uint16_t next_id(std::uint32_t address);
  // `text()` makes the line; it is called only when the line is wanted (ResolverConfig::narration_wanted).
  template <typename MakeText>
  void narrate(const Task& task, std::int64_t now, State state, const MakeText& text, bool repeats_datagram = false) {
    if (!config_.narrate) return;
    if (narration_wanted()) return emit_narration(task, now, state, text(), repeats_datagram, false);
    emit_narration(task, now, state, {}, repeats_datagram, true);
  }
  bool narration_wanted() const { return !config_.narration_wanted || config_.narration_wanted(); }
  void emit_narration(const Task& task, std::int64_t now, State state, std::string text, bool repeats_datagram,
                      bool unmade);

  ResolverConfig config_;
  Cache cache_;
  ResolverCounters counters_;
  std::uint64_t random_state_;
  std::uint64_t next_task_id_ = 1;
  std::map<std::uint64_t, Task> tasks_;
  NameTypeMap<std::uint64_t> task_index_;  // (name, type) being resolved -> its task; never iterated
  std::map<std::uint32_t, std::int64_t> dead_until_;  // server address -> end of its hold
  std::map<std::uint32_t, std::int64_t> no_edns_until_;  // server address -> asked without EDNS until
  // (lower-cased name, type) of a client question that ended in SERVFAIL -> end of its hold.
  NameTypeMap<std::int64_t> servfail_until_;  // never iterated
  std::deque<std::uint64_t> ready_;
  std::deque<Transmit> transmits_;
  std::deque<ClientAnswer> answers_;
};

}  // namespace maillab::dns
