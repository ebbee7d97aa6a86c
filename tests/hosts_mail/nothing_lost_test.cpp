// Nothing lost (DESIGN.md "Conservation", issue 14 item 7): a busy generated world whose MTAs
// crash and restart at random moments (seeded), checked afterwards against three invariants:
//   1. every message the ledger accepted has, per recipient, exactly one fate (delivered,
//      bounced or still queued), and a message its sender was told was accepted (250 after the
//      final ".") is in the ledger: 250 is only sent once the message is in the queue, which
//      survives a crash;
//   2. every copy the ledger calls delivered is in that recipient's mailbox, once, or once more
//      for each duplicate the trace reports (RFC 1047: the sending MTA never heard the 250,
//      because a crash lost it, and sent the message again; SMTP cannot rule that out), and no
//      mailbox holds a copy the ledger does not call delivered there;
//   3. with every MTA back up and time to retry, nothing is left queued and the conservation
//      audit (every queued copy is in some queue) holds.
// The crash times are drawn to the microsecond so they land inside SMTP dialogues, DNS lookups
// and deliveries, not only between them.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>
#include <sstream>

#include "engine/hosts/mailbox/file_spool.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "scenarios/bounded_run.h"
#include "tests/support/worlds.h"
#include "protocols/mail/message.h"

using namespace maillab;

