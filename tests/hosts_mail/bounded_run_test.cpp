// scenarios/bounded_run.h, as `maillab run` and `bench mail` run a World: mailboxes spooled to
// disk and the ledger folded as the run goes. The same scenario gives the same trace (fingerprint),
// the same verdicts and the same mailboxes as a run that keeps everything in memory; and folding
// does not hide a lost message from the conservation audit.
#include <catch2/catch.hpp>

#include <sstream>

#include "engine/hosts/mail/mta_service.h"
#include "engine/hosts/mailbox/file_spool.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "scenarios/bounded_run.h"
#include "tests/support/scenario.h"

using namespace maillab;

namespace {

// What a run leaves that a person or a check can see.
struct Seen {
  std::uint64_t fingerprint = 0, records = 0;
  std::string outcome = {}, summary = {}, mailboxes = {};
  std::size_t messages = 0, spooled = 0;  // messages in the mailboxes, and those that live in a spool
};

Seen seen(scenarios::World& world, const scenarios::RunOutcome& outcome) {
  Seen what{world.simulator.trace().fingerprint(), world.simulator.trace().count(), scenarios::format_outcome(outcome),
            world.ledger.summary_line()};
  std::ostringstream boxes;
  for (engine::Host* host : world.network.hosts()) {
    auto* mailboxes = host->find_service<engine::MailboxService>();
    if (!mailboxes) continue;
    for (const auto& user : mailboxes->store().users())
      for (const auto& folder : mailboxes->store().folder_names(user))
        for (const auto& message : mailboxes->store().folder(user, folder)->messages) {
          boxes << host->name() << " " << user << " " << folder << " " << message.uid << " " << message.flags << "\n"
                << message.bytes.view() << "\n";
          ++what.messages;
          what.spooled += message.bytes.in_spool() ? 1 : 0;
        }
  }
  what.mailboxes = boxes.str();
  return what;
}

}  // namespace

TEST_CASE("a run spooled and folded gives the same trace, verdicts and mailboxes as one in memory",
          "[hosts_mail][bounded][spool][ledger]") {
  const std::string name = GENERATE(as<std::string>{}, "busy-morning", "smtp-unknown-user", "smtp-retry",
                                    "smtp-delay-warning", "smtp-dsn", "smtp-quota-freed", "smtp-aliases",
                                    "smtp-mail-loop", "auth-forwarding", "clients-reply-forward",
                                    "pop3-two-devices", "imap-two-devices", "imap-idle-push");
  INFO(name);
  auto kept = testing::load_file(name);
  const auto kept_outcome = testing::run(*kept);
  const Seen in_memory = seen(*kept, kept_outcome);

  auto bounded = testing::load_file(name);
  engine::FileSpool::Opened opened = engine::FileSpool::open();
  REQUIRE(opened.spool);
  scenarios::spool_mailboxes(*bounded, opened.spool);
  // Folded every simulated second, thirty times as often as `maillab run` folds: every message is
  // folded as soon as it may be.
  scenarios::run_world_folding(*bounded, bounded->until, engine::seconds(1));
  const Seen spooled = seen(*bounded, scenarios::evaluate(*bounded));

  CHECK(spooled.fingerprint == in_memory.fingerprint);
  CHECK(spooled.records == in_memory.records);
  CHECK(spooled.outcome == in_memory.outcome);
  CHECK(spooled.summary == in_memory.summary);
  CHECK(spooled.mailboxes == in_memory.mailboxes);
  CHECK(bounded->simulator.now() == kept->simulator.now());
  CHECK(in_memory.spooled == 0);
  CHECK(spooled.spooled == spooled.messages);
  // Folding did happen: the ledger holds fewer messages than it counts (a message with a
  // forwarded copy is never folded: its forwards are counted in its place).
  if (kept->ledger.counts().forwarded == 0) CHECK(bounded->ledger.entries().size() < bounded->ledger.messages());
  CHECK(bounded->ledger.messages() == kept->ledger.messages());
}

TEST_CASE("with the ledger folded, a copy no queue holds is still reported", "[hosts_mail][bounded][audit][ledger]") {
  auto world = testing::load_file("busy-morning");
  // Mid-run, a copy the ledger counts as queued that no MTA's queue holds: lost, as a bug that
  // dropped a queue entry would lose it.
  std::string lost;
  world->simulator.schedule_at(engine::seconds(10), [&] {
    lost = world->ledger.accept("user1@d1.com", "lost", {"user2@d2.org"}, world->simulator.now());
  });
  scenarios::run_world_folding(*world, world->until, engine::seconds(1));
  const auto outcome = scenarios::evaluate(*world);
  CHECK(world->ledger.entries().size() < world->ledger.messages());  // the others were folded
  REQUIRE(outcome.audit_problems.size() == 1);
  CHECK(outcome.audit_problems[0] == lost + " to user2@d2.org is counted as queued but no MTA queue holds it");
  CHECK_FALSE(outcome.passed());
  CHECK(world->ledger.counts().queued == 1);
}
