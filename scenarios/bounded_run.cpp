#include "scenarios/bounded_run.h"

#include <algorithm>
#include <unordered_set>

#include "engine/hosts/mail/mta_service.h"
#include "engine/hosts/mailbox/file_spool.h"
#include "engine/hosts/mailbox/mailbox_service.h"

namespace maillab::scenarios {

void spool_mailboxes(World& world, const std::shared_ptr<engine::FileSpool>& spool) {
  for (engine::Host* host : world.network.hosts())
    if (auto* mailboxes = host->find_service<engine::MailboxService>()) mailboxes->store().set_spool(spool);
}

std::size_t fold_settled_mail(World& world) {
  // The ids the queues hold: as many as the messages in flight.
  std::unordered_set<std::string> held;
  for (engine::MtaService* mta : engine::all_mtas(world.network))
    for (const auto& [sequence, entry] : mta->queue().entries()) held.insert(entry.ledger_id);
  return world.ledger.fold_settled([&held](const std::string& id) { return held.count(id) != 0; });
}

void run_world_folding(World& world, engine::Time until, engine::Time every, const std::function<bool()>& keep_going) {
  engine::Simulator& simulator = world.simulator;
  for (;;) {
    // Nothing left to happen: one step to the end, as run_world's clock would.
    const bool last = simulator.pending() == 0 || every <= 0 || until - simulator.now() <= every;
    const engine::Time step_end = last ? until : simulator.now() + every;
    simulator.run_until(step_end);
    if (simulator.now() != step_end) return;  // an event stopped the simulator
    fold_settled_mail(world);
    if (last || (keep_going && !keep_going())) return;
  }
}

}  // namespace maillab::scenarios
