// The DNS module's events and expectations:
//   events:  lookup: {from, name, type}   mail_route: {from, domain}
//            dns_record: {server, add: "...", zone?} / {server, remove: "...", zone?}
//   expect:  dns_answer, mail_route, dns_queries, cache_hits, cache_contains
#include <algorithm>

#include "engine/net/network.h"
#include "protocols/dns/presentation.h"
#include "scenarios/modules/dns_module.h"

namespace maillab::scenarios::dns_module {

std::variant<dns::ResourceRecord, std::string> parse_record_line(const std::string& line, const dns::Zone& zone) {
  if (line.find('\n') != std::string::npos) return std::string("a record is one line");
  std::string text = "$ORIGIN " + zone.origin().to_text() + "\n$TTL 3600\n" + dns::format_record(zone.soa()) + "\n" + line + "\n";
  auto parsed = dns::Zone::parse(text, zone.origin());
  if (!parsed.ok()) {
    std::string message = parsed.error().message;
    if (message.rfind("line ", 0) == 0)
      if (auto colon = message.find(": "); colon != std::string::npos) message = message.substr(colon + 2);
    return message;
  }
  std::vector<dns::ResourceRecord> records;
  for (const auto& record : parsed.value().all_records())
    if (record.type != dns::RecordType::SOA) records.push_back(record);
  if (records.size() != 1) return std::string(records.empty() ? "no record" : "more than one record");
  return records.front();
}

std::string_view to_string(engine::StubResolver::MailRoute::Status status) {
  using Status = engine::StubResolver::MailRoute::Status;
  switch (status) {
    case Status::ok: return "ok";
    case Status::nxdomain: return "nxdomain";
    case Status::no_address: return "no_address";
    case Status::null_mx: return "null_mx";
    case Status::temporary_failure: return "temporary_failure";
  }
  return "?";
}

std::string describe_route(const engine::StubResolver::MailRoute& route) {
  std::string text;
  for (const auto& exchanger : route.exchangers) {
    text += (text.empty() ? "" : "; ") + std::to_string(exchanger.preference) + " " + exchanger.host + " [";
    for (std::size_t i = 0; i < exchanger.addresses.size(); ++i)
      text += (i ? ", " : "") + engine::format_address(exchanger.addresses[i]);
    text += "]";
  }
  if (route.implicit) text += " (implicit MX)";
  return text;
}

namespace {

using engine::Simulator;

std::optional<dns::RecordType> read_type(const YAML::Node& node, LoadContext& context, std::string_view what) {
  auto text = context.text(node, what);
  if (!text) return std::nullopt;
  auto type = dns::type_from_text(*text);
  if (!type) context.error(node, "unknown record type '" + *text + "'", "A, AAAA, MX, NS, TXT, CNAME, SOA or PTR");
  return type;
}

std::optional<dns::Name> read_name(const YAML::Node& node, LoadContext& context, std::string_view what) {
  auto text = context.text(node, what);
  if (!text) return std::nullopt;
  std::string absolute = *text;
  if (absolute.empty() || absolute.back() != '.') absolute += '.';
  auto name = dns::Name::from_text(absolute);
  if (!name.ok()) {
    context.error(node, "'" + *text + "' is not a domain name: " + name.error().message, "a name like example.org");
    return std::nullopt;
  }
  return name.value();
}

// A host that can ask DNS questions: it has a resolver to ask.
engine::Host* asking_host(const YAML::Node& node, LoadContext& context, std::string_view what) {
  engine::Host* host = context.host(node, what);
  if (host && host->resolver_address() == 0) {
    context.error(node, "'" + host->name() + "' has no resolver to ask",
                  "resolver: <the resolver host> in that host's entry");
    return nullptr;
  }
  return host;
}

std::optional<Simulator::Action> parse_lookup(const YAML::Node& value, LoadContext& context) {
  bool ok = context.check_keys(value, "lookup", {"from", "name"}, {"type"});
  if (!value.IsMap()) return std::nullopt;
  engine::Host* host = value["from"] ? asking_host(value["from"], context, "lookup from") : nullptr;
  auto name = value["name"] ? read_name(value["name"], context, "lookup name") : std::nullopt;
  std::optional<dns::RecordType> type = dns::RecordType::A;
  if (value["type"]) type = read_type(value["type"], context, "lookup type");
  if (!ok || !host || !name || !type) return std::nullopt;
  State* state = &context.world.module_state<State>();
  return Simulator::Action([state, host, name = *name, type = *type] {
    state->lookups.push_back(LookupOutcome{host->name(), name, type, host->simulator().now(), false, 0, {}});
    LookupOutcome* outcome = &state->lookups.back();
    state->stub(*host).lookup(name, type, [outcome, host](const engine::DnsLookupResult& result) {
      outcome->finished = true;
      outcome->finished_at = host->simulator().now();
      outcome->result = result;
    });
  });
}

std::optional<Simulator::Action> parse_mail_route_action(const YAML::Node& value, LoadContext& context) {
  bool ok = context.check_keys(value, "mail_route", {"from", "domain"});
  if (!value.IsMap()) return std::nullopt;
  engine::Host* host = value["from"] ? asking_host(value["from"], context, "mail_route from") : nullptr;
  auto domain = value["domain"] ? context.text(value["domain"], "mail_route domain") : std::nullopt;
  if (!ok || !host || !domain) return std::nullopt;
  State* state = &context.world.module_state<State>();
  return Simulator::Action([state, host, domain = *domain] {
    state->routes.push_back(RouteOutcome{host->name(), domain, host->simulator().now(), false, {}});
    RouteOutcome* outcome = &state->routes.back();
    engine::Rng rng = host->simulator().rng().derive("mail-route:" + host->name());
    state->stub(*host).resolve_mail_route(domain, rng, [outcome, host](const engine::StubResolver::MailRoute& route) {
      outcome->finished = true;
      outcome->route = route;
      engine::TraceRecord record;
      record.time = host->simulator().now();
      record.kind = engine::TraceKind::note;
      record.node = host->name();
      record.protocol = "DNS";
      record.summary = "mail for " + outcome->domain + " goes to: " +
                       (route.exchangers.empty() ? std::string(to_string(route.status)) : describe_route(route)) +
                       (route.detail.empty() ? "" : " (" + route.detail + ")");
      host->simulator().trace().record(std::move(record));
    });
  });
}

}  // namespace

const dns::Zone* zone_to_change(const YAML::Node& value, ServerEntry& server, LoadContext& context,
                                std::string_view what) {
  const auto& zones = server.service->zones().zones();
  const std::string& host = server.host->name();
  if (value["zone"]) {
    auto origin = read_name(value["zone"], context, std::string(what) + " zone");
    if (!origin) return nullptr;
    for (const auto& candidate : zones)
      if (candidate.origin() == *origin) return &candidate;
    context.error(value["zone"], "'" + host + "' does not serve zone " + origin->to_text(), "one of its zones");
    return nullptr;
  }
  if (zones.size() == 1) return &zones.front();
  context.error(value, "'" + host + "' serves " + std::to_string(zones.size()) + " zones; which one?", "zone: <origin>");
  return nullptr;
}

std::optional<dns::ResourceRecord> read_record(const YAML::Node& line_node, const dns::Zone& zone,
                                              LoadContext& context, std::string_view what) {
  auto line = context.text(line_node, what);
  if (!line) return std::nullopt;
  auto parsed = parse_record_line(*line, zone);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    context.error(line_node, "bad record: " + *error, "a record like \"mail 300 IN A 10.0.2.26\"");
    return std::nullopt;
  }
  dns::ResourceRecord record = std::get<dns::ResourceRecord>(parsed);
  if (!record.name.is_subdomain_of(zone.origin())) {
    context.error(line_node, record.name.to_text() + " is outside zone " + zone.origin().to_text(), "a name in the zone");
    return std::nullopt;
  }
  return record;
}

