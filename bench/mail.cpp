#include "bench/mail.h"

#include <ctime>
#include <iomanip>
#include <sstream>
#include <unordered_set>
#include <vector>

#include "bench/openssl_floor.h"
#include "bench/run_stats.h"
#include "engine/hosts/auth/dkim_signer.h"
#include "engine/hosts/mailbox/file_spool.h"
#include "scenarios/bounded_run.h"
#include "scenarios/loader.h"
#include "scenarios/modules/generate_module.h"

namespace maillab::bench {
namespace {

// How long the world may keep going after the last submission before the run is called stuck:
// longer than a lost packet's retransmissions and a first queue retry, far less than a queue's
// lifetime.
constexpr engine::Time settle_limit = engine::seconds(3600);

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
  if (world.ledger.messages() != submitted.accepted)
    problems.push_back(std::to_string(submitted.accepted) + " submissions accepted but the ledger holds " +
                       std::to_string(world.ledger.messages()) + " messages");
  if (counts.queued != 0)
    problems.push_back(std::to_string(counts.queued) + " copies still queued " +
                       engine::format_seconds(settle_limit) + " s after the last submission");
  return problems;
}

// What the kept records hold: their payload bytes as kept (a hop's own IPv4 header, and the
// transport bytes it shares with the other hops of its packet, counted once), and what one copy
// of the packet per hop would have held.
void print_kept_trace(const std::vector<engine::TraceRecord>& records, std::ostream& out) {
  std::unordered_set<const void*> tails;
  std::uint64_t kept = 0, per_hop_copies = 0;
  for (const engine::TraceRecord& record : records) {
    per_hop_copies += record.payload.size();
    kept += record.payload.head_size();
    if (record.payload.tail_identity() && tails.insert(record.payload.tail_identity()).second)
      kept += record.payload.tail_size();
  }
  out << "kept_records=" << records.size() << "\nkept_payload_bytes=" << kept
      << "\nkept_payload_bytes_if_copied_per_hop=" << per_hop_copies << "\n";
}

// Loads and runs one world; prints its figures when `figures` is set. `run_cpu_s` is the CPU the
// run took (not the load), for comparing two runs in one process.
int run_world(const MailBenchmarkOptions& options, std::ostream* figures, std::ostream& errors, double& run_cpu_s) {
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
  world->simulator.trace().set_keep_records(options.keep_trace);
  world->simulator.trace().set_fingerprinting(false);
  std::shared_ptr<engine::FileSpool> spool;
  if (!options.mailboxes_in_memory) {
    engine::FileSpool::Opened opened = engine::FileSpool::open();
    if (!opened.spool) {
      errors << "maillab bench mail: " << opened.error << " (or run with --mailboxes-in-memory)\n";
      return 1;
    }
    spool = std::move(opened.spool);
    scenarios::spool_mailboxes(*world, spool);
  }
  meter.loaded();
  const std::clock_t cpu_start = std::clock();
  // Until every message has met its fate, or the world stops moving, with the ledger folded as it
  // goes (scenarios/bounded_run.h): memory follows the mail in flight.
  const engine::Time last_submission = engine::seconds(1) + static_cast<engine::Time>(
                                                                static_cast<double>(options.messages) / options.rate * 1e6);
  const engine::Time give_up = last_submission + settle_limit;
  scenarios::run_world_folding(*world, give_up + scenarios::fold_interval, scenarios::fold_interval, [&] {
    const engine::Time now = world->simulator.now();
    return world->simulator.pending() > 0 && now <= give_up && !(now > last_submission && settled(*world, options.messages));
  });
  meter.finished();
  run_cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::vector<std::string> problems = accounting_problems(*world, options.messages);
  if (!figures) return problems.empty() && RunMeter::conservation_problems(*world).empty() ? 0 : 1;
  *figures << "domains=" << options.domains << "\nusers=" << options.users << "\nmessages=" << options.messages
           << "\nsimulated_s=" << engine::format_seconds(world->simulator.now()) << "\n";
  print_mailbox_figures(*figures, spool.get());
  if (options.keep_trace) print_kept_trace(world->simulator.trace().records(), *figures);
  return meter.print(*figures, *world, std::move(problems)) == 0 ? 0 : 1;
}

// --dkim: what signing and verifying added per message (this run's CPU less the same world's
// without DKIM), against OpenSSL's floor for the same key: one signature and one verification,
// timed as `openssl speed` times them (bench/openssl_floor.h).
void print_dkim_cost(const MailBenchmarkOptions& options, double dkim_run_cpu_s, double plain_run_cpu_s,
                     std::ostream& out) {
  const auth::DkimKey key = engine::deterministic_dkim_key(
      options.seed, "generated.invalid", scenarios::generate_module::generated_dkim_selector,
      options.dkim == "ed25519" ? auth::DkimKeyType::ed25519 : auth::DkimKeyType::rsa, 2048);
  // In CPU time, as `openssl speed` times by default and as the two runs above are measured.
  std::string signature;
  const int rounds = 1000;
  const double sign_us = time_sign(key.evp(), rounds, signature, FloorClock::process_cpu);
  const double verify_us = time_verify(key.evp(), rounds, signature, FloorClock::process_cpu);
  const double floor_us = sign_us + verify_us;
  const double per_message_us =
      (dkim_run_cpu_s - plain_run_cpu_s) * 1e6 / static_cast<double>(options.messages);
  out << std::fixed << std::setprecision(1) << "dkim=" << (options.dkim == "ed25519" ? "ed25519" : "rsa-2048")
      << "\nplain_run_cpu_s=" << std::setprecision(3) << plain_run_cpu_s << "\ndkim_run_cpu_s=" << dkim_run_cpu_s
      << std::setprecision(1) << "\ndkim_us_per_message=" << per_message_us
      << "\nopenssl_sign_us=" << sign_us << "\nopenssl_verify_us=" << verify_us
      << "\nopenssl_sign_verify_us=" << floor_us << std::setprecision(2)
      << "\ndkim_vs_openssl=" << per_message_us / floor_us << "\n";
}

}  // namespace

std::string mail_benchmark_scenario(const MailBenchmarkOptions& o) {
  std::ostringstream text;
  text << "name: bench-mail\n"
       << "seed: " << o.seed << "\n"
       << "generate:\n"
       << "  domains: {count: " << o.domains << ", users: " << o.users << ", loss: " << o.loss
       << ", starttls: " << (o.tls ? "true" : "false") << (o.dkim.empty() ? "" : ", dkim: " + o.dkim) << "}\n"
       << "  traffic:\n"
       << "    - {count: " << o.messages << ", rate: " << o.rate << "/s, size: [500, 4KB]"
       << (o.tls ? ", tls: true" : "") << "}\n";
  return text.str();
}

int run_mail_benchmark(const MailBenchmarkOptions& options, std::ostream& out, std::ostream& errors) {
  double plain_run_cpu_s = 0, run_cpu_s = 0;
  if (!options.dkim.empty()) {
    // The plain world twice, the first untimed: the first world a process runs also pays for its
    // heap's first growth and cold caches (~50 us a message at 20 domains, 2,000 messages), which
    // counted against the plain run made DKIM look cheaper than it is.
    MailBenchmarkOptions plain = options;
    plain.dkim.clear();
    for (int run = 0; run < 2; ++run) {
      if (const int status = run_world(plain, nullptr, errors, plain_run_cpu_s); status != 0) return status;
    }
  }
  const int status = run_world(options, &out, errors, run_cpu_s);
  if (!options.dkim.empty()) print_dkim_cost(options, run_cpu_s, plain_run_cpu_s, out);
  return status;
}

}  // namespace maillab::bench
