#include "bench/mail.h"

#include <sstream>

#include "bench/run_stats.h"
#include "scenarios/loader.h"

namespace maillab::bench {
namespace {

// How long the world may keep going after the last submission before the run is called stuck:
// longer than a lost packet's retransmissions and a first queue retry, far less than a queue's
// lifetime.
constexpr engine::Time settle_limit = engine::seconds(3600);
constexpr engine::Time chunk = engine::seconds(30);

bool settled(scenarios::World& world, std::uint64_t messages) {
  const engine::SubmissionCounts submitted = submission_counts(world);
  return submitted.submitted == messages && submitted.running() == 0 && world.ledger.counts().queued == 0;
}

std::vector<std::string> accounting_problems(scenarios::World& world, std::uint64_t messages) {
  std::vector<std::string> problems;
  const engine::SubmissionCounts submitted = submission_counts(world);
  const engine::LedgerCounts counts = world.ledger.counts();
  if (submitted.submitted != messages)
    problems.push_back(std::to_string(messages) + " messages generated but " + std::to_string(submitted.submitted) +
                       " submitted");
  if (submitted.running() != 0)
    problems.push_back(std::to_string(submitted.running()) + " submissions never finished");
  if (world.ledger.entries().size() != submitted.accepted)
    problems.push_back(std::to_string(submitted.accepted) + " submissions accepted but the ledger holds " +
                       std::to_string(world.ledger.entries().size()) + " messages");
  if (counts.queued != 0)
    problems.push_back(std::to_string(counts.queued) + " copies still queued " +
                       engine::format_seconds(settle_limit) + " s after the last submission");
  return problems;
}

}  // namespace

std::string mail_benchmark_scenario(const MailBenchmarkOptions& o) {
  std::ostringstream text;
  text << "name: bench-mail\n"
       << "seed: " << o.seed << "\n"
       << "generate:\n"
       << "  domains: {count: " << o.domains << ", users: " << o.users << ", loss: " << o.loss
       << ", starttls: " << (o.tls ? "true" : "false") << "}\n"
       << "  traffic:\n"
       << "    - {count: " << o.messages << ", rate: " << o.rate << "/s, size: [500, 4KB]"
       << (o.tls ? ", tls: true" : "") << "}\n";
  return text.str();
}

int run_mail_benchmark(const MailBenchmarkOptions& options, std::ostream& out, std::ostream& errors) {
  RunMeter meter;
  scenarios::Diagnostics diagnostics;
  auto world = scenarios::load_world_from_string(mail_benchmark_scenario(options), "bench-mail", std::nullopt,
                                                 diagnostics);
  if (!world) {
    errors << diagnostics.to_string();
    return 2;
  }
  // Nobody reads this run's records: none is kept, fingerprinted or even made (Trace::wanted),
  // as with `maillab run --trace none`; `records=` still counts them.
  world->simulator.trace().set_keep_records(false);
  world->simulator.trace().set_fingerprinting(false);
  meter.loaded();
  // In chunks until every message has met its fate, or the world stops moving.
  const engine::Time last_submission = engine::seconds(1) + static_cast<engine::Time>(
                                                                static_cast<double>(options.messages) / options.rate * 1e6);
  engine::Time until = 0;
  while (world->simulator.pending() > 0) {
    until += chunk;
    world->simulator.run_until(until);
    if (until > last_submission && settled(*world, options.messages)) break;
    if (until > last_submission + settle_limit) break;
  }
  meter.finished();
  out << "domains=" << options.domains << "\nusers=" << options.users << "\nmessages=" << options.messages
      << "\nsimulated_s=" << engine::format_seconds(world->simulator.now()) << "\n";
  return meter.print(out, *world, accounting_problems(*world, options.messages)) == 0 ? 0 : 1;
}

}  // namespace maillab::bench