namespace {

std::optional<Simulator::Action> parse_dns_record(const YAML::Node& value, LoadContext& context) {
  bool ok = context.check_keys(value, "dns_record", {"server"}, {"add", "remove", "zone"});
  if (!value.IsMap()) return std::nullopt;
  State& state = context.world.module_state<State>();
  engine::Host* host = value["server"] ? context.host(value["server"], "dns_record server") : nullptr;
  if (!ok || !host) return std::nullopt;
  ServerEntry* server = state.server(host->name());
  if (!server) {
    context.error(value["server"], "'" + host->name() + "' runs no authoritative DNS server", "a host with a dns_server block");
    return std::nullopt;
  }
  if (!!value["add"] == !!value["remove"]) {
    context.error(value, "dns_record needs exactly one of add: and remove:", "add: \"mail 300 IN A 10.0.2.26\"");
    return std::nullopt;
  }
  const bool adding = !!value["add"];
  const YAML::Node& line_node = adding ? value["add"] : value["remove"];
  const dns::Zone* zone = zone_to_change(value, *server, context, "dns_record");
  if (!zone) return std::nullopt;
  auto read = read_record(line_node, *zone, context, adding ? "dns_record add" : "dns_record remove");
  if (!read) return std::nullopt;
  dns::ResourceRecord record = *read;
  engine::AuthoritativeService* service = server->service;
  return Simulator::Action([service, host, record, adding] {
    bool done = true;
    std::string why;
    if (adding) {
      if (auto error = service->add_record(record)) done = false, why = *error;
    } else {
      done = service->remove_record(record);
      why = "no such record";
    }
    if (done) return;
    engine::TraceRecord note;
    note.time = host->simulator().now();
    note.kind = engine::TraceKind::note;
    note.node = host->name();
    note.summary = std::string(adding ? "could not add " : "could not remove ") + dns::format_record(record) + ": " + why;
    host->simulator().trace().record(std::move(note));
  });
}

// --- expectations ----------------------------------------------------------------------------

struct Counts {
  std::optional<std::int64_t> at_least, at_most, exactly;
  bool holds(std::uint64_t n) const {
    auto v = static_cast<std::int64_t>(n);
    return (!at_least || v >= *at_least) && (!at_most || v <= *at_most) && (!exactly || v == *exactly);
  }
};

bool read_counts(const YAML::Node& value, Counts& counts, LoadContext& context, std::string_view what) {
  bool ok = true;
  auto one = [&](const char* key, std::optional<std::int64_t>& into) {
    if (value[key]) ok = (into = context.integer(value[key], std::string(what) + " " + key, 0, 1'000'000'000)) && ok;
  };
  one("at_least", counts.at_least);
  one("at_most", counts.at_most);
  one("exactly", counts.exactly);
  if (value["count"]) {
    if (counts.exactly) {
      context.error(value["count"], "both count: and exactly:", "one of them");
      ok = false;
    }
    one("count", counts.exactly);
  }
  if (ok && !counts.at_least && !counts.at_most && !counts.exactly) {
    context.error(value, std::string(what) + " has no count", "count:, at_least:, at_most: or exactly:");
    ok = false;
  }
  return ok;
}

std::optional<dns::Rcode> read_rcode(const YAML::Node& node, LoadContext& context) {
  auto text = context.text(node, "rcode");
  if (!text) return std::nullopt;
  for (auto rcode : {dns::Rcode::NOERROR, dns::Rcode::FORMERR, dns::Rcode::SERVFAIL, dns::Rcode::NXDOMAIN,
                     dns::Rcode::NOTIMP, dns::Rcode::REFUSED})
    if (dns::rcode_to_text(rcode) == *text) return rcode;
  context.error(node, "unknown rcode '" + *text + "'", "NOERROR, NXDOMAIN, SERVFAIL, REFUSED, FORMERR or NOTIMP");
  return std::nullopt;
}

std::string answer_text(const dns::Message& response) {
  std::string text;
  for (const auto& record : response.answers)
    text += dns::format_record(record) + " | " + dns::type_to_text(record.type) + " " + dns::summarize_rdata(record.data) + "\n";
  return text;
}

std::optional<Expectation> parse_dns_answer(const YAML::Node& value, LoadContext& context) {
  bool ok = context.check_keys(value, "dns_answer", {"from", "name"}, {"type", "contains", "rcode", "timed_out", "nth", "within"});
  if (!value.IsMap()) return std::nullopt;
  engine::Host* host = value["from"] ? context.host(value["from"], "dns_answer from") : nullptr;
  auto name = value["name"] ? read_name(value["name"], context, "dns_answer name") : std::nullopt;
  std::optional<dns::RecordType> type = dns::RecordType::A;
  if (value["type"]) type = read_type(value["type"], context, "dns_answer type");
  std::optional<std::string> contains;
  std::optional<dns::Rcode> rcode;
  std::optional<bool> timed_out;
  std::optional<std::int64_t> nth;
  std::optional<engine::Time> within;
  if (value["within"]) ok = (within = context.duration(value["within"], "dns_answer within")) && ok;
  if (value["contains"]) ok = (contains = context.text(value["contains"], "dns_answer contains")) && ok;
  if (value["rcode"]) ok = (rcode = read_rcode(value["rcode"], context)) && ok;
  if (value["timed_out"]) ok = (timed_out = context.boolean(value["timed_out"], "dns_answer timed_out")) && ok;
  if (value["nth"]) ok = (nth = context.integer(value["nth"], "dns_answer nth", 1, 1'000'000)) && ok;
  if (!ok || !host || !name || !type) return std::nullopt;
  const State* state = &context.world.module_state<State>();
  Expectation expectation;
  expectation.check = [=, from = host->name()]() -> ExpectationResult {
    std::vector<const LookupOutcome*> matching;
    for (const auto& lookup : state->lookups)
      if (lookup.from == from && lookup.name == *name && lookup.type == *type) matching.push_back(&lookup);
    std::string what = dns::type_to_text(*type) + " " + name->to_short_text() + " from " + from;
    if (matching.empty()) return {false, "no lookup of " + what + " was made"};
    if (nth && static_cast<std::size_t>(*nth) > matching.size())
      return {false, "only " + std::to_string(matching.size()) + " lookups of " + what};
    std::vector<const LookupOutcome*> checked = matching;
    if (nth) checked = {matching[static_cast<std::size_t>(*nth - 1)]};
    std::string seen;
    bool passed = true;
    for (const auto* lookup : checked) {
      std::string line = "at " + engine::format_seconds(lookup->asked_at) + "s: ";
      bool good = lookup->finished;
      if (!lookup->finished) {
        line += "not finished";
      } else if (lookup->result.timed_out) {
        line += "timed out";
        good = timed_out.value_or(false);
      } else {
        const auto& response = lookup->result.response;
        line += dns::summarize_message(response);
        if (timed_out && *timed_out) good = false;
        if (rcode && response.header.rcode != *rcode) good = false;
        if (!rcode && !timed_out && !contains && response.header.rcode != dns::Rcode::NOERROR) good = false;
        if (contains && answer_text(response).find(*contains) == std::string::npos) good = false;
      }
      if (lookup->finished) {
        engine::Time took = lookup->finished_at - lookup->asked_at;
        line += " after " + engine::format_seconds(took) + "s";
        if (within && took > *within) good = false;
      }
      passed = passed && good;
      seen += (seen.empty() ? "" : "; ") + line;
    }
    return {passed, what + ": " + seen};
  };
  return expectation;
}

std::optional<Expectation> parse_mail_route_expectation(const YAML::Node& value, LoadContext& context) {
  bool ok = context.check_keys(value, "mail_route", {"from", "domain"}, {"status", "contains", "first", "implicit"});
  if (!value.IsMap()) return std::nullopt;
  engine::Host* host = value["from"] ? context.host(value["from"], "mail_route from") : nullptr;
  auto domain = value["domain"] ? context.text(value["domain"], "mail_route domain") : std::nullopt;
  std::optional<std::string> status, contains, first;
  std::optional<bool> implicit;
  if (value["status"]) {
    status = context.text(value["status"], "mail_route status");
    const std::vector<std::string> names = {"ok", "nxdomain", "no_address", "null_mx", "temporary_failure"};
    if (status && std::find(names.begin(), names.end(), *status) == names.end()) {
      context.error(value["status"], "unknown status '" + *status + "'" + did_you_mean(*status, names),
                    "ok, nxdomain, no_address, null_mx or temporary_failure");
      status.reset();
    }
    ok = ok && status;
  }
  if (value["contains"]) ok = (contains = context.text(value["contains"], "mail_route contains")) && ok;
  if (value["first"]) ok = (first = context.text(value["first"], "mail_route first")) && ok;
  if (value["implicit"]) ok = (implicit = context.boolean(value["implicit"], "mail_route implicit")) && ok;
  if (!ok || !host || !domain) return std::nullopt;
  const State* state = &context.world.module_state<State>();
  Expectation expectation;
  expectation.check = [=, from = host->name()]() -> ExpectationResult {
    const RouteOutcome* last = nullptr;
    for (const auto& route : state->routes)
      if (route.from == from && route.domain == *domain) last = &route;
    if (!last) return {false, "no mail_route for " + *domain + " from " + from};
    if (!last->finished) return {false, "the mail_route lookup for " + *domain + " had not finished"};
    std::string text = describe_route(last->route);
    std::string detail = std::string(to_string(last->route.status)) + ": " + text +
                         (last->route.detail.empty() ? "" : " (" + last->route.detail + ")");
    bool passed = !status ? last->route.status == engine::StubResolver::MailRoute::Status::ok
                          : to_string(last->route.status) == *status;
    if (contains && text.find(*contains) == std::string::npos) passed = false;
    if (first && (last->route.exchangers.empty() || last->route.exchangers.front().host != *first)) passed = false;
    if (implicit && last->route.implicit != *implicit) passed = false;
    return {passed, detail};
  };
  return expectation;
}

std::optional<Expectation> parse_dns_queries(const YAML::Node& value, LoadContext& context) {
  bool ok = context.check_keys(value, "dns_queries", {},
                               {"server", "resolver", "name", "type", "after", "before", "count", "at_least", "at_most", "exactly"});
  if (!value.IsMap()) return std::nullopt;
  State& state = context.world.module_state<State>();
  if (!!value["server"] == !!value["resolver"]) {
    context.error(value, "dns_queries needs exactly one of server: (queries it received) and resolver: (queries it sent)",
                  "server: a.root-servers.net");
    return std::nullopt;
  }
  const ServerEntry* server = nullptr;
  const ResolverEntry* resolver = nullptr;
  if (value["server"]) {
    if (engine::Host* host = context.host(value["server"], "dns_queries server")) {
      server = state.server(host->name());
      if (!server) context.error(value["server"], "'" + host->name() + "' runs no authoritative DNS server", "a host with dns_server:");
    }
  } else if (engine::Host* host = context.host(value["resolver"], "dns_queries resolver")) {
    resolver = state.resolver(host->name());
    if (!resolver) context.error(value["resolver"], "'" + host->name() + "' runs no resolver", "a host with resolver: {...}");
  }
  std::optional<dns::Name> name;
  std::optional<dns::RecordType> type;
  std::optional<engine::Time> after, before;
  if (value["name"]) ok = (name = read_name(value["name"], context, "dns_queries name")) && ok;
  if (value["type"]) ok = (type = read_type(value["type"], context, "dns_queries type")) && ok;
  if (value["after"]) ok = (after = context.duration(value["after"], "dns_queries after")) && ok;
  if (value["before"]) ok = (before = context.duration(value["before"], "dns_queries before")) && ok;
  Counts counts;
  ok = read_counts(value, counts, context, "dns_queries") && ok;
  if (!ok || (!server && !resolver)) return std::nullopt;
  const engine::AuthoritativeService* service = server ? server->service : nullptr;
  const engine::ResolverService* resolving = resolver ? resolver->service : nullptr;
  Expectation expectation;
  expectation.check = [=]() -> ExpectationResult {
    auto in_window = [&](engine::Time t) { return (!after || t >= *after) && (!before || t <= *before); };
    std::uint64_t n = 0;
    if (service) {
      for (const auto& query : service->received()) {
        if (!in_window(query.time)) continue;
        if ((name || type) && !query.question) continue;
        if (name && !(query.question->name == *name)) continue;
        if (type && query.question->type != *type) continue;
        ++n;
      }
    } else {
      std::string wanted = "Q " + (type ? dns::type_to_text(*type) + " " : std::string());
      for (const auto& query : resolving->sent()) {
        if (!in_window(query.time)) continue;
        if (type && query.summary.rfind(wanted, 0) != 0) continue;
        if (name) {
          auto space = query.summary.rfind(' ');
          auto asked = dns::Name::from_text(query.summary.substr(space + 1) + ".");
          if (!asked.ok() || !(asked.value() == *name)) continue;
        }
        ++n;
      }
    }
    std::string noun = n == 1 ? " query" : " queries";
    return {counts.holds(n), std::to_string(n) + noun + (service ? " received" : " sent")};
  };
  return expectation;
}

const ResolverEntry* resolver_entry(const YAML::Node& node, LoadContext& context, std::string_view what) {
  engine::Host* host = context.host(node, what);
  if (!host) return nullptr;
  const ResolverEntry* entry = context.world.module_state<State>().resolver(host->name());
  if (!entry) context.error(node, "'" + host->name() + "' runs no resolver", "a host with resolver: {...}");
  return entry;
}

std::optional<Expectation> parse_cache_hits(const YAML::Node& value, LoadContext& context) {
  bool ok = context.check_keys(value, "cache_hits", {"resolver"}, {"count", "at_least", "at_most", "exactly"});
  if (!value.IsMap()) return std::nullopt;
  const ResolverEntry* entry = value["resolver"] ? resolver_entry(value["resolver"], context, "cache_hits resolver") : nullptr;
  Counts counts;
  ok = read_counts(value, counts, context, "cache_hits") && ok;
  if (!ok || !entry) return std::nullopt;
  const engine::ResolverService* service = entry->service;
  Expectation expectation;
  expectation.check = [=]() -> ExpectationResult {
    std::uint64_t n = service->cache_hits_total();
    return {counts.holds(n), std::to_string(n) + (n == 1 ? " answer" : " answers") + " from the cache"};
  };
  return expectation;
}

std::optional<Expectation> parse_cache_contains(const YAML::Node& value, LoadContext& context) {
  bool ok = context.check_keys(value, "cache_contains", {"resolver", "name"}, {"type", "contains", "present"});
  if (!value.IsMap()) return std::nullopt;
  const ResolverEntry* entry = value["resolver"] ? resolver_entry(value["resolver"], context, "cache_contains resolver") : nullptr;
  auto name = value["name"] ? read_name(value["name"], context, "cache_contains name") : std::nullopt;
  std::optional<dns::RecordType> type = dns::RecordType::A;
  if (value["type"]) type = read_type(value["type"], context, "cache_contains type");
  std::optional<std::string> contains;
  std::optional<bool> present = true;
  if (value["contains"]) ok = (contains = context.text(value["contains"], "cache_contains contains")) && ok;
  if (value["present"]) ok = (present = context.boolean(value["present"], "cache_contains present")) && ok;
  if (!ok || !entry || !name || !type || !present) return std::nullopt;
  const engine::ResolverService* service = entry->service;
  Expectation expectation;
  expectation.check = [=]() -> ExpectationResult {
    std::string what = dns::type_to_text(*type) + " " + name->to_short_text();
    for (const auto& cached : service->dump_cache()) {
      if (!(cached.name == *name) || (cached.type != *type && cached.type != dns::RecordType::ANY)) continue;
      std::string line = what + " cached: " + cached.summary + " (TTL " + std::to_string(cached.remaining_ttl) + " left)";
      bool matches = !contains || cached.summary.find(*contains) != std::string::npos;
      return {matches == *present, line};
    }
    return {!*present, what + " is not in the cache"};
  };
  return expectation;
}

}  // namespace

void register_script(Registry& registry) {
  registry.add_action("lookup", [](const YAML::Node& v, engine::Time, LoadContext& c) { return parse_lookup(v, c); });
  registry.add_action("mail_route", [](const YAML::Node& v, engine::Time, LoadContext& c) { return parse_mail_route_action(v, c); });
  registry.add_action("dns_record", [](const YAML::Node& v, engine::Time, LoadContext& c) { return parse_dns_record(v, c); });
  registry.add_expectation("dns_answer", parse_dns_answer);
  registry.add_expectation("mail_route", parse_mail_route_expectation);
  registry.add_expectation("dns_queries", parse_dns_queries);
  registry.add_expectation("cache_hits", parse_cache_hits);
  registry.add_expectation("cache_contains", parse_cache_contains);
}

}  // namespace maillab::scenarios::dns_module
