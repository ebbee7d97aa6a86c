// Running a large World with its memory bounded by the mail in flight, not by every message ever
// sent (issue 15; bench/README.md, "maillab run at scale"): `maillab run` and `maillab bench mail`
// both run this way.
//   - Mailboxes on disk: every mailbox host keeps the mail it is given in one engine::FileSpool,
//     as a real MDA keeps delivered mail on disk. POP3, IMAP and the expectations read it back
//     byte for byte (tests `[spool]`).
//   - The ledger folds settled messages: every `fold_interval` of simulated time, the messages
//     every copy of which is delivered or bounced, and that no MTA queue still holds, are kept as
//     counts only (engine::MailLedger::fold_settled). The summary line, `messages:`, `bounced:`
//     and the conservation audit read the counts; the trace is the same byte for byte.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "engine/core/time.h"
#include "scenarios/world.h"

namespace maillab::engine {
class FileSpool;
}

namespace maillab::scenarios {

// Every mailbox host of the world keeps the mail it is given in `spool` (from now on).
void spool_mailboxes(World& world, const std::shared_ptr<engine::FileSpool>& spool);

// Forgets the ledger's settled messages that no MTA queue of the world still holds; returns how
// many. Held ones stay: an MTA that never heard the 250 for a message sends it again, and the
// duplicate is noticed through the ledger (engine/hosts/mail/mta_delivery.cpp, RFC 1047).
std::size_t fold_settled_mail(World& world);

// How often a folding run folds: short enough that a busy run's settled messages do not pile up,
// long enough that walking the ledger's messages in flight costs nothing next to the run.
inline constexpr engine::Time fold_interval = engine::seconds(30);

// Runs every event up to `until` as run_world does (the clock ends there), stopping every `every`
// of simulated time to fold the ledger (fold_settled_mail). After each fold, `keep_going` (when
// given) may end the run there by returning false. Nothing runs between the steps, so the
// events, and the trace, are those of one run_until(until).
void run_world_folding(World& world, engine::Time until, engine::Time every = fold_interval,
                       const std::function<bool()>& keep_going = {});

}  // namespace maillab::scenarios