namespace {

const std::vector<std::string> domains = {"alpha.example", "beta.example", "gamma.example"};
const std::vector<std::string> users = {"ann", "ben", "cat"};

std::string mail_host(const std::string& domain) { return "mail." + domain; }

struct GeneratedWorld {
  std::string yaml;
  int messages = 0;
  int crashes = 0;
};

std::string microseconds(std::uint64_t value) { return std::to_string(value) + "us"; }

// A few domains with an MTA each, one DNS tree, a laptop per domain submitting tens of messages
// (some to unknown users and to a domain that does not exist, so bounces happen too), and every
// MTA crashing and restarting at random moments in the first 300 s.
GeneratedWorld generate_world(std::uint64_t seed) {
  std::mt19937_64 random(seed);
  auto pick = [&](std::uint64_t low, std::uint64_t high) {
    return std::uniform_int_distribution<std::uint64_t>(low, high)(random);
  };
  GeneratedWorld generated;
  std::ostringstream yaml;
  yaml << "seed: " << seed << "\nuntil: 1500s\nhosts:\n"
       << "  - {name: a.root-servers.net, address: 198.41.0.4, dns_server: {generate: root}}\n"
       << "  - {name: tld.example, address: 199.19.56.1, dns_server: {generate: tld, tld: example}}\n"
       << "  - {name: resolver.net, address: 10.0.0.53, resolver: {}}\n"
       << "  - name: ns.alpha.example\n    address: 10.0.0.54\n    dns_server:\n      zones:\n";
  for (std::size_t d = 0; d < domains.size(); ++d)
    yaml << "        - {origin: " << domains[d] << ", records: [\"@ 300 IN MX 10 mail\", \"mail 300 IN A 10.0."
         << d + 1 << ".25\"]}\n";
  for (std::size_t d = 0; d < domains.size(); ++d) {
    yaml << "  - name: " << mail_host(domains[d]) << "\n    address: 10.0." << d + 1 << ".25\n"
         << "    resolver: resolver.net\n    mailboxes:\n      domains: [" << domains[d] << "]\n      users: [";
    for (std::size_t u = 0; u < users.size(); ++u) yaml << (u ? ", " : "") << "{name: " << users[u] << ", password: pw}";
    yaml << "]\n    mta: {queue: {minimal_backoff: 20s, maximal_backoff: 80s}}\n"
         << "  - {name: laptop." << domains[d] << ", address: 10.0." << d + 1 << ".10}\n";
  }
  yaml << "routers: [{name: core}]\nlinks:\n";
  for (const char* host : {"a.root-servers.net", "tld.example", "resolver.net", "ns.alpha.example"})
    yaml << "  - {between: [" << host << ", core], latency: 3ms}\n";
  for (const auto& domain : domains)
    yaml << "  - {between: [" << mail_host(domain) << ", core], latency: " << pick(2, 9) << "ms}\n"
         << "  - {between: [laptop." << domain << ", core], latency: 2ms}\n";

  yaml << "events:\n";
  generated.messages = static_cast<int>(pick(30, 40));
  for (int m = 1; m <= generated.messages; ++m) {
    const std::string& from_domain = domains[pick(0, domains.size() - 1)];
    std::string to;
    const auto recipients = pick(1, 3);
    for (std::uint64_t r = 0; r < recipients; ++r) {
      std::string recipient;
      const auto kind = pick(0, 19);
      if (kind == 0) recipient = "nobody@" + domains[pick(0, domains.size() - 1)];  // 550 5.1.1
      else if (kind == 1) recipient = "ann@missing.example";                        // NXDOMAIN: 5.1.2
      else recipient = users[pick(0, users.size() - 1)] + "@" + domains[pick(0, domains.size() - 1)];
      if (to.find(recipient) == std::string::npos) to += (to.empty() ? "" : ", ") + recipient;
    }
    yaml << "  - {at: " << microseconds(pick(1'000'000, 240'000'000)) << ", send: {from: "
         << users[pick(0, users.size() - 1)] << "@" << from_domain << ", to: [" << to << "], via: "
         << mail_host(from_domain) << ", from_host: laptop." << from_domain << ", subject: \"message " << m
         << "\", body: \"number " << m << "\"}}\n";
  }
  for (const auto& domain : domains) {
    std::uint64_t at = pick(500'000, 30'000'000);
    while (at < 300'000'000) {
      const std::uint64_t down = pick(10'000, 40'000'000);
      yaml << "  - {at: " << microseconds(at) << ", crash: " << mail_host(domain) << "}\n"
           << "  - {at: " << microseconds(at + down) << ", restart: " << mail_host(domain) << "}\n";
      ++generated.crashes;
      at += down + pick(200'000, 60'000'000);
    }
  }
  generated.yaml = yaml.str();
  return generated;
}


// (ledger id, recipient address) -> copies of that message in that recipient's INBOX.
std::map<std::pair<std::string, std::string>, int> mailbox_copies(scenarios::World& world) {
  std::map<std::pair<std::string, std::string>, int> copies;
  for (const auto& domain : domains) {
    auto* host = world.network.host(mail_host(domain));
    REQUIRE(host);
    auto* mailboxes = host->find_service<engine::MailboxService>();
    REQUIRE(mailboxes);
    for (const auto& user : mailboxes->store().users())
      for (const auto& folder : mailboxes->store().folder_names(user))
        for (const auto& stored : mailboxes->store().folder(user, folder)->messages) {
          auto parsed = mail::parse_message(stored.bytes);
          REQUIRE(parsed.ok());
          const std::string id = parsed->headers.get(std::string(engine::tracking_header)).value_or("");
          if (id.find("-DSN") != std::string::npos || id.find("-DELAY") != std::string::npos) continue;
          ++copies[{id, user + "@" + domain}];
        }
  }
  return copies;
}

}  // namespace

TEST_CASE("Nothing lost: MTAs crash and restart at random moments, every accepted copy is delivered "
          "once, bounced or queued, and the mailboxes agree with the ledger",
          "[hosts_mail][mail][invariant][crash]") {
  const std::uint64_t seed = GENERATE(range(1, 31));
  const GeneratedWorld generated = generate_world(seed);
  INFO("seed " << seed << ": " << generated.messages << " messages, " << generated.crashes << " crashes");
  auto world = testing::load_text(generated.yaml);
  const auto outcome = testing::run(*world);
  for (const auto& problem : outcome.audit_problems) FAIL_CHECK(problem);

  const auto& ledger = world->ledger;
  const auto counts = ledger.counts();
  INFO(ledger.summary_line());
  CHECK(counts.accepted > 20);  // the world really was busy
  CHECK(counts.queued == 0);    // all MTAs are up at the end and had time to retry

  // 1. Every sender told "accepted" has its message in the ledger.
  for (const auto* record : testing::records(*world, engine::TraceKind::mail, "", "submitted: ")) {
    if (record->summary.rfind("submitted: ", 0) != 0) continue;  // "not submitted: ..."
    INFO(record->summary);
    CHECK(ledger.find(record->message) != nullptr);
  }

  // 1 and 2. One fate per copy; the delivered ones in the mailbox exactly once, no others.
  auto copies = mailbox_copies(*world);
  std::set<std::pair<std::string, std::string>> delivered;
  for (const auto& [id, entry] : ledger.entries()) {
    std::set<std::string> seen;
    for (const auto& copy : entry.copies) {
      INFO(id << " to " << copy.recipient);
      CHECK(seen.insert(copy.recipient).second);  // one copy per recipient in the ledger
      const int in_mailbox = copies.count({id, copy.recipient}) ? copies[{id, copy.recipient}] : 0;
      if (copy.fate == engine::CopyFate::delivered) {
        delivered.insert({id, copy.recipient});
        // A duplicate (RFC 1047) is an extra copy the trace tells, one record each.
        const auto duplicates =
            testing::records(*world, engine::TraceKind::mail, "", "duplicate: " + copy.recipient + " got " + id + " again");
        CHECK(in_mailbox == 1 + static_cast<int>(duplicates.size()));
      } else {
        CHECK(in_mailbox == 0);
      }
    }
  }
  for (const auto& [key, count] : copies) {
    INFO(key.first << " in the mailbox of " << key.second << " " << count << " time(s)");
    CHECK(delivered.count(key) == 1);
  }
}

TEST_CASE("Nothing lost, folded: with the ledger folded every simulated second and the mailboxes "
          "spooled, the crashing worlds write the same trace, duplicates included",
          "[hosts_mail][mail][invariant][crash][bounded]") {
  // A duplicate (RFC 1047) is found through the ledger: the message was delivered once already.
  // The first copy's message is settled, but the sending MTA's queue still holds it, so folding
  // must keep it (scenarios::fold_settled_mail), or the second delivery goes unnoticed.
  std::size_t duplicates = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const GeneratedWorld generated = generate_world(seed);
    INFO("seed " << seed);
    auto kept = testing::load_text(generated.yaml);
    const auto kept_outcome = testing::run(*kept);
    duplicates += testing::records(*kept, engine::TraceKind::mail, "", "duplicate: ").size();

    auto bounded = testing::load_text(generated.yaml);
    engine::FileSpool::Opened opened = engine::FileSpool::open();
    REQUIRE(opened.spool);
    scenarios::spool_mailboxes(*bounded, opened.spool);
    scenarios::run_world_folding(*bounded, bounded->until, engine::seconds(1));
    const auto bounded_outcome = scenarios::evaluate(*bounded);
    CHECK(bounded->simulator.trace().fingerprint() == kept->simulator.trace().fingerprint());
    CHECK(scenarios::format_outcome(bounded_outcome) == scenarios::format_outcome(kept_outcome));
    CHECK(bounded->ledger.summary_line() == kept->ledger.summary_line());
    CHECK(mailbox_copies(*bounded) == mailbox_copies(*kept));
    CHECK(bounded->ledger.entries().size() < bounded->ledger.messages());
  }
  CHECK(duplicates > 0);  // the worlds do make duplicates for the fold to keep track of
}
